import { and, count, desc, eq, gt, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { AdminStatsRepository } from '../../../../core/storage/ports.ts';
import { activityBySpan, checkActivityArgs, meanOf, middleOf } from '../../shared/admin-stats.ts';
import type { SqliteContext } from '../connection.ts';
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

/** The admin dashboard's figures in SQLite (instants are integer milliseconds). */
export function sqliteAdminStats(ctx: SqliteContext): AdminStatsRepository {
  return {
    deliveryActivity: (args) =>
      ctx.run((db) => {
        checkActivityArgs(args);
        const from = args.from.getTime();
        const to = new Date(from + args.spanMs * args.spans);
        // Which span an instant falls in; the rows are at or after `from`, so the
        // truncating cast is a floor.
        const spanOf = (column: typeof deliveries.createdAt | typeof deliveries.firstOpenedAt) =>
          sql<number>`cast((${column} - ${from}) / ${args.spanMs} as integer)`;
        const grouped = (column: typeof deliveries.createdAt | typeof deliveries.firstOpenedAt) =>
          db
            .select({ span: spanOf(column), n: count() })
            .from(deliveries)
            .where(and(isNotNull(column), gte(column, args.from), lt(column, to)))
            .groupBy(spanOf(column))
            .all();
        return activityBySpan(
          args.spans,
          grouped(deliveries.createdAt),
          grouped(deliveries.firstOpenedAt),
        );
      }),
    medianTimeToFirstOpen: ({ from, to }) =>
      ctx.run((db) => {
        const opened = and(gte(deliveries.firstOpenedAt, from), lt(deliveries.firstOpenedAt, to));
        const n = db.select({ n: count() }).from(deliveries).where(opened).get()?.n ?? 0;
        if (n === 0) return null;
        const delay = sql<number>`${deliveries.firstOpenedAt} - ${deliveries.createdAt}`;
        const { limit, offset } = middleOf(n);
        const rows = db
          .select({ ms: delay })
          .from(deliveries)
          .where(opened)
          .orderBy(delay)
          .limit(limit)
          .offset(offset)
          .all();
        return meanOf(rows.map((r) => Number(r.ms)));
      }),
    countLockedAccounts: ({ now }) =>
      ctx.run(
        (db) =>
          db.select({ n: count() }).from(accounts).where(gt(accounts.lockedUntil, now)).get()?.n ??
          0,
      ),
    countFailedMail: () =>
      ctx.run(
        (db) =>
          db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'failed')).get()?.n ?? 0,
      ),
    hasEncryptedData: () =>
      ctx.run((db) => {
        const any = (
          table:
            | typeof messages
            | typeof outbox
            | typeof drafts
            | typeof contacts
            | typeof contactGroups
            | typeof accessRequests,
        ) => db.select({ one: sql<number>`1` }).from(table).limit(1).get() !== undefined;
        for (const table of [messages, outbox, drafts, contacts, contactGroups, accessRequests]) {
          if (any(table)) return true;
        }
        return (
          db
            .select({ one: sql<number>`1` })
            .from(accounts)
            .where(isNotNull(accounts.totpKeyEnc))
            .limit(1)
            .get() !== undefined
        );
      }),
    sampleEncrypted: () =>
      ctx.run((db) => {
        const message = db
          .select({ subjectEnc: messages.subjectEnc, bodyBlobId: messages.bodyBlobId })
          .from(messages)
          .orderBy(desc(messages.createdAt))
          .limit(1)
          .get();
        const file = db
          .select({ nameEnc: attachments.nameEnc, blobId: attachments.blobId })
          .from(attachments)
          .where(isNotNull(attachments.messageId))
          .orderBy(desc(attachments.createdAt))
          .limit(1)
          .get();
        return {
          subjectEnc: message?.subjectEnc ?? null,
          bodyBlobId: message?.bodyBlobId ?? null,
          attachmentNameEnc: file?.nameEnc ?? null,
          attachmentBlobId: file?.blobId ?? null,
        };
      }),
  };
}
