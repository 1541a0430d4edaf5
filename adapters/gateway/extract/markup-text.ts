import { decodeHTML, decodeXML } from 'entities';

/** One tag met by `walkMarkup`: its lower-case name (with any prefix), and how it was written. */
export type Tag = {
  name: string;
  /** `</p>` */
  isClose: boolean;
  /** `<br/>` */
  isSelfClosing: boolean;
  /** The whole tag as written, for reading an attribute. */
  raw: string;
};

/**
 * Walks HTML or XML once, left to right, calling `onText` with each run of text
 * (entities decoded) and `onTag` with each tag. Comments, processing instructions
 * and doctype are skipped; CDATA is text. `onTag` may return a position to resume
 * at (to skip the contents of `<script>`).
 *
 * No tree and no stack of open elements: every step moves forward with indexOf,
 * so the cost is linear in the length whatever the nesting (a megabyte of nested
 * `<div>` costs what a megabyte of text does). A parser that builds a tree, or
 * matches closing tags against a stack, is super-linear on such input.
 */
export function walkMarkup(
  markup: string,
  args: {
    isXml: boolean;
    onText: (text: string) => void;
    onTag: (tag: Tag, end: number) => number | undefined;
  },
): void {
  const decode = args.isXml ? decodeXML : decodeHTML;
  const text = (s: string) => {
    if (s.length > 0) args.onText(s.includes('&') ? decode(s) : s);
  };
  let at = 0;
  const length = markup.length;
  while (at < length) {
    const open = markup.indexOf('<', at);
    if (open < 0) {
      text(markup.slice(at));
      return;
    }
    text(markup.slice(at, open));
    if (markup.startsWith('<!--', open)) {
      const end = markup.indexOf('-->', open + 4);
      at = end < 0 ? length : end + 3;
      continue;
    }
    if (markup.startsWith('<![CDATA[', open)) {
      const end = markup.indexOf(']]>', open + 9);
      args.onText(markup.slice(open + 9, end < 0 ? length : end));
      at = end < 0 ? length : end + 3;
      continue;
    }
    const next = markup.charCodeAt(open + 1);
    const isName = (c: number) =>
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 47 || c === 33 || c === 63;
    if (!isName(next)) {
      // A lone `<` (`a < b`) is text.
      text('<');
      at = open + 1;
      continue;
    }
    const close = markup.indexOf('>', open + 1);
    if (close < 0) return;
    at = close + 1;
    if (next === 33 || next === 63) continue; // <!doctype ...>, <?xml ...?>
    const raw = markup.slice(open, close + 1);
    const isClose = next === 47;
    const nameStart = isClose ? open + 2 : open + 1;
    let nameEnd = nameStart;
    while (nameEnd < close) {
      const c = markup.charCodeAt(nameEnd);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47 || c === 62) break;
      nameEnd++;
    }
    const tag: Tag = {
      name: markup.slice(nameStart, nameEnd).toLowerCase(),
      isClose,
      isSelfClosing: markup.charCodeAt(close - 1) === 47,
      raw,
    };
    const resume = args.onTag(tag, at);
    if (resume !== undefined && resume > at) at = resume;
  }
}

/** The value of attribute `name` in a raw tag, entities not decoded, or null. */
export function attributeOf(raw: string, name: string): string | null {
  const at = raw.indexOf(` ${name}=`);
  if (at < 0) return null;
  const start = at + name.length + 2;
  const quote = raw[start];
  if (quote === '"' || quote === "'") {
    const end = raw.indexOf(quote, start + 1);
    return end < 0 ? null : raw.slice(start + 1, end);
  }
  const end = raw.slice(start).search(/[\s/>]/);
  return end < 0 ? null : raw.slice(start, start + end);
}

const HTML_BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'caption',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'option',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'title',
  'tr',
  'ul',
]);
const HTML_CELLS = new Set(['td', 'th']);
// Elements whose content is never shown as text.
const HTML_HIDDEN = new Set(['script', 'style', 'template', 'svg', 'math', 'object']);

/**
 * The text of an HTML document or fragment as a reader sees it: blocks on their own
 * lines, table cells apart, script and style left out. Linear in the length (see
 * walkMarkup), so hostile nesting costs no more than plain text.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  walkMarkup(html, {
    isXml: false,
    onText: (s) => out.push(s),
    onTag: (tag, end) => {
      if (HTML_BLOCKS.has(tag.name)) out.push('\n');
      else if (HTML_CELLS.has(tag.name)) out.push('\t');
      else if (!tag.isClose && !tag.isSelfClosing && HTML_HIDDEN.has(tag.name)) {
        // Skip to the matching close tag by a forward search: no nesting to track.
        const closing = indexOfCaseless(html, `</${tag.name}`, end);
        return closing < 0 ? html.length : closing;
      }
      return undefined;
    },
  });
  return tidyText(out.join(''));
}

function indexOfCaseless(text: string, needle: string, from: number): number {
  const exact = text.indexOf(needle, from);
  const upper = text.indexOf(needle.toUpperCase(), from);
  if (exact < 0) return upper;
  if (upper < 0) return exact;
  return Math.min(exact, upper);
}

/**
 * Text from an XML part of an office file: `breaks` end a line (paragraphs, rows,
 * line breaks), `tabs` separate (cells, tab stops), `spaces` stand for a blank
 * (ODF's `<text:s/>`). Every other tag joins its neighbours with nothing, since
 * Word splits a single word or number across runs.
 */
export function xmlToText(
  xml: string,
  args: { breaks: Set<string>; tabs: Set<string>; spaces?: Set<string> },
): string {
  const out: string[] = [];
  walkMarkup(xml, {
    isXml: true,
    onText: (s) => out.push(s),
    onTag: (tag) => {
      if (args.breaks.has(tag.name) && (tag.isClose || tag.isSelfClosing)) out.push('\n');
      else if (args.tabs.has(tag.name) && (tag.isClose || tag.isSelfClosing)) out.push('\t');
      else if (args.spaces?.has(tag.name)) out.push(' ');
      return undefined;
    },
  });
  return tidyText(out.join(''));
}

/** Folds runs of blank lines to one, so extracted text stays compact. Linear. */
export function tidyText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n[ \t]*(?=\n)/g, '');
}
