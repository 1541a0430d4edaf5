import sanitizeHtml from 'sanitize-html';
import type { HtmlSafety } from '../../core/lifecycle/safe-bodies.ts';
import { countImages, htmlToPlainText, nestsDeeperThan } from './html-shape.ts';

/**
 * The deepest nesting of elements kept. Real mail nests a few dozen levels (Outlook's
 * tables in tables reach about 40); the sanitiser's cost grows faster than linearly
 * with depth, so deeper HTML is refused before it is parsed and the text shown instead.
 */
export const MAX_HTML_DEPTH = 200;

/** The largest HTML body made safe (characters); a larger one is refused, its text shown. */
export const MAX_HTML_LENGTH = 2 * 1024 * 1024;

/**
 * The most images an HTML body may hold. Real mail has a few dozen at most (a
 * newsletter, a signature); each image the sanitiser drops costs the length of its
 * output so far, so at 2 MB, 200 dropped images cost about 0.3 s.
 */
export const MAX_HTML_IMAGES = 200;

/** Why an HTML body was not kept as HTML. */
export type HtmlRefusal = 'too-deep' | 'too-large' | 'too-many-images';

/**
 * The result of making a mail's HTML safe once, when it is accepted: the HTML to store
 * and show as it is (never sanitised again), and the inline parts it places. An inline
 * image `cid:` reference to a part of the mail becomes `cid:N`, N the part's position
 * among the message's files, which the page turns into a link to that file; `placed`
 * lists those positions.
 */
export type SafeHtml =
  | { ok: true; html: string; placed: Set<number> }
  | { ok: false; reason: HtmlRefusal };

/**
 * Makes an inbound HTML body safe, in bounded time: refuses it, without parsing it,
 * when it is longer than MAX_HTML_LENGTH or nests deeper than MAX_HTML_DEPTH (a linear
 * pre-scan), and otherwise sanitises it with `sanitiseMessageHtml`. `inline` maps a
 * Content-ID (without angle brackets, any case) to the position of its part.
 */
export function makeHtmlSafe(
  html: string,
  inline: ReadonlyMap<string, number> = new Map(),
): SafeHtml {
  if (html.length > MAX_HTML_LENGTH) return { ok: false, reason: 'too-large' };
  if (nestsDeeperThan(html, MAX_HTML_DEPTH)) return { ok: false, reason: 'too-deep' };
  if (countImages(html, MAX_HTML_IMAGES + 1) > MAX_HTML_IMAGES) {
    return { ok: false, reason: 'too-many-images' };
  }
  const placed = new Set<number>();
  return { ok: true, html: sanitiseMessageHtml(html, { inline, placed }), placed };
}

/**
 * Makes the HTML body of a message safe to put inside a portal page. Run once, when
 * the mail is accepted (through `makeHtmlSafe`, which bounds its cost); the stored
 * result is shown as it is, so a page view never runs it. Messages come
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
export function sanitiseMessageHtml(
  html: string,
  cids: { inline: ReadonlyMap<string, number>; placed: Set<number> } = {
    inline: new Map(),
    placed: new Set(),
  },
): string {
  return sanitizeHtml(html, {
    ...OPTIONS,
    transformTags: {
      ...OPTIONS.transformTags,
      img: (tagName, attribs) => imageTag(tagName, attribs, cids),
    },
  });
}

/** A Content-ID as a `cid:` URL gives it (RFC 2392: percent-encoded, no angle brackets). */
function contentIdOf(src: string): string {
  let id = src.slice(4).trim();
  try {
    id = decodeURIComponent(id);
  } catch {
    // Not percent-encoded after all: use it as it is.
  }
  return id.replace(/^<|>$/g, '').toLowerCase();
}

/**
 * An image keeps an inline data: source, or a cid: source that names an inline part
 * of the mail (rewritten to `cid:N`, its position); anything else loses its source and
 * goes (exclusiveFilter), so no image is ever fetched from elsewhere. sanitize-html
 * removes a filtered element by cutting its output string, which costs the output's
 * length each time (60,000 remote images in 1.5 MB took 11 s), so the pre-scan
 * refuses HTML with more than MAX_HTML_IMAGES images.
 */
function imageTag(
  tagName: string,
  attribs: sanitizeHtml.Attributes,
  cids: { inline: ReadonlyMap<string, number>; placed: Set<number> },
): sanitizeHtml.Tag {
  const out: sanitizeHtml.Attributes = {};
  const src = (attribs.src ?? '').trim();
  if (IMAGE_DATA_URI.test(src)) out.src = src.replace(/\s+/g, '');
  else if (/^cid:/i.test(src)) {
    const position = cids.inline.get(contentIdOf(src));
    if (position !== undefined) {
      out.src = `cid:${position}`;
      cids.placed.add(position);
    }
  }
  out.alt = attribs.alt ?? '';
  for (const name of ['width', 'height'] as const) {
    const value = attribs[name];
    if (value && DIMENSION.test(value)) out[name] = value;
  }
  return { tagName, attribs: out };
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
  allowedSchemesByTag: { img: ['data', 'cid'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  // An image that lost its source (remote, or a type we do not show) goes entirely.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
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
  },
};

/**
 * The HTML-safety port of the lifecycle jobs (core/lifecycle/safe-bodies.ts): the
 * same rule as intake, and the text when the HTML is refused.
 */
export const htmlSafety: HtmlSafety = {
  makeSafe(html) {
    const safe = makeHtmlSafe(html);
    return safe.ok ? { ok: true, html: safe.html } : { ok: false, text: htmlToPlainText(html) };
  },
};
