import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { chooseBlobStore, chooseStorage } from '../compose.ts';
import type { Config } from '../config/config.ts';
import { blobIdOf, type Manifest, syncPath, verifyBackup } from './manifest.ts';
import { shippedMigrations } from './migration-state.ts';
import { runPgTool } from './pg-tools.ts';

/** What a restore did. */
export type RestoreReport = {
  manifest: Manifest;
  /** Blobs put into the configured blob store. */
  blobs: number;
  /** Whether DATA_DIR/keys holds an org key (restore never writes keys). */
  keysPresent: boolean;
};

/** The target already holds data, and --force was not given. */
export class RestoreTargetNotEmpty extends Error {
  constructor(what: string[]) {
    super(
      `The target is not empty (${what.join('; ')}). Restore into a new DATA_DIR and an empty ` +
        'database, or add --force to replace what is there with the backup.',
    );
    this.name = 'RestoreTargetNotEmpty';
  }
}

const PAGE = 500;
const PROGRESS_MS = 2_000;
// drizzle's own table records which migrations ran; it is not data.
const BOOKKEEPING = new Set(['__drizzle_migrations']);

/** The tables of a SQLite file that hold rows (none when the file does not exist). */
async function sqliteTablesWithRows(file: string): Promise<string[]> {
  try {
    await stat(file);
  } catch {
    return [];
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .pluck()
      .all() as string[];
    return tables.filter(
      (t) =>
        !BOOKKEEPING.has(t) &&
        db
          .prepare(`select exists(select 1 from "${t.replaceAll('"', '""')}")`)
          .pluck()
          .get() === 1,
    );
  } finally {
    db.close();
  }
}

/** The tables of a PostgreSQL database (schema public) that hold rows. */
async function postgresTablesWithRows(url: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<Array<{ name: string }>>`
      select tablename as name from pg_tables where schemaname = 'public'`;
    const full: string[] = [];
    for (const { name } of tables) {
      const [row] = await sql<Array<{ has: boolean }>>`
        select exists(select 1 from ${sql('public')}.${sql(name)}) as has`;
      if (row?.has) full.push(name);
    }
    return full;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function hasAnyBlob(blobs: BlobStore): Promise<boolean> {
  return (await blobs.list({ limit: 1 })).length > 0;
}

async function deleteEveryBlob(blobs: BlobStore): Promise<void> {
  for (;;) {
    const page = await blobs.list({ limit: PAGE });
    if (page.length === 0) return;
    for (const id of page) await blobs.delete({ id });
  }
}

/** True when DATA_DIR/keys holds at least one org key file. */
async function hasOrgKey(dataDir: string): Promise<boolean> {
  try {
    return (await readdir(path.join(dataDir, 'keys'))).some((f) => /^org-key-\d+\.asc$/.test(f));
  } catch {
    return false;
  }
}

/**
 * Replaces the SQLite file with the backup's copy: copied beside it and synced first,
 * then renamed over it, so a crash leaves the old file or the new one. A stale WAL of
 * the old file must go too, or SQLite would replay it onto the restored one.
 */
async function restoreSqlite(from: string, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.restoring`;
  await copyFile(from, temp);
  await syncPath(temp);
  await rm(`${file}-wal`, { force: true });
  await rm(`${file}-shm`, { force: true });
  await rename(temp, file);
  await syncPath(path.dirname(file));
}

/**
 * Restores a backup made by `createBackup` into the configured database and blob store.
 * Every file is checked against the manifest first, and the target must be empty (no
 * rows, no blobs) unless `force`, which replaces what is there. Then the database is
 * restored, migrated to this version's schema, and the blobs are put back through the
 * BlobStore port (so a backup of files can also go into BLOB_STORE=database). Keys are
 * not in a backup: copy them into DATA_DIR/keys yourself (docs/admin/backup.md).
 */
export async function restoreBackup(args: {
  config: Config;
  from: string;
  force?: boolean;
  progress?: (line: string) => void;
}): Promise<RestoreReport> {
  const { config } = args;
  const progress = args.progress ?? (() => {});
  const from = path.resolve(args.from);
  const dialect = config.database.kind;

  progress('restore: checking every file of the backup');
  const manifest = await verifyBackup(from);
  if (manifest.database.dialect !== dialect) {
    throw new ConfigurationError(
      `This backup is of a ${manifest.database.dialect} database, but DATABASE_URL names ${dialect}. ` +
        (manifest.database.dialect === 'sqlite'
          ? 'Restore it into SQLite, then move it with sealpost migrate-data --to postgres://...'
          : 'Restore it into PostgreSQL.'),
    );
  }
  if (manifest.blobStore === 'database' && config.blobStore !== 'database') {
    throw new ConfigurationError(
      'This backup keeps its blobs inside the database: set BLOB_STORE=database to restore it.',
    );
  }
  const known = shippedMigrations(dialect).map((m) => m.tag);
  if (manifest.database.migration !== null && !known.includes(manifest.database.migration)) {
    throw new ConfigurationError(
      `This backup was made by a newer Sealpost (${manifest.sealpostVersion}, schema ` +
        `${manifest.database.migration}). Install that version or a later one, then restore.`,
    );
  }

  // Files under DATA_DIR/blobs, or an Azure container, can be looked at now; database
  // blobs only once the database is restored and migrated (and their rows count as
  // database rows anyway).
  const fsStore = config.blobStore !== 'database' ? chooseBlobStore(config) : null;
  try {
    if (!args.force) {
      const full =
        config.database.kind === 'sqlite'
          ? await sqliteTablesWithRows(config.database.path)
          : await postgresTablesWithRows(config.database.url);
      const found = full.length > 0 ? [`tables with rows: ${full.join(', ')}`] : [];
      if (fsStore && (await hasAnyBlob(fsStore.blobs)))
        found.push(
          config.azureBlob
            ? `blobs in the Azure container ${config.azureBlob.container}`
            : `blobs in ${config.dataDir}/blobs`,
        );
      if (found.length > 0) throw new RestoreTargetNotEmpty(found);
    }

    progress(`restore: restoring the ${dialect} database`);
    const databaseFile = path.join(from, manifest.database.file);
    if (config.database.kind === 'sqlite') {
      await restoreSqlite(databaseFile, config.database.path);
    } else {
      // --clean --if-exists drops what the dump recreates: the empty tables of a
      // migrated database, or with --force the data being replaced. One transaction,
      // so a failure leaves the database as it was.
      await runPgTool(
        'pg_restore',
        [
          '--clean',
          '--if-exists',
          '--no-owner',
          '--no-privileges',
          '--single-transaction',
          '--exit-on-error',
          '--no-password',
          `--dbname=${new URL(config.database.url).pathname.slice(1) || 'postgres'}`,
          databaseFile,
        ],
        config.database.url,
      );
    }

    // Brings a backup from an older version up to this version's schema.
    const storage = chooseStorage(config);
    try {
      await storage.migrate();
    } finally {
      await storage.close();
    }

    let restored = 0;
    if (manifest.blobStore === 'fs') {
      const store = fsStore ?? chooseBlobStore(config);
      const into = store.blobs;
      try {
        if (args.force) await deleteEveryBlob(into);
        progress(`restore: putting back ${manifest.blobCount} blobs`);
        let last = Date.now();
        for (const file of manifest.files) {
          const id = blobIdOf(file.path);
          if (id === null) continue;
          const body = Readable.toWeb(
            createReadStream(path.join(from, file.path)),
          ) as ReadableStream<Uint8Array>;
          await into.put({ id, body });
          restored += 1;
          if (Date.now() - last >= PROGRESS_MS) {
            last = Date.now();
            progress(`restore: ${restored} of ${manifest.blobCount} blobs`);
          }
        }
      } finally {
        if (store !== fsStore) await store.close();
      }
    }
    return { manifest, blobs: restored, keysPresent: await hasOrgKey(config.dataDir) };
  } finally {
    await fsStore?.close();
  }
}
