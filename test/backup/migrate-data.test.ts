// Moving from SQLite to PostgreSQL: a populated SQLite instance is copied with
// `sealpost migrate-data --to postgres://...`, then opened on PostgreSQL, where every
// message must read, byte for byte, and the audit chain must still hold. Then again
// with the blobs moved into the database too, on a node with no blob folder at all.

import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateData, planTables, TargetNotEmpty } from '../../adapters/backup/migrate-data.ts';
import { chooseBlobStore } from '../../adapters/compose.ts';
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
  type SentMessage,
} from './support.ts';

describe('the migration plan', () => {
  it('copies every table but the SQLite lock rows, parents before children', () => {
    const names = planTables().map((t) => t.name);
    expect(names).not.toContain('locks');
    for (const table of ['accounts', 'messages', 'deliveries', 'audit_events', 'blob_chunks']) {
      expect(names).toContain(table);
    }
    const at = (name: string) => names.indexOf(name);
    expect(at('accounts')).toBeLessThan(at('messages'));
    expect(at('messages')).toBeLessThan(at('deliveries'));
    expect(at('deliveries')).toBeLessThan(at('tokens'));
    expect(at('drafts')).toBeLessThan(at('attachments'));
  });
});

if (postgresAvailable('migrate-data')) {
  describe('sealpost migrate-data from SQLite to PostgreSQL', () => {
    const root = tempDir('sealpost-migrate-data-');
    const dataDir = path.join(root, 'data');
    const sqliteEnv = instanceEnv({ dataDir });
    const databases: Array<{ url: string; drop: () => Promise<void> }> = [];
    let sent: SentMessage[] = [];
    let auditEvents = 0;
    let sourceCounts = new Map<string, number>();
    let deliveryOrder: string[] = [];

    beforeAll(async () => {
      const app = await openInstance(sqliteEnv);
      try {
        sent = await populate(app, 4);
        auditEvents = await expectAuditChainHolds(app);
        const first = sent[0]?.deliveryId as string;
        const delivery = await app.storage.repos.deliveries.findById({ id: first });
        deliveryOrder = (
          await app.storage.repos.deliveries.listForMessage({
            messageId: delivery?.messageId as string,
          })
        ).map((d) => d.id);
      } finally {
        await app.close();
      }
      const raw = new Database(path.join(dataDir, 'sealpost.db'), { readonly: true });
      sourceCounts = new Map(
        planTables().map((t) => [
          t.name,
          raw.prepare(`select count(*) from "${t.name}"`).pluck().get() as number,
        ]),
      );
      raw.close();
    });
    afterAll(async () => {
      for (const db of databases) await db.drop();
      rmSync(root, { recursive: true, force: true });
    });

    it('copies every row, keeps ids, order and the audit chain, and every message reads', async () => {
      const target = await createTestDatabase('sealpost_migrate');
      databases.push(target);
      const result = await runCli(['migrate-data', '--to', target.url], sqliteEnv);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`audit chain holds (${auditEvents} events)`);
      expect(result.stdout).toContain(`messages: 4 rows`);
      expect(result.stdout).toContain(`Blobs stay in ${dataDir}/blobs`);

      // The same DATA_DIR (keys and blob folder), now on PostgreSQL.
      const app = await openInstance({ ...sqliteEnv, DATABASE_URL: target.url });
      try {
        expect(app.storage.dialect).toBe('postgres');
        expect(await expectAuditChainHolds(app)).toBe(auditEvents);
        const delivery = await app.storage.repos.deliveries.findById({
          id: sent[0]?.deliveryId as string,
        });
        const order = await app.storage.repos.deliveries.listForMessage({
          messageId: delivery?.messageId as string,
        });
        expect(order.map((d) => d.id)).toEqual(deliveryOrder);
        await expectEveryMessageReads(app, sent);
      } finally {
        await app.close();
      }

      // A second run into the same database is refused, and changes nothing.
      await expect(
        migrateData({ sqlitePath: path.join(dataDir, 'sealpost.db'), postgresUrl: target.url }),
      ).rejects.toThrow(TargetNotEmpty);
    });

    it('with --blobs-to-database, serves every message from PostgreSQL alone', async () => {
      const target = await createTestDatabase('sealpost_migrate_blobs');
      databases.push(target);
      const store = chooseBlobStore(instanceConfig(sqliteEnv));
      const report = await migrateData({
        sqlitePath: path.join(dataDir, 'sealpost.db'),
        postgresUrl: target.url,
        blobsFrom: store.blobs,
      });
      await store.close();
      // Every table arrives whole (the chunk tables are empty on a file-blob install).
      for (const { name, rows } of report.tables) expect(rows).toBe(sourceCounts.get(name));
      expect(report.tables.map((t) => t.name).sort()).toEqual([...sourceCounts.keys()].sort());
      // A body per message and a blob per file: the small ones are rows of
      // inline_blobs (decision 0027), copied with the tables; the rest are files.
      const inlineRows = sourceCounts.get('inline_blobs') ?? 0;
      expect(inlineRows).toBeGreaterThan(0);
      expect((report.blobs ?? 0) + inlineRows).toBe(4 + 6);
      expect(report.blobs).toBeGreaterThan(0);

      // A second node: its own DATA_DIR with only the keys, no blob folder.
      const nodeDir = path.join(root, 'node-2');
      copyKeys(dataDir, nodeDir);
      const app = await openInstance(
        instanceEnv({ dataDir: nodeDir, databaseUrl: target.url, blobStore: 'database' }),
      );
      try {
        await expectEveryMessageReads(app, sent);
        expect(await expectAuditChainHolds(app)).toBeGreaterThan(auditEvents);
      } finally {
        await app.close();
      }
    });
  });
}
