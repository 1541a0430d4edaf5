// What restore refuses before it touches anything: a damaged or tampered backup, a
// backup of the other dialect or of a newer schema, blobs it cannot put anywhere. And
// what backup refuses: a folder that already holds something.

import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../adapters/backup/backup.ts';
import { BackupDamaged, MANIFEST_FILE, type Manifest } from '../../adapters/backup/manifest.ts';
import { restoreBackup } from '../../adapters/backup/restore.ts';
import { chooseBlobStore, chooseStorage } from '../../adapters/compose.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { patternBytes } from '../contracts/blob-store-contract.ts';
import { tempDir } from '../support/cli.ts';
import { instanceConfig, instanceEnv } from './support.ts';

const root = tempDir('sealpost-restore-checks-');
const source = instanceConfig(instanceEnv({ dataDir: path.join(root, 'source') }));
const backupDir = path.join(root, 'backup');
let manifest: Manifest;

/** A copy of the good backup to spoil. */
function copyOfBackup(name: string): string {
  const dir = path.join(root, name);
  cpSync(backupDir, dir, { recursive: true });
  return dir;
}

function rewriteManifest(dir: string, change: (m: Manifest) => void): void {
  const file = path.join(dir, MANIFEST_FILE);
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  change(m);
  writeFileSync(file, JSON.stringify(m));
}

/** A new, empty target instance's config. */
function target(name: string, extra: { blobStore?: 'fs' | 'database' } = {}) {
  return instanceConfig(instanceEnv({ dataDir: path.join(root, name), ...extra }));
}

beforeAll(async () => {
  // No cipher needed: to a backup, blobs are opaque bytes.
  const storage = chooseStorage(source);
  await storage.migrate();
  await storage.close();
  const { blobs, close } = chooseBlobStore(source);
  for (const id of ['aa1', 'ab2', 'zz3']) {
    await blobs.put({ id, body: streamOf(patternBytes(50_000, id.length + id.charCodeAt(0))) });
  }
  await close();
  manifest = (await createBackup({ config: source, out: backupDir })).manifest;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('backup', () => {
  it('lists every blob with its checksum, and refuses a folder that is not empty', async () => {
    expect(manifest.blobCount).toBe(3);
    expect(manifest.files.map((f) => f.path)).toEqual([
      'database.sqlite',
      'blobs/aa/aa1',
      'blobs/ab/ab2',
      'blobs/zz/zz3',
    ]);
    await expect(createBackup({ config: source, out: backupDir })).rejects.toThrow('not empty');
  });
});

describe('restore refuses, and writes nothing, when', () => {
  it('a file does not match its checksum or is missing, naming each', async () => {
    const dir = copyOfBackup('damaged');
    const blob = path.join(dir, 'blobs/ab/ab2');
    const bytes = readFileSync(blob);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    writeFileSync(blob, bytes);
    rmSync(path.join(dir, 'blobs/zz/zz3'));
    const config = target('after-damaged');
    const error = await restoreBackup({ config, from: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupDamaged);
    expect((error as BackupDamaged).problems).toEqual([
      'blobs/ab/ab2: the checksum does not match',
      'blobs/zz/zz3 is missing',
    ]);
    expect(existsSync(path.join(config.dataDir, 'sealpost.db'))).toBe(false);
  });

  it('the manifest is missing (a backup that did not finish)', async () => {
    const dir = copyOfBackup('unfinished');
    rmSync(path.join(dir, MANIFEST_FILE));
    await expect(restoreBackup({ config: target('after-unfinished'), from: dir })).rejects.toThrow(
      'not a complete Sealpost backup',
    );
  });

  it('the manifest names a path outside the backup', async () => {
    const dir = copyOfBackup('tampered');
    rewriteManifest(dir, (m) => {
      m.files.push({ path: '../../etc/passwd', size: 1, sha256: '0'.repeat(64) });
    });
    await expect(restoreBackup({ config: target('after-tampered'), from: dir })).rejects.toThrow(
      'a file Sealpost never writes: ../../etc/passwd',
    );
  });

  it('the backup is of a newer schema than this version knows', async () => {
    const dir = copyOfBackup('newer');
    rewriteManifest(dir, (m) => {
      m.database.migration = '0999_from_the_future';
      m.sealpostVersion = '9.0.0';
    });
    await expect(restoreBackup({ config: target('after-newer'), from: dir })).rejects.toThrow(
      'made by a newer Sealpost (9.0.0',
    );
  });

  it('the backup is of the other dialect', async () => {
    const config = {
      ...target('after-dialect'),
      database: { kind: 'postgres' as const, url: 'postgres://nobody@127.0.0.1:1/none' },
    };
    await expect(restoreBackup({ config, from: backupDir })).rejects.toThrow(
      'sealpost migrate-data',
    );
  });

  it('its blobs live in the database but BLOB_STORE=fs', async () => {
    const dir = copyOfBackup('database-blobs');
    rewriteManifest(dir, (m) => {
      m.blobStore = 'database';
      m.files = m.files.filter((f) => !f.path.startsWith('blobs/'));
      m.blobCount = 0;
    });
    await expect(restoreBackup({ config: target('after-blobs'), from: dir })).rejects.toThrow(
      'set BLOB_STORE=database',
    );
  });
});

describe('restore into the other blob store', () => {
  it('puts a backup of blob files into BLOB_STORE=database', async () => {
    const config = target('into-database', { blobStore: 'database' });
    const report = await restoreBackup({ config, from: backupDir });
    expect(report.blobs).toBe(3);
    const { blobs, close } = chooseBlobStore(config);
    try {
      expect(await blobs.list({ limit: 10 })).toEqual(['aa1', 'ab2', 'zz3']);
    } finally {
      await close();
    }
    expect(existsSync(path.join(config.dataDir, 'blobs'))).toBe(false);
  });
});
