import { createHash } from 'node:crypto';
import { chmod, mkdir, open, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { allBlobIds } from '../../core/blobs/all-ids.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { chooseBlobStore } from '../compose.ts';
import type { Config } from '../config/config.ts';
import {
  DATABASE_FILES,
  hashFile,
  MANIFEST_FILE,
  type Manifest,
  type ManifestFile,
  sealpostVersion,
  syncPath,
} from './manifest.ts';
import { postgresMigration, sqliteMigration } from './migration-state.ts';
import { runPgTool } from './pg-tools.ts';

/** What a backup wrote. */
export type BackupReport = {
  dir: string;
  manifest: Manifest;
  /** Bytes of every file but the manifest. */
  bytes: number;
};

const PAGE = 500;
const PROGRESS_MS = 2_000;

/** The backup folder: made here (0700), or an existing empty folder; never a full one. */
async function prepareFolder(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (entries.length > 0) {
    throw new ConfigurationError(`${dir} is not empty; give a new folder for each backup.`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * SQLite: the online backup API copies a consistent snapshot while the service keeps
 * running. The copy is then switched out of WAL mode, so it is one self-contained file,
 * and quick-checked.
 */
async function backupSqlite(source: string, target: string): Promise<string | null> {
  const db = new Database(source, { fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
  const copy = new Database(target);
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy of the database fails its check: ${check}`);
    return sqliteMigration(copy);
  } finally {
    copy.close();
  }
}

/** Writes a stream to a new private file and syncs it, hashing on the way. */
async function writeFileFrom(
  file: string,
  body: ReadableStream<Uint8Array>,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await open(file, 'wx', 0o600);
  try {
    for await (const chunk of body) {
      hash.update(chunk);
      size += chunk.byteLength;
      let at = 0;
      while (at < chunk.byteLength) {
        at += (await handle.write(chunk, at, chunk.byteLength - at)).bytesWritten;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Copies every blob through the BlobStore port into `blobs/<first two characters>/<id>`,
 * the file adapter's own layout. They are ciphertext already: nothing is decrypted.
 */
async function backupBlobs(
  blobs: BlobStore,
  dir: string,
  progress: (line: string) => void,
): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  const shards = new Set<string>();
  let last = Date.now();
  for await (const id of allBlobIds(blobs, PAGE)) {
    const body = await blobs.get({ id });
    // Deleted since it was listed (a retention purge): it is no longer wanted.
    if (!body) continue;
    const shard = id.slice(0, 2);
    if (!shards.has(shard)) {
      await mkdir(path.join(dir, 'blobs', shard), { recursive: true, mode: 0o700 });
      shards.add(shard);
    }
    const relative = `blobs/${shard}/${id}`;
    files.push({ path: relative, ...(await writeFileFrom(path.join(dir, relative), body)) });
    if (Date.now() - last >= PROGRESS_MS) {
      last = Date.now();
      progress(`backup: ${files.length} blobs copied`);
    }
  }
  for (const shard of shards) await syncPath(path.join(dir, 'blobs', shard));
  if (shards.size > 0) await syncPath(path.join(dir, 'blobs'));
  return files;
}

/**
 * Backs up a Sealpost instance into `out`: the database first (an online SQLite
 * backup, or `pg_dump --format=custom`), then the blobs (unless they live in the
 * database), then `manifest.json` with the SHA-256 of every file. The database goes
 * first so every blob it names is copied after it: a blob deleted between the two can
 * only be one a purge removed. The org keys are NOT included; back them up separately.
 */
export async function createBackup(args: {
  config: Config;
  out: string;
  progress?: (line: string) => void;
}): Promise<BackupReport> {
  const { config } = args;
  const progress = args.progress ?? (() => {});
  const dir = path.resolve(args.out);
  await prepareFolder(dir);

  const dialect = config.database.kind;
  const databaseFile = DATABASE_FILES[dialect];
  const target = path.join(dir, databaseFile);
  let migration: string | null;
  progress(`backup: copying the ${dialect} database`);
  if (config.database.kind === 'sqlite') {
    migration = await backupSqlite(config.database.path, target);
  } else {
    migration = await postgresMigration(config.database.url);
    await runPgTool(
      'pg_dump',
      ['--format=custom', `--file=${target}`, '--no-password'],
      config.database.url,
    );
  }
  // The copy is as private as the database it came from, whatever the umask.
  await chmod(target, 0o600);
  await syncPath(target);
  const files: ManifestFile[] = [{ path: databaseFile, ...(await hashFile(target)) }];

  // Blobs outside the database (files, or an Azure container) become files of the
  // backup, so it restores into any store, wherever they came from.
  if (config.blobStore !== 'database') {
    progress('backup: copying the blobs');
    const store = chooseBlobStore(config);
    try {
      files.push(...(await backupBlobs(store.blobs, dir, progress)));
    } finally {
      await store.close();
    }
  }

  const manifest: Manifest = {
    format: 'sealpost-backup',
    formatVersion: 1,
    sealpostVersion: sealpostVersion(),
    createdAt: new Date().toISOString(),
    database: { dialect, file: databaseFile, migration },
    blobStore: config.blobStore === 'database' ? 'database' : 'fs',
    blobCount: files.length - 1,
    keysIncluded: false,
    files,
  };
  const manifestFile = path.join(dir, MANIFEST_FILE);
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  await syncPath(manifestFile);
  await syncPath(dir);
  return { dir, manifest, bytes: files.reduce((sum, f) => sum + f.size, 0) };
}
