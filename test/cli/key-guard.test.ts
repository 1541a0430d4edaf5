import {
  chmodSync,
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createPortal } from '../../adapters/http/portal.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { freePort, runCli, tempDir } from '../support/cli.ts';
import { silentLogger, storeOneMessage } from '../support/installation.ts';
import { postgresAvailable } from '../support/postgres.ts';

// The admin who restores a backup and starts the service before copying the keys back
// (the mistake the restore warning is about), or who points two installations at one
// data folder, is stopped with one line that says what to do; nothing is made over the
// data. Real `sealpost` processes on temp folders.

const PASSPHRASE = 'key guard test passphrase';
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const folder = () => {
  const dir = tempDir('sealpost-guard-');
  made.push(dir);
  return dir;
};
const orgKeys = (dataDir: string) =>
  readdirSync(path.join(dataDir, 'keys')).filter((f) => f.startsWith('org-key-0'));

describe('the key guard', () => {
  it('refuses every command, serve included, that would make a new key over a database that had keys', async () => {
    const dataDir = folder();
    const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: PASSPHRASE };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    expect((await runCli(['keys', 'list'], env)).code).toBe(0);
    expect(orgKeys(dataDir)).toEqual(['org-key-0001.asc']);
    // The restore's mistake: the keys folder was not copied back.
    rmSync(path.join(dataDir, 'keys', 'org-key-0001.asc'));

    for (const args of [['keys', 'list'], ['serve'], ['keys', 'rotate']]) {
      const run = await runCli(args, { ...env, PORT: String(await freePort()) });
      expect(run.code, args.join(' ')).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines.at(-1), args.join(' ')).toContain('The org keys are missing from');
      expect(lines.at(-1)).toContain('Copy the keys folder from your key backup');
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(orgKeys(dataDir), args.join(' ')).toEqual([]);
    }
  });

  it('makes no key while the database cannot be asked (down, or a wrong DATABASE_URL)', async () => {
    const dataDir = folder();
    const run = await runCli(['keys', 'list'], {
      DATA_DIR: dataDir,
      SEALPOST_KEY_PASSPHRASE: PASSPHRASE,
      DATABASE_URL: 'postgres://sealpost@127.0.0.1:1/sealpost',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the database cannot be asked');
    expect(orgKeys(dataDir)).toEqual([]);
  });

  it('refuses a new key over encrypted data even without a record (an installation from before the guard)', async () => {
    const dataDir = folder();
    const config = parseConfig({ DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: PASSPHRASE });
    const app = await compose(config, { logger: silentLogger() });
    // Forget the record, as a database from before this version would not have it.
    await app.storage.repos.settings.set({ key: 'installation.first-key', value: null });
    await storeOneMessage(app, {
      officer: 'it@barnet.gov.uk',
      subject: 'Sealed',
      body: 'Only for Ann',
    });
    await app.storage.repos.settings.set({ key: 'installation.first-key', value: null });
    await app.close();
    rmSync(path.join(dataDir, 'keys', 'org-key-0001.asc'));
    const run = await runCli(['keys', 'list'], {
      DATA_DIR: dataDir,
      SEALPOST_KEY_PASSPHRASE: PASSPHRASE,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('The org keys are missing');
    expect(orgKeys(dataDir)).toEqual([]);
  });

  it('shows recipients "being repaired" and /healthz unhealthy while content cannot be decrypted', async () => {
    const dataDir = folder();
    const config = parseConfig({ DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: PASSPHRASE });
    const logger = silentLogger();
    const first = await compose(config, { logger });
    await first.cipher.listKeys();
    await first.close();
    const keyFile = path.join(dataDir, 'keys', 'org-key-0001.asc');
    const aside = path.join(dataDir, 'org-key-0001.asc.aside');
    renameSync(keyFile, aside);

    // Composing refuses outright (the keyring is opened at start); a node composed
    // without migrating, as some commands are, finds out at /healthz.
    await expect(compose(config, { logger })).rejects.toThrow('The org keys are missing');
    const app = await compose(config, { logger, migrate: false });
    const portal = createPortal(app);
    try {
      const health = await portal.request('http://localhost:3000/healthz');
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unavailable' });
      // A page that needs the keys (the signed-out sign-in page does not): the staff
      // set-password flow decrypts nothing, so ask for a decryption directly.
      const failing = await app.cipher
        .decryptBytes({ ciphertext: new Uint8Array([0xc1, 0x5e, 0x03]) })
        .catch((error: unknown) => error as Error);
      expect(failing).toBeInstanceOf(Error);
    } finally {
      await app.close();
    }
    renameSync(aside, keyFile);
    const mended = await compose(config, { logger });
    try {
      const health = await createPortal(mended).request('http://localhost:3000/healthz');
      expect(health.status).toBe(200);
    } finally {
      await mended.close();
    }
  });
});

describe('one data folder, one installation', () => {
  it('refuses a data folder that belongs to another database, with the fix', async () => {
    const dataDir = folder();
    const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: PASSPHRASE };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    const id = readFileSync(path.join(dataDir, 'installation-id'), 'utf8').trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(statSync(path.join(dataDir, 'installation-id')).mode & 0o777).toBe(0o600);

    const otherDb = path.join(folder(), 'other.db');
    for (const args of [['migrate'], ['keys', 'list']]) {
      const run = await runCli(args, { ...env, DATABASE_URL: otherDb });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(`DATA_DIR ${dataDir} belongs to another installation`);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    // The right pair still works.
    expect((await runCli(['migrate'], env)).code).toBe(0);
  });

  it('passes the binding on to a new folder when the database moves (a restore)', async () => {
    const dataDir = folder();
    const dbFile = path.join(folder(), 'kept.db');
    const env = { DATA_DIR: dataDir, DATABASE_URL: dbFile, SEALPOST_KEY_PASSPHRASE: PASSPHRASE };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    const newDir = folder();
    // Without its keys the moved database is refused; with them it is taken on.
    expect((await runCli(['migrate'], { ...env, DATA_DIR: newDir })).code).toBe(2);
    cpSync(path.join(dataDir, 'keys'), path.join(newDir, 'keys'), { recursive: true });
    expect((await runCli(['migrate'], { ...env, DATA_DIR: newDir })).code).toBe(0);
    expect(readFileSync(path.join(newDir, 'installation-id'), 'utf8')).toBe(
      readFileSync(path.join(dataDir, 'installation-id'), 'utf8'),
    );
  });
});

describe('files in DATA_DIR', () => {
  it('are 0600 (folders 0700) even in a data folder an admin made 0755', async () => {
    const dataDir = folder();
    chmodSync(dataDir, 0o755);
    const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: PASSPHRASE };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    expect((await runCli(['keys', 'list'], env)).code).toBe(0);
    const blobs = fsBlobStore({ dir: path.join(dataDir, 'blobs') });
    await blobs.put({ id: 'b1', body: streamOf(new Uint8Array([1, 2, 3])) });
    const mode = (file: string) => statSync(path.join(dataDir, file)).mode & 0o777;
    expect(mode('.')).toBe(0o755);
    for (const file of [
      'sealpost.db',
      'installation-id',
      'keys/org-key-0001.asc',
      'keys/signing.key',
    ]) {
      expect(mode(file), file).toBe(0o600);
    }
    for (const dir of ['keys', 'blobs']) expect(mode(dir), dir).toBe(0o700);
    const blobFiles = readdirSync(path.join(dataDir, 'blobs'), { recursive: true })
      .map(String)
      .filter((f) => statSync(path.join(dataDir, 'blobs', f)).isFile());
    expect(blobFiles.length).toBeGreaterThan(0);
    for (const f of blobFiles) expect(mode(path.join('blobs', f)), f).toBe(0o600);
  });
});

describe('clear failures', () => {
  it('names DATABASE_URL, the host and the fix when nothing answers, and exits 2', async () => {
    const run = await runCli(['migrate'], {
      DATA_DIR: folder(),
      DATABASE_URL: 'postgres://sealpost@127.0.0.1:1/sealpost',
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'sealpost migrate: Nothing answers at DATABASE_URL (127.0.0.1:1): start PostgreSQL, or correct the host and port in DATABASE_URL.',
    );
  });

  if (postgresAvailable('Database role errors')) {
    it('says a missing role or database is missing, with the commands that make it', async () => {
      const base = new URL(process.env.TEST_POSTGRES_URL as string);
      const role = new URL(base);
      role.username = 'no_such_role_here';
      const noRole = await runCli(['migrate'], { DATA_DIR: folder(), DATABASE_URL: role.href });
      expect(noRole.code).toBe(2);
      expect(noRole.stderr).toContain('refused the role "no_such_role_here"');
      expect(noRole.stderr).toContain('createuser no_such_role_here');
      const db = new URL(base);
      db.pathname = '/no_such_database_here';
      const noDb = await runCli(['migrate'], { DATA_DIR: folder(), DATABASE_URL: db.href });
      expect(noDb.code).toBe(2);
      expect(noDb.stderr).toContain('"no_such_database_here" named in DATABASE_URL does not exist');
      expect(noDb.stderr).toContain('createdb -O');
    });
  }

  it('suggests the command that was meant', async () => {
    const run = await runCli(['serv'], {});
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `sealpost: unknown command "serv"; did you mean "serve"? (see 'sealpost help')`,
    );
    const far = await runCli(['frobnicate'], {});
    expect(far.stderr).not.toContain('did you mean');
    expect(existsSync('frobnicate')).toBe(false);
  });
});
