/**
 * What the words just before a candidate number say it is. Check digits cannot
 * tell an NHS number from an ISBN-10 (the same modulus 11), a card number from a
 * parcel's tracking number (both Luhn), so the label in front of the number
 * decides, as a person reading it would.
 */

// How far back a label is looked for. A digit or a line break in between ends it.
const LABEL_SPAN = 40;

// Words that only link a label to its number: "Tracking number:", "Order no. #".
const FILLER = new Set([
  'number',
  'no',
  'num',
  'nos',
  'ref',
  'reference',
  'id',
  'is',
  'the',
  'your',
  'our',
  'code',
  'of',
  'a',
  'for',
  'on',
  'with',
  'nr',
]);

/**
 * The last word of the label in front of `index`, lower case, after dropping
 * filler ("number", "no.", "ref"): `tracking` for "Tracking number: 4111...",
 * `nhs` for "NHS no. 943...". Null when there is none on the same line before the
 * previous number.
 */
export function labelBefore(text: string, index: number): string | null {
  const words = labelWords(text, index);
  while (words.length > 0 && FILLER.has(words[words.length - 1] as string)) words.pop();
  return words[words.length - 1] ?? null;
}

/**
 * Every word of the label in front of `index`, lower case, filler kept: `["claim",
 * "reference"]` for "Claim reference: 787...". Only the same line, and only after
 * the previous number, as labelBefore. `NHS_No` gives `["nhs", "no"]`: an
 * underscore joins words the way a CSV header or a form field name does.
 */
export function labelWords(text: string, index: number): string[] {
  const head = text.slice(Math.max(0, index - LABEL_SPAN), index);
  const cut = Math.max(head.lastIndexOf('\n'), head.search(/\d[^\d]*$/));
  return (cut < 0 ? head : head.slice(cut + 1)).toLowerCase().match(/[a-z]+/g) ?? [];
}

/** True when the character before `index` or at `end` is a letter: the number is cut from a longer code (`1Z215AA8662962769`). */
export function isInsideCode(text: string, index: number, end: number): boolean {
  return /\p{L}/u.test(text[index - 1] ?? '') || /\p{L}/u.test(text[end] ?? '');
}

/** The text in front of `index`, up to `span` characters, across lines: the wider context. */
export function textBefore(text: string, index: number, span: number): string {
  return text.slice(Math.max(0, index - span), index);
}

/** True when the number at `index` follows an ISBN label (`ISBN`, `ISBN-10:`, `ISBN 13`). */
export function isAfterIsbn(text: string, index: number): boolean {
  return /isbn(?:[- ]?1[03])?[^\da-z\n]{0,6}$/i.test(textBefore(text, index, 16));
}

/** True when the number at `index` follows the UK country code: `+44 `, `+44 (0)`, `0044 `. */
export function isAfterCountryCode(text: string, index: number): boolean {
  return /(?:\+|\b00)\s?44\s?(?:\(0\)\s?)?$/.test(textBefore(text, index, 12));
}
