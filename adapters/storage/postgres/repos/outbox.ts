import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { OutboxRepository } from '../../../../core/storage/ports.ts';
import { checkPage, sortForSending, toOutboxMail } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { outbox } from '../schema.ts';

// The tracking page looks up the notification of each recipient not yet marked notified
// (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const outboxStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(outbox)
      .where(eq(outbox.id, sql.placeholder('id')))
      .prepare('outbox_find_by_id'),
  ),
};

/** The durable outbox in PostgreSQL. */
export function pgOutbox(ctx: PgContext): OutboxRepository {
  return {
    insert: ({ mail }) =>
      ctx.run(async (db) => {
        await db.insert(outbox).values(toOutboxMail(mail));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await outboxStatements.findById(db).execute({ id });
        return row ? toOutboxMail(row) : null;
      }),
    // One statement: the subquery locks the rows it picks and skips rows another
    // claimer has locked, so two workers take disjoint sets without waiting on each
    // other; a row another claimer has just committed is re-checked and no longer due.
    claimDue: ({ now, leaseUntil, limit }) =>
      ctx.run(async (db) => {
        const due = db
          .select({ id: outbox.id })
          .from(outbox)
          .where(
            or(
              and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)),
              // A lease holds until its instant has passed; a `sending` row without one
              // could never be finished by anyone, so it is free too.
              and(
                eq(outbox.status, 'sending'),
                or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now)),
              ),
            ),
          )
          .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt), asc(outbox.id))
          .limit(checkPage({ limit }).limit)
          .for('update', { skipLocked: true });
        const claimed = await db
          .update(outbox)
          .set({ status: 'sending', leaseUntil })
          .where(inArray(outbox.id, due))
          .returning();
        return sortForSending(claimed.map(toOutboxMail));
      }),
    update: ({ mail }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toOutboxMail(mail);
        await db.update(outbox).set(fields).where(eq(outbox.id, id));
      }),
    listFailed: (page) =>
      ctx.run(async (db) => {
        const { limit, offset } = checkPage(page);
        const rows = await db
          .select()
          .from(outbox)
          .where(eq(outbox.status, 'failed'))
          .orderBy(desc(outbox.createdAt), desc(outbox.id))
          .limit(limit)
          .offset(offset);
        return rows.map(toOutboxMail);
      }),
    countUnsent: () =>
      ctx.run(async (db) => {
        const [row] = await db
          .select({ n: count() })
          .from(outbox)
          .where(inArray(outbox.status, ['pending', 'sending']));
        return row?.n ?? 0;
      }),
    deleteSent: ({ before, limit }) =>
      ctx.run(async (db) => {
        const done = db
          .select({ id: outbox.id })
          .from(outbox)
          .where(and(eq(outbox.status, 'sent'), lt(outbox.sentAt, before)))
          .limit(checkPage({ limit }).limit);
        const gone = await db
          .delete(outbox)
          .where(inArray(outbox.id, done))
          .returning({ id: outbox.id });
        return gone.length;
      }),
  };
}
