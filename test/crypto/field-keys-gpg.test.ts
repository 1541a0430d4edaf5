import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makeMessage, makeStaff } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { onEachDatabase } from './field-key-databases.ts';
import { freshKeysDir, gnupgHome, PASSPHRASE, runProgram, testCipher } from './support.ts';

function hasTools(): boolean {
  try {
    for (const tool of ['gpg', 'sqlite3', 'psql']) {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    }
    return true;
  } catch {
    return false;
  }
}

const homes: ReturnType<typeof gnupgHome>[] = [];
afterAll(async () => {
  for (const home of homes) await home.stopAgent();
});

const SUBJECT = 'Your housing application \u2013 decision';

// docs/admin/keys.md, "Reading a value with GnuPG alone": the admin pulls the wrapped
// field key and a value out of the database as files, then runs two gpg commands. This
// runs those steps as written there, on a real database of each kind.
onEachDatabase('GnuPG reads a field-key value', (open) => {
  it.skipIf(!hasTools())('with the org key backup and two commands', async () => {
    const { storage, url } = await open();
    const keysDir = freshKeysDir();
    const cipher = testCipher({ keysDir, fieldKeys: storage.repos.fieldKeys });
    const staff = makeStaff();
    await storage.repos.accounts.insert({ account: staff });
    const message = makeMessage({
      senderId: staff.id,
      subjectEnc: await cipher.encryptBytes({ plaintext: new TextEncoder().encode(SUBJECT) }),
    });
    await storage.repos.messages.insert({ message });

    const work = tempDir('sealpost-field-gpg-');
    const sh = (script: string) =>
      runProgram('sh', ['-c', script], { cwd: work, env: { ...process.env, DB: url } });
    // Which field key the value is under: bytes 7-14 of the value are its id.
    const idQuery = `select lower(hex(substr(subject_enc, 7, 8))) from messages where id = '${message.id}'`;
    const pgIdQuery = `select encode(substr(subject_enc, 7, 8), 'hex') from messages where id = '${message.id}'`;
    const isSqlite = storage.dialect === 'sqlite';
    const found = await sh(
      isSqlite ? `sqlite3 "$DB" "${idQuery}"` : `psql "$DB" -Atc "${pgIdQuery}"`,
    );
    const fieldKeyId = found.stdout.toString().trim();
    expect(fieldKeyId, found.stderr).toMatch(/^[0-9a-f]{16}$/);
    const pulled = await sh(
      isSqlite
        ? `sqlite3 "$DB" "select writefile('field-key.pgp', wrapped) from field_keys where id = '${fieldKeyId}'" && sqlite3 "$DB" "select writefile('value.pgp', subject_enc) from messages where id = '${message.id}'"`
        : `psql "$DB" -Atc "select encode(wrapped, 'base64') from field_keys where id = '${fieldKeyId}'" | base64 -d > field-key.pgp && psql "$DB" -Atc "select encode(subject_enc, 'base64') from messages where id = '${message.id}'" | base64 -d > value.pgp`,
    );
    expect(pulled.code, pulled.stderr).toBe(0);

    const home = gnupgHome();
    homes.push(home);
    const backup = path.join(work, 'org-keys.asc');
    writeFileSync(backup, await cipher.exportSecret());
    const imported = await home.gpg(
      ['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--import', backup],
      PASSPHRASE,
    );
    expect(imported.code, imported.stderr).toBe(0);

    // 1. gpg --decrypt field-key.pgp > field-key.txt   (asks for the org key passphrase)
    const unwrapped = await home.gpg(
      [
        '--pinentry-mode',
        'loopback',
        '--passphrase-fd',
        '0',
        '--decrypt',
        path.join(work, 'field-key.pgp'),
      ],
      PASSPHRASE,
    );
    expect(unwrapped.code, unwrapped.stderr).toBe(0);
    expect(unwrapped.stdout.toString()).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(path.join(work, 'field-key.txt'), unwrapped.stdout, { mode: 0o600 });

    // 2. gpg --batch --pinentry-mode loopback --passphrase-file field-key.txt --decrypt value.pgp
    const value = await home.gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase-file',
      path.join(work, 'field-key.txt'),
      '--decrypt',
      path.join(work, 'value.pgp'),
    ]);
    expect(value.code, value.stderr).toBe(0);
    expect(value.stdout.toString()).toBe(SUBJECT);
    // Integrity protected (MDC), AES-256, and no public-key step for the value itself.
    expect(value.stderr).not.toContain('not integrity protected');
    expect(value.stderr).toContain('AES256');
    expect(value.stderr).toContain('encrypted with 1 passphrase');

    // A wrong field key gets nothing out.
    writeFileSync(path.join(work, 'wrong.txt'), 'f'.repeat(64));
    const wrong = await home.gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase-file',
      path.join(work, 'wrong.txt'),
      '--decrypt',
      path.join(work, 'value.pgp'),
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout.toString()).not.toContain(SUBJECT);
  });
});
