import { and, asc, desc, eq, gt, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { AuditFilter, AuditRepository } from '../../../../core/storage/ports.ts';
import { checkPage, checkSealed, toAuditEvent } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
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

/** The audit trail in PostgreSQL. */
export function pgAudit(ctx: PgContext): AuditRepository {
  return {
    // The lock is held until the surrounding transaction ends, so the next append reads
    // this event as the last one; without it two appends could both chain to the same
    // predecessor. Under READ COMMITTED the read after the lock sees every committed append.
    append: ({ seal }) =>
      ctx.atomic(async (db) => {
        await db.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
        const [last] = await db
          .select({ seq: auditEvents.seq, hash: auditEvents.hash })
          .from(auditEvents)
          .orderBy(desc(auditEvents.seq))
          .limit(1);
        const prev = last ?? null;
        const event = toAuditEvent(checkSealed(seal(prev), prev));
        await db.insert(auditEvents).values(event);
        return event;
      }),
    list: ({ filter, afterSeq, limit, order = 'asc' }) =>
      ctx.run(async (db) => {
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
      }),
  };
}
