import { decodeWindows1252 } from './decode-text.ts';

// Groups that hold no text a reader sees: tables of fonts, colours and styles,
// document properties, pictures, and every `{\*...}` destination.
const HIDDEN_GROUPS = new Set([
  'fonttbl',
  'colortbl',
  'stylesheet',
  'info',
  'pict',
  'header',
  'footer',
  'object',
  'themedata',
  'datastore',
  'latentstyles',
]);

/**
 * The text of an RTF document, in one pass: paragraphs and rows on their own lines,
 * cells and tabs apart, `\'hh` and `\uN` characters decoded, and hidden groups
 * skipped by counting braces forward (so the cost stays linear however deep the
 * groups nest).
 */
export function rtfToText(rtf: string): string {
  const out: string[] = [];
  let i = 0;
  const n = rtf.length;
  const skipGroup = (from: number): number => {
    // `from` is just after the `{`; returns the index after the matching `}`.
    let depth = 1;
    let j = from;
    while (j < n && depth > 0) {
      const c = rtf[j];
      if (c === '\\') j += 2;
      else {
        if (c === '{') depth++;
        else if (c === '}') depth--;
        j++;
      }
    }
    return j;
  };
  while (i < n) {
    const c = rtf[i] as string;
    if (c === '{') {
      const word = /^\{\\(\*|[a-z]+)/.exec(rtf.slice(i, i + 24));
      if (word && (word[1] === '*' || HIDDEN_GROUPS.has(word[1] as string))) {
        i = skipGroup(i + 1);
        continue;
      }
      i++;
      continue;
    }
    if (c === '}' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c !== '\\') {
      out.push(c);
      i++;
      continue;
    }
    const next = rtf[i + 1];
    if (next === '\\' || next === '{' || next === '}') {
      out.push(next);
      i += 2;
      continue;
    }
    if (next === "'") {
      const code = Number.parseInt(rtf.slice(i + 2, i + 4), 16);
      if (!Number.isNaN(code)) out.push(decodeWindows1252(new Uint8Array([code])));
      i += 4;
      continue;
    }
    if (next === '~') {
      out.push('\u00a0');
      i += 2;
      continue;
    }
    if (next === '\n' || next === '\r') {
      out.push('\n');
      i += 2;
      continue;
    }
    const control = /^\\([a-z]{1,32})(-?\d{1,10})? ?/.exec(rtf.slice(i, i + 48));
    if (!control) {
      i += 2;
      continue;
    }
    i += control[0].length;
    const word = control[1] as string;
    if (word === 'par' || word === 'line' || word === 'row' || word === 'sect' || word === 'page') {
      out.push('\n');
    } else if (word === 'tab' || word === 'cell') {
      out.push('\t');
    } else if (word === 'u' && control[2] !== undefined) {
      const code = Number(control[2]);
      out.push(String.fromCharCode(code < 0 ? code + 65536 : code));
      // The fallback character for readers without Unicode follows; drop it.
      if (rtf[i] === '?' || (rtf[i] !== '\\' && rtf[i] !== '{' && rtf[i] !== '}')) i++;
    }
  }
  return out.join('');
}
