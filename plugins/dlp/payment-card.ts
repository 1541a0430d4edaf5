import { labelBefore } from './context.ts';
import { createDetector, type Detector, digitsOf } from './detector.ts';

// The usual ways a card number is written, each a separate pattern so that every
// grouping is tried at every start: one alternation would stop at its first match,
// and `4111 1111 1111 1111 123` (a card then a security code) would be read only as
// a 19-digit number failing Luhn. Separators are one space, no-break space, hyphen
// or full stop (as some card statements print them), the same throughout. All
// pieces are bounded, so each scan stays linear.
const CARD_PATTERNS = [
  // 13 to 19 digits in one run.
  /(?<!\d)\d{13,19}(?!\d)/g,
  // 4-4-4-1..4: Visa 13, most 16-digit cards.
  /(?<!\d)\d{4}([ \u00a0.-])\d{4}\1\d{4}\1\d{1,4}(?!\d)/g,
  // 4-4-4-4-1..3: 17 to 19 digits (Maestro, Visa 19, UnionPay).
  /(?<!\d)\d{4}([ \u00a0.-])\d{4}\1\d{4}\1\d{4}\1\d{1,3}(?!\d)/g,
  // 4-6-4 and 4-6-5: Diners Club 14, American Express 15.
  /(?<!\d)\d{4}([ \u00a0.-])\d{6}\1\d{4,5}(?!\d)/g,
];

// Labels that say a long Luhn-valid number is not a card: couriers' tracking and
// consignment numbers, order and invoice numbers, device serials.
const OTHER_LABELS = new Set([
  'tracking',
  'track',
  'parcel',
  'consignment',
  'shipment',
  'delivery',
  'order',
  'invoice',
  'barcode',
  'serial',
  'imei',
  'isbn',
  'account',
  'policy',
  'case',
]);

/** A card network: the issuer identification number (IIN) ranges and the lengths it issues. */
type Network = { name: string; lengths: number[]; prefixes: Array<string | [number, number]> };

// From the networks' published IIN ranges; a range [a, b] compares the first
// digits of the number, as many as a has.
const NETWORKS: Network[] = [
  { name: 'Visa', lengths: [13, 16, 19], prefixes: ['4'] },
  {
    name: 'Mastercard',
    lengths: [16],
    prefixes: [
      [51, 55],
      [2221, 2720],
    ],
  },
  { name: 'American Express', lengths: [15], prefixes: ['34', '37'] },
  {
    name: 'Discover',
    lengths: [16, 17, 18, 19],
    prefixes: ['6011', '65', [644, 649], [622126, 622925]],
  },
  {
    name: 'Maestro',
    lengths: [13, 14, 15, 16, 17, 18, 19],
    prefixes: ['5018', '5020', '5038', '5893', '6304', '6759', '6761', '6762', '6763'],
  },
  {
    name: 'Diners Club',
    lengths: [14, 15, 16, 17, 18, 19],
    prefixes: ['36', '38', '39', [300, 305]],
  },
  { name: 'JCB', lengths: [16, 17, 18, 19], prefixes: [[3528, 3589]] },
  { name: 'UnionPay', lengths: [16, 17, 18, 19], prefixes: ['62'] },
];

/** The network whose IIN ranges and lengths fit `digits`, or null. */
export function cardNetwork(digits: string): string | null {
  for (const network of NETWORKS) {
    if (!network.lengths.includes(digits.length)) continue;
    for (const prefix of network.prefixes) {
      if (typeof prefix === 'string' ? digits.startsWith(prefix) : inRange(digits, prefix)) {
        return network.name;
      }
    }
  }
  return null;
}

function inRange(digits: string, [low, high]: [number, number]): boolean {
  const head = Number(digits.slice(0, String(low).length));
  return head >= low && head <= high;
}

/** True when `digits` passes the Luhn (mod 10) check every payment card number carries. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** True for 13 to 19 digits that pass Luhn and fall in a known network's IIN range and lengths. */
export function isCardNumber(digits: string): boolean {
  return (
    digits.length >= 13 &&
    digits.length <= 19 &&
    cardNetwork(digits) !== null &&
    isLuhnValid(digits)
  );
}

/**
 * The distinct payment card numbers in `text`, as digits. Where groupings starting
 * at the same place give more than one valid number (a 19-digit card whose first
 * 16 digits also pass Luhn), the longest is the card and the others are not counted.
 */
export function findCardNumbers(text: string): string[] {
  const longestAt = new Map<number, string>();
  for (const pattern of CARD_PATTERNS) {
    const re = new RegExp(pattern.source, pattern.flags);
    for (let match = re.exec(text); match; match = re.exec(text)) {
      const digits = digitsOf(match[0]);
      const label = labelBefore(text, match.index);
      if (!isCardNumber(digits) || (label !== null && OTHER_LABELS.has(label))) {
        // Resume one character on, so a card starting inside a rejected run is still seen.
        re.lastIndex = match.index + 1;
        continue;
      }
      const known = longestAt.get(match.index);
      if (known === undefined || known.length < digits.length) longestAt.set(match.index, digits);
    }
  }
  return [...new Set(longestAt.values())];
}

/** The payment card number detector with its configured threshold. */
export function paymentCardDetector(args: { threshold: number }): Detector {
  return createDetector({
    id: 'payment-card',
    threshold: args.threshold,
    find: findCardNumbers,
    noun: { one: 'payment card number', other: 'payment card numbers' },
  });
}
