import { and, asc, count, desc, eq, gt, gte, isNull, lte, sql } from 'drizzle-orm';
import type { DeliveryRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toDelivery, toInboxItem } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { accounts, attachments, deliveries, messages } from '../schema.ts';

// SQLite's implicit rowid grows with each insert, so it orders rows as inserted.
// (VACUUM may renumber rowids of such tables but keeps their order.)
const insertionOrder = sql`${deliveries}.rowid`;

// Placeholders are bound as driver values: instants as milliseconds. The page writes
// its range on access_ends_at as `+access_ends_at`, which no index may serve: without
// statistics SQLite otherwise prefers the partial count index's two-column range and
// then sorts the recipient's whole mailbox to keep one page.
function inboxWhere(includeExpired: boolean, purpose: 'page' | 'count') {
  const now = sql.placeholder('now');
  return and(
    eq(deliveries.recipientId, sql.placeholder('recipientId')),
    isNull(deliveries.hiddenAt),
    includeExpired
      ? undefined
      : purpose === 'page'
        ? gt(sql`+${deliveries.accessEndsAt}`, now)
        : gt(deliveries.accessEndsAt, now),
    includeExpired ? undefined : isNull(deliveries.revokedAt),
  );
}

// The page walks deliveries_inbox_idx backwards from the recipient's newest `sent_at`
// (the message's createdAt, copied onto the delivery) and stops after the page; the
// filter reads only index columns. Only the page's rows join their message and sender
// by primary key and count their files through attachments_message_idx.
// test/storage/query-plans.test.ts pins the plan.
const inboxPage = (includeExpired: boolean) =>
  preparedPerConnection((db) =>
    db
      .select({
        delivery: deliveries,
        message: {
          id: messages.id,
          senderId: messages.senderId,
          subjectEnc: messages.subjectEnc,
          createdAt: messages.createdAt,
          classification: messages.classification,
          readOnly: messages.readOnly,
          secondFactorRequired: messages.secondFactorRequired,
          sizeBytes: messages.sizeBytes,
        },
        senderEmail: accounts.email,
        senderName: accounts.displayName,
        attachmentCount: sql<number>`(select count(*) from ${attachments} where ${attachments.messageId} = ${messages.id})`,
      })
      .from(deliveries)
      .innerJoin(messages, eq(messages.id, deliveries.messageId))
      .innerJoin(accounts, eq(accounts.id, messages.senderId))
      .where(inboxWhere(includeExpired, 'page'))
      .orderBy(desc(deliveries.sentAt), desc(deliveries.messageId), desc(deliveries.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'))
      .prepare(),
  );

// No joins: the foreign keys already guarantee every delivery a message and every
// message a sender. The live count is a range of the partial deliveries_inbox_count_idx;
// with expired copies it is the recipient's range of deliveries_inbox_idx.
const inboxCount = (includeExpired: boolean) =>
  preparedPerConnection((db) =>
    db.select({ n: count() }).from(deliveries).where(inboxWhere(includeExpired, 'count')).prepare(),
  );

/** The prepared statements of this repository (exported for the plan tests). */
export const deliveryStatements = {
  livePage: inboxPage(false),
  allPage: inboxPage(true),
  liveCount: inboxCount(false),
  allCount: inboxCount(true),
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(deliveries)
      .where(eq(deliveries.id, sql.placeholder('id')))
      .prepare(),
  ),
  listForMessage: preparedPerConnection((db) =>
    db
      .select()
      .from(deliveries)
      .where(eq(deliveries.messageId, sql.placeholder('messageId')))
      .orderBy(insertionOrder)
      .prepare(),
  ),
};

/** Deliveries in SQLite. */
export function sqliteDeliveries(ctx: SqliteContext): DeliveryRepository {
  return {
    insert: ({ delivery }) =>
      ctx.run((db) => {
        // The inbox's sort key is the message's createdAt, copied here in the same statement,
        // so no caller (send, reply, forward, gateway, a test factory) can get it wrong.
        db.insert(deliveries)
          .values({
            ...toDelivery(delivery),
            sentAt: sql`(select created_at from messages where id = ${delivery.messageId})`,
          })
          .run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = deliveryStatements.findById(db).get({ id });
        return row ? toDelivery(row) : null;
      }),
    update: ({ delivery }) =>
      ctx.run((db) => {
        const { id, ...fields } = toDelivery(delivery);
        db.update(deliveries).set(fields).where(eq(deliveries.id, id)).run();
      }),
    listForMessage: ({ messageId }) =>
      ctx.run((db) => deliveryStatements.listForMessage(db).all({ messageId }).map(toDelivery)),
    listInbox: ({ limit, offset, recipientId, now, includeExpired }) =>
      ctx.run((db) => {
        const page = checkPage({ limit, offset });
        const statement = includeExpired ? deliveryStatements.allPage : deliveryStatements.livePage;
        return statement(db)
          .all({ recipientId, now: now.getTime(), ...page })
          .map(toInboxItem);
      }),
    countInbox: ({ recipientId, now, includeExpired }) =>
      ctx.run((db) => {
        const statement = includeExpired
          ? deliveryStatements.allCount
          : deliveryStatements.liveCount;
        return statement(db).get({ recipientId, now: now.getTime() })?.n ?? 0;
      }),
    listForRecipient: ({ recipientId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(deliveries)
          .where(eq(deliveries.recipientId, recipientId))
          .orderBy(asc(deliveries.createdAt), insertionOrder)
          .all()
          .map(toDelivery),
      ),
    listUnretrieved: ({ createdBefore, limit }) =>
      ctx.run((db) =>
        db
          .select()
          .from(deliveries)
          .where(
            and(
              isNull(deliveries.firstOpenedAt),
              isNull(deliveries.revokedAt),
              isNull(deliveries.unretrievedNoticeAt),
              lte(deliveries.createdAt, createdBefore),
            ),
          )
          .orderBy(asc(deliveries.createdAt), insertionOrder)
          .limit(checkPage({ limit }).limit)
          .all()
          .map(toDelivery),
      ),
    countAccessEnded: ({ after, atOrBefore }) =>
      ctx.run(
        (db) =>
          db
            .select({ n: count() })
            .from(deliveries)
            .where(
              and(
                gt(deliveries.accessEndsAt, after),
                lte(deliveries.accessEndsAt, atOrBefore),
                isNull(deliveries.revokedAt),
              ),
            )
            .get()?.n ?? 0,
      ),
    countForwardedSince: ({ forwardedById, since }) =>
      ctx.run(
        (db) =>
          db
            .select({ n: count() })
            .from(deliveries)
            .where(
              and(eq(deliveries.forwardedById, forwardedById), gte(deliveries.createdAt, since)),
            )
            .get()?.n ?? 0,
      ),
    delete: ({ id }) =>
      ctx.run((db) => {
        db.delete(deliveries).where(eq(deliveries.id, id)).run();
      }),
  };
}
