import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { OutboxRepository } from '../../../../core/storage/ports.ts';
import { checkPage, sortForSending, toOutboxMail } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { outbox } from '../schema.ts';

// The tracking page looks up the notification of each recipient not yet marked notified
// (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const outboxStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(outbox)
      .where(eq(outbox.id, sql.placeholder('id')))
      .prepare(),
  ),
};

/** The durable outbox in SQLite. */
export function sqliteOutbox(ctx: SqliteContext): OutboxRepository {
  return {
    insert: ({ mail }) =>
      ctx.run((db) => {
        db.insert(outbox).values(toOutboxMail(mail)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = outboxStatements.findById(db).get({ id });
        return row ? toOutboxMail(row) : null;
      }),
    // One immediate transaction holds the file's write lock from the choice to the
    // update, so another process (or connection) claiming at the same moment waits and
    // then sees these mails as `sending` under a live lease.
    claimDue: ({ now, leaseUntil, limit }) =>
      ctx.atomic((db) => {
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
          .limit(checkPage({ limit }).limit);
        const claimed = db
          .update(outbox)
          .set({ status: 'sending', leaseUntil })
          .where(inArray(outbox.id, due))
          .returning()
          .all();
        return sortForSending(claimed.map(toOutboxMail));
      }),
    update: ({ mail }) =>
      ctx.run((db) => {
        const { id, ...fields } = toOutboxMail(mail);
        db.update(outbox).set(fields).where(eq(outbox.id, id)).run();
      }),
    listFailed: (page) =>
      ctx.run((db) => {
        const { limit, offset } = checkPage(page);
        return db
          .select()
          .from(outbox)
          .where(eq(outbox.status, 'failed'))
          .orderBy(desc(outbox.createdAt), desc(outbox.id))
          .limit(limit)
          .offset(offset)
          .all()
          .map(toOutboxMail);
      }),
    countUnsent: () =>
      ctx.run(
        (db) =>
          db
            .select({ n: count() })
            .from(outbox)
            .where(inArray(outbox.status, ['pending', 'sending']))
            .get()?.n ?? 0,
      ),
    deleteSent: ({ before, limit }) =>
      ctx.run((db) => {
        const done = db
          .select({ id: outbox.id })
          .from(outbox)
          .where(and(eq(outbox.status, 'sent'), lt(outbox.sentAt, before)))
          .limit(checkPage({ limit }).limit);
        return db.delete(outbox).where(inArray(outbox.id, done)).run().changes;
      }),
  };
}
