import { createDetector, type Detector, digitsOf, scan } from './detector.ts';

// Ten digits, either in one run or grouped 3-3-4 with the same separator twice
// (space, no-break space or hyphen). Fixed-length pieces only: bounded work per
// start position, so a scan stays linear on a large body. The look-arounds make
// sure the number is not part of a longer run of digits.
const NHS_NUMBER = /(?<!\d)\d{3}([ \u00a0-]?)\d{3}\1\d{4}(?!\d)/g;

/**
 * The NHS number check digit (modulus 11) for the first nine digits, or null when
 * the result is 10, which no issued NHS number has.
 */
export function nhsCheckDigit(firstNine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/**
 * True for ten digits whose last is the modulus-11 check digit of the first nine.
 * All-same-digit numbers (`0000000000`, `1111111111`, ...) pass the arithmetic but
 * are placeholders, never issued, so they are refused.
 */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  if (/^(\d)\1{9}$/.test(digits)) return false;
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** The distinct valid NHS numbers in `text`, as ten digits each. */
export function findNhsNumbers(text: string): string[] {
  const found = scan(text, NHS_NUMBER, (match) => {
    const digits = digitsOf(match[0]);
    return isValidNhsNumber(digits) ? digits : null;
  });
  return [...new Set(found)];
}

/** The NHS number detector with its configured threshold. */
export function nhsNumberDetector(args: { threshold: number }): Detector {
  return createDetector({
    id: 'nhs-number',
    threshold: args.threshold,
    find: findNhsNumbers,
    noun: { one: 'NHS number', other: 'NHS numbers' },
  });
}
