import { createDetector, type Detector } from './detector.ts';

// A sort code written NN-NN-NN, not part of a longer hyphenated run of digits
// (`2024-01-15` or `12-34-56-78` are something else).
const SORT_CODE = /(?<!\d)(?<!\d-)\d{2}-\d{2}-\d{2}(?!-?\d)/g;
// An account number: exactly eight digits, delimited by non-digits.
const ACCOUNT_NUMBER = /(?<!\d)\d{8}(?!\d)/g;

/** How far apart, in characters, a sort code and an account number may be to count as a pair. */
export const NEARBY = 40;

type Span = { start: number; end: number; value: string };

function spans(text: string, pattern: RegExp): Span[] {
  const found: Span[] = [];
  const re = new RegExp(pattern.source, pattern.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    found.push({ start: m.index, end: m.index + m[0].length, value: m[0] });
  }
  return found;
}

/**
 * The distinct sort code and account number pairs in `text` (`123456:12345678`).
 * Each sort code pairs with its nearest account number within NEARBY characters,
 * before or after it (after wins a tie: "sort code 12-34-56, account 12345678"
 * is the usual order). A sort code alone, or a date that looks like one, is not a match.
 */
export function findBankAccounts(text: string): string[] {
  const codes = spans(text, SORT_CODE);
  if (codes.length === 0) return [];
  const accounts = spans(text, ACCOUNT_NUMBER);
  const found = new Set<string>();
  let next = 0;
  for (const code of codes) {
    // Both lists are in text order, so one forward pointer keeps this linear.
    while (next < accounts.length && (accounts[next] as Span).start < code.end) next++;
    const after = accounts[next];
    const before = accounts[next - 1];
    const gapAfter = after ? after.start - code.end : Number.POSITIVE_INFINITY;
    const gapBefore = before ? code.start - before.end : Number.POSITIVE_INFINITY;
    const nearest = gapAfter <= gapBefore ? after : before;
    if (nearest && Math.min(gapAfter, gapBefore) <= NEARBY) {
      found.add(`${code.value.replace(/-/g, '')}:${nearest.value}`);
    }
  }
  return [...found];
}

/** The sort code and account number detector with its configured threshold. */
export function bankAccountDetector(args: { threshold: number }): Detector {
  return createDetector({
    id: 'bank-account',
    threshold: args.threshold,
    find: findBankAccounts,
    noun: {
      one: 'bank account number with sort code',
      other: 'bank account numbers with sort codes',
    },
  });
}
