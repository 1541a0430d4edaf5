// Runs the Storage contract against SQLite (a temporary file per test) and against
// PostgreSQL (one fresh database per run, emptied between tests, dropped after).
// Without TEST_POSTGRES_URL the PostgreSQL half says so loudly and registers nothing;
// in CI it fails instead.

import { rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { storageContract } from './storage-contract.ts';

describe('SQLite', () => {
  const dir = tempDir('sealpost-storage-');
  let n = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  storageContract('sqlite', async () => {
    const storage = sqliteStorage({ path: path.join(dir, `contract-${++n}.db`) });
    await storage.migrate();
    return storage;
  });
});

/**
 * One DELETE per table, children before parents, so foreign keys hold throughout.
 * TRUNCATE would be simpler but takes about 200 ms a time on 16 tables; DELETE on
 * the few rows a test leaves takes about 1 ms.
 */
async function deleteEverything(sql: postgres.Sql): Promise<string> {
  const tables = await sql<Array<{ name: string }>>`
    select tablename as name from pg_tables where schemaname = 'public'`;
  const edges = await sql<Array<{ child: string; parent: string }>>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace`;
  const order: string[] = [];
  const remaining = new Set(tables.map((t) => t.name));
  while (remaining.size > 0) {
    // A table may go once no remaining table refers to it.
    const free = [...remaining].filter(
      (t) => !edges.some((e) => e.parent === t && e.child !== t && remaining.has(e.child)),
    );
    if (free.length === 0) throw new Error('the foreign keys form a cycle');
    for (const t of free) {
      order.push(t);
      remaining.delete(t);
    }
  }
  return order.map((t) => `delete from "${t}";`).join(' ');
}

if (postgresAvailable('Storage contract')) {
  describe('PostgreSQL', () => {
    let database: { url: string; drop: () => Promise<void> } | undefined;
    let admin: postgres.Sql | undefined;
    let emptyAll = '';

    beforeAll(async () => {
      database = await createTestDatabase('sealpost_storage');
      const storage = postgresStorage({ url: database.url });
      await storage.migrate();
      await storage.close();
      admin = postgres(database.url, { max: 1, onnotice: () => {} });
      emptyAll = await deleteEverything(admin);
    });
    afterAll(async () => {
      await admin?.end();
      await database?.drop();
    });

    storageContract('postgres', async () => {
      if (!admin || !database) throw new Error('the test database was not created');
      await admin.unsafe(emptyAll);
      return postgresStorage({ url: database.url });
    });
  });
}
