import { and, asc, desc, eq, gt, gte, lt, type SQL } from 'drizzle-orm';
import type { AuditFilter, AuditRepository } from '../../../../core/storage/ports.ts';
import { checkPage, checkSealed, toAuditEvent } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
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

/** The audit trail in SQLite. */
export function sqliteAudit(ctx: SqliteContext): AuditRepository {
  return {
    // Read-last-then-insert runs in one immediate transaction (or the caller's), which
    // holds the file's write lock, so no other append can read the same last event.
    append: ({ seal }) =>
      ctx.atomic((db) => {
        const last = db
          .select({ seq: auditEvents.seq, hash: auditEvents.hash })
          .from(auditEvents)
          .orderBy(desc(auditEvents.seq))
          .limit(1)
          .get();
        const prev = last ?? null;
        const event = checkSealed(seal(prev), prev);
        db.insert(auditEvents).values(toAuditEvent(event)).run();
        return toAuditEvent(event);
      }),
    list: ({ filter, afterSeq, limit, order = 'asc' }) =>
      ctx.run((db) => {
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
      }),
  };
}
