import { eq, sql } from 'drizzle-orm';
import type { AttachmentRepository } from '../../../../core/storage/ports.ts';
import { toAttachment } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { attachments } from '../schema.ts';

// The rowid orders files as they were added (see deliveries.ts).
const insertionOrder = sql`${attachments}.rowid`;

/** Attachment rows in SQLite. */
export function sqliteAttachments(ctx: SqliteContext): AttachmentRepository {
  return {
    insert: ({ attachment }) =>
      ctx.run((db) => {
        db.insert(attachments).values(toAttachment(attachment)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = db.select().from(attachments).where(eq(attachments.id, id)).get();
        return row ? toAttachment(row) : null;
      }),
    listForMessage: ({ messageId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(attachments)
          .where(eq(attachments.messageId, messageId))
          .orderBy(insertionOrder)
          .all()
          .map(toAttachment),
      ),
    listForDraft: ({ draftId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(attachments)
          .where(eq(attachments.draftId, draftId))
          .orderBy(insertionOrder)
          .all()
          .map(toAttachment),
      ),
    // The draft is deleted once sent; clearing `draftId` keeps the files with the message.
    moveDraftToMessage: ({ draftId, messageId }) =>
      ctx.run((db) => {
        db.update(attachments)
          .set({ messageId, draftId: null })
          .where(eq(attachments.draftId, draftId))
          .run();
      }),
    delete: ({ id }) =>
      ctx.run((db) => {
        db.delete(attachments).where(eq(attachments.id, id)).run();
      }),
  };
}
