import { asc, eq } from 'drizzle-orm';
import type { AttachmentRepository } from '../../../../core/storage/ports.ts';
import { toAttachment } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { attachments } from '../schema.ts';

/** Attachment rows in PostgreSQL. */
export function pgAttachments(ctx: PgContext): AttachmentRepository {
  return {
    insert: ({ attachment }) =>
      ctx.run(async (db) => {
        await db.insert(attachments).values(toAttachment(attachment));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await db.select().from(attachments).where(eq(attachments.id, id));
        return row ? toAttachment(row) : null;
      }),
    listForMessage: ({ messageId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(attachments)
          .where(eq(attachments.messageId, messageId))
          .orderBy(asc(attachments.ord));
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
