import { type SQL, sql } from 'drizzle-orm';
import type { BlobReferenceRepository } from '../../../../core/storage/ports.ts';
import { checkBlobIdBatch } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { attachments, blobDeletions, messages } from '../schema.ts';

/**
 * Every column that names a blob. A new one must be added here, or orphan clean-up
 * would delete the blobs it names: test/storage/blob-references.test.ts fails for any
 * `*blob_id` column of the schema missing from this list.
 */
export const BLOB_ID_COLUMNS = [messages.bodyBlobId, attachments.blobId, blobDeletions.blobId];

/** Which blobs rows still name, in SQLite. */
export function sqliteBlobReferences(ctx: SqliteContext): BlobReferenceRepository {
  return {
    listReferenced: ({ blobIds }) =>
      ctx.run((db) => {
        if (checkBlobIdBatch(blobIds).length === 0) return [];
        // The batch goes in as one JSON parameter, so the statement has the same text
        // whatever the batch's size. Each branch probes its column's index once per id
        // (messages_body_blob_idx, attachments_blob_idx, the queue's primary key):
        // O(batch log n), never a scan of the table.
        const wanted = JSON.stringify(blobIds);
        const branches: SQL[] = BLOB_ID_COLUMNS.map(
          (column) =>
            sql`select ${column} as id from ${column.table} where ${column} in (select value from json_each(${wanted}))`,
        );
        return db.all<{ id: string }>(sql.join(branches, sql` union `)).map((row) => row.id);
      }),
  };
}
