/**
 * Characters that change how text is shown without being seen: the C0 and C1 control
 * characters, the bidirectional embeddings, overrides and isolates (U+202A-202E,
 * U+2066-2069) that can reverse a run of text (`invoice\u202efdp.exe` reads as a PDF;
 * a subject can read as the opposite of what it says), the directional marks, the
 * zero-width characters (U+200B-200F, U+2060-2064), the Arabic letter mark (U+061C),
 * the Mongolian vowel separator (U+180E), the interlinear annotation characters
 * (U+FFF9-FFFB) and the byte order mark.
 */
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

/**
 * The one rule for a line of text a sender chose and other people read: subjects,
 * display names and file names. Unicode NFC; invisible and control characters (see
 * above) become a space where they could separate words (tabs, line breaks) and go
 * otherwise; runs of white space become one space; trimmed.
 */
export function cleanLine(value: string): string {
  return value
    .normalize('NFC')
    .replace(/[\t\n\v\f\r\u0085]/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `cleanLine`, cut to at most `max` characters with an ellipsis when cut. */
export function cleanLineMax(value: string, max: number): string {
  const line = cleanLine(value);
  const chars = [...line];
  return chars.length > max
    ? `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`
    : line;
}
