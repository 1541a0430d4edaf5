/** The text encodings a file of text may come in, as sniffed from its bytes. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

// How much of a file's head is looked at to guess what it is.
const SNIFF_BYTES = 8192;

/**
 * The encoding of a text file told by its byte order mark, or by the pattern of
 * zero bytes UTF-16 leaves in ASCII-range text (every other byte zero), or null
 * when neither says UTF-16. Windows tools (Notepad, PowerShell redirection,
 * Excel's "Unicode text" export) write UTF-16 with or without a BOM.
 */
export function sniffUnicode(bytes: Uint8Array): { encoding: TextEncoding; bom: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: 'utf-8', bom: 3 };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  // Mostly-ASCII UTF-16: nearly every high byte is zero and almost no low byte is.
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return { encoding: 'utf-16le', bom: 0 };
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return { encoding: 'utf-16be', bom: 0 };
  return null;
}

/** True when `bytes` hold a zero byte in their head: binary, unless UTF-16 (sniffed first). */
export function hasZeroByte(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, SNIFF_BYTES);
  return head.includes(0);
}

function decoderFor(label: string | undefined): TextDecoder | null {
  if (!label) return null;
  try {
    return new TextDecoder(label.trim().toLowerCase());
  } catch {
    return null;
  }
}

/**
 * The text of `bytes` read as text: a BOM or UTF-16 pattern first, then the
 * declared charset, then UTF-8 if the bytes are valid UTF-8, else Windows-1252
 * (what a UK council's older systems write).
 */
export function decodeText(bytes: Uint8Array, charset?: string): string {
  const unicode = sniffUnicode(bytes);
  if (unicode) return new TextDecoder(unicode.encoding).decode(bytes.subarray(unicode.bom));
  const declared = decoderFor(charset);
  if (declared?.encoding === 'windows-1252') return decodeWindows1252(bytes);
  if (declared && declared.encoding !== 'utf-8') return declared.decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

// Windows-1252's printable characters at 0x80 to 0x9F (ISO-8859-1 has controls
// there). Node 20's TextDecoder reads the `windows-1252` label as ISO-8859-1, so
// smart quotes, the euro sign and dashes are mapped here.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Windows-1252 bytes as text. */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = new TextDecoder('latin1').decode(bytes);
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string);
}

/**
 * True when decoded `text` reads as text rather than a binary file decoded by
 * mistake: few control characters other than tab, line breaks and form feed,
 * and few replacement characters.
 */
export function looksLikeText(text: string): boolean {
  const sample = text.slice(0, SNIFF_BYTES);
  if (sample.length === 0) return true;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0xfffd) odd++;
  }
  return odd <= sample.length * 0.02;
}
