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
    expect(findNhsNumbers('NHS (9434765919)')).toEqual(['9434765919']);
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

  it('accepts 3-4-3 grouping, mixed separators, full stops and line breaks', () => {
    expect(findNhsNumbers('NHS 943 4765 919')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS 943 476-5919')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS 943.476.5919')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS number 943 476\n5919 on the letter')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS number: 943 476\n\n5919')).toEqual(['9434765919']);
    expect(findNhsNumbers('Name,NHS\nA,943 476 5919,01482 960841')).toEqual(['9434765919']);
  });

  it('refuses other groupings and decimals', () => {
    expect(findNhsNumbers('9434 76 5919')).toEqual([]);
    expect(findNhsNumbers('94 3476 5919')).toEqual([]);
    expect(findNhsNumbers('0.9434765919 and 9434765919.5')).toEqual([]);
  });

  it('rejects ISBN-10s, phone numbers, Unix times and labelled order numbers that pass the check digit', () => {
    // 0198526636 is a valid ISBN-10 and passes the NHS modulus 11 too.
    expect(isValidNhsNumber('0198526636')).toBe(true);
    expect(findNhsNumbers('ISBN 0198526636')).toEqual([]);
    expect(findNhsNumbers('ISBN-10: 0198526636')).toEqual([]);
    expect(findNhsNumbers('See ISBN 9434765919')).toEqual([]);
    expect(findNhsNumbers('Tel: 943 476 5919')).toEqual([]);
    expect(findNhsNumbers('Mobile 943 476 5919')).toEqual([]);
    expect(findNhsNumbers('Call +44 943 476 5919')).toEqual([]);
    expect(findNhsNumbers('Order no. 9434765919 has been dispatched')).toEqual([]);
    expect(findNhsNumbers('Tracking number: 9434765919')).toEqual([]);
    // A leading 0 is a phone number's, a leading 1 in a run a Unix time's, unless health words are near.
    expect(isValidNhsNumber('0123456789')).toBe(true);
    expect(findNhsNumbers('ref 0123456789')).toEqual([]);
    expect(findNhsNumbers('NHS number: 0123456789')).toEqual(['0123456789']);
    expect(isValidNhsNumber('1434765911')).toBe(true);
    expect(findNhsNumbers('"created": 1434765911,')).toEqual([]);
    expect(findNhsNumbers('Patient CHI 1434765911')).toEqual(['1434765911']);
  });

  it('never takes a number cut from a longer code of letters and digits', () => {
    expect(findNhsNumbers('UPS 1Z215AA9434765919')).toEqual([]);
    expect(findNhsNumbers('Parcel 9434765919GB due')).toEqual([]);
    expect(findNhsNumbers('NHS no. X943 476 5919')).toEqual([]);
    // Punctuation is not part of a code: the label still reaches the number.
    expect(findNhsNumbers('NHS:9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('NHS#9434765919')).toEqual(['9434765919']);
  });

  it.each([
    'Council tax account number:',
    'Waybill number',
    'Claim reference:',
    'Claim ref no.',
    'Case no',
    'Customer ID:',
    'PO',
    'Payment reference',
    'Booking ref:',
    'Policy number',
    'Application no.',
    'Reference:',
    'Our ref:',
    'ID',
  ])('does not take a number labelled %j for an NHS number, however written', (label) => {
    expect(findNhsNumbers(`${label} 9434765919`)).toEqual([]);
    expect(findNhsNumbers(`${label} 943 476 5919`)).toEqual([]);
  });

  it('lets a health word in the label win over a reference word', () => {
    expect(findNhsNumbers('NHS ref: 9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('Patient ID 9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('GP reference: 943 476 5919')).toEqual(['9434765919']);
  });

  it('takes a bare run of ten digits only with health words nearby', () => {
    expect(findNhsNumbers('Mr Smith 9434765919 called')).toEqual([]);
    expect(findNhsNumbers('Quote 9434765919 when you call.')).toEqual([]);
    // The NHS's own grouping is enough on its own.
    expect(findNhsNumbers('Mr Smith 943 476 5919 called')).toEqual(['9434765919']);
    expect(findNhsNumbers('Mr Smith 943 4765 919 called')).toEqual(['9434765919']);
    // Health words a line or a table header above.
    expect(findNhsNumbers('Patients discharged today:\nMr Smith, 9434765919')).toEqual([
      '9434765919',
    ]);
    expect(findNhsNumbers('name\tNHS_No\nname: A Smith\tNHS_No: 9434765919')).toEqual([
      '9434765919',
    ]);
    // Health words far above are not "nearby".
    expect(findNhsNumbers(`NHS ${'x '.repeat(200)}\nMr Smith 9434765919`)).toEqual([]);
  });

  it('keeps the number when a label only mentions time or order earlier in the line', () => {
    expect(findNhsNumbers('At this time, his NHS number: 943 476 5919')).toEqual(['9434765919']);
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
    // Numbers starting 2 to 9: a leading 0 (phones) or 1 (Unix times) needs health words near.
    const validNhs = digitString(9)
      .map((nine) => nine + String(referenceCheckDigit(nine)))
      .filter((n) => n.length === 10 && !isAllSame(n) && !/^[01]/.test(n));

    it('always detects a generated valid NHS number in the NHS grouping, in any digit-free text', () => {
      fc.assert(
        fc.property(
          // No word right before it: a label such as "tel" or "order" would name something else.
          noDigits.filter((s) => !/[a-z]{2}/i.test(s.slice(-8))),
          validNhs,
          fc.constantFrom(' ', '-'),
          noDigits,
          (before, n, sep, after) => {
            const written = `${n.slice(0, 3)}${sep}${n.slice(3, 6)}${sep}${n.slice(6)}`;
            expect(findNhsNumbers(`${before} ${written} ${after}`)).toEqual([n]);
          },
        ),
      );
    });

    it('always detects a generated valid NHS number written as a run after an NHS label', () => {
      fc.assert(
        fc.property(validNhs, noDigits, (n, after) => {
          expect(findNhsNumbers(`NHS number: ${n} ${after}`)).toEqual([n]);
        }),
      );
    });

    it('detects a random ten-digit string exactly when its check digit is valid', () => {
      fc.assert(
        fc.property(noDigits, digitString(10), noDigits, (before, n, after) => {
          const valid = referenceCheckDigit(n.slice(0, 9)) === Number(n[9]) && !isAllSame(n);
          // Random text on the line above: on the label's own line it could name
          // something else ("call", "po", "id") and rightly rule the number out.
          expect(findNhsNumbers(`${before}\nNHS: ${n} ${after}`).length).toBe(valid ? 1 : 0);
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
