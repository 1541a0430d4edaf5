import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { AccessRequestRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toAccessRequest } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { accessRequests, messages } from '../schema.ts';

// The requests page lists a sender's requests and each request page finds its request;
// the tracking page lists a message's requests (docs/decisions/0024).
const listForSender = (byStatus: boolean) =>
  preparedPerHandle((db) =>
    db
      .select({ request: accessRequests })
      .from(accessRequests)
      .innerJoin(messages, eq(messages.id, accessRequests.messageId))
      .where(
        and(
          eq(messages.senderId, sql.placeholder('senderId')),
          byStatus ? eq(accessRequests.status, sql.placeholder('status')) : undefined,
        ),
      )
      .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'))
      .prepare(
        byStatus ? 'access_requests_list_for_sender_by_status' : 'access_requests_list_for_sender',
      ),
  );

/** The prepared statements of this repository (exported for the plan tests). */
export const accessRequestStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.id, sql.placeholder('id')))
      .prepare('access_requests_find_by_id'),
  ),
  listForSender: listForSender(false),
  listForSenderByStatus: listForSender(true),
  listForMessage: preparedPerHandle((db) =>
    db
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.messageId, sql.placeholder('messageId')))
      .orderBy(asc(accessRequests.createdAt), asc(accessRequests.id))
      .prepare('access_requests_list_for_message'),
  ),
};

/** Access requests in PostgreSQL. */
export function pgAccessRequests(ctx: PgContext): AccessRequestRepository {
  return {
    insert: ({ request }) =>
      ctx.run(async (db) => {
        await db.insert(accessRequests).values(toAccessRequest(request));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await accessRequestStatements.findById(db).execute({ id });
        return row ? toAccessRequest(row) : null;
      }),
    update: ({ request }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toAccessRequest(request);
        await db.update(accessRequests).set(fields).where(eq(accessRequests.id, id));
      }),
    listForSender: ({ senderId, status, ...page }) =>
      ctx.run(async (db) => {
        const values = { senderId, status, ...checkPage(page) };
        const rows = status
          ? await accessRequestStatements.listForSenderByStatus(db).execute(values)
          : await accessRequestStatements.listForSender(db).execute(values);
        return rows.map((row) => toAccessRequest(row.request));
      }),
    listForMessage: ({ messageId }) =>
      ctx.run(async (db) => {
        const rows = await accessRequestStatements.listForMessage(db).execute({ messageId });
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
