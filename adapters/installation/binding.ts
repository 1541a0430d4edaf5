import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError } from '../../core/shared/errors.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { createPrivateFileOnce, writePrivateFile } from '../files/private-files.ts';

/** The settings-table key that holds the installation's id (not an admin setting). */
export const INSTALLATION_KEY = 'installation.id';
/** The settings-table key that records the fingerprint of the first org key made. */
export const FIRST_KEY_KEY = 'installation.first-key';
/** The file in DATA_DIR that holds the same id. */
export const INSTALLATION_FILE = 'installation-id';

/** The id the database carries, or null (a new database, or one from before ids). */
export async function databaseInstallationId(storage: Storage): Promise<string | null> {
  const value = (await storage.repos.settings.getAll())[INSTALLATION_KEY];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The id the data folder carries, or null. */
export async function folderInstallationId(dataDir: string): Promise<string | null> {
  try {
    const id = (await readFile(path.join(dataDir, INSTALLATION_FILE), 'utf8')).trim();
    return id === '' ? null : id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** What the binding between database and data folder says. */
export type BindingState =
  | { state: 'bound'; id: string }
  /** The database has an id and the folder none: a restore into a new folder. */
  | { state: 'folder-new'; id: string }
  /** Neither has one: a new installation, or one from before ids. */
  | { state: 'unbound' }
  /** The folder belongs to another database. */
  | { state: 'mismatch'; databaseId: string | null; folderId: string };

/** Reads both ids and says how they relate. */
export async function readBinding(storage: Storage, dataDir: string): Promise<BindingState> {
  const [databaseId, folderId] = await Promise.all([
    databaseInstallationId(storage),
    folderInstallationId(dataDir),
  ]);
  if (folderId !== null && folderId !== databaseId) {
    return { state: 'mismatch', databaseId, folderId };
  }
  if (databaseId !== null && folderId === null) return { state: 'folder-new', id: databaseId };
  if (databaseId !== null) return { state: 'bound', id: databaseId };
  return { state: 'unbound' };
}

/** The sentence for a folder that belongs to another database, with what to do. */
export function mismatchMessage(dataDir: string, binding: { databaseId: string | null }): string {
  return binding.databaseId === null
    ? `DATA_DIR ${dataDir} belongs to another installation, but this database has never been used with it. Two installations must not share a data folder (keys, blobs, outbox): give this database its own DATA_DIR, or point DATABASE_URL at the database this folder belongs to.`
    : `DATA_DIR ${dataDir} belongs to another installation than the database at DATABASE_URL. Two installations must not share a data folder (keys, blobs, outbox): point DATA_DIR and DATABASE_URL at the same installation (see docs/admin/backup.md).`;
}

/**
 * Binds the data folder to the database by one id written in both, so that two
 * installations can never share a DATA_DIR by mistake: a folder that belongs to another
 * database is refused (ConfigurationError, exit 2). A new installation (or one from
 * before ids) gets a new id; a restored database in a new folder passes its id on.
 */
export async function bindDataDir(
  storage: Storage,
  dataDir: string,
  keysDir: string,
): Promise<string> {
  const id = await bindOnce(storage, dataDir);
  // An installation from before the key guard has keys but no record of them: note
  // that it has, so losing the folder later is refused like any other.
  if (!(await hasRecordedKey(storage)) && (await hasKeyFiles(keysDir))) {
    await storage.repos.settings.set({ key: FIRST_KEY_KEY, value: 'present' });
  }
  return id;
}

/** Refuses (ConfigurationError) a folder of another installation; writes nothing. */
export async function checkBinding(storage: Storage, dataDir: string): Promise<void> {
  for (let waited = 0; ; waited += RACE_STEP_MS) {
    // A database without the schema yet has nothing to compare.
    const binding = await readBinding(storage, dataDir).catch(() => null);
    if (binding?.state !== 'mismatch') return;
    // As in `bindOnce`: a folder named a moment ago by a starting process.
    if (binding.databaseId !== null || waited >= RACE_WAIT_MS) {
      throw new ConfigurationError(mismatchMessage(dataDir, binding));
    }
    await new Promise((resolve) => setTimeout(resolve, RACE_STEP_MS));
  }
}

async function hasRecordedKey(storage: Storage): Promise<boolean> {
  const stored = await storage.repos.settings.getAll().catch(() => ({}) as Record<string, unknown>);
  return typeof stored[FIRST_KEY_KEY] === 'string';
}

async function hasKeyFiles(keysDir: string): Promise<boolean> {
  try {
    return (await readdir(keysDir)).some((name) => /^org-key-\d{4,}\.asc$/.test(name));
  } catch {
    return false;
  }
}

async function bindOnce(storage: Storage, dataDir: string): Promise<string> {
  const file = path.join(dataDir, INSTALLATION_FILE);
  for (let waited = 0; ; waited += RACE_STEP_MS) {
    const binding = await readBinding(storage, dataDir);
    switch (binding.state) {
      case 'bound':
        return binding.id;
      case 'folder-new':
        await writePrivateFile(file, `${binding.id}\n`);
        return binding.id;
      case 'unbound': {
        // Several processes may start on a new installation at once: the one whose file
        // lands first names it, and the others take that name on their next look.
        const id = randomUUID();
        if (await createPrivateFileOnce(file, `${id}\n`)) {
          await storage.repos.settings.set({ key: INSTALLATION_KEY, value: id });
          return id;
        }
        break;
      }
      case 'mismatch':
        // A folder named a moment ago by a process that has not yet written the same id
        // to the database looks like this for a few milliseconds: look again, briefly.
        if (binding.databaseId !== null || waited >= RACE_WAIT_MS) {
          throw new ConfigurationError(mismatchMessage(dataDir, binding));
        }
    }
    await new Promise((resolve) => setTimeout(resolve, RACE_STEP_MS));
  }
}

/** How long a starting process waits for another one that is naming a new installation. */
const RACE_WAIT_MS = 3_000;
const RACE_STEP_MS = 100;

/** True when `error` says the schema is not there yet (a database never migrated). */
function isNoSchema(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  // PostgreSQL's undefined_table; SQLite says so in words.
  return e?.code === '42P01' || /no such table/i.test(String(e?.message ?? ''));
}

/**
 * The key guard: why no first org key may be made for this database, or null. A
 * database that recorded its first key had keys; one that holds encrypted data had
 * keys too. Either way the missing keys must be brought back, never replaced. A
 * database that cannot be asked (down, or a wrong DATABASE_URL) is no permission
 * either: only one without the schema yet is taken as new.
 */
export function keyGuard(storage: Storage, keysDir: string): () => Promise<string | null> {
  return async () => {
    let hadKey: boolean;
    let hasData: boolean;
    try {
      const stored = await storage.repos.settings.getAll();
      hadKey = typeof stored[FIRST_KEY_KEY] === 'string';
      hasData = await storage.repos.adminStats.hasEncryptedData();
    } catch (error) {
      if (isNoSchema(error)) return null;
      return `The org keys are missing from ${keysDir}, and the database cannot be asked whether it holds data encrypted to them (${error instanceof Error ? error.message : String(error)}). Sealpost will not make a key until it can: check DATABASE_URL, or copy the keys folder from your key backup into ${keysDir}.`;
    }
    if (!hadKey && !hasData) return null;
    return `The org keys are missing from ${keysDir}, but the database already holds data encrypted to them. Sealpost will not make a new key over it. Copy the keys folder from your key backup into ${keysDir} (docs/admin/backup.md, "Restoring"), set SEALPOST_KEY_PASSPHRASE as before, and start again; \`sealpost doctor\` checks the result.`;
  };
}

/**
 * Checks the keys found against the database's record of its first key, and records
 * it when there is none yet: a keys folder from another installation (say, a key made
 * on a new machine before the restore) is refused with what to do, instead of serving
 * a portal that can read nothing. Null when the keys belong here (or the database
 * cannot say: a command before migrations).
 */
export function keysBelongHere(
  storage: Storage,
  keysDir: string,
  options: { record: boolean } = { record: true },
): (fingerprints: { seq: number; fingerprint: string }[]) => Promise<string | null> {
  return async (keys) => {
    let recorded: unknown;
    try {
      recorded = (await storage.repos.settings.getAll())[FIRST_KEY_KEY];
    } catch {
      return null;
    }
    const first = [...keys].sort((a, b) => a.seq - b.seq)[0];
    if (!first) return null;
    if (typeof recorded !== 'string' || recorded === 'present') {
      // Nothing to compare yet (a new installation, or one from before the record).
      if (!options.record) return null;
      await storage.repos.settings
        .set({ key: FIRST_KEY_KEY, value: first.fingerprint })
        .catch(() => {});
      return null;
    }
    if (keys.some((k) => k.fingerprint === recorded)) return null;
    return `The keys in ${keysDir} are not this installation's: the database's data was encrypted to key ${recorded}, which is not among them. Copy the keys folder from your key backup into ${keysDir} (replacing what is there), and start again; \`sealpost doctor\` checks the result.`;
  };
}
