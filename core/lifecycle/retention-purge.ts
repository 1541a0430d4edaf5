import type { Repositories } from '../storage/ports.ts';
import { batchOptions, type JobOptions, type LifecycleDeps, pause } from './deps.ts';
import type { JobCounts } from './model.ts';
import { drainBlobDeletions, purgeMessage } from './purge-message.ts';
import { isDueForPurge, latestAccessEnd } from './rules.ts';

/** The actor the tombstones name. */
const ACTOR = { id: null, label: 'job:retention-purge' };

/** True when the sender or any recipient of the message is under a legal hold. */
async function isPersonOnHold(
  repos: Repositories,
  senderId: string,
  recipientIds: string[],
): Promise<boolean> {
  for (const id of new Set([senderId, ...recipientIds])) {
    if ((await repos.accounts.findById({ id }))?.legalHold) return true;
  }
  return false;
}

/**
 * The retention purge: every message past `retainUntil` (90 days after sending by
 * default) is deleted with its deliveries, attachments and blobs, leaving a tombstone
 * `message.purge` event without content. Messages under a legal hold, about a person
 * under one, or that a recipient can still open (an extension granted late) are kept.
 *
 * Safe to run anywhere and again: it first finishes any blob deletions an interrupted
 * run left queued, then works in batches of `batchSize` ids with one transaction per
 * message (rows gone and blobs queued together, blobs deleted after the commit), so a
 * kill at any point leaves every remaining message whole and only queued blobs behind.
 */
export async function runRetentionPurge(
  deps: LifecycleDeps,
  options: JobOptions = {},
): Promise<JobCounts> {
  const { batchSize, pauseMs } = batchOptions(options);
  const now = options.now ?? deps.clock.now();
  const counts = { purged: 0, kept: 0, leftoverBlobs: 0 };
  counts.leftoverBlobs = await drainBlobDeletions(deps, { batchSize });
  const repos = deps.storage.repos;
  let after: { retainUntil: Date; id: string } | undefined;
  for (;;) {
    const ids = await repos.messages.listPastRetention({ now, limit: batchSize, after });
    for (const id of ids) {
      const message = await repos.messages.findById({ id });
      if (!message) continue;
      after = { retainUntil: message.retainUntil, id: message.id };
      const deliveries = await repos.deliveries.listForMessage({ messageId: id });
      const due = isDueForPurge({
        message,
        now,
        personOnHold: await isPersonOnHold(
          repos,
          message.senderId,
          deliveries.map((d) => d.recipientId),
        ),
        accessEndsAt: latestAccessEnd(deliveries),
      });
      if (!due) {
        counts.kept++;
        continue;
      }
      const purged = await purgeMessage(deps, {
        messageId: id,
        now,
        reason: 'retention',
        actor: ACTOR,
      });
      if (purged) counts.purged++;
    }
    options.onProgress?.({ ...counts });
    if (ids.length < batchSize) return counts;
    await pause(pauseMs);
  }
}
