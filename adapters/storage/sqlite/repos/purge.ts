import { sql } from 'drizzle-orm';
import type { PurgeRepository } from '../../../../core/storage/purge-repository.ts';
import { checkPage } from '../../shared/mappers.ts';
import { checkPurgeBatch } from '../../shared/purge-batch.ts';
import type { SqliteContext } from '../connection.ts';

type CandidateRow = {
  id: string;
  retainUntil: number;
  personOnHold: number;
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

/**
 * The retention purge's set-based statements, in SQLite. A batch of ids is bound as one
 * JSON array and read with `json_each`, so a statement has one variable whatever the
 * batch's size (SQLite allows 32,766) and its text, hence its plan, never changes.
 */
export function sqlitePurge(ctx: SqliteContext): PurgeRepository {
  return {
    listRetentionCandidates: ({ now, limit, after }) =>
      ctx.run((db) => {
        const at = now.getTime();
        // messages_retain_until_idx gives the order; each hold and the latest end of
        // access is an index probe of the message's deliveries (deliveries_message_idx)
        // and the accounts' primary key, never a scan.
        const cursor =
          after === undefined
            ? sql``
            : sql`and (m.retain_until > ${after.retainUntil.getTime()}
                  or (m.retain_until = ${after.retainUntil.getTime()} and m.id > ${after.id}))`;
        const rows = db.all<CandidateRow>(sql`
          select m.id as id, m.retain_until as retainUntil,
            (exists (select 1 from accounts a where a.id = m.sender_id and a.legal_hold = 1)
              or exists (select 1 from deliveries d join accounts a on a.id = d.recipient_id
                         where d.message_id = m.id and a.legal_hold = 1)) as personOnHold,
            (select max(d.access_ends_at) from deliveries d
              where d.message_id = m.id and d.revoked_at is null) as accessEndsAt
          from messages m
          where m.retain_until <= ${at} and m.legal_hold = 0 ${cursor}
          order by m.retain_until, m.id
          limit ${checkPage({ limit }).limit}`);
        return rows.map((row) => ({
          id: row.id,
          retainUntil: new Date(row.retainUntil),
          personOnHold: row.personOnHold === 1,
          accessEndsAt: row.accessEndsAt === null ? null : new Date(row.accessEndsAt),
        }));
      }),

    deleteMessages: ({ ids, queuedAt }) =>
      ctx.atomic((db) => {
        if (checkPurgeBatch(ids).length === 0) return { messages: [], blobIds: [] };
        // Only the messages still there and not held, nor sent by or to a person on hold: a
        // hold set since they were listed wins (the write lock keeps any from landing now).
        const found = db.all<MessageRow>(sql`
          select m.id as id, m.created_at as createdAt, m.size_bytes as sizeBytes,
            m.body_blob_id as bodyBlobId,
            (select count(*) from deliveries d where d.message_id = m.id) as recipients,
            (select count(*) from attachments t where t.message_id = m.id) as attachments
          from messages m
          where m.id in (select value from json_each(${JSON.stringify(ids)}))
            and m.legal_hold = 0
            and not exists (select 1 from accounts a where a.id = m.sender_id and a.legal_hold = 1)
            and not exists (select 1 from deliveries d join accounts a on a.id = d.recipient_id
                            where d.message_id = m.id and a.legal_hold = 1)`);
        if (found.length === 0) return { messages: [], blobIds: [] };
        const doomed = JSON.stringify(found.map((m) => m.id));
        const inBatch = sql`(select value from json_each(${doomed}))`;
        const files = db.all<{ blobId: string }>(
          sql`select blob_id as blobId from attachments where message_id in ${inBatch}`,
        );
        const blobIds = [
          ...new Set([...found.map((m) => m.bodyBlobId), ...files.map((f) => f.blobId)]),
        ];
        // "where true" tells SQLite's parser the ON CONFLICT belongs to the insert.
        db.run(sql`
          insert into blob_deletions (blob_id, queued_at)
          select value, ${queuedAt.getTime()} from json_each(${JSON.stringify(blobIds)}) where true
          on conflict (blob_id) do nothing`);
        // Children first, so no cascade has to find them; link tokens do go by cascade
        // from their deliveries (tokens_delivery_idx), as with MessageRepository.delete.
        db.run(sql`delete from access_requests where message_id in ${inBatch}`);
        db.run(sql`delete from attachments where message_id in ${inBatch}`);
        db.run(sql`delete from deliveries where message_id in ${inBatch}`);
        db.run(sql`delete from messages where id in ${inBatch}`);
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
