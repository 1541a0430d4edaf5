import { COMMON_PASSWORDS } from './common-passwords.ts';
import { emailLocalPart } from './email.ts';

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

/** The outcome of checking a new password: fine, or every problem with it. */
export type PasswordCheck = { ok: true } | { ok: false; problems: string[] };

/** 15 characters alone, 8 with a second factor, up to 256. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 15,
  minLengthWithSecondFactor: 8,
  // Long enough for any passphrase or password manager; short enough that argon2id
  // never hashes a megabyte someone pasted to tie up the server.
  maxLength: 256,
};

// Looked up on every check, so a Set; built once when the module loads (10,000 entries).
const COMMON = new Set(COMMON_PASSWORDS);

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
 * for how the account signs in, not too long, not one of the 10,000 most common
 * passwords (case-insensitively), not containing the account's email name, not one
 * character over and over. It deliberately has no composition rules (no "must
 * contain a digit and a symbol"): they make passwords harder to remember, not to
 * guess, and NIST forbids them.
 *
 * `contextWords` are further words specific to this service (the council's name,
 * "sealpost") that NIST suggests refusing; words shorter than 4 letters are ignored.
 * Every problem is a plain sentence, all returned together so the person can fix
 * them in one go.
 */
export function checkPassword(args: {
  password: string;
  /** The account's address: a password containing its local part is refused. */
  email?: string | null;
  /** True when the account has a second factor, which allows a shorter password. */
  hasSecondFactor?: boolean;
  policy?: PasswordPolicy;
  contextWords?: readonly string[];
}): PasswordCheck {
  const policy = args.policy ?? DEFAULT_PASSWORD_POLICY;
  const password = normalisePassword(args.password);
  if (password === '') return { ok: false, problems: ['Enter a password.'] };

  const problems: string[] = [];
  const length = Array.from(password).length;
  const minLength = args.hasSecondFactor ? policy.minLengthWithSecondFactor : policy.minLength;
  if (length < minLength) {
    problems.push(`Your password must be at least ${minLength} characters long. It has ${length}.`);
  }
  if (length > policy.maxLength) {
    problems.push(`Your password must be at most ${policy.maxLength} characters long.`);
  }

  const lower = password.toLowerCase();
  if (COMMON.has(lower)) {
    problems.push('That is one of the most common passwords, so it is easy to guess.');
  }
  if (Array.from(password).every((c, _, all) => c === all[0])) {
    problems.push('Your password cannot be one character repeated.');
  }
  const local = args.email ? emailLocalPart(args.email.trim()).toLowerCase() : '';
  if (local.length >= MIN_LOCAL_PART_TO_CHECK && lower.includes(local)) {
    problems.push('Your password cannot contain your email address or the name in it.');
  }
  for (const word of args.contextWords ?? []) {
    const w = word.normalize('NFC').toLowerCase().trim();
    if (w.length >= 4 && lower.includes(w)) {
      problems.push(`Your password cannot contain "${word.trim()}", which is easy to guess here.`);
      break;
    }
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** The rules, shown before a person chooses a password, for a given policy. */
export function passwordAdvice(
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
  hasSecondFactor = false,
): string {
  const min = hasSecondFactor ? policy.minLengthWithSecondFactor : policy.minLength;
  return [
    `Use at least ${min} characters, and up to ${policy.maxLength}.`,
    'A good way to make a long password you can remember is to put three random words together, as the National Cyber Security Centre advises. You can use spaces.',
    'You do not need numbers, symbols or capital letters.',
    'Do not use a common password, your email address, or one character repeated, and do not use a password you use anywhere else.',
  ].join(' ');
}

/** The rules for an account without a second factor, shown up front on every password form. */
export const PASSWORD_ADVICE: string = passwordAdvice();
