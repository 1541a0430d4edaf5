import { and, asc, count, desc, eq, gt, lte, or } from 'drizzle-orm';
import type { MessageRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toMessage } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { accessRequests, attachments, deliveries, messages } from '../schema.ts';

/** Messages in SQLite. */
export function sqliteMessages(ctx: SqliteContext): MessageRepository {
  return {
    insert: ({ message }) =>
      ctx.run((db) => {
        db.insert(messages).values(toMessage(message)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = db.select().from(messages).where(eq(messages.id, id)).get();
        return row ? toMessage(row) : null;
      }),
    findByDedupeKey: ({ dedupeKey }) =>
      ctx.run((db) => {
        const row = db.select().from(messages).where(eq(messages.dedupeKey, dedupeKey)).get();
        return row ? toMessage(row) : null;
      }),
    setLegalHold: ({ id, legalHold }) =>
      ctx.run((db) => {
        db.update(messages).set({ legalHold }).where(eq(messages.id, id)).run();
      }),
    listByBodyFormat: ({ format, limit, after }) =>
      ctx.run((db) =>
        db
          .select()
          .from(messages)
          .where(
            after
              ? and(eq(messages.bodyFormat, format), gt(messages.id, after))
              : eq(messages.bodyFormat, format),
          )
          .orderBy(asc(messages.id))
          .limit(limit)
          .all()
          .map(toMessage),
      ),
    replaceBody: ({ id, fromBlobId, bodyBlobId, bodyFormat }) =>
      ctx.run(
        (db) =>
          db
            .update(messages)
            .set({ bodyBlobId, bodyFormat })
            .where(and(eq(messages.id, id), eq(messages.bodyBlobId, fromBlobId)))
            .run().changes === 1,
      ),
    listSent: ({ senderId, ...page }) =>
      ctx.run((db) => {
        const { limit, offset } = checkPage(page);
        return db
          .select()
          .from(messages)
          .where(eq(messages.senderId, senderId))
          .orderBy(desc(messages.createdAt), desc(messages.id))
          .limit(limit)
          .offset(offset)
          .all()
          .map(toMessage);
      }),
    countSent: ({ senderId }) =>
      ctx.run(
        (db) =>
          db.select({ n: count() }).from(messages).where(eq(messages.senderId, senderId)).get()
            ?.n ?? 0,
      ),
    listPastRetention: ({ now, limit, after }) =>
      ctx.run((db) =>
        db
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
          .limit(checkPage({ limit }).limit)
          .all()
          .map((row) => row.id),
      ),
    // The foreign keys cascade too; deleting the children by name keeps the order plain
    // and does not depend on how the file was opened.
    delete: ({ id }) =>
      ctx.atomic((db) => {
        db.delete(accessRequests).where(eq(accessRequests.messageId, id)).run();
        db.delete(attachments).where(eq(attachments.messageId, id)).run();
        db.delete(deliveries).where(eq(deliveries.messageId, id)).run();
        db.delete(messages).where(eq(messages.id, id)).run();
      }),
  };
}
