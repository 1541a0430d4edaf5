import { and, asc, count, desc, eq, gt, gte, isNull, lte, sql } from 'drizzle-orm';
import type { DeliveryRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toDelivery, toInboxItem } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { accounts, attachments, deliveries, messages } from '../schema.ts';

// Placeholders are bound as driver values: instants as ISO strings, as drizzle sends them.
function inboxWhere(includeExpired: boolean) {
  return and(
    eq(deliveries.recipientId, sql.placeholder('recipientId')),
    isNull(deliveries.hiddenAt),
    includeExpired ? undefined : gt(deliveries.accessEndsAt, sql.placeholder('now')),
    includeExpired ? undefined : isNull(deliveries.revokedAt),
  );
}

// The page walks deliveries_inbox_idx backwards from the recipient's newest `sent_at`
// (the message's createdAt, copied onto the delivery) and stops after the page; the
// filter reads only index columns. Only the page's rows join their message and sender
// by primary key and count their files through attachments_message_idx.
// test/storage/query-plans.test.ts pins the plan.
const inboxPage = (includeExpired: boolean) =>
  preparedPerHandle((db) =>
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
        attachmentCount:
          sql<number>`(select count(*) from ${attachments} where ${attachments.messageId} = ${messages.id})`.mapWith(
            Number,
          ),
      })
      .from(deliveries)
      .innerJoin(messages, eq(messages.id, deliveries.messageId))
      .innerJoin(accounts, eq(accounts.id, messages.senderId))
      .where(inboxWhere(includeExpired))
      .orderBy(desc(deliveries.sentAt), desc(deliveries.messageId), desc(deliveries.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'))
      .prepare(includeExpired ? 'deliveries_inbox_page_all' : 'deliveries_inbox_page'),
  );

// No joins: the foreign keys already guarantee every delivery a message and every
// message a sender. The live count is a range of the partial deliveries_inbox_count_idx;
// with expired copies it is the recipient's range of deliveries_inbox_idx.
const inboxCount = (includeExpired: boolean) =>
  preparedPerHandle((db) =>
    db
      .select({ n: count() })
      .from(deliveries)
      .where(inboxWhere(includeExpired))
      .prepare(includeExpired ? 'deliveries_inbox_count_all' : 'deliveries_inbox_count'),
  );

/** The prepared statements of this repository (exported for the plan tests). */
export const deliveryStatements = {
  livePage: inboxPage(false),
  allPage: inboxPage(true),
  liveCount: inboxCount(false),
  allCount: inboxCount(true),
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(deliveries)
      .where(eq(deliveries.id, sql.placeholder('id')))
      .prepare('deliveries_find_by_id'),
  ),
  listForMessage: preparedPerHandle((db) =>
    db
      .select()
      .from(deliveries)
      .where(eq(deliveries.messageId, sql.placeholder('messageId')))
      .orderBy(asc(deliveries.ord))
      .prepare('deliveries_list_for_message'),
  ),
};

/** Deliveries in PostgreSQL. */
export function pgDeliveries(ctx: PgContext): DeliveryRepository {
  return {
    insert: ({ delivery }) =>
      ctx.run(async (db) => {
        // The inbox's sort key is the message's createdAt, copied here in the same statement,
        // so no caller (send, reply, forward, gateway, a test factory) can get it wrong.
        await db.insert(deliveries).values({
          ...toDelivery(delivery),
          sentAt: sql`(select created_at from messages where id = ${delivery.messageId})`,
        });
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await deliveryStatements.findById(db).execute({ id });
        return row ? toDelivery(row) : null;
      }),
    update: ({ delivery }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toDelivery(delivery);
        await db.update(deliveries).set(fields).where(eq(deliveries.id, id));
      }),
    listForMessage: ({ messageId }) =>
      ctx.run(async (db) =>
        (await deliveryStatements.listForMessage(db).execute({ messageId })).map(toDelivery),
      ),
    listInbox: ({ limit, offset, recipientId, now, includeExpired }) =>
      ctx.run(async (db) => {
        const page = checkPage({ limit, offset });
        const statement = includeExpired ? deliveryStatements.allPage : deliveryStatements.livePage;
        const rows = await statement(db).execute({
          recipientId,
          now: now.toISOString(),
          ...page,
        });
        return rows.map(toInboxItem);
      }),
    countInbox: ({ recipientId, now, includeExpired }) =>
      ctx.run(async (db) => {
        const statement = includeExpired
          ? deliveryStatements.allCount
          : deliveryStatements.liveCount;
        const [row] = await statement(db).execute({ recipientId, now: now.toISOString() });
        return row?.n ?? 0;
      }),
    listForRecipient: ({ recipientId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(deliveries)
          .where(eq(deliveries.recipientId, recipientId))
          .orderBy(asc(deliveries.createdAt), asc(deliveries.ord));
        return rows.map(toDelivery);
      }),
    listUnretrieved: ({ createdBefore, limit }) =>
      ctx.run(async (db) => {
        const rows = await db
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
          .orderBy(asc(deliveries.createdAt), asc(deliveries.ord))
          .limit(checkPage({ limit }).limit);
        return rows.map(toDelivery);
      }),
    countAccessEnded: ({ after, atOrBefore }) =>
      ctx.run(async (db) => {
        const [row] = await db
          .select({ n: count() })
          .from(deliveries)
          .where(
            and(
              gt(deliveries.accessEndsAt, after),
              lte(deliveries.accessEndsAt, atOrBefore),
              isNull(deliveries.revokedAt),
            ),
          );
        return row?.n ?? 0;
      }),
    countForwardedSince: ({ forwardedById, since }) =>
      ctx.run(async (db) => {
        const [row] = await db
          .select({ n: count() })
          .from(deliveries)
          .where(
            and(eq(deliveries.forwardedById, forwardedById), gte(deliveries.createdAt, since)),
          );
        return row?.n ?? 0;
      }),
    delete: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(deliveries).where(eq(deliveries.id, id));
      }),
  };
}
