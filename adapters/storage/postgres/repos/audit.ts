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
import type { PgContext, PgDb } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { auditEvents } from '../schema.ts';

// The transaction-scoped advisory lock every append takes: 'SealAudt' in ASCII, a
// bigint outside the int4 range of hashtext(), so no `withLock` name can collide.
const AUDIT_LOCK = sql.raw(`x'5365616c41756474'::bigint`);

// One statement per shape of listing (which filter fields, a cursor or not, the order),
// built on first use: the admin's search, the tracking page's events of a message and of
// each of its files. An absent field stays out of the SQL, so the planner chooses the
// index of the fields that are there: actor and target searches walk their index in
// `seq` order (docs/decisions/0024).
function buildList(db: PgDb, shape: AuditListShape, key: number) {
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
    .prepare(`audit_list_${key}`);
}

const listShapes = new Map<number, (db: PgDb) => ReturnType<typeof buildList>>();

/** The prepared statements of this repository (exported for the plan tests). */
export const auditStatements = {
  /**
   * The listing of one shape, prepared once per handle on first use: at most 256
   * shapes (six optional fields, a cursor, two orders), a handful in practice.
   */
  list(shape: AuditListShape): (db: PgDb) => ReturnType<typeof buildList> {
    const key = auditListShapeKey(shape);
    let statement = listShapes.get(key);
    if (statement === undefined) {
      statement = preparedPerHandle((db) => buildList(db, shape, key));
      listShapes.set(key, statement);
    }
    return statement;
  },
};

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
      const shape = auditListShape(filter, afterSeq, order);
      // Placeholders take driver values: instants as ISO strings.
      const values = {
        ...filter,
        from: filter?.from?.toISOString(),
        to: filter?.to?.toISOString(),
        afterSeq,
        limit: checkPage({ limit }).limit,
      };
      return ctx.run(async (db) => {
        const rows = await auditStatements.list(shape)(db).execute(values);
        return rows.map(toAuditEvent);
      });
    },
  };
}
