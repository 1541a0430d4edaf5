import sanitizeHtml from 'sanitize-html';

/**
 * Makes the HTML body of a message safe to put inside a portal page. Messages come
 * from the SMTP gateway as whatever Outlook or a mail merge produced, so the body is
 * untrusted markup shown on a signed-in page: anything that could run, load, submit or
 * pass itself off as the portal must go. The rules are an allowlist (decision 0012):
 *
 * - only text-level and block tags (paragraphs, lists, tables, emphasis, links), never
 *   script, style, iframe, object, embed, form controls, base, meta, link or svg; the
 *   content of script, style and the like is dropped with them, other unknown tags
 *   keep their text;
 * - no `on*`, `style`, `class` or `id` attribute: no script, no CSS, and nothing that
 *   could borrow the portal's own classes (a fake "Sign in" button) or its ids;
 * - no remote content: an image is kept only as an inline `data:` PNG, JPEG, GIF or
 *   WebP (never SVG), so opening a message cannot tell a tracker that it was read;
 * - links only to http(s) or mailto addresses (no relative links, no javascript:, no
 *   data:), and every web link opens in a new tab with `rel="noopener noreferrer"`;
 * - headings become `h3`, below the page's own `h1` and `h2`, so the page outline holds.
 *
 * The CSP (no inline script or style) is the second line of defence behind this one.
 */
export function sanitiseMessageHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

const HEADING = 'h3';
const IMAGE_DATA_URI = /^data:image\/(?:png|jpeg|jpg|gif|webp);base64,[a-z0-9+/=\s]+$/i;
const WEB_LINK = /^https?:\/\//i;
const MAIL_LINK = /^mailto:/i;
const DIMENSION = /^\d{1,4}$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'div',
    'span',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'strike',
    'del',
    'ins',
    'sub',
    'sup',
    'small',
    'mark',
    'abbr',
    'blockquote',
    'q',
    'cite',
    'pre',
    'code',
    'hr',
    'h3',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'table',
    'caption',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'a',
    'img',
  ],
  // Unknown tags go but keep their text; these go with everything inside them.
  disallowedTagsMode: 'discard',
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'select',
    'noscript',
    'title',
    'head',
    'template',
    'iframe',
    'object',
    'embed',
    'svg',
    'math',
    'xmp',
    'noembed',
    'noframes',
    'plaintext',
    'button',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'width', 'height'],
    abbr: ['title'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  allowedStyles: {},
  allowVulnerableTags: false,
  parseStyleAttributes: false,
  transformTags: {
    h1: HEADING,
    h2: HEADING,
    h3: HEADING,
    h4: HEADING,
    h5: HEADING,
    h6: HEADING,
    a: (tagName, attribs) => {
      const href = (attribs.href ?? '').trim();
      const out: sanitizeHtml.Attributes = {};
      if (attribs.title) out.title = attribs.title;
      if (WEB_LINK.test(href)) {
        out.href = href;
        out.target = '_blank';
        out.rel = 'noopener noreferrer';
      } else if (MAIL_LINK.test(href)) {
        out.href = href;
        out.rel = 'noopener noreferrer';
      }
      return { tagName, attribs: out };
    },
    img: (tagName, attribs) => {
      const out: sanitizeHtml.Attributes = {};
      const src = attribs.src ?? '';
      if (IMAGE_DATA_URI.test(src)) out.src = src.replace(/\s+/g, '');
      out.alt = attribs.alt ?? '';
      for (const name of ['width', 'height'] as const) {
        const value = attribs[name];
        if (value && DIMENSION.test(value)) out[name] = value;
      }
      return { tagName, attribs: out };
    },
  },
  // An image that lost its source (remote, or a type we do not show) goes entirely.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};
