// What the PostgreSQL adapter promises beyond the Storage contract: its options, real
// JSON in jsonb, advisory locks across app nodes, and migrations that several nodes
// may start at once. Without TEST_POSTGRES_URL this says so loudly and registers
// nothing; in CI it fails instead.

import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { makeAccount, makeAuditEntry, newId } from '../factories.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

describe('postgresStorage options', () => {
  it('refuses a missing, malformed or non-PostgreSQL URL with a ConfigurationError', () => {
    const bad = [
      {},
      { url: '' },
      { url: 'not a url' },
      { url: 'mysql://root@127.0.0.1/sealpost' },
      { url: 'postgres://sealpost@127.0.0.1:5432/' },
    ];
    for (const options of bad) {
      expect(() => postgresStorage(options as { url: string })).toThrow(ConfigurationError);
    }
  });

  it('never repeats the URL, which may hold a password, in its message', () => {
    expect(() => postgresStorage({ url: 'postgres://u:s3cret@[bad' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });

  it('builds without connecting; ping is false when no server answers', async () => {
    const storage = postgresStorage({ url: 'postgres://sealpost@127.0.0.1:1/sealpost' });
    expect(await storage.ping()).toBe(false);
    await storage.close();
  });
});

if (postgresAvailable('PostgreSQL adapter')) {
  describe('the PostgreSQL adapter', () => {
    let database: { url: string; drop: () => Promise<void> } | undefined;
    const opened: Storage[] = [];
    const open = () => {
      if (!database) throw new Error('the test database was not created');
      const storage = postgresStorage({ url: database.url });
      opened.push(storage);
      return storage;
    };

    beforeAll(async () => {
      database = await createTestDatabase('sealpost_pgadapter');
    });
    afterEach(async () => {
      for (const storage of opened.splice(0)) await storage.close();
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('migrates once when several nodes start together', async () => {
      const nodes = [open(), open(), open()];
      await Promise.all(nodes.map((node) => node.migrate()));
      const sql = postgres(database?.url ?? '', { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<Array<{ n: number }>>`
          select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(row?.n).toBeGreaterThanOrEqual(1);
        const [tables] = await sql<Array<{ n: number }>>`
          select count(*)::int as n from pg_tables where schemaname = 'public'`;
        expect(tables?.n).toBeGreaterThan(10);
      } finally {
        await sql.end();
      }
      // Applying again is harmless.
      await nodes[0]?.migrate();
    });

    it('stores JSON as jsonb values, not as JSON strings', async () => {
      const storage = open();
      await storage.migrate();
      const account = makeAccount({ recoveryCodeHashes: ['a', 'b'] });
      await storage.repos.accounts.insert({ account });
      await storage.repos.settings.set({ key: `k-${newId()}`, value: { nested: [1, 2] } });
      const entry = makeAuditEntry({ details: { n: 1 } });
      await storage.repos.audit.append({
        entry,
        seal: (prev) => ({
          ...entry,
          seq: (prev?.seq ?? 0) + 1,
          id: newId(),
          at: new Date(),
          prevHash: prev?.hash ?? '0'.repeat(64),
          hash: 'f'.repeat(64),
        }),
      });
      const sql = postgres(database?.url ?? '', { max: 1, onnotice: () => {} });
      try {
        const [a] =
          await sql`select jsonb_typeof(recovery_code_hashes) as t from accounts where id = ${account.id}`;
        expect(a?.t).toBe('array');
        const [s] = await sql`select jsonb_typeof(value) as t from settings limit 1`;
        expect(s?.t).toBe('object');
        const [d] = await sql`select jsonb_typeof(details) as t from audit_events limit 1`;
        expect(d?.t).toBe('object');
      } finally {
        await sql.end();
      }
    });

    it('withLock excludes another node (another pool) until the holder lets go', async () => {
      const a = open();
      const b = open();
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      let started = () => {};
      const isStarted = new Promise<void>((r) => {
        started = r;
      });
      const first = a.withLock({
        name: 'access-expiry',
        fn: async () => {
          started();
          await held;
          return 'a';
        },
      });
      await isStarted;
      expect(await b.withLock({ name: 'access-expiry', fn: async () => 'b' })).toEqual({
        ran: false,
      });
      release();
      expect(await first).toEqual({ ran: true, value: 'a' });
      expect(await b.withLock({ name: 'access-expiry', fn: async () => 'b' })).toEqual({
        ran: true,
        value: 'b',
      });
    });
  });
}
