/**
 * Punycode (RFC 3492): the encoding that turns an internationalised domain label such
 * as `bücher` into the ASCII `bcher-kva` that DNS and SMTP carry (as `xn--bcher-kva`).
 *
 * Written here rather than imported because core/ may not use `node:url` or
 * `node:punycode`; the algorithm is short and the tests pin it to the RFC's vectors.
 * It works on Unicode code points, not UTF-16 units, so characters outside the Basic
 * Multilingual Plane count once, as the RFC requires.
 */

const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const DELIMITER = '-';
// The RFC's integers are 26-bit-plus; JavaScript numbers are exact to 2^53, so checking
// against 2^31 - 1 (the RFC's maxint for 32-bit implementations) keeps us portable.
const MAX_INT = 0x7fff_ffff;

/** The prefix that marks an encoded label in a domain name (RFC 5890 "A-label"). */
export const ACE_PREFIX = 'xn--';

function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((BASE - TMIN) * TMAX) >> 1) {
    d = Math.floor(d / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * d) / (d + SKEW));
}

function threshold(k: number, bias: number): number {
  if (k <= bias) return TMIN;
  if (k >= bias + TMAX) return TMAX;
  return k - bias;
}

function digitToChar(d: number): string {
  // 0..25 -> a..z, 26..35 -> 0..9 (lower case, as IDNA wants A-labels).
  return String.fromCharCode(d < 26 ? 97 + d : 22 + d);
}

function charToDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 22; // 0-9
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 97; // a-z
  return BASE;
}

/**
 * Encodes a string of Unicode code points as Punycode (without the `xn--` prefix).
 * Basic (ASCII) code points are copied as they are, so `encodePunycode('abc')` is `abc-`.
 * Throws a RangeError only on overflow, which needs input far longer than any label.
 */
export function encodePunycode(input: string): string {
  const codePoints = Array.from(input, (c) => c.codePointAt(0) as number);
  let output = codePoints
    .filter((c) => c < 0x80)
    .map((c) => String.fromCharCode(c))
    .join('');
  const basicCount = output.length;
  let handled = basicCount;
  if (basicCount > 0) output += DELIMITER;

  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < codePoints.length) {
    let m = Number.POSITIVE_INFINITY;
    for (const c of codePoints) if (c >= n && c < m) m = c;
    if ((m - n) * (handled + 1) > MAX_INT - delta) throw new RangeError('Punycode overflow');
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of codePoints) {
      if (c < n && ++delta > MAX_INT) throw new RangeError('Punycode overflow');
      if (c !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias);
        if (q < t) break;
        output += digitToChar(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += digitToChar(q);
      bias = adapt(delta, handled + 1, handled === basicCount);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

/**
 * Decodes Punycode (without the `xn--` prefix) back to Unicode, or returns null when
 * the input is not valid Punycode. Used to show A-labels to people and in tests.
 */
export function decodePunycode(input: string): string | null {
  const delimiterAt = input.lastIndexOf(DELIMITER);
  const basicEnd = Math.max(delimiterAt, 0);
  const output: number[] = [];
  for (let j = 0; j < basicEnd; j++) {
    const code = input.charCodeAt(j);
    if (code >= 0x80) return null;
    output.push(code);
  }

  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  let at = basicEnd > 0 ? basicEnd + 1 : 0;
  while (at < input.length) {
    const oldI = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (at >= input.length) return null;
      const digit = charToDigit(input.charCodeAt(at++));
      if (digit >= BASE || digit > Math.floor((MAX_INT - i) / w)) return null;
      i += digit * w;
      const t = threshold(k, bias);
      if (digit < t) break;
      if (w > Math.floor(MAX_INT / (BASE - t))) return null;
      w *= BASE - t;
    }
    const length = output.length + 1;
    bias = adapt(i - oldI, length, oldI === 0);
    if (Math.floor(i / length) > MAX_INT - n) return null;
    n += Math.floor(i / length);
    i %= length;
    // Basic code points must be written literally, and nothing may exceed Unicode.
    if (n < INITIAL_N || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

/**
 * One domain label in its ASCII form: unchanged when it is already ASCII, otherwise
 * `xn--` followed by its Punycode. The caller lower-cases and validates the label.
 */
export function labelToAscii(label: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is "all of ASCII".
  return /^[\x00-\x7f]*$/.test(label) ? label : ACE_PREFIX + encodePunycode(label);
}

/** One domain label for display: an `xn--` label decoded, anything else unchanged. */
export function labelToUnicode(label: string): string {
  if (!label.toLowerCase().startsWith(ACE_PREFIX)) return label;
  return decodePunycode(label.slice(ACE_PREFIX.length)) ?? label;
}
