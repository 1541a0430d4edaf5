import { and, asc, desc, eq, gt, gte, lt, type SQL } from 'drizzle-orm';
import type { AuditEvent } from '../../../../core/audit/model.ts';
import type { AuditFilter, AuditRepository } from '../../../../core/storage/ports.ts';
import { checkPage, checkSealed, toAuditEvent } from '../../shared/mappers.ts';
import type { SqliteContext, SqliteDb } from '../connection.ts';
import { auditEvents } from '../schema.ts';

function filterWhere(filter: AuditFilter | undefined): Array<SQL | undefined> {
  if (!filter) return [];
  return [
    filter.actorId === undefined ? undefined : eq(auditEvents.actorId, filter.actorId),
    filter.actorLabel === undefined ? undefined : eq(auditEvents.actorLabel, filter.actorLabel),
    filter.targetId === undefined ? undefined : eq(auditEvents.targetId, filter.targetId),
    filter.action === undefined ? undefined : eq(auditEvents.action, filter.action),
    filter.from === undefined ? undefined : gte(auditEvents.at, filter.from),
    filter.to === undefined ? undefined : lt(auditEvents.at, filter.to),
  ];
}

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
      return ctx.run((db) => {
        const cursor =
          afterSeq === undefined
            ? undefined
            : order === 'asc'
              ? gt(auditEvents.seq, afterSeq)
              : lt(auditEvents.seq, afterSeq);
        return db
          .select()
          .from(auditEvents)
          .where(and(...filterWhere(filter), cursor))
          .orderBy(order === 'asc' ? asc(auditEvents.seq) : desc(auditEvents.seq))
          .limit(checkPage({ limit }).limit)
          .all()
          .map(toAuditEvent);
      });
    },
  };
}
