import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNhsNumbers, isValidNhsNumber, nhsNumberDetector } from './nhs-number.ts';

// An independent statement of the rule, so the properties do not test the code against itself.
function referenceCheckDigit(nine: string): number {
  const sum = [...nine].reduce((total, d, i) => total + Number(d) * (10 - i), 0);
  return (11 - (sum % 11)) % 11; // 11 -> 0; 10 stays 10 (never a valid digit)
}
const isAllSame = (digits: string) => new Set(digits).size === 1;
const digitString = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
// Text around a number: anything but digits, so the number stays delimited.
const noDigits = fc.string({ maxLength: 30 }).map((s) => s.replace(/\d/g, ''));

describe('NHS number detector', () => {
  it('finds a valid NHS number in text, in each written form, counted once', () => {
    expect(findNhsNumbers('Patient NHS no. 943 476 5919 seen today')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS:943-476-5919.')).toEqual(['9434765919']);
    expect(findNhsNumbers('(9434765919)')).toEqual(['9434765919']);
    expect(findNhsNumbers('943 476 5919, 943-476-5919 and 9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('943\u00a0476\u00a05919')).toEqual(['9434765919']);
  });

  it('counts distinct numbers', () => {
    expect(findNhsNumbers('943 476 5919 and 401 023 2137')).toEqual(['9434765919', '4010232137']);
  });

  it('does not take UK phone numbers for NHS numbers', () => {
    // 11-digit numbers as usually written: not ten digits in a 3-3-4 or single run.
    for (const phone of ['020 7946 0958', '07700 900123', '02079460958', '+447700900123']) {
      expect(findNhsNumbers(`Call me on ${phone} please`)).toEqual([]);
    }
    // Ten-digit runs that read as phone numbers fail the check digit.
    expect(isValidNhsNumber('7700900123')).toBe(false); // (+44) 7700900123
    expect(isValidNhsNumber('2079460958')).toBe(false); // (+44) 2079460958
    expect(isValidNhsNumber('0800123456')).toBe(false); // 0800 number; check digit would be 10
    expect(findNhsNumbers('(+44) 7700900123 or (+44) 2079460958 or 0800123456')).toEqual([]);
  });

  it('refuses a ten-digit order number with a wrong check digit', () => {
    expect(findNhsNumbers('Order 9434765918 shipped')).toEqual([]);
  });

  it('refuses check digit 10 and all-same-digit numbers', () => {
    expect(isValidNhsNumber('0800123456')).toBe(false);
    expect(isValidNhsNumber('0000000000')).toBe(false);
    expect(findNhsNumbers('1111111111 and 111 111 1111')).toEqual([]);
  });

  it('ignores a valid number inside a longer run of digits', () => {
    expect(findNhsNumbers('19434765919')).toEqual([]);
    expect(findNhsNumbers('94347659190')).toEqual([]);
    expect(findNhsNumbers('1943 476 5919')).toEqual([]);
    expect(findNhsNumbers('943 476 59190')).toEqual([]);
  });

  it('does not mix separators or accept other groupings', () => {
    expect(findNhsNumbers('943 476-5919')).toEqual([]);
    expect(findNhsNumbers('9434 76 5919')).toEqual([]);
    expect(findNhsNumbers('943 4765919')).toEqual([]);
  });

  it('describes its count without values', async () => {
    const detector = nhsNumberDetector({ threshold: 1 });
    const count = await detector.count({
      texts: ['943 476 5919', 'again 9434765919', '401 023 2137'],
    });
    expect(count).toBe(2);
    expect(detector.describe(2)).toBe('2 NHS numbers');
    expect(detector.describe(1)).toBe('1 NHS number');
  });

  describe('properties', () => {
    const validNhs = digitString(9)
      .map((nine) => nine + String(referenceCheckDigit(nine)))
      .filter((n) => n.length === 10 && !isAllSame(n));

    it('always detects a generated valid NHS number, in any form, in any digit-free text', () => {
      fc.assert(
        fc.property(
          noDigits,
          validNhs,
          fc.constantFrom('', ' ', '-'),
          noDigits,
          (before, n, sep, after) => {
            const written = `${n.slice(0, 3)}${sep}${n.slice(3, 6)}${sep}${n.slice(6)}`;
            expect(findNhsNumbers(`${before} ${written} ${after}`)).toEqual([n]);
          },
        ),
      );
    });

    it('detects a random ten-digit string exactly when its check digit is valid', () => {
      fc.assert(
        fc.property(noDigits, digitString(10), noDigits, (before, n, after) => {
          const valid = referenceCheckDigit(n.slice(0, 9)) === Number(n[9]) && !isAllSame(n);
          expect(findNhsNumbers(`${before} ${n} ${after}`).length).toBe(valid ? 1 : 0);
        }),
        { numRuns: 500 },
      );
    });

    it('never matches text without digits', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
          expect(findNhsNumbers(s.replace(/\d/g, ''))).toEqual([]);
        }),
      );
    });
  });
});
