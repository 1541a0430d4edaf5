import { and, asc, desc, eq } from 'drizzle-orm';
import type { AccessRequestRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toAccessRequest } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { accessRequests, messages } from '../schema.ts';

/** Access requests in SQLite. */
export function sqliteAccessRequests(ctx: SqliteContext): AccessRequestRepository {
  return {
    insert: ({ request }) =>
      ctx.run((db) => {
        db.insert(accessRequests).values(toAccessRequest(request)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = db.select().from(accessRequests).where(eq(accessRequests.id, id)).get();
        return row ? toAccessRequest(row) : null;
      }),
    update: ({ request }) =>
      ctx.run((db) => {
        const { id, ...fields } = toAccessRequest(request);
        db.update(accessRequests).set(fields).where(eq(accessRequests.id, id)).run();
      }),
    listForSender: ({ senderId, status, ...page }) =>
      ctx.run((db) => {
        const { limit, offset } = checkPage(page);
        return db
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
          .offset(offset)
          .all()
          .map((row) => toAccessRequest(row.request));
      }),
    listForMessage: ({ messageId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(accessRequests)
          .where(eq(accessRequests.messageId, messageId))
          .orderBy(asc(accessRequests.createdAt), asc(accessRequests.id))
          .all()
          .map(toAccessRequest),
      ),
    listForRequester: ({ requesterId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(accessRequests)
          .where(eq(accessRequests.requesterId, requesterId))
          .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
          .all()
          .map(toAccessRequest),
      ),
  };
}
