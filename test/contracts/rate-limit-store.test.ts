// Runs the RateLimitStore contract against the in-memory store, SQLite (a temporary
// file per test) and PostgreSQL (one fresh database per run); then races two real
// processes on one database, which is what WORKERS > 1 and several nodes do.

import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { memoryRateLimitStore } from '../../core/auth/memory-rate-limit-store.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { ROOT, tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { rateLimitStoreContract } from './rate-limit-store-contract.ts';

const run = promisify(execFile);
const HAMMER = path.join(ROOT, 'test/contracts/support/rate-limit-hammer.ts');

/** Two processes hit one bucket at the same moment; together they get `limit` exactly. */
async function raceProcesses(kind: 'sqlite' | 'postgres', target: string, limit: number) {
  const startAt = String(Date.now() + 1_500);
  const one = () =>
    run(process.execPath, ['--import', 'tsx', HAMMER, kind, target, '40', String(limit), startAt], {
      cwd: ROOT,
    });
  const outputs = await Promise.all([one(), one()]);
  return outputs.map((o) => Number(o.stdout.trim()));
}

rateLimitStoreContract('memory', async () => memoryRateLimitStore());

describe('SQLite', () => {
  const dir = tempDir('sealpost-rate-');
  const open: Storage[] = [];
  let n = 0;
  let file = '';
  const connect = async () => {
    const storage = sqliteStorage({ path: file });
    open.push(storage);
    await storage.migrate();
    return storage.repos.rateLimitHits;
  };
  afterAll(async () => {
    for (const storage of open) await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  rateLimitStoreContract(
    'sqlite',
    async () => {
      file = path.join(dir, `contract-${++n}.db`);
      return connect();
    },
    connect,
  );

  it('lets two processes together take exactly the limit', async () => {
    file = path.join(dir, 'race.db');
    await connect();
    const allowed = await raceProcesses('sqlite', file, 13);
    expect(allowed.reduce((a, b) => a + b, 0)).toBe(13);
  });
});

if (postgresAvailable('RateLimitStore contract')) {
  describe('PostgreSQL', () => {
    let database: { url: string; drop: () => Promise<void> } | undefined;
    const open: Storage[] = [];
    const connect = async () => {
      if (!database) throw new Error('the test database was not created');
      const storage = postgresStorage({ url: database.url });
      open.push(storage);
      return storage.repos.rateLimitHits;
    };

    beforeAll(async () => {
      database = await createTestDatabase('sealpost_rate');
      const storage = postgresStorage({ url: database.url });
      await storage.migrate();
      await storage.close();
    });
    afterAll(async () => {
      for (const storage of open) await storage.close();
      await database?.drop();
    });

    rateLimitStoreContract(
      'postgres',
      async () => {
        const store = await connect();
        await store.deleteBefore({ before: new Date('2100-01-01'), limit: 100_000 });
        return store;
      },
      connect,
    );

    it('lets two processes together take exactly the limit', async () => {
      const allowed = await raceProcesses('postgres', database?.url ?? '', 13);
      expect(allowed.reduce((a, b) => a + b, 0)).toBe(13);
    });
  });
}
