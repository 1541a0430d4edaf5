import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { fromNow, makeAccount, makeDelivery, makeMessage, makeStaff } from '../factories.ts';
import { ROOT, tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

// Migration 0006 copies each message's time onto its deliveries (`sent_at`), which the
// inbox walks (decision 0024). Rows an older version left have the column's default
// (0, the epoch) until its UPDATE runs; run here on such rows, on both databases.

/** The backfill statement of migration 0006 for a dialect (its UPDATE). */
function backfillOf(dialect: 'sqlite' | 'postgres'): string[] {
  const file = path.join(ROOT, 'migrations', dialect, '0006_field_keys_and_inbox.sql');
  const statements = readFileSync(file, 'utf8')
    .split('--> statement-breakpoint')
    .filter((chunk) => /\bUPDATE\b/.test(chunk));
  expect(statements).toHaveLength(1);
  return statements;
}

/** Three messages to one recipient, sent in an order their ids do not follow. */
async function seed(storage: Storage) {
  const repos = storage.repos;
  const sender = makeStaff({ email: 'officer@barnet.gov.uk' });
  const ann = makeAccount({ email: 'ann@example.org' });
  for (const account of [sender, ann]) await repos.accounts.insert({ account });
  const sent: string[] = [];
  for (const [id, at] of [
    ['m-b', 2],
    ['m-c', 1],
    ['m-a', 3],
  ] as const) {
    const message = makeMessage({ id, senderId: sender.id, createdAt: fromNow(at * 60_000) });
    await repos.messages.insert({ message });
    const delivery = makeDelivery({
      messageId: message.id,
      recipientId: ann.id,
      recipientEmail: ann.email,
      // A delivery made later than its message (a forward): the inbox sorts by the
      // message's time, not the delivery's.
      createdAt: fromNow(at * 60_000 + 3_600_000),
    });
    await repos.deliveries.insert({ delivery });
    sent.push(delivery.id);
  }
  return { ann, newestFirst: [sent[2], sent[0], sent[1]] };
}

async function inboxOrder(storage: Storage, recipientId: string): Promise<string[]> {
  const items = await storage.repos.deliveries.listInbox({
    recipientId,
    now: fromNow(0),
    limit: 25,
    offset: 0,
  });
  return items.map((item) => item.delivery.id);
}

describe('migration 0006 backfill of deliveries.sent_at', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('gives rows an older version left their message time, and the inbox its order, on SQLite', async () => {
    const dir = tempDir('sealpost-sent-at-');
    dirs.push(dir);
    const file = path.join(dir, 'legacy.db');
    const storage = sqliteStorage({ path: file });
    await storage.migrate();
    const seeded = await seed(storage);
    const db = new Database(file);
    // As an older version left them: the column's default.
    db.exec('UPDATE deliveries SET sent_at = 0');
    for (const statement of backfillOf('sqlite')) db.exec(statement);
    const wrong = db
      .prepare(
        'SELECT count(*) AS n FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE d.sent_at <> m.created_at',
      )
      .get() as { n: number };
    db.close();
    expect(wrong.n).toBe(0);
    expect(await inboxOrder(storage, seeded.ann.id)).toEqual(seeded.newestFirst);
    await storage.close();
  });

  if (postgresAvailable('Migration 0006 backfill')) {
    it('gives rows an older version left their message time, and the inbox its order, on PostgreSQL', async () => {
      const database = await createTestDatabase('sealpost_sent_at');
      const storage = postgresStorage({ url: database.url });
      try {
        await storage.migrate();
        const seeded = await seed(storage);
        const sql = postgres(database.url, { max: 1, onnotice: () => {} });
        await sql`UPDATE deliveries SET sent_at = 'epoch'`;
        for (const statement of backfillOf('postgres')) await sql.unsafe(statement);
        const [wrong] = await sql<Array<{ n: number }>>`
          SELECT count(*)::int AS n FROM deliveries d JOIN messages m ON m.id = d.message_id
          WHERE d.sent_at <> m.created_at`;
        await sql.end();
        expect(wrong?.n).toBe(0);
        expect(await inboxOrder(storage, seeded.ann.id)).toEqual(seeded.newestFirst);
      } finally {
        await storage.close();
        await database.drop();
      }
    });
  }
});
