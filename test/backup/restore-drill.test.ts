// The restore drill, as an admin would run it: a populated instance is backed up with
// `sealpost backup` while it is open, restored elsewhere with `sealpost restore` (the
// keys copied across separately, from their own backup), and every message is opened
// and every attachment downloaded and compared byte for byte. Once on SQLite with the
// blob folder, once on PostgreSQL with the blobs inside the database.

import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, type Manifest } from '../../adapters/backup/manifest.ts';
import { shippedMigrations } from '../../adapters/backup/migration-state.ts';
import { RestoreTargetNotEmpty, restoreBackup } from '../../adapters/backup/restore.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import {
  copyKeys,
  expectAuditChainHolds,
  expectEveryMessageReads,
  instanceConfig,
  instanceEnv,
  openInstance,
  populate,
} from './support.ts';

const latest = (dialect: 'sqlite' | 'postgres') => shippedMigrations(dialect).at(-1)?.tag;

describe('restore drill on SQLite with the blob folder', () => {
  const root = tempDir('sealpost-drill-');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('backs up a running instance, restores it elsewhere and reads every message', async () => {
    const sourceEnv = instanceEnv({ dataDir: path.join(root, 'source') });
    const app = await openInstance(sourceEnv);
    const sent = await populate(app, 5);
    const auditBefore = await expectAuditChainHolds(app);
    // Small blobs are rows of the database (decision 0027): they come with its copy.
    const inlineRows = (await app.storage.repos.inlineBlobs.listStored({ limit: 100 })).length;
    expect(inlineRows).toBeGreaterThan(0);

    // The instance stays open while the backup runs, as a live service would.
    const out = path.join(root, 'backup-1');
    const backup = await runCli(['backup', '--out', out], sourceEnv);
    await app.close();
    expect(backup.stderr).toContain('keys are NOT in this backup');
    expect(backup.code, backup.stderr).toBe(0);

    const manifest = JSON.parse(readFileSync(path.join(out, MANIFEST_FILE), 'utf8')) as Manifest;
    expect(manifest.database).toEqual({
      dialect: 'sqlite',
      file: 'database.sqlite',
      migration: latest('sqlite'),
    });
    expect(manifest.keysIncluded).toBe(false);
    expect(manifest.blobStore).toBe('fs');
    // A body per message plus one blob per attachment (0+1+2+3+0 of them), the small
    // ones as rows in the database copy, the rest as files.
    expect(manifest.blobCount + inlineRows).toBe(5 + 6);
    expect(manifest.blobCount).toBeGreaterThan(0);
    expect(manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['blobs', 'database.sqlite', 'manifest.json']);
    expect(existsSync(path.join(out, 'keys'))).toBe(false);

    const targetDir = path.join(root, 'target');
    const targetEnv = instanceEnv({ dataDir: targetDir });
    const restore = await runCli(['restore', '--from', out], targetEnv);
    // The data is back, but without its keys it cannot be read: exit 1 says "not yet".
    expect(restore.code, restore.stderr).toBe(1);
    expect(restore.stderr).toContain('No org key');
    // The doctor's checks end the restore and name what is left to do.
    expect(restore.stdout).toContain('Checking the restored installation (sealpost doctor):');
    expect(restore.stdout).toMatch(/problem keys +no org key .* holds encrypted data/);
    expect(restore.stdout).toContain('before starting the service');

    copyKeys(path.join(root, 'source'), targetDir);
    const restored = await openInstance(targetEnv);
    try {
      await expectEveryMessageReads(restored, sent);
      // Opening and downloading appended to the chain, which still holds.
      expect(await expectAuditChainHolds(restored)).toBeGreaterThan(auditBefore);
    } finally {
      await restored.close();
    }

    // The restored instance is not empty any more: a second restore is refused...
    const config = instanceConfig(targetEnv);
    await expect(restoreBackup({ config, from: out })).rejects.toThrow(RestoreTargetNotEmpty);
    await expect(restoreBackup({ config, from: out })).rejects.toThrow(/--force/);
    // ...unless forced, which replaces it with the backup as it was.
    const forced = await restoreBackup({ config, from: out, force: true });
    expect(forced.blobs).toBe(manifest.blobCount);
    expect(forced.keysPresent).toBe(true);
    const replaced = await openInstance(targetEnv);
    try {
      expect(await expectAuditChainHolds(replaced)).toBe(auditBefore);
      await expectEveryMessageReads(replaced, sent.slice(0, 2));
    } finally {
      await replaced.close();
    }
  });
});

if (postgresAvailable('Restore drill (PostgreSQL)')) {
  describe('restore drill on PostgreSQL with the blobs in the database', () => {
    const root = tempDir('sealpost-drill-pg-');
    const databases: Array<{ drop: () => Promise<void> }> = [];
    afterAll(async () => {
      for (const db of databases) await db.drop();
      rmSync(root, { recursive: true, force: true });
    });

    it('backs up with pg_dump, restores into a new database and reads every message', async () => {
      const source = await createTestDatabase('sealpost_drill_src');
      const target = await createTestDatabase('sealpost_drill_dst');
      databases.push(source, target);
      const sourceEnv = instanceEnv({
        dataDir: path.join(root, 'source'),
        databaseUrl: source.url,
        blobStore: 'database',
      });
      const app = await openInstance(sourceEnv);
      const sent = await populate(app, 4);
      const auditBefore = await expectAuditChainHolds(app);

      const out = path.join(root, 'backup');
      const backup = await runCli(['backup', '--out', out], sourceEnv);
      await app.close();
      expect(backup.code, backup.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(path.join(out, MANIFEST_FILE), 'utf8')) as Manifest;
      expect(manifest.database.migration).toBe(latest('postgres'));
      expect(manifest.blobStore).toBe('database');
      expect(readdirSync(out).sort()).toEqual(['database.pgdump', 'manifest.json']);

      // No blob folder on the new node: everything comes from PostgreSQL.
      const targetDir = path.join(root, 'target');
      const targetEnv = instanceEnv({
        dataDir: targetDir,
        databaseUrl: target.url,
        blobStore: 'database',
      });
      copyKeys(path.join(root, 'source'), targetDir);
      // An empty but migrated database (as after a first `sealpost migrate`) is empty.
      const empty = postgresStorage({ url: target.url });
      await empty.migrate();
      await empty.close();
      const restore = await runCli(['restore', '--from', out], targetEnv);
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stdout).toMatch(
        /ok {6}keys {12}\d+ org keys? opens?(, and \d+ field keys?)?; decrypted a subject/,
      );

      const restored = await openInstance(targetEnv);
      try {
        await expectEveryMessageReads(restored, sent);
        expect(await expectAuditChainHolds(restored)).toBeGreaterThan(auditBefore);
      } finally {
        await restored.close();
      }
      expect(existsSync(path.join(targetDir, 'blobs'))).toBe(false);
    });
  });
}
