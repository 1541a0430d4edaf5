import {
  isAfterCountryCode,
  isAfterIsbn,
  isInsideCode,
  labelBefore,
  labelWords,
  textBefore,
} from './context.ts';
import { createDetector, type Detector, digitsOf } from './detector.ts';

// What may stand between the groups of an NHS number: nothing, a few blanks, a
// hyphen or dash or full stop with blanks around it, or one or two line breaks (a
// number wrapped in a letter, a table cell, or an HTML paragraph turned to text).
// Mixed separators are fine. Every piece is bounded, so each pattern has bounded
// work per start position and a scan stays linear.
const SEP = String.raw`(?:[ \t\u00a0\u2009\u202f]{0,3}(?:[-\u2010-\u2013.][ \t\u00a0]{0,2}|(?:\r?\n[ \t>\u00a0]{0,3}){1,2})?)`;

// The groupings people write: 3-3-4 (the NHS's own), 3-4-3, and ten digits in a run
// (which 3-3-4 with empty separators covers). Not part of a longer number: no digit
// right before or after, nor a decimal point joining one (a comma may: CSV).
const NHS_PATTERNS = [
  new RegExp(String.raw`(?<!\d)(?<!\d\.)\d{3}${SEP}\d{3}${SEP}\d{4}(?!\d)(?!\.\d)`, 'g'),
  new RegExp(String.raw`(?<!\d)(?<!\d\.)\d{3}${SEP}\d{4}${SEP}\d{3}(?!\d)(?!\.\d)`, 'g'),
];

// Labels that say a ten-digit number is something else: a book (ISBN-10 uses the
// same modulus 11), a phone number, a time, a parcel or order, or one of the many
// account, claim and case references a council writes. About one random ten-digit
// number in eleven passes the check digit, so a label naming something else wins.
const OTHER_LABELS = new Set([
  'isbn',
  'tel',
  'telephone',
  'phone',
  'mobile',
  'mob',
  'fax',
  'call',
  'ring',
  'text',
  'whatsapp',
  'sms',
  'timestamp',
  'epoch',
  'unix',
  'time',
  'ts',
  'created',
  'updated',
  'modified',
  'tracking',
  'parcel',
  'consignment',
  'shipment',
  'waybill',
  'awb',
  'order',
  'po',
  'invoice',
  'booking',
  'account',
  'acct',
  'acc',
  'claim',
  'case',
  'customer',
  'client',
  'payment',
  'policy',
  'application',
  'applicant',
  'ticket',
  'transaction',
  'receipt',
  'member',
  'membership',
  'licence',
  'license',
  'permit',
  'contract',
  'tenancy',
  'uprn',
  'serial',
  'asset',
  'job',
  'incident',
  'request',
  'enquiry',
  'quote',
  'batch',
  'voucher',
  'barcode',
  'meter',
  'supplier',
  'vendor',
]);

// Filler words that still name the number as a reference of some kind: "Reference:
// 787...", "Our ref 787...", "ID 787...". Without a health word beside them, such a
// number is a reference, not an NHS number.
const REFERENCE_WORDS = new Set(['ref', 'reference', 'id']);

// Words that say a number is a person's health record number. `(?<![a-z])` rather
// than `\b`, so a CSV header `NHS_No` counts (an underscore is a word character).
const HEALTH_WORDS = 'nhs|nhsno|chi|patients?|health|hospital|gp';
const HEALTH_LABEL = new RegExp(`^(?:${HEALTH_WORDS})$`);
const HEALTH_CONTEXT = new RegExp(`(?<![a-z])(?:${HEALTH_WORDS})(?![a-z])`, 'i');

// How far back health words make a bare run of ten digits an NHS number: a few lines,
// or a table's header row a few rows up.
const CONTEXT_SPAN = 300;

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

/**
 * True when the words around a valid candidate leave it an NHS number, as a person
 * reading it would judge:
 * - digits cut from a longer code of letters and digits (`1Z215AA8662962769`) are
 *   not a number of their own;
 * - a label right before it decides: a health word (`NHS no.`, `Patient ID`) makes
 *   it one; a word naming something else (ISBN, phone, order, account, claim,
 *   waybill, reference, ...) rules it out;
 * - otherwise the NHS's own grouping (3-3-4 or 3-4-3) counts, while a bare run of
 *   ten digits needs health words nearby: councils are full of ten-digit references.
 * A number starting with 0 (UK phone numbers do; England and Wales issue NHS numbers
 * from 4, 6 and 7) needs health words nearby however it is written.
 */
function isNhsInContext(text: string, index: number, written: string, digits: string): boolean {
  if (isInsideCode(text, index, index + written.length)) return false;
  if (isAfterIsbn(text, index) || isAfterCountryCode(text, index)) return false;
  const words = labelWords(text, index);
  const label = labelBefore(text, index);
  const near = () => HEALTH_CONTEXT.test(textBefore(text, index, CONTEXT_SPAN));
  if (label !== null && HEALTH_LABEL.test(label)) return true;
  if (label !== null && OTHER_LABELS.has(label)) return false;
  const hasHealthWord = words.some((w) => HEALTH_LABEL.test(w));
  // The filler after the label word: "reference" in "Our reference:", "ref no" in "Claim ref no".
  const filler = label === null ? words : words.slice(words.lastIndexOf(label) + 1);
  if (!hasHealthWord && filler.some((w) => REFERENCE_WORDS.has(w))) return false;
  if (digits[0] === '0') return hasHealthWord || near();
  const isRun = written.length === 10;
  return hasHealthWord || !isRun || near();
}

/** The distinct valid NHS numbers in `text`, as ten digits each. */
export function findNhsNumbers(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of NHS_PATTERNS) {
    const re = new RegExp(pattern.source, pattern.flags);
    for (let match = re.exec(text); match; match = re.exec(text)) {
      const digits = digitsOf(match[0]);
      if (isValidNhsNumber(digits) && isNhsInContext(text, match.index, match[0], digits)) {
        found.add(digits);
      } else {
        // Resume one character on, so a number starting inside a rejected one is still seen.
        re.lastIndex = match.index + 1;
      }
    }
  }
  return [...found];
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
