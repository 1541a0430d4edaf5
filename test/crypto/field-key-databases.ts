import path from 'node:path';
import { afterAll, describe } from 'vitest';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

/**
 * Registers `suite` once per database: SQLite (a new file per call of `open`) and
 * PostgreSQL (a new database per call, dropped after the file). `open` gives a fresh,
 * migrated storage; `url` says how to reach it again from another process.
 */
export function onEachDatabase(
  name: string,
  suite: (open: () => Promise<{ storage: Storage; url: string }>) => void,
): void {
  describe(`${name} (SQLite)`, () => {
    const dir = tempDir('sealpost-field-keys-');
    let n = 0;
    suite(async () => {
      const file = path.join(dir, `test-${++n}.db`);
      const storage = sqliteStorage({ path: file });
      await storage.migrate();
      return { storage, url: file };
    });
  });
  if (!postgresAvailable(name)) return;
  describe(`${name} (PostgreSQL)`, () => {
    const databases: Array<{ drop: () => Promise<void> }> = [];
    const opened: Storage[] = [];
    afterAll(async () => {
      for (const storage of opened) await storage.close().catch(() => {});
      for (const database of databases) await database.drop();
    });
    suite(async () => {
      const database = await createTestDatabase('sealpost_field_keys');
      databases.push(database);
      const storage = postgresStorage({ url: database.url });
      opened.push(storage);
      await storage.migrate();
      return { storage, url: database.url };
    });
  });
}
