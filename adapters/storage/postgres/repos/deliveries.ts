import { and, asc, count, desc, eq, gt, gte, isNull, lte, sql } from 'drizzle-orm';
import type { DeliveryRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toDelivery, toInboxItem } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { accounts, attachments, deliveries, messages } from '../schema.ts';

function inboxWhere(args: { recipientId: string; now: Date; includeExpired?: boolean }) {
  return and(
    eq(deliveries.recipientId, args.recipientId),
    isNull(deliveries.hiddenAt),
    args.includeExpired ? undefined : gt(deliveries.accessEndsAt, args.now),
    args.includeExpired ? undefined : isNull(deliveries.revokedAt),
  );
}

/** Deliveries in PostgreSQL. */
export function pgDeliveries(ctx: PgContext): DeliveryRepository {
  return {
    insert: ({ delivery }) =>
      ctx.run(async (db) => {
        await db.insert(deliveries).values(toDelivery(delivery));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
        return row ? toDelivery(row) : null;
      }),
    update: ({ delivery }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toDelivery(delivery);
        await db.update(deliveries).set(fields).where(eq(deliveries.id, id));
      }),
    listForMessage: ({ messageId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(deliveries)
          .where(eq(deliveries.messageId, messageId))
          .orderBy(asc(deliveries.ord));
        return rows.map(toDelivery);
      }),
    listInbox: ({ limit, offset, ...query }) =>
      ctx.run(async (db) => {
        const page = checkPage({ limit, offset });
        const rows = await db
          .select({
            delivery: deliveries,
            message: {
              id: messages.id,
              senderId: messages.senderId,
              subjectEnc: messages.subjectEnc,
              createdAt: messages.createdAt,
              classification: messages.classification,
              readOnly: messages.readOnly,
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
          .where(inboxWhere(query))
          .orderBy(desc(messages.createdAt), desc(messages.id), desc(deliveries.id))
          .limit(page.limit)
          .offset(page.offset);
        return rows.map(toInboxItem);
      }),
    countInbox: (query) =>
      ctx.run(async (db) => {
        const [row] = await db
          .select({ n: count() })
          .from(deliveries)
          .innerJoin(messages, eq(messages.id, deliveries.messageId))
          .innerJoin(accounts, eq(accounts.id, messages.senderId))
          .where(inboxWhere(query));
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
