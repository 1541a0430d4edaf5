import { and, asc, count, desc, eq, gt, gte, isNull, lte, sql } from 'drizzle-orm';
import type { DeliveryRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toDelivery, toInboxItem } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { accounts, attachments, deliveries, messages } from '../schema.ts';

// SQLite's implicit rowid grows with each insert, so it orders rows as inserted.
// (VACUUM may renumber rowids of such tables but keeps their order.)
const insertionOrder = sql`${deliveries}.rowid`;

function inboxWhere(args: { recipientId: string; now: Date; includeExpired?: boolean }) {
  return and(
    eq(deliveries.recipientId, args.recipientId),
    isNull(deliveries.hiddenAt),
    args.includeExpired ? undefined : gt(deliveries.accessEndsAt, args.now),
    args.includeExpired ? undefined : isNull(deliveries.revokedAt),
  );
}

/** Deliveries in SQLite. */
export function sqliteDeliveries(ctx: SqliteContext): DeliveryRepository {
  return {
    insert: ({ delivery }) =>
      ctx.run((db) => {
        db.insert(deliveries).values(toDelivery(delivery)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = db.select().from(deliveries).where(eq(deliveries.id, id)).get();
        return row ? toDelivery(row) : null;
      }),
    update: ({ delivery }) =>
      ctx.run((db) => {
        const { id, ...fields } = toDelivery(delivery);
        db.update(deliveries).set(fields).where(eq(deliveries.id, id)).run();
      }),
    listForMessage: ({ messageId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(deliveries)
          .where(eq(deliveries.messageId, messageId))
          .orderBy(insertionOrder)
          .all()
          .map(toDelivery),
      ),
    listInbox: ({ limit, offset, ...query }) =>
      ctx.run((db) => {
        const page = checkPage({ limit, offset });
        return db
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
            attachmentCount: sql<number>`(select count(*) from ${attachments} where ${attachments.messageId} = ${messages.id})`,
          })
          .from(deliveries)
          .innerJoin(messages, eq(messages.id, deliveries.messageId))
          .innerJoin(accounts, eq(accounts.id, messages.senderId))
          .where(inboxWhere(query))
          .orderBy(desc(messages.createdAt), desc(messages.id), desc(deliveries.id))
          .limit(page.limit)
          .offset(page.offset)
          .all()
          .map(toInboxItem);
      }),
    countInbox: (query) =>
      ctx.run(
        (db) =>
          db
            .select({ n: count() })
            .from(deliveries)
            .innerJoin(messages, eq(messages.id, deliveries.messageId))
            .innerJoin(accounts, eq(accounts.id, messages.senderId))
            .where(inboxWhere(query))
            .get()?.n ?? 0,
      ),
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
