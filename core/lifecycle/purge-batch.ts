import type { AuditDeps } from '../audit/record.ts';
import type { Storage } from '../storage/ports.ts';
import { recordTombstones } from './purge-message.ts';
import { isDueForPurge } from './rules.ts';

/** The actor the retention purge's tombstones name. */
export const RETENTION_ACTOR = { id: null, label: 'job:retention-purge' };

/** Where a run has got to: the last message it looked at, by `retainUntil` then id. */
export type PurgeCursor = { retainUntil: Date; id: string };

/** What one batch did. */
export type PurgeBatchResult = {
  /** How many messages past retention it looked at (fewer than the limit: the last batch). */
  looked: number;
  purged: number;
  /** Looked at and kept: a person on hold, or a recipient who can still open it. */
  kept: number;
  /** The blobs queued by the commit, to delete now that it has happened. */
  blobIds: string[];
  /** Where the next batch starts, or null when this one looked at nothing. */
  cursor: PurgeCursor | null;
};

/**
 * One batch of the retention purge in one transaction: up to `limit` messages past
 * retention are read with what decides them (holds on people, the latest end of access:
 * one query, `PurgeRepository.listRetentionCandidates`), `isDueForPurge` decides, and
 * those due are deleted together with a fixed number of statements, their blobs queued
 * and their tombstones written (`recordTombstones`: one `message.purge` event per message,
 * chained under one lock), all in the same commit. A crash before
 * the commit leaves every message of the batch whole; after it, only queued blobs.
 */
export async function purgeBatch(
  deps: AuditDeps & { storage: Storage },
  args: { now: Date; limit: number; after: PurgeCursor | null },
): Promise<PurgeBatchResult> {
  return deps.storage.transaction(async (tx) => {
    const candidates = await tx.purge.listRetentionCandidates({
      now: args.now,
      limit: args.limit,
      ...(args.after ? { after: args.after } : {}),
    });
    const due = candidates.filter((c) =>
      isDueForPurge({
        // Held messages are never candidates; the query leaves them out.
        message: { retainUntil: c.retainUntil, legalHold: false },
        now: args.now,
        personOnHold: c.personOnHold,
        accessEndsAt: c.accessEndsAt,
      }),
    );
    const deleted = await tx.purge.deleteMessages({
      ids: due.map((c) => c.id),
      queuedAt: args.now,
    });
    await recordTombstones(deps, tx, {
      messages: deleted.messages,
      reason: 'retention',
      actor: RETENTION_ACTOR,
    });
    const last = candidates[candidates.length - 1];
    return {
      looked: candidates.length,
      purged: deleted.messages.length,
      kept: candidates.length - due.length,
      blobIds: deleted.blobIds,
      cursor: last ? { retainUntil: last.retainUntil, id: last.id } : null,
    };
  });
}
