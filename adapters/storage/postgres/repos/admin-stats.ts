import { and, count, desc, eq, gt, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { AdminStatsRepository } from '../../../../core/storage/ports.ts';
import { activityBySpan, checkActivityArgs, meanOf, middleOf } from '../../shared/admin-stats.ts';
import type { PgContext } from '../context.ts';
import {
  accessRequests,
  accounts,
  attachments,
  contactGroups,
  contacts,
  deliveries,
  drafts,
  messages,
  outbox,
} from '../schema.ts';

/** The admin dashboard's figures in PostgreSQL (instants are timestamptz). */
export function pgAdminStats(ctx: PgContext): AdminStatsRepository {
  return {
    deliveryActivity: (args) =>
      ctx.run(async (db) => {
        checkActivityArgs(args);
        const to = new Date(args.from.getTime() + args.spanMs * args.spans);
        const from = args.from.toISOString();
        // Which span an instant falls in: whole milliseconds since `from`, divided.
        const spanOf = (column: typeof deliveries.createdAt | typeof deliveries.firstOpenedAt) =>
          sql<number>`floor(extract(epoch from (${column} - ${from}::timestamptz)) * 1000 / ${args.spanMs})::int`.mapWith(
            Number,
          );
        const grouped = (column: typeof deliveries.createdAt | typeof deliveries.firstOpenedAt) =>
          db
            .select({ span: spanOf(column), n: count() })
            .from(deliveries)
            .where(and(isNotNull(column), gte(column, args.from), lt(column, to)))
            .groupBy(sql`1`); // by position: the parameters differ between the two places
        return activityBySpan(
          args.spans,
          await grouped(deliveries.createdAt),
          await grouped(deliveries.firstOpenedAt),
        );
      }),
    medianTimeToFirstOpen: ({ from, to }) =>
      ctx.run(async (db) => {
        const opened = and(gte(deliveries.firstOpenedAt, from), lt(deliveries.firstOpenedAt, to));
        const [counted] = await db.select({ n: count() }).from(deliveries).where(opened);
        const n = counted?.n ?? 0;
        if (n === 0) return null;
        // The same middle-row pick as SQLite (rather than percentile_cont), so both
        // dialects give the same answer to the millisecond.
        const delay =
          sql<number>`extract(epoch from (${deliveries.firstOpenedAt} - ${deliveries.createdAt})) * 1000`.mapWith(
            Number,
          );
        const { limit, offset } = middleOf(n);
        const rows = await db
          .select({ ms: delay })
          .from(deliveries)
          .where(opened)
          .orderBy(delay)
          .limit(limit)
          .offset(offset);
        return meanOf(rows.map((r) => Math.round(Number(r.ms))));
      }),
    countLockedAccounts: ({ now }) =>
      ctx.run(async (db) => {
        const [row] = await db
          .select({ n: count() })
          .from(accounts)
          .where(gt(accounts.lockedUntil, now));
        return row?.n ?? 0;
      }),
    countFailedMail: () =>
      ctx.run(async (db) => {
        const [row] = await db
          .select({ n: count() })
          .from(outbox)
          .where(eq(outbox.status, 'failed'));
        return row?.n ?? 0;
      }),
    hasEncryptedData: () =>
      ctx.run(async (db) => {
        const any = async (
          table:
            | typeof messages
            | typeof outbox
            | typeof drafts
            | typeof contacts
            | typeof contactGroups
            | typeof accessRequests,
        ) => (await db.select({ one: sql<number>`1` }).from(table).limit(1)).length > 0;
        for (const table of [messages, outbox, drafts, contacts, contactGroups, accessRequests]) {
          if (await any(table)) return true;
        }
        const totp = await db
          .select({ one: sql<number>`1` })
          .from(accounts)
          .where(isNotNull(accounts.totpKeyEnc))
          .limit(1);
        return totp.length > 0;
      }),
    sampleEncrypted: () =>
      ctx.run(async (db) => {
        const [message] = await db
          .select({ subjectEnc: messages.subjectEnc, bodyBlobId: messages.bodyBlobId })
          .from(messages)
          .orderBy(desc(messages.createdAt))
          .limit(1);
        const [file] = await db
          .select({ nameEnc: attachments.nameEnc, blobId: attachments.blobId })
          .from(attachments)
          .where(isNotNull(attachments.messageId))
          .orderBy(desc(attachments.createdAt))
          .limit(1);
        return {
          subjectEnc: message?.subjectEnc ?? null,
          bodyBlobId: message?.bodyBlobId ?? null,
          attachmentNameEnc: file?.nameEnc ?? null,
          attachmentBlobId: file?.blobId ?? null,
        };
      }),
  };
}
