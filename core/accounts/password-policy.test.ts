import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  DEFAULT_PASSWORD_POLICY,
  normalisePassword,
  type PasswordPolicy,
  type PasswordProblem,
  passwordAdviceLengths,
  passwordLength,
} from './password-policy.ts';
import type { CommonPasswords } from './ports.ts';

const GOOD = 'correct horse battery staple';

// A few entries of the real list, in memory: core cannot read the data file, whose
// adapter (adapters/security/common-passwords.ts) has its own tests, including
// checkPassword against all 10,000 entries.
const LISTED = new Set(['123456', 'password', 'trustno1', 'qazwsxedcrfvtgb', 'qqqqqq1']);
const commonPasswords: CommonPasswords = { has: (p) => LISTED.has(p) };

type CheckArgs = Omit<Parameters<typeof checkPassword>[0], 'commonPasswords'>;

/** `checkPassword` with the in-memory list. */
function check(args: CheckArgs) {
  return checkPassword({ commonPasswords, ...args });
}

function problems(args: CheckArgs): PasswordProblem[] {
  const result = check(args);
  return result.ok ? [] : result.problems;
}

describe('checkPassword: length', () => {
  it('needs 15 characters without a second factor: 14 fails, 15 passes', () => {
    expect(problems({ password: 'plumtreeorbit9' })).toEqual([
      { code: 'too-short', min: 15, length: 14 },
    ]);
    expect(check({ password: 'plumtreeorbit9x' })).toEqual({ ok: true });
  });

  it('needs 8 characters with a second factor: 7 fails, 8 passes', () => {
    expect(problems({ password: 'plumtre', hasSecondFactor: true })).toEqual([
      { code: 'too-short', min: 8, length: 7 },
    ]);
    expect(check({ password: 'plumtree', hasSecondFactor: true })).toEqual({ ok: true });
  });

  it('assumes no second factor unless told, the safer reading', () => {
    expect(check({ password: 'plumtree' }).ok).toBe(false);
  });

  it('allows 256 characters and refuses 257', () => {
    const words = 'plum tree orbit ';
    const at256 = words.repeat(16);
    expect(at256).toHaveLength(256);
    expect(check({ password: at256 })).toEqual({ ok: true });
    expect(problems({ password: `${at256}x` })).toEqual([{ code: 'too-long', max: 256 }]);
  });

  it('allows at least 64 characters, as NIST requires', () => {
    expect(DEFAULT_PASSWORD_POLICY.maxLength).toBeGreaterThanOrEqual(64);
  });

  it('counts Unicode code points after NFC, not UTF-16 units or bytes', () => {
    // 15 emoji are 30 UTF-16 units and 60 bytes, but 15 characters to a person.
    const emoji = '🐈🐕🐁🐎🐖🐄🐑🐓🦆🦉🐸🐢🐍🐝🦋';
    expect(passwordLength(emoji)).toBe(15);
    expect(check({ password: emoji })).toEqual({ ok: true });
    expect(problems({ password: emoji.slice(0, -2) })[0]).toEqual({
      code: 'too-short',
      min: 15,
      length: 14,
    });
    // 'e' + combining acute is one character once composed.
    const decomposed = 'cafe\u0301 ligne rouge';
    expect(decomposed).toHaveLength(17);
    expect(passwordLength(decomposed)).toBe(16);
  });

  it('follows a custom policy', () => {
    const policy: PasswordPolicy = { minLength: 20, minLengthWithSecondFactor: 10, maxLength: 64 };
    expect(problems({ password: GOOD.slice(0, 19), policy })[0]).toMatchObject({ min: 20 });
    expect(problems({ password: `${'x'.repeat(9)}y`, policy, hasSecondFactor: true })).toEqual([]);
    expect(problems({ password: `${GOOD}${GOOD}${GOOD}`, policy })).toEqual([
      { code: 'too-long', max: 64 },
    ]);
  });
});

describe('checkPassword: no composition rules', () => {
  it.each([
    ['only lower-case letters', 'thequickbrownfox'],
    ['only digits', '839201746592018'],
    ['words and spaces', GOOD],
    ['symbols and accents', 'ça m’est égal, vraiment!'],
  ])('accepts %s', (_, password) => {
    expect(check({ password })).toEqual({ ok: true });
  });
});

describe('checkPassword: the common-password list', () => {
  // With a 15-character minimum, most of the list is refused for length anyway, so
  // these tests lower the minimum to show the list itself is consulted.
  const short: PasswordPolicy = { minLength: 1, minLengthWithSecondFactor: 1, maxLength: 256 };
  const COMMON = { code: 'common' };

  it('asks the port with the password NFC-normalised and lower-cased', () => {
    const asked: string[] = [];
    const recording: CommonPasswords = {
      has(p) {
        asked.push(p);
        return LISTED.has(p);
      },
    };
    const result = checkPassword({
      password: 'PASSWORD',
      policy: short,
      commonPasswords: recording,
    });
    expect(result).toEqual({ ok: false, problems: [COMMON] });
    checkPassword({ password: 'Cafe\u0301', policy: short, commonPasswords: recording });
    expect(asked).toEqual(['password', 'caf\u00e9']);
  });

  it('refuses common passwords, whatever their case', () => {
    expect(problems({ password: 'password', policy: short })).toEqual([COMMON]);
    expect(problems({ password: 'PassWord', policy: short })).toEqual([COMMON]);
    expect(problems({ password: 'Trustno1', policy: short })).toEqual([COMMON]);
    expect(problems({ password: 'qqqqqq1', policy: short })).toEqual([COMMON]);
  });

  it('refuses a listed password long enough to pass the default minimum', () => {
    expect(problems({ password: 'qazwsxedcrfvtgb' })).toEqual([COMMON]);
    expect(problems({ password: 'QAZWSXEDCRFVTGB' })).toEqual([COMMON]);
  });

  it('accepts a password that only contains a common one', () => {
    expect(check({ password: 'password', policy: short }).ok).toBe(false);
    expect(check({ password: 'password violet lantern', policy: short })).toEqual({
      ok: true,
    });
  });

  it('accepts anything the port does not list', () => {
    const empty: CommonPasswords = { has: () => false };
    expect(checkPassword({ password: 'password', policy: short, commonPasswords: empty })).toEqual({
      ok: true,
    });
  });

  it('reports every problem together', () => {
    expect(problems({ password: 'password' })).toEqual([
      { code: 'too-short', min: 15, length: 8 },
      COMMON,
    ]);
  });
});

describe('checkPassword: repeated characters', () => {
  it('refuses one character repeated, at any length', () => {
    const REPEATED = { code: 'repeated' };
    expect(problems({ password: 'a'.repeat(20) })).toEqual([REPEATED]);
    expect(problems({ password: '🐈'.repeat(20) })).toEqual([REPEATED]);
    expect(problems({ password: ' '.repeat(20) })).toEqual([REPEATED]);
    expect(check({ password: `${'a'.repeat(19)}b` })).toEqual({ ok: true });
  });
});

describe("checkPassword: the account's email address", () => {
  const CONTAINS = { code: 'contains-email' };

  it('refuses a password containing the local part, whatever its case', () => {
    const email = 'Jo.Bloggs@barnet.gov.uk';
    expect(problems({ password: 'my name is jo.bloggs ok', email })).toEqual([CONTAINS]);
    expect(problems({ password: 'JO.BLOGGS@barnet.gov.uk', email })).toEqual([CONTAINS]);
    expect(check({ password: 'jo bloggs violet lantern', email })).toEqual({ ok: true });
  });

  it('checks local parts of 3 characters but not 2, which turn up in words by chance', () => {
    expect(problems({ password: 'amy violet lantern', email: 'amy@x.org' })).toEqual([CONTAINS]);
    expect(check({ password: 'jonquil violet lantern', email: 'jo@x.org' })).toEqual({
      ok: true,
    });
  });

  it('works without an email', () => {
    expect(check({ password: GOOD, email: null })).toEqual({ ok: true });
  });
});

describe('checkPassword: context words', () => {
  it('refuses a password containing a word specific to this service', () => {
    expect(
      problems({ password: 'sealpost is my password', contextWords: ['Sealpost', 'ab'] }),
    ).toEqual([{ code: 'contains-word', word: 'Sealpost' }]);
    expect(check({ password: 'abacus violet lantern', contextWords: ['ab'] })).toEqual({
      ok: true,
    });
  });
});

describe('checkPassword: normalisation', () => {
  it('refuses an empty password with one plain problem', () => {
    expect(problems({ password: '' })).toEqual([{ code: 'empty' }]);
  });

  it('treats composed and decomposed accents as the same password', () => {
    expect(normalisePassword('cafe\u0301')).toBe(normalisePassword('caf\u00e9'));
  });
});

describe('passwordAdviceLengths', () => {
  it('names the lengths the advice states (its words are in views/strings)', () => {
    expect(passwordAdviceLengths()).toEqual({ min: 15, max: 256 });
    expect(passwordAdviceLengths(DEFAULT_PASSWORD_POLICY, true)).toEqual({ min: 8, max: 256 });
  });
});
