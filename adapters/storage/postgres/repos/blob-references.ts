import { type SQL, sql } from 'drizzle-orm';
import type { BlobReferenceRepository } from '../../../../core/storage/ports.ts';
import { checkBlobIdBatch } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { attachments, blobDeletions, messages } from '../schema.ts';

/**
 * Every column that names a blob. A new one must be added here, or orphan clean-up
 * would delete the blobs it names: test/storage/blob-references.test.ts fails for any
 * `*blob_id` column of the schema missing from this list.
 */
export const BLOB_ID_COLUMNS = [messages.bodyBlobId, attachments.blobId, blobDeletions.blobId];

/** Which blobs rows still name, in PostgreSQL. */
export function pgBlobReferences(ctx: PgContext): BlobReferenceRepository {
  return {
    listReferenced: ({ blobIds }) =>
      ctx.run(async (db) => {
        if (checkBlobIdBatch(blobIds).length === 0) return [];
        // The batch goes in as one text[] parameter, so the statement has one text
        // whatever the batch's size and postgres.js prepares it once per connection.
        // Each branch probes its column's index once per id (messages_body_blob_idx,
        // attachments_blob_idx, the queue's primary key): never a scan of the table.
        const wanted = `{${blobIds.map((id) => `"${id.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
        const branches: SQL[] = BLOB_ID_COLUMNS.map(
          (column) =>
            sql`select ${column} as id from ${column.table} where ${column} = any(${wanted}::text[])`,
        );
        const rows = await db.execute<{ id: string }>(sql.join(branches, sql` union `));
        return [...rows].map((row) => row.id);
      }),
  };
}
