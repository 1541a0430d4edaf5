import { chmodSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { silentLogger, storeOneMessage } from '../support/installation.ts';

// `sealpost doctor` on a healthy installation and on one with each fault an admin meets
// (wrong passphrase, missing key, another installation's folder, a mail server that does
// not answer, files others can read): a line per check naming the fault and its fix,
// and the exit code. Real processes on a real SQLite installation with stored mail.

const PASSPHRASE = 'doctor test passphrase';
const dataDir = tempDir('sealpost-doctor-');
const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: PASSPHRASE };
const line = (stdout: string, name: string) =>
  stdout.split('\n').find((l) => l.slice(8, 24).trim() === name) ?? '';

beforeAll(async () => {
  // An installation with a message and a file in it, as `serve` leaves one.
  const app = await compose(parseConfig(env), { logger: silentLogger() });
  await storeOneMessage(app, {
    officer: 'officer@barnet.gov.uk',
    subject: 'Housing assessment',
    body: 'The assessment is attached.',
    withFile: true,
  });
  await app.close();
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('sealpost doctor', () => {
  it('passes a healthy installation, decrypting a sample of what is stored', async () => {
    const run = await runCli(['doctor'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(line(run.stdout, 'database')).toMatch(/^ok .*answers; schema up to date/);
    expect(line(run.stdout, 'keys')).toBe(
      'ok      keys            1 org key opens, and 1 field key; decrypted a subject, a message body, an attachment, a file name',
    );
    expect(line(run.stdout, 'data folder')).toMatch(/^ok .*belongs to this database/);
    expect(line(run.stdout, 'file modes')).toMatch(/^ok /);
    expect(line(run.stdout, 'mail')).toMatch(/^ok /);
    // Nothing serves PUBLIC_URL during the test: a warning, which does not fail.
    expect(line(run.stdout, 'public address')).toMatch(/^warning /);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^All checks passed/);
    expect(statSync(path.join(dataDir, 'sealpost.db')).mode & 0o777).toBe(0o600);
  });

  it('names a field key that does not open, and exits 1', async () => {
    const file = path.join(dataDir, 'sealpost.db');
    const db = new Database(file);
    const [stored] = db.prepare('select id, wrapped from field_keys').all() as Array<{
      id: string;
      wrapped: Buffer;
    }>;
    if (!stored) throw new Error('the installation has no field key');
    const damaged = Buffer.from(stored.wrapped);
    damaged[damaged.byteLength - 3] = (damaged[damaged.byteLength - 3] as number) ^ 1;
    db.prepare('update field_keys set wrapped = ? where id = ?').run(damaged, stored.id);
    try {
      const run = await runCli(['doctor'], env);
      expect(run.code).toBe(1);
      expect(line(run.stdout, 'keys')).toMatch(
        new RegExp(`^problem .*Field key ${stored.id} could not be decrypted`),
      );
    } finally {
      db.prepare('update field_keys set wrapped = ? where id = ?').run(stored.wrapped, stored.id);
      db.close();
    }
  });

  it('names a wrong passphrase, and exits 1', async () => {
    const run = await runCli(['doctor'], { ...env, SEALPOST_KEY_PASSPHRASE: 'not the passphrase' });
    expect(run.code).toBe(1);
    expect(line(run.stdout, 'keys')).toMatch(/^problem .*cannot be unlocked/);
    expect(run.stdout).toContain('fix: set SEALPOST_KEY_PASSPHRASE');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('1 problem found.');
  });

  it('names a missing key over stored data, and makes none', async () => {
    const key = path.join(dataDir, 'keys', 'org-key-0001.asc');
    const aside = `${key}.aside`;
    const { renameSync } = await import('node:fs');
    renameSync(key, aside);
    try {
      const run = await runCli(['doctor'], env);
      expect(run.code).toBe(1);
      expect(line(run.stdout, 'keys')).toMatch(/^problem .*no org key .* holds encrypted data/);
      expect(() => statSync(key)).toThrow();
    } finally {
      renameSync(aside, key);
    }
  });

  it("names another installation's folder", async () => {
    const otherDb = path.join(tempDir('sealpost-doctor-other-'), 'other.db');
    expect(
      (
        await runCli(['migrate'], {
          ...env,
          DATABASE_URL: otherDb,
          DATA_DIR: path.dirname(otherDb),
        })
      ).code,
    ).toBe(0);
    const run = await runCli(['doctor'], { ...env, DATABASE_URL: otherDb });
    expect(run.code).toBe(1);
    expect(line(run.stdout, 'data folder')).toMatch(/^problem .*belongs to another installation/);
    rmSync(path.dirname(otherDb), { recursive: true, force: true });
  });

  it('names a mail server that does not answer, without sending anything', async () => {
    const run = await runCli(['doctor'], {
      ...env,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: 'smtp://127.0.0.1:1',
    });
    expect(run.code).toBe(1);
    expect(line(run.stdout, 'mail')).toMatch(
      /^problem .*SMTP server at 127\.0\.0\.1:1 did not take a connection/,
    );
    expect(run.stdout).toContain('fix: check SMTP_URL');
  });

  it('names files others can read, as it finds them, the database file too', async () => {
    const key = path.join(dataDir, 'keys', 'org-key-0001.asc');
    const db = path.join(dataDir, 'sealpost.db');
    chmodSync(key, 0o644);
    chmodSync(db, 0o644);
    try {
      const run = await runCli(['doctor'], env);
      expect(run.code).toBe(1);
      expect(line(run.stdout, 'file modes')).toContain(`others can read ${key} (644)`);
      expect(line(run.stdout, 'file modes')).toContain(`${db} (644)`);
    } finally {
      chmodSync(key, 0o600);
      chmodSync(db, 0o600);
    }
  });

  it('names a missing database without making one, and still checks what needs none', async () => {
    const empty = tempDir('sealpost-doctor-empty-');
    const run = await runCli(['doctor'], { DATA_DIR: empty, SEALPOST_KEY_PASSPHRASE: PASSPHRASE });
    expect(run.code).toBe(1);
    expect(line(run.stdout, 'database')).toMatch(/^problem .*there is no database at/);
    expect(line(run.stdout, 'file modes')).toMatch(/^ok /);
    expect(() => statSync(path.join(empty, 'sealpost.db'))).toThrow();
    rmSync(empty, { recursive: true, force: true });
  });

  it("names keys that are not this installation's (a key made before the restore)", async () => {
    const keysDir = path.join(dataDir, 'keys');
    const aside = `${keysDir}.aside`;
    const { renameSync, mkdirSync } = await import('node:fs');
    renameSync(keysDir, aside);
    mkdirSync(keysDir, { mode: 0o700 });
    try {
      // Another installation's key: made in an empty folder with no database to ask.
      const other = tempDir('sealpost-doctor-other-keys-');
      expect(
        (await runCli(['keys', 'list'], { DATA_DIR: other, SEALPOST_KEY_PASSPHRASE: PASSPHRASE }))
          .code,
      ).toBe(0);
      const { copyFileSync } = await import('node:fs');
      copyFileSync(
        path.join(other, 'keys', 'org-key-0001.asc'),
        path.join(keysDir, 'org-key-0001.asc'),
      );
      rmSync(other, { recursive: true, force: true });
      const run = await runCli(['doctor'], env);
      expect(run.code).toBe(1);
      expect(line(run.stdout, 'keys')).toMatch(/^problem .*are not this installation's/);
      const serve = await runCli(['keys', 'list'], env);
      expect(serve.code).toBe(2);
      expect(serve.stderr).toContain("are not this installation's");
    } finally {
      rmSync(keysDir, { recursive: true, force: true });
      renameSync(aside, keysDir);
    }
  });
});
