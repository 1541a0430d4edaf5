import { and, asc, count, desc, eq, gt, lte, or, sql } from 'drizzle-orm';
import type { MessageRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toMessage } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { accessRequests, attachments, deliveries, messages } from '../schema.ts';

// Every message view finds its message; the Sent page lists and counts a sender's
// messages, a backwards walk of messages_sender_sent_idx (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const messageStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(messages)
      .where(eq(messages.id, sql.placeholder('id')))
      .prepare('messages_find_by_id'),
  ),
  listSent: preparedPerHandle((db) =>
    db
      .select()
      .from(messages)
      .where(eq(messages.senderId, sql.placeholder('senderId')))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'))
      .prepare('messages_list_sent'),
  ),
  countSent: preparedPerHandle((db) =>
    db
      .select({ n: count() })
      .from(messages)
      .where(eq(messages.senderId, sql.placeholder('senderId')))
      .prepare('messages_count_sent'),
  ),
};

/** Messages in PostgreSQL. */
export function pgMessages(ctx: PgContext): MessageRepository {
  return {
    insert: ({ message }) =>
      ctx.run(async (db) => {
        await db.insert(messages).values(toMessage(message));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await messageStatements.findById(db).execute({ id });
        return row ? toMessage(row) : null;
      }),
    findByDedupeKey: ({ dedupeKey }) =>
      ctx.run(async (db) => {
        const [row] = await db.select().from(messages).where(eq(messages.dedupeKey, dedupeKey));
        return row ? toMessage(row) : null;
      }),
    setLegalHold: ({ id, legalHold }) =>
      ctx.run(async (db) => {
        await db.update(messages).set({ legalHold }).where(eq(messages.id, id));
      }),
    listByBodyFormat: ({ format, limit, after }) =>
      ctx.run(async (db) =>
        (
          await db
            .select()
            .from(messages)
            .where(
              after
                ? and(eq(messages.bodyFormat, format), gt(messages.id, after))
                : eq(messages.bodyFormat, format),
            )
            .orderBy(asc(messages.id))
            .limit(limit)
        ).map(toMessage),
      ),
    replaceBody: ({ id, fromBlobId, bodyBlobId, bodyFormat }) =>
      ctx.run(async (db) => {
        const changed = await db
          .update(messages)
          .set({ bodyBlobId, bodyFormat })
          .where(and(eq(messages.id, id), eq(messages.bodyBlobId, fromBlobId)))
          .returning({ id: messages.id });
        return changed.length === 1;
      }),
    listSent: ({ senderId, ...page }) =>
      ctx.run(async (db) => {
        const rows = await messageStatements.listSent(db).execute({ senderId, ...checkPage(page) });
        return rows.map(toMessage);
      }),
    countSent: ({ senderId }) =>
      ctx.run(async (db) => {
        const [row] = await messageStatements.countSent(db).execute({ senderId });
        return row?.n ?? 0;
      }),
    listPastRetention: ({ now, limit, after }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select({ id: messages.id })
          .from(messages)
          .where(
            and(
              lte(messages.retainUntil, now),
              eq(messages.legalHold, false),
              after === undefined
                ? undefined
                : or(
                    gt(messages.retainUntil, after.retainUntil),
                    and(eq(messages.retainUntil, after.retainUntil), gt(messages.id, after.id)),
                  ),
            ),
          )
          .orderBy(asc(messages.retainUntil), asc(messages.id))
          .limit(checkPage({ limit }).limit);
        return rows.map((row) => row.id);
      }),
    // The foreign keys cascade too; deleting the children by name keeps the order plain.
    delete: ({ id }) =>
      ctx.atomic(async (db) => {
        await db.delete(accessRequests).where(eq(accessRequests.messageId, id));
        await db.delete(attachments).where(eq(attachments.messageId, id));
        await db.delete(deliveries).where(eq(deliveries.messageId, id));
        await db.delete(messages).where(eq(messages.id, id));
      }),
  };
}
