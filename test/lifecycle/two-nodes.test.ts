// Two app nodes share one PostgreSQL database and run the same job at the same moment:
// the advisory lock behind Storage.withLock lets exactly one of them run it, and the
// other says it skipped. Each node is a real `sealpost jobs run` process.

import { rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { makeOrgKeys, seedMessages, startCli } from './seed.ts';

if (postgresAvailable('Two-node job lock')) {
  describe('two nodes, one PostgreSQL, one job', () => {
    const dataDir = tempDir('sealpost-nodes-');
    let database: { url: string; drop: () => Promise<void> };
    let due: string[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('sealpost_nodes');
      const storage = postgresStorage({ url: database.url });
      await storage.migrate();
      await makeOrgKeys(dataDir, 'two node test passphrase');
      // Enough batches, with a pause between them, that the first node to get the lock
      // is still running when the second asks, however the two start up.
      due = (
        await seedMessages(storage, fsBlobStore({ dir: path.join(dataDir, 'blobs') }), {
          due: 60,
          keep: 5,
        })
      ).due;
      await storage.close();
    });
    afterAll(async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs the job on exactly one node; the other reports that it skipped', async () => {
      const env = {
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        SEALPOST_KEY_PASSPHRASE: 'two node test passphrase',
      };
      const args = ['jobs', 'run', 'retention-purge', '--batch-size', '5', '--pause-ms', '500'];
      const nodes = [startCli(args, env), startCli(args, env)];
      const codes = await Promise.all(nodes.map((n) => n.exited));
      expect(codes).toEqual([0, 0]);
      const outcomes = nodes.map((n) =>
        n.lines.some((l) => /^retention-purge: done in/.test(l))
          ? 'ran'
          : n.lines.some((l) => /^retention-purge: skipped/.test(l))
            ? 'skipped'
            : n.lines.join('\n'),
      );
      expect(outcomes.sort()).toEqual(['ran', 'skipped']);

      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        const runs = await sql<Array<{ status: string }>>`
          select status from job_runs where job = 'retention-purge'`;
        expect(runs.map((r) => r.status)).toEqual(['ok']);
        const left = await sql<Array<{ id: string }>>`select id from messages`;
        expect(left.length).toBe(5);
        expect(left.some((m) => due.includes(m.id))).toBe(false);
      } finally {
        await sql.end();
      }
    });
  });
}
