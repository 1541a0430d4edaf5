import { asc, eq, sql } from 'drizzle-orm';
import type { AttachmentRepository } from '../../../../core/storage/ports.ts';
import { toAttachment } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { attachments } from '../schema.ts';

// Every message view lists its files; a download finds one (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const attachmentStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(attachments)
      .where(eq(attachments.id, sql.placeholder('id')))
      .prepare('attachments_find_by_id'),
  ),
  listForMessage: preparedPerHandle((db) =>
    db
      .select()
      .from(attachments)
      .where(eq(attachments.messageId, sql.placeholder('messageId')))
      .orderBy(asc(attachments.ord))
      .prepare('attachments_list_for_message'),
  ),
};

/** Attachment rows in PostgreSQL. */
export function pgAttachments(ctx: PgContext): AttachmentRepository {
  return {
    insert: ({ attachment }) =>
      ctx.run(async (db) => {
        await db.insert(attachments).values(toAttachment(attachment));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await attachmentStatements.findById(db).execute({ id });
        return row ? toAttachment(row) : null;
      }),
    listForMessage: ({ messageId }) =>
      ctx.run(async (db) => {
        const rows = await attachmentStatements.listForMessage(db).execute({ messageId });
        return rows.map(toAttachment);
      }),
    listForDraft: ({ draftId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(attachments)
          .where(eq(attachments.draftId, draftId))
          .orderBy(asc(attachments.ord));
        return rows.map(toAttachment);
      }),
    // The draft is deleted once sent; clearing `draftId` keeps the files with the message.
    moveDraftToMessage: ({ draftId, messageId }) =>
      ctx.run(async (db) => {
        await db
          .update(attachments)
          .set({ messageId, draftId: null })
          .where(eq(attachments.draftId, draftId));
      }),
    delete: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(attachments).where(eq(attachments.id, id));
      }),
  };
}
