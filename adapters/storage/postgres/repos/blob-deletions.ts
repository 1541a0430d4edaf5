import { asc, inArray } from 'drizzle-orm';
import type { BlobDeletionRepository } from '../../../../core/storage/ports.ts';
import { checkPage } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { blobDeletions } from '../schema.ts';

/** The queue of blobs to delete, in PostgreSQL. */
export function pgBlobDeletions(ctx: PgContext): BlobDeletionRepository {
  return {
    add: ({ blobIds, at }) =>
      ctx.run(async (db) => {
        if (blobIds.length === 0) return;
        await db
          .insert(blobDeletions)
          .values(blobIds.map((blobId) => ({ blobId, queuedAt: at })))
          .onConflictDoNothing();
      }),
    list: ({ limit }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select({ blobId: blobDeletions.blobId })
          .from(blobDeletions)
          .orderBy(asc(blobDeletions.queuedAt), asc(blobDeletions.blobId))
          .limit(checkPage({ limit }).limit);
        return rows.map((row) => row.blobId);
      }),
    remove: ({ blobIds }) =>
      ctx.run(async (db) => {
        if (blobIds.length === 0) return;
        await db.delete(blobDeletions).where(inArray(blobDeletions.blobId, blobIds));
      }),
  };
}
