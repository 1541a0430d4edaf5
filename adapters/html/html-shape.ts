import { decodeHTML } from 'entities';

/**
 * Linear-time looks at untrusted HTML, made before (or instead of) parsing it: how
 * deeply its elements nest, and its text. Both walk the markup once with `indexOf`,
 * never backtrack, and hold at most `limit` open elements, so a 1 MB body built to be
 * slow (a million nested `<div>`s, a `<` with no `>`) costs what any 1 MB body costs.
 */

/** Elements that never hold content, so never nest. */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/** Elements whose end tag may be left out: a new one closes the one still open. */
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option']);

/**
 * Elements whose content is raw text, not markup (a `<div>` inside a `<script>` is
 * text): exactly the ones the sanitiser's parser (htmlparser2) treats so. Treating
 * another one as raw text here (`noembed`, `noframes`, `xmp`) would hide nesting from
 * this count that the parser then builds.
 */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);

type Tag = { name: string; closing: boolean; selfClosing: boolean; end: number };

/**
 * Finds the next '>' at or after a position, for positions that only grow: the last
 * answer is reused while it is still ahead, so all the searches of one walk read the
 * text once (`<a<a<a...` without any '>' would otherwise cost a scan per '<').
 */
function gtFinder(html: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found === -1 || (found >= from && found !== -2)) return found;
    found = html.indexOf('>', from);
    return found;
  };
}

/** The tag starting at `at` (a '<'), or null when it is not one (text, comment, doctype). */
function tagAt(html: string, at: number, nextGt: (from: number) => number): Tag | null {
  let i = at + 1;
  const closing = html.charCodeAt(i) === 47; // '/'
  if (closing) i++;
  const start = i;
  while (i < html.length) {
    const c = html.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    const rest = letter || (c >= 48 && c <= 57) || c === 45 || c === 58; // digits, '-', ':'
    if (i === start ? !letter : !rest) break;
    i++;
  }
  if (i === start) return null;
  const end = nextGt(i);
  if (end === -1) return null;
  return {
    name: html.slice(start, i).toLowerCase(),
    closing,
    selfClosing: html.charCodeAt(end - 1) === 47,
    end: end + 1,
  };
}

/** Where the markup after `from` continues once a comment, doctype or raw-text element ends. */
function skipSpecial(html: string, at: number): number | null {
  if (html.startsWith('<!--', at)) {
    const end = html.indexOf('-->', at + 4);
    return end === -1 ? html.length : end + 3;
  }
  if (html.startsWith('<!', at) || html.startsWith('<?', at)) {
    const end = html.indexOf('>', at + 2);
    return end === -1 ? html.length : end + 1;
  }
  return null;
}

/** The index after the end tag of raw-text element `name` whose content starts at `from`. */
function skipRawText(html: string, lower: () => string, name: string, from: number): number {
  const end = lower().indexOf(`</${name}`, from);
  if (end === -1) return html.length;
  const close = html.indexOf('>', end);
  return close === -1 ? html.length : close + 1;
}

/**
 * True when elements in `html` nest deeper than `limit`: the number a parser's stack
 * would reach, counted as browsers do (void elements and `/>` do not nest; a `<p>`,
 * `<li>`, `<td>` ... closes an open sibling of its kind; an end tag closes up to its
 * match). Stops at the first element past the limit.
 */
export function nestsDeeperThan(html: string, limit: number): boolean {
  const stack: string[] = [];
  const nextGt = gtFinder(html);
  let lowered: string | null = null;
  const lower = () => {
    lowered ??= html.toLowerCase();
    return lowered;
  };
  let at = html.indexOf('<');
  while (at !== -1) {
    const special = skipSpecial(html, at);
    if (special !== null) {
      at = html.indexOf('<', special);
      continue;
    }
    const tag = tagAt(html, at, nextGt);
    if (!tag) {
      at = html.indexOf('<', at + 1);
      continue;
    }
    let next = tag.end;
    if (tag.closing) {
      const open = stack.lastIndexOf(tag.name);
      if (open !== -1) stack.length = open;
    } else if (!VOID.has(tag.name)) {
      // `<div/>` opens a div like `<div>` does: in HTML the slash means nothing on an
      // element that is not void, and the parser nests what follows inside it.
      if (SELF_CLOSING_SIBLINGS.has(tag.name) && stack[stack.length - 1] === tag.name) stack.pop();
      stack.push(tag.name);
      if (stack.length > limit) return true;
      if (RAW_TEXT.has(tag.name)) {
        next = skipRawText(html, lower, tag.name, tag.end);
        stack.pop();
      }
    }
    at = html.indexOf('<', next);
  }
  return false;
}

/**
 * How many `<img` tags `html` holds, counting up to `stop` (case-insensitive, linear:
 * a forward search, stopping early).
 */
export function countImages(html: string, stop: number): number {
  const pattern = /<img[\s/>]/gi;
  let count = 0;
  while (count < stop && pattern.exec(html) !== null) count++;
  return count;
}

const BLOCK = new Set([
  'address',
  'article',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tr',
  'ul',
]);

/**
 * The text of `html`, in linear time: tags dropped (block elements become line
 * breaks), comments and the content of script, style and the like dropped, character
 * references decoded, runs of spaces and blank lines collapsed. Not a renderer: it is
 * for reading (the DLP policy, a body whose HTML was refused), never for display as HTML.
 */
export function htmlToPlainText(html: string): string {
  const out: string[] = [];
  const nextGt = gtFinder(html);
  let lowered: string | null = null;
  const lower = () => {
    lowered ??= html.toLowerCase();
    return lowered;
  };
  let from = 0;
  let at = html.indexOf('<');
  while (at !== -1) {
    const special = skipSpecial(html, at);
    const tag = special === null ? tagAt(html, at, nextGt) : null;
    if (special === null && !tag) {
      at = html.indexOf('<', at + 1);
      continue;
    }
    out.push(html.slice(from, at));
    let next = special ?? (tag as Tag).end;
    if (tag) {
      if (BLOCK.has(tag.name)) out.push('\n');
      else if (tag.name === 'td' || tag.name === 'th') out.push('\t');
      if (!tag.closing && RAW_TEXT.has(tag.name))
        next = skipRawText(html, lower, tag.name, tag.end);
      if (!tag.closing && tag.name === 'head') {
        const end = lower().indexOf('</head', tag.end);
        if (end !== -1) next = Math.max(next, html.indexOf('>', end) + 1 || html.length);
      }
    }
    from = next;
    at = html.indexOf('<', next);
  }
  out.push(html.slice(from));
  return decodeHTML(out.join(''))
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
