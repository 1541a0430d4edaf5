import { batchOptions, type JobOptions, type LifecycleDeps, pause } from './deps.ts';
import type { JobCounts } from './model.ts';
import { type PurgeCursor, purgeBatch } from './purge-batch.ts';
import { drainBlobDeletions, finishBlobDeletions } from './purge-message.ts';

/**
 * Messages per transaction when the caller names no batch size: large enough that the
 * commit's fsync and the per-statement costs vanish in the rows, small enough that a
 * batch (its ids, tombstones and blob ids) stays a few hundred kilobytes of memory and
 * the write lock is held for well under a second.
 */
export const DEFAULT_PURGE_BATCH_SIZE = 1000;

/**
 * The retention purge: every message past `retainUntil` (90 days after sending by
 * default) is deleted with its deliveries, attachments and blobs, leaving a tombstone
 * `message.purge` event without content. Messages under a legal hold, about a person
 * under one, or that a recipient can still open (an extension granted late) are kept.
 *
 * Safe to run anywhere and again: it first finishes any blob deletions an interrupted
 * run left queued, then works in batches of `batchSize` messages (1000 by default), one
 * transaction each (`purgeBatch`: rows gone, blobs queued and tombstones written
 * together), deleting a batch's blobs after its commit, beside the next batch. A kill at any point leaves
 * every message of the batch in flight whole, and only queued blobs behind. Memory is
 * one batch, whatever the backlog: the walk goes by `retainUntil` and id, never
 * holding more than a batch of ids.
 */
export async function runRetentionPurge(
  deps: LifecycleDeps,
  options: JobOptions = {},
): Promise<JobCounts> {
  const { batchSize, pauseMs } = batchOptions({
    ...options,
    batchSize: options.batchSize ?? DEFAULT_PURGE_BATCH_SIZE,
  });
  const now = options.now ?? deps.clock.now();
  const counts = { purged: 0, kept: 0, leftoverBlobs: 0 };
  counts.leftoverBlobs = await drainBlobDeletions(deps, { batchSize });
  // Past the messages already looked at, so kept ones never fill every batch.
  let after: PurgeCursor | null = null;
  // A batch's blobs are removed while the next batch's rows are: the unlinks wait on the
  // disk, the rows on the database. At most one batch's blobs are in flight, and a
  // failure to remove them still fails the run (they stay queued for the next).
  let removing: Promise<void> = Promise.resolve();
  for (;;) {
    const batch = await purgeBatch(deps, { now, limit: batchSize, after });
    await removing;
    removing = finishBlobDeletions(deps, batch.blobIds);
    // Awaited above or below; until then a failure must not count as unhandled.
    removing.catch(() => {});
    counts.purged += batch.purged;
    counts.kept += batch.kept;
    after = batch.cursor;
    if (batch.looked < batchSize) {
      await removing;
      options.onProgress?.({ ...counts });
      return counts;
    }
    options.onProgress?.({ ...counts });
    await pause(pauseMs);
  }
}
