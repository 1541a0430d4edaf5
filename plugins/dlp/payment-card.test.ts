import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardNetwork, findCardNumbers, isLuhnValid, paymentCardDetector } from './payment-card.ts';

// An independent Luhn, so the properties do not test the code against itself.
function referenceLuhnSum(digits: string): number {
  return [...digits].reverse().reduce((sum, ch, i) => {
    const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
    return sum + Math.floor(d / 10) + (d % 10);
  }, 0);
}
const withCheckDigit = (body: string) =>
  body + String((10 - (referenceLuhnSum(`${body}0`) % 10)) % 10);

/** Writes digits in the usual groupings for their length: 4-6-5 for 15, else fours and the rest. */
function grouped(digits: string, sep: string): string {
  if (digits.length === 15)
    return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(sep);
  return (digits.match(/\d{1,4}/g) ?? []).join(sep);
}

const noDigits = fc.string({ maxLength: 30 }).map((s) => s.replace(/\d/g, ''));
const digitString = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
// A prefix inside each network's IIN ranges, with the length that network issues.
const cardShape = fc.constantFrom(
  { prefix: '4', length: 16 }, // Visa
  { prefix: '4', length: 13 },
  { prefix: '53', length: 16 }, // Mastercard
  { prefix: '2221', length: 16 },
  { prefix: '2720', length: 16 },
  { prefix: '34', length: 15 }, // American Express
  { prefix: '37', length: 15 },
  { prefix: '6011', length: 16 }, // Discover
  { prefix: '65', length: 16 },
  { prefix: '6759', length: 16 }, // Maestro
  { prefix: '5018', length: 19 },
);

describe('payment card detector', () => {
  it('finds the test numbers of each network, in each usual grouping', () => {
    const cards = {
      Visa: ['4111 1111 1111 1111', '4012888888881881', '4222222222222'],
      Mastercard: ['5555-5555-5555-4444', '2223 0000 4840 0011'],
      'American Express': ['3782 822463 10005', '371449635398431'],
      Discover: ['6011 1111 1111 1117', '6011000990139424'],
      Maestro: ['6759649826438453', '5018 0000 0000 0009'],
      'Diners Club': ['3056 930902 5904'],
    };
    for (const [network, numbers] of Object.entries(cards)) {
      for (const written of numbers) {
        const digits = written.replace(/\D/g, '');
        expect(cardNetwork(digits)).toBe(network);
        expect(findCardNumbers(`Card: ${written}, thanks`)).toEqual([digits]);
      }
    }
  });

  it('finds a card followed by its expiry and security code', () => {
    expect(findCardNumbers('4111 1111 1111 1111 12/27 123')).toEqual(['4111111111111111']);
    expect(findCardNumbers('4111 1111 1111 1111 123')).toEqual(['4111111111111111']);
  });

  it('finds a card after other digit groups', () => {
    expect(findCardNumbers('Ref 1234 4111 1111 1111 1111')).toEqual(['4111111111111111']);
  });

  it('counts a 19-digit card once, even when its first 16 digits also pass Luhn', () => {
    expect(findCardNumbers('5018-4832-9040-9876-000')).toEqual(['5018483290409876000']);
  });

  it('counts the same card written twice once', () => {
    expect(findCardNumbers('4111111111111111 / 4111-1111-1111-1111')).toEqual(['4111111111111111']);
  });

  it('refuses numbers failing Luhn', () => {
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(findCardNumbers('4111 1111 1111 1112')).toEqual([]);
    expect(findCardNumbers('Invoice 5555555555554445')).toEqual([]);
  });

  it('refuses Luhn-valid numbers outside the known networks', () => {
    expect(isLuhnValid('1234567890123452')).toBe(true);
    expect(findCardNumbers('Reference 1234 5678 9012 3452')).toEqual([]);
    // Visa issues 13, 16 and 19 digits, never 15.
    expect(findCardNumbers(withCheckDigit('41111111111111'))).toEqual([]);
  });

  it('ignores a valid number inside a longer run of digits', () => {
    expect(findCardNumbers('94111111111111111')).toEqual([]);
    expect(findCardNumbers('41111111111111110')).toEqual([]);
  });

  it('does not join groups with mixed separators', () => {
    expect(findCardNumbers('4111 1111-1111 1111')).toEqual([]);
  });

  it('describes its count without values', async () => {
    const detector = paymentCardDetector({ threshold: 1 });
    expect(await detector.count({ texts: ['4111111111111111', '5555555555554444'] })).toBe(2);
    expect(detector.describe(2)).toBe('2 payment card numbers');
  });

  describe('properties', () => {
    it('always detects a generated Luhn-valid card of a known network', () => {
      fc.assert(
        fc.property(
          noDigits,
          cardShape.chain(({ prefix, length }) =>
            digitString(length - prefix.length - 1).map((fill) => withCheckDigit(prefix + fill)),
          ),
          fc.constantFrom('', ' ', '-'),
          noDigits,
          (before, digits, sep, after) => {
            const written = sep === '' ? digits : grouped(digits, sep);
            expect(findCardNumbers(`${before} ${written} ${after}`)).toEqual([digits]);
          },
        ),
      );
    });

    it('detects a random number of a known network exactly when it passes Luhn', () => {
      fc.assert(
        fc.property(
          cardShape.chain(({ prefix, length }) =>
            digitString(length - prefix.length).map((fill) => prefix + fill),
          ),
          (digits) => {
            const valid = referenceLuhnSum(digits) % 10 === 0;
            expect(findCardNumbers(`card ${digits} end`).length).toBe(valid ? 1 : 0);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('never matches text without digits', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
          expect(findCardNumbers(s.replace(/\d/g, ''))).toEqual([]);
        }),
      );
    });
  });
});
