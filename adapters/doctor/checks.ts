import { createPublicKey } from 'node:crypto';
import { resolveTxt } from 'node:dns/promises';
import { readdir, readFile, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BlobStore } from '../../core/blobs/ports.ts';
import type { Cipher } from '../../core/crypto/ports.ts';
import { readAll } from '../../core/shared/streams.ts';
import type { Storage } from '../../core/storage/ports.ts';
import {
  postgresMigration,
  shippedMigrations,
  sqliteMigration,
} from '../backup/migration-state.ts';
import type { Config } from '../config/config.ts';
import type { KeyringAdmin } from '../crypto/openpgp/index.ts';
import { mismatchMessage, readBinding } from '../installation/binding.ts';
import type { SmtpCheck } from '../mail/smtp.ts';

/** How a check came out. */
export type CheckStatus = 'ok' | 'warning' | 'problem';

/** One line of `sealpost doctor`: what was checked, how it went, and the fix. */
export type CheckResult = {
  name: string;
  status: CheckStatus;
  /** What was found, in a sentence. */
  detail: string;
  /** What to do, when the status is not ok. */
  fix?: string;
};

/** What the checks read: the config and adapters that do not change anything by being built. */
export type DoctorDeps = {
  config: Config;
  storage: Storage;
  cipher: Cipher;
  blobs: BlobStore;
  /** The SMTP transport when MAIL_TRANSPORT=smtp, else null. */
  smtp: SmtpCheck | null;
  /** Fetches a URL (for PUBLIC_URL); injected so tests need no network. */
  fetchUrl?: (url: string) => Promise<{ status: number }>;
};

const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
const warning = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'warning',
  detail,
  fix,
});
const problem = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'problem',
  detail,
  fix,
});
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The configuration parsed (it did, or doctor would not run) and what production needs. */
export function checkConfiguration(config: Config): CheckResult {
  const url = new URL(config.publicUrl);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    return problem(
      'configuration',
      `PUBLIC_URL ${config.publicUrl} is not https, but is not this machine either`,
      'put a TLS proxy in front and set PUBLIC_URL to its https:// address (docs/admin/install.md)',
    );
  }
  if (config.keyPassphrase === null) {
    return warning(
      'configuration',
      'SEALPOST_KEY_PASSPHRASE is not set: the org key is protected only by a file beside it',
      'set SEALPOST_KEY_PASSPHRASE (docs/admin/keys.md)',
    );
  }
  return ok('configuration', 'every setting is valid');
}

/** The database answers, and has every migration this version ships. */
export async function checkDatabase(deps: DoctorDeps): Promise<CheckResult> {
  const { config } = deps;
  const where =
    config.database.kind === 'sqlite'
      ? `SQLite at ${config.database.path}`
      : `PostgreSQL at ${new URL(config.database.url).host}`;
  if (!(await deps.storage.ping())) {
    return problem(
      'database',
      `${where} does not answer`,
      'check DATABASE_URL, and that the database is running (sealpost migrate names the cause)',
    );
  }
  try {
    const applied =
      config.database.kind === 'sqlite'
        ? sqliteMigrationOf(config.database.path)
        : await postgresMigration(config.database.url);
    const newest = shippedMigrations(config.database.kind).at(-1)?.tag ?? null;
    if (applied !== newest) {
      return problem(
        'database',
        `${where} answers, but its schema is at ${applied ?? 'nothing'} and this version needs ${newest}`,
        'run `sealpost migrate` (serve does it at start)',
      );
    }
    return ok('database', `${where} answers; schema up to date (${newest})`);
  } catch (error) {
    return problem('database', `${where}: ${messageOf(error)}`, 'check DATABASE_URL');
  }
}

function sqliteMigrationOf(file: string): string | null {
  const raw = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return sqliteMigration(raw);
  } finally {
    raw.close();
  }
}

/**
 * The keyring opens with the passphrase, and decrypts a sample of what is stored: the
 * newest message's subject and body, and the newest attachment's name and content.
 */
export async function checkKeys(deps: DoctorDeps): Promise<CheckResult> {
  const keysDir = path.join(deps.config.dataDir, 'keys');
  const files = await readdir(keysDir).catch(() => [] as string[]);
  if (!files.some((f) => /^org-key-\d{4,}\.asc$/.test(f))) {
    const hasData = await deps.storage.repos.adminStats.hasEncryptedData().catch(() => false);
    return hasData
      ? problem(
          'keys',
          `no org key in ${keysDir}, but the database holds encrypted data`,
          `copy the keys folder from your key backup into ${keysDir} (docs/admin/backup.md)`,
        )
      : warning(
          'keys',
          `no org key in ${keysDir} yet`,
          '`sealpost serve` makes it at first start; then back it up',
        );
  }
  let count: number;
  try {
    count = (await deps.cipher.listKeys()).length;
  } catch (error) {
    return problem(
      'keys',
      messageOf(error),
      'set SEALPOST_KEY_PASSPHRASE to the passphrase the keys were made with, or restore the keys folder',
    );
  }
  try {
    const sample = await deps.storage.repos.adminStats.sampleEncrypted();
    const read: string[] = [];
    // Every field key must unwrap, or the values under it are lost without a word.
    const fieldKeys = (await (deps.cipher as Partial<KeyringAdmin>).unwrapFieldKeys?.()) ?? 0;
    const opened =
      fieldKeys > 0 ? `, and ${fieldKeys} field ${fieldKeys === 1 ? 'key' : 'keys'}` : '';
    if (sample.subjectEnc) {
      await deps.cipher.decryptBytes({ ciphertext: sample.subjectEnc });
      read.push('a subject');
    }
    for (const [label, id] of [
      ['a message body', sample.bodyBlobId],
      ['an attachment', sample.attachmentBlobId],
    ] as const) {
      if (!id) continue;
      const stored = await deps.blobs.get({ id });
      if (!stored) {
        return problem(
          'keys',
          `${label} (blob ${id}) is missing from the blob store`,
          'restore the blobs from the backup (docs/admin/backup.md)',
        );
      }
      await readAll(await deps.cipher.decryptStream({ ciphertext: stored }));
      read.push(label);
    }
    if (sample.attachmentNameEnc) {
      await deps.cipher.decryptBytes({ ciphertext: sample.attachmentNameEnc });
      read.push('a file name');
    }
    const what =
      read.length > 0 ? `; decrypted ${read.join(', ')}` : '; nothing stored to decrypt yet';
    return ok('keys', `${count} org ${count === 1 ? 'key opens' : 'keys open'}${opened}${what}`);
  } catch (error) {
    return problem(
      'keys',
      `stored data cannot be decrypted: ${messageOf(error)}`,
      'restore the key that data was encrypted to (keys list shows what is there; docs/admin/keys.md)',
    );
  }
}

/** The data folder belongs to this database (the installation id in both). */
export async function checkBindingState(deps: DoctorDeps): Promise<CheckResult> {
  const binding = await readBinding(deps.storage, deps.config.dataDir).catch(() => null);
  switch (binding?.state) {
    case 'bound':
      return ok('data folder', `${deps.config.dataDir} belongs to this database`);
    case 'mismatch':
      return problem(
        'data folder',
        mismatchMessage(deps.config.dataDir, binding),
        'point DATA_DIR and DATABASE_URL at the same installation',
      );
    case 'folder-new':
      return warning(
        'data folder',
        `${deps.config.dataDir} has not been used with this database yet`,
        'start the service once (or run `sealpost migrate`) to bind them',
      );
    default:
      return warning(
        'data folder',
        'neither the database nor the folder names an installation yet',
        'run `sealpost migrate` to bind them',
      );
  }
}

/** Group and others may not read what is in DATA_DIR (database, keys, blobs). */
export async function checkFileModes(config: Config): Promise<CheckResult> {
  const loose: string[] = [];
  const look = async (file: string, allowed: number) => {
    const info = await stat(file).catch(() => null);
    if (info && (info.mode & 0o777 & ~allowed) !== 0) {
      loose.push(`${file} (${(info.mode & 0o777).toString(8)})`);
    }
  };
  const keysDir = path.join(config.dataDir, 'keys');
  // DATA_DIR itself may be 0755 (an admin made it): what is inside is private anyway.
  await look(keysDir, 0o700);
  await look(path.join(config.dataDir, 'blobs'), 0o700);
  for (const name of await readdir(keysDir).catch(() => [] as string[])) {
    await look(path.join(keysDir, name), 0o600);
  }
  if (config.database.kind === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm'])
      await look(`${config.database.path}${suffix}`, 0o600);
  }
  await look(path.join(config.dataDir, 'installation-id'), 0o600);
  if (loose.length === 0) return ok('file modes', 'only the service user can read DATA_DIR');
  return problem(
    'file modes',
    `others can read ${loose.join(', ')}`,
    `chmod 700 for folders and 600 for files (chmod -R go-rwx ${config.dataDir})`,
  );
}

/** The mail server answers EHLO and STARTTLS (and the login), without sending anything. */
export async function checkMail(deps: DoctorDeps): Promise<CheckResult> {
  if (deps.config.mailTransport !== 'smtp' || !deps.smtp) {
    return ok(
      'mail',
      `mail is written to ${path.join(deps.config.dataDir, 'outbox')} (MAIL_TRANSPORT=outbox)`,
    );
  }
  const host = new URL(deps.config.smtpUrl ?? 'smtp://unknown').host;
  const result = await deps.smtp.verify();
  return result.ok
    ? ok(
        'mail',
        `the SMTP server at ${host} answers${deps.config.smtpRequireTls ? ' with STARTTLS' : ''}`,
      )
    : problem(
        'mail',
        `the SMTP server at ${host} did not take a connection: ${result.error}`,
        'check SMTP_URL (host, port, user and password) and SMTP_REQUIRE_TLS',
      );
}

/** clamd answers PING, when configured. */
export async function checkClamd(config: Config): Promise<CheckResult> {
  if (!config.clamd) return ok('virus scanning', 'not configured (CLAMD_SOCKET or CLAMD_HOST)');
  const target = config.clamd;
  const where = 'socketPath' in target ? target.socketPath : `${target.host}:${target.port}`;
  const reply = await new Promise<string>((resolve, reject) => {
    const socket =
      'socketPath' in target
        ? connect({ path: target.socketPath })
        : connect({ host: target.host, port: target.port });
    let text = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('timed out')));
    socket.on('connect', () => socket.end('zPING\0'));
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('end', () => resolve(text.replace(/\0/g, '').trim()));
    socket.on('error', reject);
  }).catch((error: unknown) => `error: ${messageOf(error)}`);
  return reply === 'PONG'
    ? ok('virus scanning', `clamd at ${where} answers`)
    : problem(
        'virus scanning',
        `clamd at ${where} did not answer PING (${reply})`,
        'start clamd, or correct CLAMD_SOCKET / CLAMD_HOST',
      );
}

/** PUBLIC_URL reaches this portal (its /healthz). */
export async function checkPublicUrl(deps: DoctorDeps): Promise<CheckResult> {
  const url = `${deps.config.publicUrl}/healthz`;
  const fetchUrl =
    deps.fetchUrl ??
    (async (target: string) => {
      const res = await fetch(target, { signal: AbortSignal.timeout(5_000), redirect: 'manual' });
      return { status: res.status };
    });
  try {
    const { status } = await fetchUrl(url);
    if (status === 200) return ok('public address', `${url} answers`);
    return warning(
      'public address',
      `${url} answered ${status}`,
      'check the proxy in front of Sealpost, and that the service runs',
    );
  } catch (error) {
    return warning(
      'public address',
      `${url} cannot be reached from here (${messageOf(error)})`,
      'if the service runs, check DNS, the proxy and the firewall for PUBLIC_URL',
    );
  }
}

/** The DKIM public key in DNS matches the private key file, when DKIM is on. */
export async function checkDkim(config: Config): Promise<CheckResult> {
  if (!config.dkim) return ok('DKIM', 'not configured (the relay may sign instead)');
  const name = `${config.dkim.selector}._domainkey.${config.dkim.domain}`;
  let ours: string;
  try {
    const pem = await readFile(config.dkim.keyPath, 'utf8');
    ours = createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
  } catch (error) {
    return problem(
      'DKIM',
      `the key ${config.dkim.keyPath} cannot be read: ${messageOf(error)}`,
      'check DKIM_PRIVATE_KEY_FILE',
    );
  }
  let record: string | null;
  try {
    record =
      (await resolveTxt(name)).map((parts) => parts.join('')).find((t) => /(^|;)\s*p=/.test(t)) ??
      null;
  } catch (error) {
    return warning(
      'DKIM',
      `the DNS record ${name} could not be read (${messageOf(error)})`,
      `publish ${name} TXT "v=DKIM1; k=rsa; p=${ours}"`,
    );
  }
  const published = /(?:^|;)\s*p=([^;]*)/.exec(record ?? '')?.[1]?.replace(/\s/g, '') ?? '';
  return published === ours
    ? ok('DKIM', `${name} matches the signing key`)
    : problem(
        'DKIM',
        `${name} does not match the signing key`,
        `publish ${name} TXT "v=DKIM1; k=rsa; p=${ours}"`,
      );
}

/** Every check, in the order the lines are printed. */
export async function runChecks(
  deps: DoctorDeps,
  before: { fileModes?: CheckResult } = {},
): Promise<CheckResult[]> {
  const results = [checkConfiguration(deps.config)];
  const database = await checkDatabase(deps);
  results.push(database);
  // Without a database, what needs it cannot be checked; everything else still is.
  if (database.status !== 'problem') {
    results.push(await checkBindingState(deps), await checkKeys(deps));
  }
  results.push(
    before.fileModes ?? (await checkFileModes(deps.config)),
    await checkMail(deps),
    await checkClamd(deps.config),
    await checkPublicUrl(deps),
    await checkDkim(deps.config),
  );
  return results;
}
