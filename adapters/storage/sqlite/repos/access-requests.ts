import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { AccessRequestRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toAccessRequest } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { accessRequests, messages } from '../schema.ts';

// The requests page lists a sender's requests and each request page finds its request;
// the tracking page lists a message's requests (docs/decisions/0024).
const listForSender = (byStatus: boolean) =>
  preparedPerConnection((db) =>
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
      .prepare(),
  );

/** The prepared statements of this repository (exported for the plan tests). */
export const accessRequestStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.id, sql.placeholder('id')))
      .prepare(),
  ),
  listForSender: listForSender(false),
  listForSenderByStatus: listForSender(true),
  listForMessage: preparedPerConnection((db) =>
    db
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.messageId, sql.placeholder('messageId')))
      .orderBy(asc(accessRequests.createdAt), asc(accessRequests.id))
      .prepare(),
  ),
};

/** Access requests in SQLite. */
export function sqliteAccessRequests(ctx: SqliteContext): AccessRequestRepository {
  return {
    insert: ({ request }) =>
      ctx.run((db) => {
        db.insert(accessRequests).values(toAccessRequest(request)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = accessRequestStatements.findById(db).get({ id });
        return row ? toAccessRequest(row) : null;
      }),
    update: ({ request }) =>
      ctx.run((db) => {
        const { id, ...fields } = toAccessRequest(request);
        db.update(accessRequests).set(fields).where(eq(accessRequests.id, id)).run();
      }),
    listForSender: ({ senderId, status, ...page }) =>
      ctx.run((db) => {
        const values = { senderId, status, ...checkPage(page) };
        const rows = status
          ? accessRequestStatements.listForSenderByStatus(db).all(values)
          : accessRequestStatements.listForSender(db).all(values);
        return rows.map((row) => toAccessRequest(row.request));
      }),
    listForMessage: ({ messageId }) =>
      ctx.run((db) =>
        accessRequestStatements.listForMessage(db).all({ messageId }).map(toAccessRequest),
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
