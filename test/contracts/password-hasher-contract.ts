import { describe, expect, it } from 'vitest';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import type { PasswordHasher } from '../../core/accounts/ports.ts';

/** Options of the password hasher suite. */
export type PasswordHasherContractOptions = {
  /**
   * What every hash must look like. The port asks for argon2id in PHC format
   * (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`), which is the default.
   */
  format?: RegExp;
};

const PHC_ARGON2ID = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * The promises every PasswordHasher (core/accounts/ports.ts) keeps, as core uses it
 * (core hashes `normalisePassword(p)`, never `p`). A hash is argon2id in PHC format,
 * salted (the same password hashes differently each time) and never holds the
 * password; it verifies its own password and no other: not a case change, a space, a
 * prefix or a password that differs only after 72 bytes (bcrypt's limit) or after a
 * NUL; Unicode passwords work, and composed and decomposed forms match once
 * normalised; a malformed or foreign stored hash is `false`, never a throw.
 */
export function passwordHasherContract(
  name: string,
  create: () => PasswordHasher | Promise<PasswordHasher>,
  options: PasswordHasherContractOptions = {},
): void {
  const format = options.format ?? PHC_ARGON2ID;
  const PASSWORD = normalisePassword('correct horse battery staple 42');

  describe(`PasswordHasher contract: ${name}`, () => {
    it('makes a hash of the promised format that verifies its password', async () => {
      const hasher = await create();
      const hash = await hasher.hash({ password: PASSWORD });
      expect(hash).toMatch(format);
      expect(await hasher.verify({ hash, password: PASSWORD })).toBe(true);
    });

    it('salts: the same password hashes differently each time, and each verifies', async () => {
      const hasher = await create();
      const hashes = await Promise.all([1, 2, 3].map(() => hasher.hash({ password: PASSWORD })));
      expect(new Set(hashes).size).toBe(3);
      for (const hash of hashes)
        expect(await hasher.verify({ hash, password: PASSWORD })).toBe(true);
    });

    it('never keeps the password, or any long piece of it, in the hash', async () => {
      const hasher = await create();
      const password = 'Uniquely-Recognisable-Secret-9f8e7d';
      const hash = await hasher.hash({ password });
      for (let i = 0; i + 8 <= password.length; i++) {
        expect(hash).not.toContain(password.slice(i, i + 8));
      }
      expect(hash).not.toContain(Buffer.from(password).toString('base64').slice(0, 12));
      expect(hash).not.toContain(Buffer.from(password).toString('hex').slice(0, 16));
    });

    it('verifies no other password', async () => {
      const hasher = await create();
      const hash = await hasher.hash({ password: PASSWORD });
      for (const other of [
        '',
        'correct horse battery staple',
        'Correct horse battery staple 42',
        'CORRECT HORSE BATTERY STAPLE 42',
        `${PASSWORD} `,
        ` ${PASSWORD}`,
        `${PASSWORD}\n`,
        `${PASSWORD}\u0000`,
        PASSWORD.slice(0, -1),
        `${PASSWORD}2`,
      ]) {
        expect(await hasher.verify({ hash, password: other })).toBe(false);
      }
    });

    it('tells apart passwords that differ only after a NUL', async () => {
      const hasher = await create();
      const hash = await hasher.hash({ password: 'before\u0000after-one' });
      expect(await hasher.verify({ hash, password: 'before\u0000after-one' })).toBe(true);
      expect(await hasher.verify({ hash, password: 'before\u0000after-two' })).toBe(false);
      expect(await hasher.verify({ hash, password: 'before' })).toBe(false);
    });

    it('uses every character of a long password (no 72-byte cut-off)', async () => {
      const hasher = await create();
      const stem = 'x'.repeat(100);
      const hash = await hasher.hash({ password: `${stem}A` });
      expect(await hasher.verify({ hash, password: `${stem}A` })).toBe(true);
      expect(await hasher.verify({ hash, password: `${stem}B` })).toBe(false);
      expect(await hasher.verify({ hash, password: stem })).toBe(false);
      // As long as any check hashes (MAX_CHECKED_PASSWORD_LENGTH, 1,024 UTF-16 units),
      // in characters of up to four bytes.
      const longest = `${'🔐é'.repeat(341)}z`;
      const longHash = await hasher.hash({ password: longest });
      expect(await hasher.verify({ hash: longHash, password: longest })).toBe(true);
      expect(await hasher.verify({ hash: longHash, password: `${longest.slice(0, -1)}y` })).toBe(
        false,
      );
    });

    it('hashes Unicode passwords, and the composed and decomposed forms match once normalised', async () => {
      const hasher = await create();
      const composed = 'Cyfrinair-ŵŷâ-Siân-密码-пароль-🔐';
      const decomposed = composed.normalize('NFD');
      expect(decomposed).not.toBe(composed);
      const hash = await hasher.hash({ password: normalisePassword(decomposed) });
      expect(await hasher.verify({ hash, password: normalisePassword(composed) })).toBe(true);
      expect(await hasher.verify({ hash, password: normalisePassword('Cyfrinair-wya-Sian') })).toBe(
        false,
      );
      // Right-to-left text and joiners are characters like any other.
      const rtl = 'كلمة‏السر‍ 123';
      const rtlHash = await hasher.hash({ password: rtl });
      expect(await hasher.verify({ hash: rtlHash, password: rtl })).toBe(true);
      expect(await hasher.verify({ hash: rtlHash, password: rtl.replace('‍', '') })).toBe(false);
    });

    it('answers false, never a throw, for a malformed or foreign stored hash', async () => {
      const hasher = await create();
      const real = await hasher.hash({ password: PASSWORD });
      const flipped = `${real.slice(0, -2)}${real.endsWith('AA') ? 'BB' : 'AA'}`;
      const stored = [
        '',
        ' ',
        'not a hash',
        PASSWORD,
        '$argon2id$',
        '$argon2id$v=19$m=1,t=1,p=1$$',
        '$argon2id$v=19$m=1,t=0,p=0$c2FsdHNhbHQ$aGFzaGhhc2g',
        '$argon2id$v=19$m=19456,t=2,p=1$%%%%$%%%%',
        real.slice(0, real.length - 10),
        real.slice(0, real.lastIndexOf('$')),
        flipped,
        `${real}\n`,
        real.replace('$argon2id$', '$argon2i$'),
        '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',
        '5f4dcc3b5aa765d61d8327deb882cf99',
        '\u0000\ud800',
        '$'.repeat(100_000),
      ];
      for (const hash of stored) {
        await expect(hasher.verify({ hash, password: PASSWORD })).resolves.toBe(false);
      }
    }, 60_000);

    it('keeps parallel hashes and checks apart', async () => {
      const hasher = await create();
      const passwords = Array.from({ length: 6 }, (_, i) => `parallel password ${i}`);
      const hashes = await Promise.all(passwords.map((password) => hasher.hash({ password })));
      const checks = await Promise.all(
        hashes.flatMap((hash, i) =>
          passwords.map(async (password, j) => ({
            same: i === j,
            ok: await hasher.verify({ hash, password }),
          })),
        ),
      );
      for (const check of checks) expect(check.ok).toBe(check.same);
    });
  });
}
