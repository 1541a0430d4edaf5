import { sql } from 'drizzle-orm';
import type { PurgeRepository } from '../../../../core/storage/purge-repository.ts';
import { checkPage } from '../../shared/mappers.ts';
import { checkPurgeBatch, pgTextArray } from '../../shared/purge-batch.ts';
import type { PgContext } from '../context.ts';

type CandidateRow = {
  id: string;
  retainUntil: number;
  personOnHold: boolean;
  accessEndsAt: number | null;
};
type MessageRow = {
  id: string;
  createdAt: number;
  sizeBytes: number;
  bodyBlobId: string;
  recipients: number;
  attachments: number;
};

// Instants leave as milliseconds (a float8, which postgres.js reads as a number) and
// arrive as ISO text: exact both ways for the millisecond times Sealpost stores.
const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/**
 * The retention purge's set-based statements, in PostgreSQL. A batch of ids is bound as
 * one text[] parameter (`= any(...)`), so each statement has one text and one plan
 * whatever the batch's size, and no batch nears the 65,535-parameter limit.
 */
export function pgPurge(ctx: PgContext): PurgeRepository {
  return {
    listRetentionCandidates: ({ now, limit, after }) =>
      ctx.run(async (db) => {
        const cursor =
          after === undefined
            ? sql``
            : sql`and (m.retain_until > ${at(after.retainUntil)}
                  or (m.retain_until = ${at(after.retainUntil)} and m.id > ${after.id}))`;
        // No row locks here: `deleteMessages` locks the rows it deletes and reads their
        // hold again, so a hold committed after this read still wins.
        const rows = await db.execute<CandidateRow>(sql`
          select m.id as "id", ${ms('m.retain_until')} as "retainUntil",
            (exists (select 1 from accounts a where a.id = m.sender_id and a.legal_hold)
              or exists (select 1 from deliveries d join accounts a on a.id = d.recipient_id
                         where d.message_id = m.id and a.legal_hold)) as "personOnHold",
            (select ${ms('max(d.access_ends_at)')} from deliveries d
              where d.message_id = m.id and d.revoked_at is null) as "accessEndsAt"
          from messages m
          where m.retain_until <= ${at(now)} and not m.legal_hold ${cursor}
          order by m.retain_until, m.id
          limit ${checkPage({ limit }).limit}`);
        return [...rows].map((row) => ({
          id: row.id,
          retainUntil: new Date(row.retainUntil),
          personOnHold: row.personOnHold,
          accessEndsAt: row.accessEndsAt === null ? null : new Date(row.accessEndsAt),
        }));
      }),

    deleteMessages: ({ ids, queuedAt }) =>
      ctx.atomic(async (db) => {
        if (checkPurgeBatch(ids).length === 0) return { messages: [], blobIds: [] };
        // Only the messages still there and not held, nor sent by or to a person on hold,
        // locked until the commit (FOR UPDATE: a hold set on one now waits for this
        // transaction; one committed while this waited is seen, as the row is read
        // again). A hold on a person committed before this statement wins too; one
        // committed while it runs is not waited for (the account rows are not locked).
        const found = [
          ...(await db.execute<MessageRow>(sql`
            select m.id as "id", ${ms('m.created_at')} as "createdAt",
              m.size_bytes::float8 as "sizeBytes", m.body_blob_id as "bodyBlobId",
              (select count(*)::int from deliveries d where d.message_id = m.id) as "recipients",
              (select count(*)::int from attachments t where t.message_id = m.id) as "attachments"
            from messages m
            where m.id = any(${pgTextArray(ids)}::text[]) and not m.legal_hold
              and not exists (select 1 from accounts a where a.id = m.sender_id and a.legal_hold)
              and not exists (select 1 from deliveries d join accounts a on a.id = d.recipient_id
                              where d.message_id = m.id and a.legal_hold)
            for update of m`)),
        ];
        if (found.length === 0) return { messages: [], blobIds: [] };
        const doomed = sql`any(${pgTextArray(found.map((m) => m.id))}::text[])`;
        const files = await db.execute<{ blobId: string }>(
          sql`select blob_id as "blobId" from attachments where message_id = ${doomed}`,
        );
        const blobIds = [
          ...new Set([...found.map((m) => m.bodyBlobId), ...[...files].map((f) => f.blobId)]),
        ];
        await db.execute(sql`
          insert into blob_deletions (blob_id, queued_at)
          select unnest(${pgTextArray(blobIds)}::text[]), ${at(queuedAt)}
          on conflict (blob_id) do nothing`);
        // Children first, so no cascade has to find them; link tokens do go by cascade
        // from their deliveries (tokens_delivery_idx), as with MessageRepository.delete.
        await db.execute(sql`delete from access_requests where message_id = ${doomed}`);
        await db.execute(sql`delete from attachments where message_id = ${doomed}`);
        await db.execute(sql`delete from deliveries where message_id = ${doomed}`);
        await db.execute(sql`delete from messages where id = ${doomed}`);
        return {
          messages: found.map((m) => ({
            id: m.id,
            sentAt: new Date(m.createdAt),
            sizeBytes: m.sizeBytes,
            recipients: m.recipients,
            attachments: m.attachments,
          })),
          blobIds,
        };
      }),
  };
}
