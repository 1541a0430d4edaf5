import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNiNumbers, isValidNiNumber, niNumberDetector } from './ni-number.ts';

const FIRST = [...'ABCEGHJKLMNOPRSTWXYZ'];
const SECOND = [...'ABCEGHJKLMNPRSTWXYZ'];
const NOT_ALLOCATED = ['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'];
const noDigits = fc.string({ maxLength: 30 }).map((s) => s.replace(/\d/g, ''));

describe('National Insurance number detector', () => {
  it('finds NI numbers with or without spaces, in either case, counted once', () => {
    expect(findNiNumbers('NI number AB 12 34 56 C on file')).toEqual(['AB123456C']);
    expect(findNiNumbers('NINO:AB123456C.')).toEqual(['AB123456C']);
    expect(findNiNumbers('ab123456c and AB 123456 C and AB123456C')).toEqual(['AB123456C']);
    expect(findNiNumbers('JG103759A, CE 99 00 11 D')).toEqual(['JG103759A', 'CE990011D']);
  });

  it('refuses forbidden first and second letters', () => {
    for (const first of 'DFIQUV') expect(findNiNumbers(`${first}A123456A`)).toEqual([]);
    for (const second of 'DFIOQUV') expect(findNiNumbers(`A${second}123456A`)).toEqual([]);
    // HMRC's own example number: Q is never a first letter.
    expect(findNiNumbers('QQ 12 34 56 C')).toEqual([]);
  });

  it('refuses the prefixes never allocated', () => {
    for (const prefix of NOT_ALLOCATED) {
      expect(findNiNumbers(`${prefix}123456A`)).toEqual([]);
      expect(isValidNiNumber(`${prefix}123456A`)).toBe(false);
    }
  });

  it('refuses a suffix other than A to D, and wrong digit counts', () => {
    expect(findNiNumbers('AB123456E')).toEqual([]);
    expect(findNiNumbers('AB12345C')).toEqual([]);
    expect(findNiNumbers('AB1234567C')).toEqual([]);
  });

  it('ignores a match inside a longer word or number', () => {
    expect(findNiNumbers('XAB123456C')).toEqual([]);
    expect(findNiNumbers('AB123456CD')).toEqual([]);
    expect(findNiNumbers('9AB123456C')).toEqual([]);
  });

  it('describes its count without values', async () => {
    const detector = niNumberDetector({ threshold: 1 });
    expect(await detector.count({ texts: ['AB123456C', 'ab 12 34 56 c'] })).toBe(1);
    expect(detector.describe(1)).toBe('1 National Insurance number');
    expect(detector.describe(3)).toBe('3 National Insurance numbers');
  });

  describe('properties', () => {
    const digits = fc.string({
      unit: fc.constantFrom(...'0123456789'),
      minLength: 6,
      maxLength: 6,
    });
    const suffix = fc.constantFrom(...'ABCD');

    it('always detects a generated valid NI number', () => {
      const prefix = fc
        .tuple(fc.constantFrom(...FIRST), fc.constantFrom(...SECOND))
        .map(([a, b]) => a + b)
        .filter((p) => !NOT_ALLOCATED.includes(p));
      fc.assert(
        fc.property(
          noDigits,
          prefix,
          digits,
          suffix,
          fc.boolean(),
          noDigits,
          (b, p, d, s, spaced, a) => {
            const written = spaced
              ? `${p} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${s}`
              : p + d + s;
            expect(findNiNumbers(`${b} ${written} ${a}`)).toEqual([p + d + s]);
          },
        ),
      );
    });

    it('never detects a number with a forbidden prefix', () => {
      const forbidden = fc.oneof(
        fc.constantFrom(...NOT_ALLOCATED),
        fc.tuple(fc.constantFrom(...'DFIQUV'), fc.constantFrom(...FIRST)).map(([a, b]) => a + b),
        fc.tuple(fc.constantFrom(...FIRST), fc.constantFrom(...'DFIOQUV')).map(([a, b]) => a + b),
      );
      fc.assert(
        fc.property(forbidden, digits, suffix, (p, d, s) => {
          expect(findNiNumbers(` ${p}${d}${s} `)).toEqual([]);
        }),
      );
    });

    it('never matches text without digits', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
          expect(findNiNumbers(s.replace(/\d/g, ''))).toEqual([]);
        }),
      );
    });
  });
});
