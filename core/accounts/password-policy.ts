import { emailLocalPart } from './email.ts';
import type { CommonPasswords } from './ports.ts';

/**
 * Length limits after NIST SP 800-63B rev 4 (section 3.1.1.2), counted in Unicode
 * code points after NFC normalisation.
 */
export type PasswordPolicy = {
  /** When the password is the only factor: NIST requires at least 15. */
  minLength: number;
  /** When the account also has a second factor (TOTP): NIST allows down to 8. */
  minLengthWithSecondFactor: number;
  /** The longest accepted; NIST asks for at least 64 to be allowed. */
  maxLength: number;
};

/**
 * One thing wrong with a new password, as a code with its values; the pages word it
 * (`strings.auth.passwordProblems`), so it reads in the person's language.
 */
export type PasswordProblem =
  | { code: 'empty' }
  | { code: 'too-short'; min: number; length: number }
  | { code: 'too-long'; max: number }
  | { code: 'common' }
  | { code: 'repeated' }
  | { code: 'contains-email' }
  | { code: 'contains-word'; word: string };

/** The codes of `PasswordProblem`, for tests and tables that must name every one. */
export const PASSWORD_PROBLEM_CODES = [
  'empty',
  'too-short',
  'too-long',
  'common',
  'repeated',
  'contains-email',
  'contains-word',
] as const satisfies ReadonlyArray<PasswordProblem['code']>;

/** The outcome of checking a new password: fine, or every problem with it. */
export type PasswordCheck = { ok: true } | { ok: false; problems: PasswordProblem[] };

/** 15 characters alone, 8 with a second factor, up to 256. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 15,
  minLengthWithSecondFactor: 8,
  // Long enough for any passphrase or password manager; short enough that argon2id
  // never hashes a megabyte someone pasted to tie up the server.
  maxLength: 256,
};

// Parts of an address shorter than this ("jo", "a") turn up inside ordinary words by
// chance, so refusing passwords that contain them would refuse good passphrases.
const MIN_LOCAL_PART_TO_CHECK = 3;

/**
 * The password exactly as it should be hashed and compared: NFC-normalised, so the
 * same characters typed on two keyboards (a composed é or e plus an accent) are one
 * password. Hash `normalisePassword(p)`, never `p`, both when setting and verifying.
 */
export function normalisePassword(password: string): string {
  return password.normalize('NFC');
}

/**
 * The longest typed password any check will hash: longer ones are refused first, so
 * nobody can make the server hash a megabyte. The policy allows far less than this.
 */
export const MAX_CHECKED_PASSWORD_LENGTH = 1_024;

/** How many characters a person would count: Unicode code points after NFC. */
export function passwordLength(password: string): number {
  return Array.from(normalisePassword(password)).length;
}

/**
 * Checks a new password against NIST SP 800-63B rev 4 and NCSC advice: long enough
 * for how the account signs in, not too long, not one of the most common passwords
 * (`commonPasswords`, asked case-insensitively), not containing the account's email name, not one
 * character over and over. It deliberately has no composition rules (no "must
 * contain a digit and a symbol"): they make passwords harder to remember, not to
 * guess, and NIST forbids them.
 *
 * `contextWords` are further words specific to this service (the council's name,
 * "sealpost") that NIST suggests refusing; words shorter than 4 letters are ignored.
 * Every problem is a code with its values, all returned together so the person can
 * fix them in one go.
 */
export function checkPassword(args: {
  password: string;
  /** The common-password list (the port; the adapter reads the data file). */
  commonPasswords: CommonPasswords;
  /** The account's address: a password containing its local part is refused. */
  email?: string | null;
  /** True when the account has a second factor, which allows a shorter password. */
  hasSecondFactor?: boolean;
  policy?: PasswordPolicy;
  contextWords?: readonly string[];
}): PasswordCheck {
  const policy = args.policy ?? DEFAULT_PASSWORD_POLICY;
  const password = normalisePassword(args.password);
  if (password === '') return { ok: false, problems: [{ code: 'empty' }] };

  const problems: PasswordProblem[] = [];
  const length = Array.from(password).length;
  const minLength = args.hasSecondFactor ? policy.minLengthWithSecondFactor : policy.minLength;
  if (length < minLength) {
    problems.push({ code: 'too-short', min: minLength, length });
  }
  if (length > policy.maxLength) {
    problems.push({ code: 'too-long', max: policy.maxLength });
  }

  const lower = password.toLowerCase();
  if (args.commonPasswords.has(lower)) {
    problems.push({ code: 'common' });
  }
  if (Array.from(password).every((c, _, all) => c === all[0])) {
    problems.push({ code: 'repeated' });
  }
  const local = args.email ? emailLocalPart(args.email.trim()).toLowerCase() : '';
  if (local.length >= MIN_LOCAL_PART_TO_CHECK && lower.includes(local)) {
    problems.push({ code: 'contains-email' });
  }
  for (const word of args.contextWords ?? []) {
    const w = word.normalize('NFC').toLowerCase().trim();
    if (w.length >= 4 && lower.includes(w)) {
      problems.push({ code: 'contains-word', word: word.trim() });
      break;
    }
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/**
 * The lengths the rules shown before a person chooses a password name, for a given
 * policy; the words are in the string tables (`strings.auth.newPassword.advice`).
 */
export function passwordAdviceLengths(
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
  hasSecondFactor = false,
): { min: number; max: number } {
  return {
    min: hasSecondFactor ? policy.minLengthWithSecondFactor : policy.minLength,
    max: policy.maxLength,
  };
}
