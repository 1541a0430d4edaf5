import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePunycode, encodePunycode, labelToAscii, labelToUnicode } from './punycode.ts';

// Sample strings from RFC 3492 section 7.1, plus the IDN labels in everyday tests.
const VECTORS: Array<[string, string]> = [
  ['bücher', 'bcher-kva'],
  ['münchen', 'mnchen-3ya'],
  ['ü', 'tda'],
  ['例え', 'r8jz45g'],
  ['テスト', 'zckzah'],
  ['他们为什么不说中文', 'ihqwcrb4cv8a8dqg056pqjye'], // RFC 3492 (B)
  ['3年B組金八先生', '3B-ww4c5e180e575a65lsy2b'], // RFC 3492 (L)
  ['安室奈美恵-with-SUPER-MONKEYS', '-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n'], // (M)
  ['Majiでkoiする5秒前', 'Majikoi5-783gue6qz075azm5e'], // (P)
  ['そのスピードで', 'd9juau41awczczp'], // (R)
  ['-> $1.00 <-', '-> $1.00 <--'], // (S)
  ['ドメイン名例', 'eckwd4c7cu47r2wf'],
  ['😀', 'e28h'], // outside the Basic Multilingual Plane: one code point, not two
];

describe('encodePunycode', () => {
  it.each(VECTORS)('encodes %s as %s', (unicode, ascii) => {
    expect(encodePunycode(unicode)).toBe(ascii);
  });

  it('leaves an all-ASCII string readable, with a trailing delimiter', () => {
    expect(encodePunycode('abc')).toBe('abc-');
    expect(encodePunycode('')).toBe('');
  });
});

describe('decodePunycode', () => {
  it.each(VECTORS)('decodes %s from %s', (unicode, ascii) => {
    expect(decodePunycode(ascii)).toBe(unicode);
  });

  it('accepts upper-case digits, as the RFC requires', () => {
    expect(decodePunycode('BCHER-KVA')).toBe('BüCHER');
  });

  it('returns null for input that is not Punycode', () => {
    expect(decodePunycode('bcher-kv!')).toBeNull(); // not a base-36 digit
    expect(decodePunycode('bcher-kv')).toBeNull(); // ends in the middle of a number
    expect(decodePunycode('ü-abc')).toBeNull(); // non-ASCII before the delimiter
    expect(decodePunycode('99999999999999')).toBeNull(); // overflows
  });

  it('round-trips any string of code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(decodePunycode(encodePunycode(s))).toBe(s);
      }),
    );
  });
});

describe('labelToAscii and labelToUnicode', () => {
  it('prefixes xn-- only when the label needs it', () => {
    expect(labelToAscii('bücher')).toBe('xn--bcher-kva');
    expect(labelToAscii('barnet')).toBe('barnet');
    expect(labelToUnicode('xn--bcher-kva')).toBe('bücher');
    expect(labelToUnicode('barnet')).toBe('barnet');
    expect(labelToUnicode('xn--!!')).toBe('xn--!!');
  });
});
