import { asc, inArray } from 'drizzle-orm';
import type { BlobDeletionRepository } from '../../../../core/storage/ports.ts';
import { checkPage } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { blobDeletions } from '../schema.ts';

/** The queue of blobs to delete, in SQLite. */
export function sqliteBlobDeletions(ctx: SqliteContext): BlobDeletionRepository {
  return {
    add: ({ blobIds, at }) =>
      ctx.run((db) => {
        if (blobIds.length === 0) return;
        db.insert(blobDeletions)
          .values(blobIds.map((blobId) => ({ blobId, queuedAt: at })))
          .onConflictDoNothing()
          .run();
      }),
    list: ({ limit }) =>
      ctx.run((db) =>
        db
          .select({ blobId: blobDeletions.blobId })
          .from(blobDeletions)
          .orderBy(asc(blobDeletions.queuedAt), asc(blobDeletions.blobId))
          .limit(checkPage({ limit }).limit)
          .all()
          .map((row) => row.blobId),
      ),
    remove: ({ blobIds }) =>
      ctx.run((db) => {
        if (blobIds.length === 0) return;
        db.delete(blobDeletions).where(inArray(blobDeletions.blobId, blobIds)).run();
      }),
  };
}
