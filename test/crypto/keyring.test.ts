import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { openpgpCipher } from '../../adapters/crypto/openpgp/index.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { DecryptFailed } from '../../core/crypto/errors.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { ROOT } from '../support/cli.ts';
import { capturingLogger, freshKeysDir, PASSPHRASE, runProgram, testCipher } from './support.ts';

const silent = createLogger({ level: 'silent' });
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('the org keyring', () => {
  it('is made on first use: a private folder, one passphrase-protected key file', async () => {
    const keysDir = freshKeysDir();
    const cipher = openpgpCipher({ keysDir, passphrase: PASSPHRASE, logger: silent });
    expect(() => statSync(keysDir)).toThrow(); // nothing happens before first use
    await cipher.listKeys();
    expect(modeOf(keysDir)).toBe(0o700);
    expect(readdirSync(keysDir)).toEqual(['org-key-0001.asc']);
    const file = path.join(keysDir, 'org-key-0001.asc');
    expect(modeOf(file)).toBe(0o600);
    const stored = await openpgp.readPrivateKey({ armoredKey: readFileSync(file, 'utf8') });
    expect(stored.isDecrypted()).toBe(false);
    await expect(
      openpgp.decryptKey({ privateKey: stored, passphrase: PASSPHRASE }),
    ).resolves.toBeTruthy();
  });

  it('without a passphrase, generates a passphrase file and warns loudly at every start', async () => {
    const keysDir = freshKeysDir();
    const first = capturingLogger();
    const cipher = openpgpCipher({ keysDir, logger: first.logger });
    const sealed = await cipher.encryptBytes({ plaintext: encoder.encode('kept') });
    const passphraseFile = path.join(keysDir, 'org-key.passphrase');
    expect(modeOf(passphraseFile)).toBe(0o600);
    expect(readFileSync(passphraseFile, 'utf8').trim().length).toBeGreaterThanOrEqual(40);
    expect(first.lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(String(first.lines[0]?.msg)).toContain('SEALPOST_KEY_PASSPHRASE is not set');

    const second = capturingLogger();
    const again = openpgpCipher({ keysDir, logger: second.logger });
    expect(second.lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(decoder.decode(await again.decryptBytes({ ciphertext: sealed }))).toBe('kept');

    const configured = capturingLogger();
    openpgpCipher({ keysDir: freshKeysDir(), passphrase: PASSPHRASE, logger: configured.logger });
    expect(configured.lines).toEqual([]);
  });

  it('says clearly when the passphrase is wrong or missing, and decrypts nothing', async () => {
    const keysDir = freshKeysDir();
    const right = openpgpCipher({ keysDir, passphrase: PASSPHRASE, logger: silent });
    const sealed = await right.encryptBytes({ plaintext: encoder.encode('x') });

    const wrong = openpgpCipher({
      keysDir,
      passphrase: 'not the passphrase at all',
      logger: silent,
    });
    const error = await wrong.decryptBytes({ ciphertext: sealed }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecryptFailed);
    expect((error as Error).message).toContain('org-key-0001.asc cannot be unlocked');
    expect((error as Error).message).toContain('SEALPOST_KEY_PASSPHRASE');
    await expect(wrong.encryptBytes({ plaintext: encoder.encode('y') })).rejects.toBeInstanceOf(
      DecryptFailed,
    );

    // Keys made under a configured passphrase: no file may be invented for them.
    const missing = openpgpCipher({ keysDir, logger: silent });
    const noPassphrase = await missing.listKeys().catch((e: unknown) => e);
    expect(noPassphrase).toBeInstanceOf(DecryptFailed);
    expect((noPassphrase as Error).message).toContain('no key passphrase is configured');
    expect(readdirSync(keysDir)).toEqual(['org-key-0001.asc']);
  });

  it('refuses bad options with a ConfigurationError', () => {
    const ok = { keysDir: freshKeysDir(), logger: silent };
    expect(() => openpgpCipher({ ...ok, keysDir: '' })).toThrow(ConfigurationError);
    expect(() => openpgpCipher({ ...ok, passphrase: '' })).toThrow(ConfigurationError);
    expect(() => openpgpCipher({ ...ok, passphrase: '   ' })).toThrow(ConfigurationError);
    expect(() => openpgpCipher({ ...ok, chunkSize: 0 })).toThrow(ConfigurationError);
    expect(() => openpgpCipher({ ...ok, chunkSize: 1.5 })).toThrow(ConfigurationError);
    expect(() => openpgpCipher({ ...ok, chunkSize: 64 * 1024 * 1024 })).toThrow(ConfigurationError);
    expect(() =>
      openpgpCipher({ keysDir: ok.keysDir, logger: undefined as unknown as typeof silent }),
    ).toThrow(ConfigurationError);
  });

  it('calls a damaged key file a configuration problem', async () => {
    const keysDir = freshKeysDir();
    await openpgpCipher({ keysDir, passphrase: PASSPHRASE, logger: silent }).listKeys();
    writeFileSync(path.join(keysDir, 'org-key-0001.asc'), 'not a key');
    const cipher = openpgpCipher({ keysDir, passphrase: PASSPHRASE, logger: silent });
    await expect(cipher.listKeys()).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('ends up with one key when several instances start at once', async () => {
    const keysDir = freshKeysDir();
    const ciphers = Array.from({ length: 6 }, () => openpgpCipher({ keysDir, logger: silent }));
    const lists = await Promise.all(ciphers.map((c) => c.listKeys()));
    expect(new Set(lists.map((keys) => keys.map((k) => k.fingerprint).join()))).toHaveProperty(
      'size',
      1,
    );
    expect(readdirSync(keysDir).sort()).toEqual(['org-key-0001.asc', 'org-key.passphrase']);
  });

  it('ends up with one key when several processes start at once', async () => {
    const keysDir = freshKeysDir();
    const child = path.join(ROOT, 'test/crypto/keyring-child.ts');
    const results = await Promise.all(
      Array.from({ length: 3 }, () =>
        runProgram(process.execPath, ['--import', 'tsx', child, keysDir], { cwd: ROOT }),
      ),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const lines = results.map((r) => r.stdout.toString().trim().split(' '));
    expect(new Set(lines.map(([fingerprint]) => fingerprint)).size).toBe(1);
    expect(readdirSync(keysDir).sort()).toEqual(['org-key-0001.asc', 'org-key.passphrase']);
    const cipher = openpgpCipher({ keysDir, logger: silent });
    for (const [, sealed] of lines) {
      const value = await cipher.decryptBytes({
        ciphertext: Buffer.from(sealed as string, 'base64'),
      });
      expect(decoder.decode(value)).toBe('ok');
    }
  });

  it('rotates: a new primary file, old data readable, and other instances keep up', async () => {
    const keysDir = freshKeysDir();
    const a = openpgpCipher({ keysDir, passphrase: PASSPHRASE, logger: silent });
    const b = openpgpCipher({ keysDir, passphrase: PASSPHRASE, logger: silent });
    const old = await a.encryptBytes({ plaintext: encoder.encode('old') });
    await b.listKeys();

    const [rotatedA, rotatedB] = await Promise.all([a.rotateKey(), a.rotateKey()]);
    expect(rotatedA.fingerprint).not.toBe(rotatedB.fingerprint);
    expect(readdirSync(keysDir).sort()).toEqual([
      'org-key-0001.asc',
      'org-key-0002.asc',
      'org-key-0003.asc',
    ]);
    for (const name of readdirSync(keysDir)) expect(modeOf(path.join(keysDir, name))).toBe(0o600);
    const keys = await a.listKeys();
    expect(keys).toHaveLength(3);
    expect(keys.filter((k) => k.isPrimary)).toEqual([keys[0]]);

    const fresh = await a.encryptBytes({ plaintext: encoder.encode('new') });
    expect(await a.isUnderPrimaryKey({ ciphertext: fresh, of: 'value' })).toBe(true);
    expect(await a.isUnderPrimaryKey({ ciphertext: old, of: 'value' })).toBe(false);
    // b loaded the keyring before the rotations: an unknown key id makes it look again.
    expect(decoder.decode(await b.decryptBytes({ ciphertext: fresh }))).toBe('new');
    expect(decoder.decode(await b.decryptBytes({ ciphertext: old }))).toBe('old');
  });

  it('exports every key, primary first: public in clear, secret still protected', async () => {
    const cipher = testCipher();
    await cipher.rotateKey();
    const fingerprints = (await cipher.listKeys()).map((k) => k.fingerprint);

    const publicText = await cipher.exportPublic();
    expect(publicText).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    const publicKeys = await openpgp.readKeys({ armoredKeys: publicText });
    expect(publicKeys.map((k) => k.getFingerprint())).toEqual(fingerprints);
    expect(publicKeys.every((k) => !k.isPrivate())).toBe(true);

    const secretText = await cipher.exportSecret();
    expect(secretText).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');
    const secretKeys = await openpgp.readPrivateKeys({ armoredKeys: secretText });
    expect(secretKeys.map((k) => k.getFingerprint())).toEqual(fingerprints);
    for (const key of secretKeys) {
      expect(key.isDecrypted()).toBe(false);
      await expect(
        openpgp.decryptKey({ privateKey: key, passphrase: PASSPHRASE }),
      ).resolves.toBeTruthy();
    }
  });
});
