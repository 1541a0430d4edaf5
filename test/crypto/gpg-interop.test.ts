import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { patternBytes } from '../contracts/blob-store-contract.ts';
import { tempDir } from '../support/cli.ts';
import { gnupgHome, PASSPHRASE, runProgram, splitScriptFromDocs, testCipher } from './support.ts';

function hasGpg(): boolean {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const decoder = new TextDecoder();
const homes: ReturnType<typeof gnupgHome>[] = [];

afterAll(async () => {
  for (const home of homes) await home.stopAgent();
});

// The point of the format: whatever happens to Sealpost, an admin with the key
// backup, its passphrase and stock GnuPG 2.2 gets every stored byte back, following
// docs/admin/keys.md to the letter (its split script is the one run here).
describe.skipIf(!hasGpg())('GnuPG reads what Sealpost stores', () => {
  async function importedKeyring(exported: string) {
    const home = gnupgHome();
    homes.push(home);
    const file = path.join(home.home, '..', 'keys.asc');
    writeFileSync(file, exported);
    const imported = await home.gpg(
      ['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--import', file],
      PASSPHRASE,
    );
    expect(imported.code, imported.stderr).toBe(0);
    return home;
  }

  async function gpgDecrypt(home: ReturnType<typeof gnupgHome>, file: string): Promise<Buffer> {
    const result = await home.gpg(
      ['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--decrypt', file],
      PASSPHRASE,
    );
    expect(result.code, result.stderr).toBe(0);
    // SEIPD with MDC: gpg would warn if the data were not integrity protected.
    expect(result.stderr).not.toContain('not integrity protected');
    return result.stdout;
  }

  it('decrypts every chunk of a stored blob, split by the documented script, to the original', async () => {
    const cipher = testCipher();
    const original = patternBytes(2 * 1024 * 1024 + 12_345, 11);
    const blob = await readAll(await cipher.encryptStream({ plaintext: streamOf(original) }));
    const home = await importedKeyring(await cipher.exportSecret());

    const work = tempDir('sealpost-recover-');
    writeFileSync(path.join(work, 'split-chunks.mjs'), splitScriptFromDocs());
    writeFileSync(path.join(work, 'blob'), blob);
    const split = await runProgram(process.execPath, ['split-chunks.mjs', 'blob', 'chunk'], {
      cwd: work,
    });
    expect(split.code, split.stderr).toBe(0);
    const chunks = readdirSync(work)
      .filter((name) => name.startsWith('chunk.'))
      .sort();
    expect(chunks).toEqual(['chunk.00000.pgp', 'chunk.00001.pgp', 'chunk.00002.pgp']);

    const recovered: Buffer[] = [];
    for (const chunk of chunks) recovered.push(await gpgDecrypt(home, path.join(work, chunk)));
    expect(Buffer.concat(recovered).equals(Buffer.from(original))).toBe(true);

    const listed = await home.gpg(['--list-packets', path.join(work, chunks[2] as string)]);
    expect(listed.stdout.toString()).toMatch(/name="sealpost-1-[0-9a-f]{32}-00000002-end"/);
    expect(listed.stdout.toString()).toContain('mdc_method: 2');
  });

  it('decrypts small values as they are, and every key of a rotated keyring', async () => {
    const cipher = testCipher();
    const before = await cipher.encryptBytes({
      plaintext: new TextEncoder().encode('Subject: before the rotation'),
    });
    await cipher.rotateKey();
    const after = await cipher.encryptBytes({
      plaintext: new TextEncoder().encode('Subject: after the rotation'),
    });
    const home = await importedKeyring(await cipher.exportSecret());
    const listed = await home.gpg(['--list-secret-keys', '--with-colons']);
    expect(listed.stdout.toString().match(/^sec:/gm)).toHaveLength(2);

    const work = tempDir('sealpost-recover-');
    writeFileSync(path.join(work, 'before.pgp'), before);
    writeFileSync(path.join(work, 'after.pgp'), after);
    expect(decoder.decode(await gpgDecrypt(home, path.join(work, 'before.pgp')))).toBe(
      'Subject: before the rotation',
    );
    expect(decoder.decode(await gpgDecrypt(home, path.join(work, 'after.pgp')))).toBe(
      'Subject: after the rotation',
    );
  });

  it('exports public keys GnuPG imports, and secret keys useless without the passphrase', async () => {
    const cipher = testCipher();
    const home = gnupgHome();
    homes.push(home);
    const file = path.join(home.home, '..', 'public.asc');
    writeFileSync(file, await cipher.exportPublic());
    const imported = await home.gpg(['--import', file]);
    expect(imported.code, imported.stderr).toBe(0);
    const [key] = await cipher.listKeys();
    const listed = await home.gpg(['--list-keys', '--with-colons']);
    expect(listed.stdout.toString().toLowerCase()).toContain(key?.fingerprint);

    const secret = path.join(home.home, '..', 'secret.asc');
    writeFileSync(secret, await cipher.exportSecret());
    expect((await home.gpg(['--import', secret])).code).toBe(0);
    const sealed = path.join(home.home, '..', 'value.pgp');
    writeFileSync(sealed, await cipher.encryptBytes({ plaintext: new Uint8Array([1, 2, 3]) }));
    const refused = await home.gpg(
      ['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--decrypt', sealed],
      'not the passphrase',
    );
    expect(refused.stdout.byteLength).toBe(0);
    expect(refused.code).not.toBe(0);
  });
});
