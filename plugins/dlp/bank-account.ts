import { labelWords } from './context.ts';
import { createDetector, type Detector } from './detector.ts';

// Labels in front of a sort code or an account number, as people and exports write
// them: "Sort code", "sort_code", "sortcode", "s/c"; "Account number", "Acc no.",
// "account_no", "a/c". An underscore joins the words of a CSV header.
const SORT_LABEL = String.raw`(?:sort[ _-]?code|(?<![a-z])s\/c)`;
const ACCOUNT_LABEL = String.raw`(?:(?<![a-z])(?:account|acct|acc)(?:[ _-]?(?:number|num|no))?|(?<![a-z])a\/c)`;

// A sort code written NN-NN-NN, NN NN NN or NN.NN.NN (the same separator twice),
// not part of a longer run of pairs or digits (`2024-01-15`, `12-34-56-78`,
// `01 02 03 04` are something else); or six digits in a run right after a sort code
// label. Bounded pieces and look-arounds only, so a scan stays linear.
const SORT_CODE = new RegExp(
  String.raw`(?<!\d)(?<!\d[-. ])\d{2}([-. \u00a0])\d{2}\1\d{2}(?!\d)(?!\1\d{2}(?!\d))|(?<=${SORT_LABEL}[^\d\n]{0,12})(?<!\d)\d{6}(?!\d)`,
  'gi',
);
// An account number: eight digits, in a run or as 4-4, delimited by non-digits and
// not a group of a longer grouped number (a card's `4111 1111 1111 1111`); or seven
// digits right after an account label (some banks issue them; a payment pads them
// with a leading 0). Ten-digit building society roll numbers are out of scope.
const ACCOUNT_NUMBER = new RegExp(
  String.raw`(?<!\d)(?<!\d{4}[ -])\d{4} ?\d{4}(?!\d)(?![ -]\d{4})|(?<=${ACCOUNT_LABEL}[^\d\n]{0,12})(?<!\d)\d{7}(?!\d)`,
  'gi',
);

// Six digits and eight written as one pair, "832458 / 66621092" or "66621092, 832458":
// bank details typed without the sort code's hyphens. Something must stand between
// them: fourteen digits in a run are one number (a parcel's), not a pair.
const BETWEEN = String.raw`(?:[ \t]{1,3}[/|,;-]?|[/|,;-])[ \t]{0,3}`;
const PAIRED_RUNS = [
  new RegExp(String.raw`(?<![\d.])(\d{6})${BETWEEN}(\d{4} ?\d{4})(?!\d)(?![ -]\d)`, 'g'),
  new RegExp(String.raw`(?<![\d.])(\d{4} ?\d{4})${BETWEEN}(\d{6})(?!\d)(?![ -]\d)`, 'g'),
];

// A UK IBAN: GB, two check digits, the bank's four letters, then the sort code and
// the account number, in a run or in the printed groups of four.
const UK_IBAN = /(?<![A-Za-z0-9])GB\d{2} ?[A-Z]{4}(?: ?\d){14}(?!\d)/gi;

// Words in front of a NN-NN-NN that make it a date, not a sort code: "Date received: 14-05-24".
const DATE_WORDS = new Set(['date', 'dated', 'dob', 'born', 'birth', 'received', 'due', 'expiry']);
// Words in front of eight digits that make them a reference, not an account number.
const REFERENCE_WORDS = new Set(['ref', 'reference', 'invoice', 'order', 'request', 'case']);

/** How far apart, in characters, a sort code and an account number may be to count as a pair. */
export const NEARBY = 40;

/**
 * How far apart a sort code and an account number may be when each has its own
 * label ("Sort code: ..." and "Account number: ..."): a form may put the bank's
 * name, branch and account name between them.
 */
export const LABELLED_NEARBY = 200;

type Span = { start: number; end: number; value: string; isLabelled: boolean };

const SORT_LABEL_BEFORE = new RegExp(`${SORT_LABEL}[^\\d\\n]{0,12}$`, 'i');
const ACCOUNT_LABEL_BEFORE = new RegExp(`${ACCOUNT_LABEL}[^\\d\\n]{0,12}$`, 'i');

// Candidates of `pattern`, less those a word in `refused` labels, each normalised to
// `width` digits and marked when `label` stands right before it.
function spans(
  text: string,
  pattern: RegExp,
  { label, refused, width }: { label: RegExp; refused: Set<string>; width: number },
): Span[] {
  const found: Span[] = [];
  const re = new RegExp(pattern.source, pattern.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const words = labelWords(text, m.index).slice(-3);
    if (words.some((w) => refused.has(w))) continue;
    const before = text.slice(Math.max(0, m.index - 30), m.index);
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      value: m[0].replace(/\D/g, '').padStart(width, '0'),
      isLabelled: label.test(before),
    });
  }
  return found;
}

/** True when `iban` (letters and digits only, upper case) passes the ISO 13616 mod-97 check. */
export function isValidIban(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const char of moved) {
    const n = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of n) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

/**
 * The distinct sort code and account number pairs in `text` (`123456:12345678`).
 * Each sort code pairs with its nearest account number within NEARBY characters,
 * before or after it (after wins a tie: "sort code 12-34-56, account 12345678"
 * is the usual order), or within LABELLED_NEARBY when both carry their labels.
 * A sort code alone, a date that looks like one, or eight digits labelled as a
 * reference is not a match. A valid UK IBAN gives the pair it holds. Values are
 * normalised to digits (`12 34 56` and `12-34-56` are the same sort code; a
 * seven-digit account gains its leading 0), so one account written twice counts once.
 */
export function findBankAccounts(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(UK_IBAN)) {
    const iban = m[0].replace(/ /g, '').toUpperCase();
    if (isValidIban(iban)) found.add(`${iban.slice(8, 14)}:${iban.slice(14)}`);
  }
  for (const [i, pattern] of PAIRED_RUNS.entries()) {
    const re = new RegExp(pattern.source, pattern.flags);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const [code, account] = i === 0 ? [m[1], m[2]] : [m[2], m[1]];
      found.add(`${code}:${(account as string).replace(/\D/g, '')}`);
    }
  }
  const codes = spans(text, SORT_CODE, { label: SORT_LABEL_BEFORE, refused: DATE_WORDS, width: 6 });
  if (codes.length === 0) return [...found];
  const accounts = spans(text, ACCOUNT_NUMBER, {
    label: ACCOUNT_LABEL_BEFORE,
    refused: REFERENCE_WORDS,
    width: 8,
  });
  let next = 0;
  for (const code of codes) {
    // Both lists are in text order, so one forward pointer keeps this linear.
    while (next < accounts.length && (accounts[next] as Span).start < code.end) next++;
    const after = accounts[next];
    const before = accounts[next - 1];
    const gapAfter = after ? after.start - code.end : Number.POSITIVE_INFINITY;
    const gapBefore = before ? code.start - before.end : Number.POSITIVE_INFINITY;
    const nearest = gapAfter <= gapBefore ? after : before;
    if (!nearest) continue;
    const gap = Math.min(gapAfter, gapBefore);
    const reach = code.isLabelled && nearest.isLabelled ? LABELLED_NEARBY : NEARBY;
    if (gap <= reach) found.add(`${code.value}:${nearest.value}`);
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
