import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from './common-passwords.ts';
import {
  checkPassword,
  DEFAULT_PASSWORD_POLICY,
  normalisePassword,
  PASSWORD_ADVICE,
  type PasswordPolicy,
  passwordAdvice,
  passwordLength,
} from './password-policy.ts';

const GOOD = 'correct horse battery staple';

function problems(args: Parameters<typeof checkPassword>[0]): string[] {
  const result = checkPassword(args);
  return result.ok ? [] : result.problems;
}

describe('checkPassword: length', () => {
  it('needs 15 characters without a second factor: 14 fails, 15 passes', () => {
    expect(problems({ password: 'plumtreeorbit9' })).toEqual([
      'Your password must be at least 15 characters long. It has 14.',
    ]);
    expect(checkPassword({ password: 'plumtreeorbit9x' })).toEqual({ ok: true });
  });

  it('needs 8 characters with a second factor: 7 fails, 8 passes', () => {
    expect(problems({ password: 'plumtre', hasSecondFactor: true })).toEqual([
      'Your password must be at least 8 characters long. It has 7.',
    ]);
    expect(checkPassword({ password: 'plumtree', hasSecondFactor: true })).toEqual({ ok: true });
  });

  it('assumes no second factor unless told, the safer reading', () => {
    expect(checkPassword({ password: 'plumtree' }).ok).toBe(false);
  });

  it('allows 256 characters and refuses 257', () => {
    const words = 'plum tree orbit ';
    const at256 = words.repeat(16);
    expect(at256).toHaveLength(256);
    expect(checkPassword({ password: at256 })).toEqual({ ok: true });
    expect(problems({ password: `${at256}x` })).toEqual([
      'Your password must be at most 256 characters long.',
    ]);
  });

  it('allows at least 64 characters, as NIST requires', () => {
    expect(DEFAULT_PASSWORD_POLICY.maxLength).toBeGreaterThanOrEqual(64);
  });

  it('counts Unicode code points after NFC, not UTF-16 units or bytes', () => {
    // 15 emoji are 30 UTF-16 units and 60 bytes, but 15 characters to a person.
    const emoji = '🐈🐕🐁🐎🐖🐄🐑🐓🦆🦉🐸🐢🐍🐝🦋';
    expect(passwordLength(emoji)).toBe(15);
    expect(checkPassword({ password: emoji })).toEqual({ ok: true });
    expect(problems({ password: emoji.slice(0, -2) })[0]).toMatch(/It has 14\.$/);
    // 'e' + combining acute is one character once composed.
    const decomposed = 'cafe\u0301 ligne rouge';
    expect(decomposed).toHaveLength(17);
    expect(passwordLength(decomposed)).toBe(16);
  });

  it('follows a custom policy', () => {
    const policy: PasswordPolicy = { minLength: 20, minLengthWithSecondFactor: 10, maxLength: 64 };
    expect(problems({ password: GOOD.slice(0, 19), policy })[0]).toMatch(/at least 20/);
    expect(problems({ password: `${'x'.repeat(9)}y`, policy, hasSecondFactor: true })).toEqual([]);
    expect(problems({ password: `${GOOD}${GOOD}${GOOD}`, policy })).toEqual([
      'Your password must be at most 64 characters long.',
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
    expect(checkPassword({ password })).toEqual({ ok: true });
  });
});

describe('checkPassword: the common-password list', () => {
  // With a 15-character minimum, most of the list is refused for length anyway, so
  // these tests lower the minimum to show the list itself is consulted.
  const short: PasswordPolicy = { minLength: 1, minLengthWithSecondFactor: 1, maxLength: 256 };
  const COMMON = 'That is one of the most common passwords, so it is easy to guess.';

  it('holds 10,000 distinct lower-case passwords', () => {
    expect(COMMON_PASSWORDS).toHaveLength(10_000);
    expect(new Set(COMMON_PASSWORDS).size).toBe(10_000);
    expect(COMMON_PASSWORDS.every((p) => p === p.toLowerCase() && p !== '')).toBe(true);
    expect(COMMON_PASSWORDS.slice(0, 3)).toEqual(['123456', 'password', '12345678']);
  });

  it('refuses common passwords, whatever their case', () => {
    expect(problems({ password: 'password', policy: short })).toEqual([COMMON]);
    expect(problems({ password: 'PassWord', policy: short })).toEqual([COMMON]);
    expect(problems({ password: 'Trustno1', policy: short })).toEqual([COMMON]);
    // The last entry of the list counts as much as the first.
    const last = COMMON_PASSWORDS[COMMON_PASSWORDS.length - 1] as string;
    expect(problems({ password: last, policy: short })).toEqual([COMMON]);
  });

  it('refuses the common entries long enough to pass the default minimum', () => {
    const long = COMMON_PASSWORDS.filter((p) => passwordLength(p) >= 15);
    expect(long.length).toBeGreaterThan(0);
    expect(long).toContain('qazwsxedcrfvtgb');
    for (const password of long) expect(problems({ password })).toEqual([COMMON]);
    expect(problems({ password: 'QAZWSXEDCRFVTGB' })).toEqual([COMMON]);
  });

  it('accepts a password that only contains a common one', () => {
    expect(checkPassword({ password: 'password', policy: short }).ok).toBe(false);
    expect(checkPassword({ password: 'password violet lantern', policy: short })).toEqual({
      ok: true,
    });
  });

  it('reports every problem together', () => {
    expect(problems({ password: 'password' })).toEqual([
      'Your password must be at least 15 characters long. It has 8.',
      COMMON,
    ]);
  });
});

describe('checkPassword: repeated characters', () => {
  it('refuses one character repeated, at any length', () => {
    const REPEATED = 'Your password cannot be one character repeated.';
    expect(problems({ password: 'a'.repeat(20) })).toEqual([REPEATED]);
    expect(problems({ password: '🐈'.repeat(20) })).toEqual([REPEATED]);
    expect(problems({ password: ' '.repeat(20) })).toEqual([REPEATED]);
    expect(checkPassword({ password: `${'a'.repeat(19)}b` })).toEqual({ ok: true });
  });
});

describe("checkPassword: the account's email address", () => {
  const CONTAINS = 'Your password cannot contain your email address or the name in it.';

  it('refuses a password containing the local part, whatever its case', () => {
    const email = 'Jo.Bloggs@barnet.gov.uk';
    expect(problems({ password: 'my name is jo.bloggs ok', email })).toEqual([CONTAINS]);
    expect(problems({ password: 'JO.BLOGGS@barnet.gov.uk', email })).toEqual([CONTAINS]);
    expect(checkPassword({ password: 'jo bloggs violet lantern', email })).toEqual({ ok: true });
  });

  it('checks local parts of 3 characters but not 2, which turn up in words by chance', () => {
    expect(problems({ password: 'amy violet lantern', email: 'amy@x.org' })).toEqual([CONTAINS]);
    expect(checkPassword({ password: 'jonquil violet lantern', email: 'jo@x.org' })).toEqual({
      ok: true,
    });
  });

  it('works without an email', () => {
    expect(checkPassword({ password: GOOD, email: null })).toEqual({ ok: true });
  });
});

describe('checkPassword: context words', () => {
  it('refuses a password containing a word specific to this service', () => {
    expect(
      problems({ password: 'sealpost is my password', contextWords: ['Sealpost', 'ab'] }),
    ).toEqual(['Your password cannot contain "Sealpost", which is easy to guess here.']);
    expect(checkPassword({ password: 'abacus violet lantern', contextWords: ['ab'] })).toEqual({
      ok: true,
    });
  });
});

describe('checkPassword: normalisation', () => {
  it('refuses an empty password with one plain problem', () => {
    expect(problems({ password: '' })).toEqual(['Enter a password.']);
  });

  it('treats composed and decomposed accents as the same password', () => {
    expect(normalisePassword('cafe\u0301')).toBe(normalisePassword('caf\u00e9'));
  });
});

describe('PASSWORD_ADVICE', () => {
  it('states the rules up front and suggests three random words', () => {
    expect(PASSWORD_ADVICE).toContain('at least 15 characters');
    expect(PASSWORD_ADVICE).toContain('three random words');
    expect(PASSWORD_ADVICE).toContain('do not need numbers, symbols or capital letters');
    expect(passwordAdvice(DEFAULT_PASSWORD_POLICY, true)).toContain('at least 8 characters');
  });
});
