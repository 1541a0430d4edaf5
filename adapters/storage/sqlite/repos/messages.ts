import { and, asc, count, desc, eq, gt, lte, or, sql } from 'drizzle-orm';
import type { MessageRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toMessage } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { accessRequests, attachments, deliveries, messages } from '../schema.ts';

// Every message view finds its message; the Sent page lists and counts a sender's
// messages, a backwards walk of messages_sender_sent_idx (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const messageStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(messages)
      .where(eq(messages.id, sql.placeholder('id')))
      .prepare(),
  ),
  listSent: preparedPerConnection((db) =>
    db
      .select()
      .from(messages)
      .where(eq(messages.senderId, sql.placeholder('senderId')))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'))
      .prepare(),
  ),
  countSent: preparedPerConnection((db) =>
    db
      .select({ n: count() })
      .from(messages)
      .where(eq(messages.senderId, sql.placeholder('senderId')))
      .prepare(),
  ),
};

/** Messages in SQLite. */
export function sqliteMessages(ctx: SqliteContext): MessageRepository {
  return {
    insert: ({ message }) =>
      ctx.run((db) => {
        db.insert(messages).values(toMessage(message)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = messageStatements.findById(db).get({ id });
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
      ctx.run((db) =>
        messageStatements
          .listSent(db)
          .all({ senderId, ...checkPage(page) })
          .map(toMessage),
      ),
    countSent: ({ senderId }) =>
      ctx.run((db) => messageStatements.countSent(db).get({ senderId })?.n ?? 0),
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
