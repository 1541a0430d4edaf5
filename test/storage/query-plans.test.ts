// The plans of the hot queries (docs/decisions/0024), on both databases, over a seeded
// mailbox big enough that a full scan or a sort would show. Each case builds the very
// prepared statement the repository runs, asks the database how it would run it, and
// fails on a full scan of a table or an index, on a sort, or when the index the query
// was designed around is not the one used: a change to a query or an index that turns
// a page back into O(mailbox) fails here rather than in production.

import { rmSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { fillPlaceholders, type Query } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgDb } from '../../adapters/storage/postgres/context.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import * as pg from '../../adapters/storage/postgres/repos/statements.ts';
import * as pgSchema from '../../adapters/storage/postgres/schema.ts';
import { openFile, type SqliteDb } from '../../adapters/storage/sqlite/connection.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import * as lite from '../../adapters/storage/sqlite/repos/statements.ts';
import * as liteSchema from '../../adapters/storage/sqlite/schema.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { FIXED_NOW, newId } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { backgroundRows, type SeededMailbox, seedMailbox, slices } from './support/mailbox-seed.ts';

/** One hot query: the statement, driver values for its placeholders, the index it must use. */
type Case<Db> = {
  name: string;
  statement: (db: Db) => { getQuery(): Query };
  values: Record<string, unknown>;
  index: string;
  /** Its rows are one message's few deliveries, files or events: PostgreSQL may sort those. */
  isSmall: boolean;
  /**
   * Audit searches by person: PostgreSQL may walk the primary key in `seq` order instead
   * of the person's index, filtering, when the person did a good share of the events
   * (here one in 20). Still a walk that stops after the page, but it reads about 20
   * events per event shown; SQLite always walks the person's index.
   */
  mayWalkPrimaryKey: boolean;
};

/**
 * An audit trail of 20,000 events, each about a target of its own, for the admin's
 * search and the tracking page: `actorId` did 1,000 of them (every 20th), 500 other
 * people the rest; `targetId` (a message) has 4 events, one a download.
 */
function auditTrail() {
  const actors = Array.from({ length: 500 }, () => newId());
  const actorId = newId();
  const targetId = newId();
  const rows: Array<typeof liteSchema.auditEvents.$inferInsert> = [];
  for (let n = 0; n < 20_000; n++) {
    const isTarget = n % 500 === 3 && n < 2_000;
    rows.push({
      seq: n + 1,
      id: newId(),
      at: new Date(FIXED_NOW.getTime() - (20_000 - n) * 1_000),
      action: isTarget && n === 1_503 ? 'message.download' : 'message.open',
      actorId: n % 20 === 3 ? actorId : (actors[n % 500] ?? null),
      actorLabel: 'person@example.org',
      ip: null,
      targetType: 'message',
      targetId: isTarget ? targetId : newId(),
      details: {},
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    });
  }
  return { rows, actorId, targetId };
}

const audit = auditTrail();

/**
 * The hot queries of the recipient and staff pages; `now` as the dialect binds it. The
 * staff inbox runs the recipient's inbox statements (core's `listInbox`), so the inbox
 * cases pin it too.
 */
function hotQueries<Db>(
  s: typeof lite | typeof pg,
  seed: SeededMailbox,
  now: unknown,
): Array<Case<Db>> {
  const inbox = { recipientId: seed.recipient.id, now, limit: 25, offset: 0 };
  const d = s.deliveryStatements;
  const list = s.auditStatements.list;
  const byPerson = { actorId: audit.actorId, limit: 51 };
  const cases = [
    ['inbox page', d.livePage, inbox, 'deliveries_inbox_idx'],
    ['inbox page 21', d.livePage, { ...inbox, offset: 500 }, 'deliveries_inbox_idx'],
    ['inbox page with expired', d.allPage, inbox, 'deliveries_inbox_idx'],
    ['inbox count', d.liveCount, inbox, 'deliveries_inbox_count_idx'],
    ['inbox count with expired', d.allCount, inbox, 'deliveries_inbox_idx'],
    ['delivery by id', d.findById, { id: seed.deliveryId }, 'deliveries'],
    [
      'deliveries of a message',
      d.listForMessage,
      { messageId: seed.messageId },
      'deliveries_message_idx',
    ],
    ['message by id', s.messageStatements.findById, { id: seed.messageId }, 'messages'],
    [
      'sent page',
      s.messageStatements.listSent,
      { senderId: seed.sender.id, limit: 25, offset: 0 },
      'messages_sender_sent_idx',
    ],
    [
      'sent count',
      s.messageStatements.countSent,
      { senderId: seed.sender.id },
      'messages_sender_sent_idx',
    ],
    ['session by id', s.sessionStatements.findById, { id: seed.sessionId }, 'sessions'],
    ['account by id', s.accountStatements.findById, { id: seed.recipient.id }, 'accounts'],
    [
      'files of a message',
      s.attachmentStatements.listForMessage,
      { messageId: seed.messageId },
      'attachments_message_idx',
    ],
    // The admin's audit search by person, newest first, and its older and newer pages.
    [
      'audit by person',
      list({ fields: ['actorId'], hasCursor: false, order: 'desc' }),
      byPerson,
      'audit_events_actor_idx',
    ],
    [
      'audit by person, older page',
      list({ fields: ['actorId'], hasCursor: true, order: 'desc' }),
      { ...byPerson, afterSeq: 10_000 },
      'audit_events_actor_idx',
    ],
    [
      'audit by person, newer page',
      list({ fields: ['actorId'], hasCursor: true, order: 'asc' }),
      { ...byPerson, afterSeq: 10_000 },
      'audit_events_actor_idx',
    ],
    // The whole trail's older pages; its first page is pinned on its own below.
    [
      'audit, older page',
      list({ fields: [], hasCursor: true, order: 'desc' }),
      { afterSeq: 10_000, limit: 51 },
      'audit_events',
    ],
    // The tracking page: a message's events, and each of its files' downloads.
    [
      'audit events of a message',
      list({ fields: ['targetId'], hasCursor: false, order: 'asc' }),
      { targetId: audit.targetId, limit: 500 },
      'audit_events_target_idx',
    ],
    [
      'downloads of a file',
      list({ fields: ['targetId', 'action'], hasCursor: false, order: 'asc' }),
      { targetId: audit.targetId, action: 'message.download', limit: 500 },
      'audit_events_target_idx',
    ],
  ] as const;
  return cases.map(([name, statement, values, index]) => ({
    name,
    statement: statement as unknown as Case<Db>['statement'],
    values,
    index,
    isSmall: name.endsWith('of a message') || name.endsWith('of a file'),
    mayWalkPrimaryKey: name.startsWith('audit by person'),
  }));
}

/** The same page a person sees, so the seeded values are known to find rows. */
async function expectFullPages(storage: Storage, seed: SeededMailbox): Promise<void> {
  const query = { recipientId: seed.recipient.id, now: FIXED_NOW };
  const page = await storage.repos.deliveries.listInbox({ ...query, limit: 25, offset: 500 });
  expect(page).toHaveLength(25);
  expect(seed.liveInbox).toBeGreaterThan(500);
  expect(await storage.repos.deliveries.countInbox(query)).toBe(seed.liveInbox);
  expect(await storage.repos.messages.countSent({ senderId: seed.sender.id })).toBe(1000);
}

describe('query plans on SQLite', () => {
  const dir = tempDir('sealpost-plans-');
  let storage: Storage;
  let raw: Database.Database;
  let db: SqliteDb;
  let seed: SeededMailbox;

  beforeAll(async () => {
    const file = path.join(dir, 'plans.db');
    storage = sqliteStorage({ path: file });
    await storage.migrate();
    seed = await seedMailbox(storage);
    ({ raw, db } = openFile(file));
    const rest = backgroundRows();
    raw.transaction(() => {
      for (const rows of slices(rest.accounts)) db.insert(liteSchema.accounts).values(rows).run();
      for (const rows of slices(rest.messages)) db.insert(liteSchema.messages).values(rows).run();
      for (const rows of slices(rest.deliveries)) {
        db.insert(liteSchema.deliveries).values(rows).run();
      }
      for (const rows of slices(audit.rows)) db.insert(liteSchema.auditEvents).values(rows).run();
    })();
  });
  afterAll(async () => {
    raw?.close();
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const planOf = (c: Case<SqliteDb>): string[] => {
    const { sql, params } = c.statement(db).getQuery();
    return raw
      .prepare(`explain query plan ${sql}`)
      .all(...fillPlaceholders(params, c.values))
      .map((row) => (row as { detail: string }).detail);
  };

  it('the seeded pages are full', async () => {
    await expectFullPages(storage, seed);
  });

  // Without statistics (a new installation) and with them (after ANALYZE, or the
  // `PRAGMA optimize` an operator may run), the plan must be the same walk.
  for (const stats of ['without statistics', 'after ANALYZE'] as const) {
    it(`every hot query searches an index, never scans or sorts (${stats})`, () => {
      if (stats === 'after ANALYZE') raw.exec('analyze');
      for (const c of hotQueries<SqliteDb>(lite, seed, FIXED_NOW.getTime())) {
        const plan = planOf(c);
        const where = `${c.name}:\n  ${plan.join('\n  ')}`;
        // SCAN is a walk of a whole table or index; SEARCH is a range of one.
        expect
          .soft(
            plan.filter((step) => /^SCAN /.test(step)),
            where,
          )
          .toEqual([]);
        expect
          .soft(
            plan.filter((step) => /TEMP B-TREE/.test(step)),
            where,
          )
          .toEqual([]);
        expect.soft(plan[0], where).toMatch(/^SEARCH /);
        expect.soft(plan[0], where).toContain(c.index);
      }
    });
  }

  it('the counts read their index alone', () => {
    for (const c of hotQueries<SqliteDb>(lite, seed, FIXED_NOW.getTime())) {
      if (!c.name.endsWith('count') && !c.name.includes('count with')) continue;
      expect(planOf(c)[0], c.name).toContain(`USING COVERING INDEX ${c.index}`);
    }
  });

  // The audit log's first page, unfiltered: SQLite calls a walk of the table's own
  // b-tree (keyed by `seq`, the rowid) a SCAN, but in `seq` order it needs no sort and
  // stops after the page.
  it('the audit log walks its events newest first and stops after the page', () => {
    for (const stats of ['without statistics', 'after ANALYZE']) {
      if (stats === 'after ANALYZE') raw.exec('analyze');
      const plan = planOf({
        name: 'audit, first page',
        statement: lite.auditStatements.list({ fields: [], hasCursor: false, order: 'desc' }),
        values: { limit: 51 },
        index: 'audit_events',
        isSmall: false,
        mayWalkPrimaryKey: false,
      });
      expect(plan, stats).toEqual(['SCAN audit_events']);
    }
  });
});

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
};

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

/** A value as a SQL literal, for EXECUTE: the seeded values are ids, instants and numbers. */
const literal = (value: unknown) =>
  typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`;

if (postgresAvailable('Query plans')) {
  describe('query plans on PostgreSQL', () => {
    let database: { url: string; drop: () => Promise<void> } | undefined;
    let storage: Storage;
    let client: postgres.Sql;
    let db: PgDb;
    let seed: SeededMailbox;

    beforeAll(async () => {
      database = await createTestDatabase('sealpost_plans');
      storage = postgresStorage({ url: database.url });
      await storage.migrate();
      seed = await seedMailbox(storage);
      // One connection, so the session settings below hold for every EXPLAIN.
      client = postgres(database.url, { max: 1, onnotice: () => {} });
      db = drizzle({ client });
      const rest = backgroundRows();
      await db.transaction(async (tx) => {
        for (const rows of slices(rest.accounts)) await tx.insert(pgSchema.accounts).values(rows);
        for (const rows of slices(rest.messages)) await tx.insert(pgSchema.messages).values(rows);
        for (const rows of slices(rest.deliveries)) {
          await tx.insert(pgSchema.deliveries).values(rows);
        }
        for (const rows of slices(audit.rows)) {
          await tx
            .insert(pgSchema.auditEvents)
            .values(rows as Array<typeof pgSchema.auditEvents.$inferInsert>);
        }
      });
      // The planner chooses by statistics and by the visibility map; autovacuum would make
      // both soon after the seeding, VACUUM ANALYZE makes them now.
      await client`vacuum analyze`;
    });
    afterAll(async () => {
      await client?.end();
      await storage?.close();
      await database?.drop();
    });

    /**
     * The plan PostgreSQL chooses. `custom` plans for these values, as for the first
     * executions of a prepared statement; `generic` is the plan it may switch to after
     * five, planned without the values, so both must hold.
     */
    const planOf = async (c: Case<PgDb>, kind: 'custom' | 'generic'): Promise<PlanNode[]> => {
      const { sql, params } = c.statement(db).getQuery();
      const values = fillPlaceholders(params, c.values);
      await client.unsafe(`prepare plan_probe as ${sql}`);
      try {
        await client.unsafe(`set plan_cache_mode = force_${kind}_plan`);
        const [row] = await client.unsafe(
          `explain (format json) execute plan_probe(${values.map(literal).join(', ')})`,
        );
        const [top] = (row as unknown as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'];
        return flatten((top as { Plan: PlanNode }).Plan);
      } finally {
        await client.unsafe('deallocate plan_probe');
        await client.unsafe('reset plan_cache_mode');
      }
    };

    it('the seeded pages are full', async () => {
      await expectFullPages(storage, seed);
    });

    for (const kind of ['custom', 'generic'] as const) {
      it(`every hot query walks an index, never a sequential scan or a sort (${kind} plan)`, async () => {
        for (const c of hotQueries<PgDb>(pg, seed, FIXED_NOW.toISOString())) {
          // A deep page needs most of this mailbox, so PostgreSQL may rightly read it all
          // and sort; SQLite still walks. Page 1 and the counts are pinned on both.
          if (c.name === 'inbox page 21') continue;
          const plan = await planOf(c, kind);
          const where = `${c.name}: ${JSON.stringify(plan.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']]))}`;
          expect
            .soft(
              plan.filter((n) => n['Node Type'] === 'Seq Scan'),
              where,
            )
            .toEqual([]);
          expect
            .soft(
              plan.filter(
                (n) => /Sort/.test(n['Node Type']) && !(c.isSmall && (n['Plan Rows'] ?? 0) <= 25),
              ),
              where,
            )
            .toEqual([]);
          const expected = c.index.endsWith('_idx') ? c.index : `${c.index}_pkey`;
          const used = plan.map((n) => n['Index Name']);
          if (c.mayWalkPrimaryKey && used.includes('audit_events_pkey')) continue;
          expect.soft(used, where).toContain(expected);
        }
      });
    }

    it('the inbox page walks its index backwards, and the live count reads its index alone', async () => {
      for (const kind of ['custom', 'generic'] as const) {
        const cases = hotQueries<PgDb>(pg, seed, FIXED_NOW.toISOString());
        const page = await planOf(cases.find((c) => c.name === 'inbox page') as Case<PgDb>, kind);
        const walk = page.find((n) => n['Index Name'] === 'deliveries_inbox_idx');
        expect(walk?.['Scan Direction'], kind).toBe('Backward');
        const count = await planOf(cases.find((c) => c.name === 'inbox count') as Case<PgDb>, kind);
        const range = count.find((n) => n['Index Name'] === 'deliveries_inbox_count_idx');
        expect(range?.['Node Type'], kind).toBe('Index Only Scan');
      }
    });

    it('the audit log walks its events newest first and stops after the page', async () => {
      for (const kind of ['custom', 'generic'] as const) {
        const plan = await planOf(
          {
            name: 'audit, first page',
            statement: pg.auditStatements.list({ fields: [], hasCursor: false, order: 'desc' }),
            values: { limit: 51 },
            index: 'audit_events',
            isSmall: false,
            mayWalkPrimaryKey: false,
          },
          kind,
        );
        const walk = plan.find((n) => n['Index Name'] === 'audit_events_pkey');
        expect(walk?.['Scan Direction'], kind).toBe('Backward');
        expect(
          plan.filter((n) => n['Node Type'] === 'Seq Scan' || /Sort/.test(n['Node Type'])),
          kind,
        ).toEqual([]);
      }
    });
  });
}
