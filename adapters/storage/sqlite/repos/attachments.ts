import { eq, sql } from 'drizzle-orm';
import type { AttachmentRepository } from '../../../../core/storage/ports.ts';
import { toAttachment } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { attachments } from '../schema.ts';

// The rowid orders files as they were added (see deliveries.ts).
const insertionOrder = sql`${attachments}.rowid`;

// Every message view lists its files; a download finds one (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const attachmentStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(attachments)
      .where(eq(attachments.id, sql.placeholder('id')))
      .prepare(),
  ),
  listForMessage: preparedPerConnection((db) =>
    db
      .select()
      .from(attachments)
      .where(eq(attachments.messageId, sql.placeholder('messageId')))
      .orderBy(insertionOrder)
      .prepare(),
  ),
};

/** Attachment rows in SQLite. */
export function sqliteAttachments(ctx: SqliteContext): AttachmentRepository {
  return {
    insert: ({ attachment }) =>
      ctx.run((db) => {
        db.insert(attachments).values(toAttachment(attachment)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = attachmentStatements.findById(db).get({ id });
        return row ? toAttachment(row) : null;
      }),
    listForMessage: ({ messageId }) =>
      ctx.run((db) => attachmentStatements.listForMessage(db).all({ messageId }).map(toAttachment)),
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
