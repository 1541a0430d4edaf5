import { and, asc, desc, eq, gt, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { AuditEvent } from '../../../../core/audit/model.ts';
import type { AuditFilter, AuditRepository } from '../../../../core/storage/ports.ts';
import { checkPage, checkSealed, toAuditEvent } from '../../shared/mappers.ts';
import type { PgContext, PgDb } from '../context.ts';
import { auditEvents } from '../schema.ts';

// The transaction-scoped advisory lock every append takes: 'SealAudt' in ASCII, a
// bigint outside the int4 range of hashtext(), so no `withLock` name can collide.
const AUDIT_LOCK = sql.raw(`x'5365616c41756474'::bigint`);

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

// Rows per INSERT of `appendAll`: well under PostgreSQL's 65,535 bound parameters.
const ROWS_PER_INSERT = 500;

/**
 * Takes the append lock, reads the last event, then seals and inserts `seals` after it,
 * in order. The lock is held until the surrounding transaction ends, so the next append
 * reads these events as the last ones; without it two appends could both chain to the
 * same predecessor. Under READ COMMITTED the read after the lock sees every committed
 * append. With `skipStored`, an event whose id is already stored is left out: a queued
 * batch retried after a COMMIT whose answer was lost (it may have committed) must not
 * append its events twice, which would fail the unique id and block the queue for good.
 */
async function appendAll(
  db: PgDb,
  seals: Seal[],
  options: { skipStored: boolean },
): Promise<AuditEvent[]> {
  await db.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const [last] = await db
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  let prev: { seq: number; hash: string } | null = last ?? null;
  const events: AuditEvent[] = [];
  for (const seal of seals) {
    const event = toAuditEvent(checkSealed(seal(prev), prev));
    if (options.skipStored) {
      const [stored] = await db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(eq(auditEvents.id, event.id));
      if (stored) continue;
    }
    events.push(event);
    prev = { seq: event.seq, hash: event.hash };
  }
  for (let at = 0; at < events.length; at += ROWS_PER_INSERT) {
    await db.insert(auditEvents).values(events.slice(at, at + ROWS_PER_INSERT));
  }
  return events;
}

async function appendNext(db: PgDb, seal: Seal): Promise<AuditEvent> {
  return (await appendAll(db, [seal], { skipStored: false }))[0] as AuditEvent;
}

/** The audit trail in PostgreSQL. */
export function pgAudit(ctx: PgContext): AuditRepository {
  return {
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
      return ctx.run(async (db) => {
        const cursor =
          afterSeq === undefined
            ? undefined
            : order === 'asc'
              ? gt(auditEvents.seq, afterSeq)
              : lt(auditEvents.seq, afterSeq);
        const rows = await db
          .select()
          .from(auditEvents)
          .where(and(...filterWhere(filter), cursor))
          .orderBy(order === 'asc' ? asc(auditEvents.seq) : desc(auditEvents.seq))
          .limit(checkPage({ limit }).limit);
        return rows.map(toAuditEvent);
      });
    },
  };
}
