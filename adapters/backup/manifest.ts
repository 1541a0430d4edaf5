import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** The file in a backup folder that lists everything else, written last. */
export const MANIFEST_FILE = 'manifest.json';

/** The database file of a backup, by dialect. */
export const DATABASE_FILES = { sqlite: 'database.sqlite', postgres: 'database.pgdump' } as const;

/** One file of a backup with its size and SHA-256. */
export type ManifestFile = { path: string; size: number; sha256: string };

/**
 * What `sealpost backup` wrote and what `sealpost restore` checks: the Sealpost version
 * and schema migration it came from, where the blobs were, and a checksum of every file.
 * The keys are never in it (docs/admin/backup.md says why and how to keep them).
 */
export type Manifest = {
  format: 'sealpost-backup';
  formatVersion: 1;
  /** The `version` of package.json that made the backup. */
  sealpostVersion: string;
  /** When the backup was made (ISO 8601). */
  createdAt: string;
  database: {
    dialect: 'sqlite' | 'postgres';
    /** The database file in the folder (`database.sqlite` or `database.pgdump`). */
    file: string;
    /** The last schema migration applied (its tag, e.g. `0002_database_blobs`), or null. */
    migration: string | null;
  };
  /**
   * `fs`: blobs are files under `blobs/` (copied from DATA_DIR/blobs, or from an Azure
   * container with BLOB_STORE=azure-blob); `database`: they are inside the database file.
   */
  blobStore: 'fs' | 'database';
  /** How many blob files the folder holds. */
  blobCount: number;
  /** Always false: the org keys are backed up separately (docs/admin/keys.md). */
  keysIncluded: false;
  /** Every file of the backup but the manifest itself. */
  files: ManifestFile[];
};

/** A backup folder that cannot be restored as it is; `problems` says every reason. */
export class BackupDamaged extends Error {
  readonly problems: string[];
  constructor(dir: string, problems: string[]) {
    super(
      `The backup in ${dir} cannot be restored: ${problems.length} problem(s).\n` +
        problems
          .slice(0, 20)
          .map((p) => `  - ${p}`)
          .join('\n') +
        (problems.length > 20 ? `\n  - ... and ${problems.length - 20} more` : ''),
    );
    this.name = 'BackupDamaged';
    this.problems = problems;
  }
}

/** Sealpost's version, from package.json. */
export function sealpostVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** Size and SHA-256 of a file, read as a stream. */
export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}

export { syncPath } from '../files/sync-path.ts';

// The only paths a manifest may name: the database file and blobs by the file
// adapter's layout. Anything else (`..`, absolute paths) is refused, so a tampered
// manifest cannot make restore read outside its folder.
const FILE_PATH =
  /^(database\.sqlite|database\.pgdump|blobs\/[A-Za-z0-9_-]{1,2}\/[A-Za-z0-9_-]{1,200})$/;

/** The blob id a manifest path names, or null for the database file. */
export function blobIdOf(filePath: string): string | null {
  return filePath.startsWith('blobs/') ? (filePath.split('/')[2] ?? null) : null;
}

function checkShape(value: unknown): value is Manifest {
  const m = value as Partial<Manifest> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.format === 'sealpost-backup' &&
    m.formatVersion === 1 &&
    typeof m.database === 'object' &&
    m.database !== null &&
    (m.database.dialect === 'sqlite' || m.database.dialect === 'postgres') &&
    (m.blobStore === 'fs' || m.blobStore === 'database') &&
    Array.isArray(m.files)
  );
}

/**
 * Reads a backup's manifest and checks every file it names against its size and
 * SHA-256, and that nothing names a path outside the folder. Throws `BackupDamaged`
 * listing every problem; returns the manifest when all hold.
 */
export async function verifyBackup(dir: string): Promise<Manifest> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'is damaged';
    throw new BackupDamaged(dir, [
      `${MANIFEST_FILE} ${reason}: this is not a complete Sealpost backup (the manifest is written last).`,
    ]);
  }
  if (!checkShape(manifest)) {
    throw new BackupDamaged(dir, [
      `${MANIFEST_FILE} is not a Sealpost backup manifest this version can read.`,
    ]);
  }
  const problems: string[] = [];
  const expectedDatabase = DATABASE_FILES[manifest.database.dialect];
  if (manifest.database.file !== expectedDatabase) {
    problems.push(`the database file should be ${expectedDatabase}`);
  }
  const seen = new Set<string>();
  for (const entry of manifest.files) {
    if (typeof entry?.path !== 'string' || !FILE_PATH.test(entry.path)) {
      problems.push(`the manifest names a file Sealpost never writes: ${String(entry?.path)}`);
      continue;
    }
    if (seen.has(entry.path)) problems.push(`${entry.path} is listed twice`);
    seen.add(entry.path);
    const file = path.join(dir, entry.path);
    try {
      const info = await stat(file);
      if (info.size !== entry.size) {
        problems.push(`${entry.path}: ${info.size} bytes, the manifest says ${entry.size}`);
        continue;
      }
      const { sha256 } = await hashFile(file);
      if (sha256 !== entry.sha256) problems.push(`${entry.path}: the checksum does not match`);
    } catch {
      problems.push(`${entry.path} is missing`);
    }
  }
  if (!seen.has(expectedDatabase)) problems.push(`${expectedDatabase} is not listed`);
  const blobFiles = manifest.files.filter((f) => blobIdOf(String(f?.path)) !== null).length;
  if (blobFiles !== manifest.blobCount) {
    problems.push(`${blobFiles} blob files are listed, the manifest says ${manifest.blobCount}`);
  }
  if (problems.length > 0) throw new BackupDamaged(dir, problems);
  return manifest;
}
