import { and, asc, desc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { AuditEvent } from '../../../../core/audit/model.ts';
import type { AuditRepository } from '../../../../core/storage/ports.ts';
import {
  type AuditFilterField,
  type AuditListShape,
  auditListShape,
  auditListShapeKey,
} from '../../shared/audit-list-shape.ts';
import { checkPage, checkSealed, toAuditEvent } from '../../shared/mappers.ts';
import type { SqliteContext, SqliteDb } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { auditEvents } from '../schema.ts';

// One statement per shape of listing (which filter fields, a cursor or not, the order),
// built on first use: the admin's search, the tracking page's events of a message and of
// each of its files. An absent field stays out of the SQL, so the planner chooses the
// index of the fields that are there: actor and target searches walk their index in
// `seq` order (docs/decisions/0024).
function buildList(db: SqliteDb, shape: AuditListShape) {
  const has = (field: AuditFilterField) => shape.fields.includes(field);
  const p = sql.placeholder;
  return db
    .select()
    .from(auditEvents)
    .where(
      and(
        has('actorId') ? eq(auditEvents.actorId, p('actorId')) : undefined,
        has('actorLabel') ? eq(auditEvents.actorLabel, p('actorLabel')) : undefined,
        has('targetId') ? eq(auditEvents.targetId, p('targetId')) : undefined,
        has('action') ? eq(auditEvents.action, p('action')) : undefined,
        has('from') ? gte(auditEvents.at, p('from')) : undefined,
        has('to') ? lt(auditEvents.at, p('to')) : undefined,
        shape.hasCursor
          ? shape.order === 'asc'
            ? gt(auditEvents.seq, p('afterSeq'))
            : lt(auditEvents.seq, p('afterSeq'))
          : undefined,
      ),
    )
    .orderBy(shape.order === 'asc' ? asc(auditEvents.seq) : desc(auditEvents.seq))
    .limit(p('limit'))
    .prepare();
}

const listShapes = new Map<number, (db: SqliteDb) => ReturnType<typeof buildList>>();

/** The prepared statements of this repository (exported for the plan tests). */
export const auditStatements = {
  /**
   * The listing of one shape, prepared once per connection on first use: at most 256
   * shapes (six optional fields, a cursor, two orders), a handful in practice.
   */
  list(shape: AuditListShape): (db: SqliteDb) => ReturnType<typeof buildList> {
    const key = auditListShapeKey(shape);
    let statement = listShapes.get(key);
    if (statement === undefined) {
      statement = preparedPerConnection((db) => buildList(db, shape));
      listShapes.set(key, statement);
    }
    return statement;
  },
};

type Seal = (prev: { seq: number; hash: string } | null) => AuditEvent;

// Rows per INSERT of `appendAll`: well under SQLite's 32,766 bound parameters.
const ROWS_PER_INSERT = 200;

/**
 * Reads the last event, then seals and inserts `seals` after it, in order: callers hold
 * the write lock. With `skipStored`, an event whose id is already stored is left out: a
 * queued batch retried after a COMMIT that succeeded but reported a failure must not
 * append its events twice (they would fail the unique id and block the queue for good).
 */
function appendAll(db: SqliteDb, seals: Seal[], options: { skipStored: boolean }): AuditEvent[] {
  let prev: { seq: number; hash: string } | null =
    db
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .orderBy(desc(auditEvents.seq))
      .limit(1)
      .get() ?? null;
  const events: AuditEvent[] = [];
  for (const seal of seals) {
    const event = toAuditEvent(checkSealed(seal(prev), prev));
    if (options.skipStored && isStored(db, event.id)) continue;
    events.push(event);
    prev = { seq: event.seq, hash: event.hash };
  }
  for (let at = 0; at < events.length; at += ROWS_PER_INSERT) {
    db.insert(auditEvents)
      .values(events.slice(at, at + ROWS_PER_INSERT))
      .run();
  }
  return events;
}

function isStored(db: SqliteDb, id: string): boolean {
  return (
    db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.id, id)).get() !==
    undefined
  );
}

function appendNext(db: SqliteDb, seal: Seal): AuditEvent {
  return appendAll(db, [seal], { skipStored: false })[0] as AuditEvent;
}

/** The audit trail in SQLite. */
export function sqliteAudit(ctx: SqliteContext): AuditRepository {
  return {
    // Read-last-then-insert runs in one immediate transaction (or the caller's), which
    // holds the file's write lock, so no other append can read the same last event.
    append: ({ seal }) => ctx.atomic((db) => appendNext(db, seal)),
    // A queued event is sealed when its batch commits, against the last event then.
    appendSoon: async ({ seal }) => {
      if (ctx.deferred) ctx.deferred.add((db) => appendAll(db, [seal], { skipStored: true }));
      else await ctx.atomic((db) => appendNext(db, seal));
    },
    appendMany: ({ seals }) => ctx.atomic((db) => appendAll(db, seals, { skipStored: false })),
    list: async ({ filter, afterSeq, limit, order = 'asc' }) => {
      // A reader (search, export, verify) sees every event this process has queued.
      await ctx.deferred?.flush();
      const shape = auditListShape(filter, afterSeq, order);
      // Placeholders take driver values: instants as milliseconds.
      const values = {
        ...filter,
        from: filter?.from?.getTime(),
        to: filter?.to?.getTime(),
        afterSeq,
        limit: checkPage({ limit }).limit,
      };
      return ctx.run((db) => auditStatements.list(shape)(db).all(values).map(toAuditEvent));
    },
  };
}
