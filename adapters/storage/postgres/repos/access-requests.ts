import { and, asc, desc, eq } from 'drizzle-orm';
import type { AccessRequestRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toAccessRequest } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { accessRequests, messages } from '../schema.ts';

/** Access requests in PostgreSQL. */
export function pgAccessRequests(ctx: PgContext): AccessRequestRepository {
  return {
    insert: ({ request }) =>
      ctx.run(async (db) => {
        await db.insert(accessRequests).values(toAccessRequest(request));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await db.select().from(accessRequests).where(eq(accessRequests.id, id));
        return row ? toAccessRequest(row) : null;
      }),
    update: ({ request }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toAccessRequest(request);
        await db.update(accessRequests).set(fields).where(eq(accessRequests.id, id));
      }),
    listForSender: ({ senderId, status, ...page }) =>
      ctx.run(async (db) => {
        const { limit, offset } = checkPage(page);
        const rows = await db
          .select({ request: accessRequests })
          .from(accessRequests)
          .innerJoin(messages, eq(messages.id, accessRequests.messageId))
          .where(
            and(
              eq(messages.senderId, senderId),
              status ? eq(accessRequests.status, status) : undefined,
            ),
          )
          .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
          .limit(limit)
          .offset(offset);
        return rows.map((row) => toAccessRequest(row.request));
      }),
    listForMessage: ({ messageId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(accessRequests)
          .where(eq(accessRequests.messageId, messageId))
          .orderBy(asc(accessRequests.createdAt), asc(accessRequests.id));
        return rows.map(toAccessRequest);
      }),
    listForRequester: ({ requesterId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(accessRequests)
          .where(eq(accessRequests.requesterId, requesterId))
          .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id));
        return rows.map(toAccessRequest);
      }),
  };
}
