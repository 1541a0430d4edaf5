import type { AuditEntry } from '../audit/model.ts';
import { type AuditDeps, recordAudit, recordAuditMany } from '../audit/record.ts';
import type { BlobStore } from '../blobs/ports.ts';
import type { Repositories, Storage } from '../storage/ports.ts';
import type { PurgedMessage } from '../storage/purge-repository.ts';

/** Why a message's content was deleted, as the tombstone event says. */
export type PurgeReason = 'retention' | 'unretrieved' | 'erasure';

/** Who deleted it, for the tombstone: a job by name, or a person. */
export type PurgeActor = { id: string | null; label: string };

/**
 * Inside the caller's transaction: deletes a message with its deliveries, attachment
 * rows, access requests and (by cascade) link tokens, queues its blobs for deletion in
 * the same transaction, and records a tombstone `message.purge` event that says when,
 * why and how much, never what. Returns the queued blob ids, or null when the message
 * is already gone or is under a legal hold (checked here, inside the transaction, so a
 * hold set a moment ago wins).
 */
export async function deleteMessageRows(
  deps: AuditDeps,
  repos: Repositories,
  args: { messageId: string; now: Date; reason: PurgeReason; actor: PurgeActor },
): Promise<string[] | null> {
  const message = await repos.messages.findById({ id: args.messageId });
  if (!message || message.legalHold) return null;
  const [attachments, deliveries] = await Promise.all([
    repos.attachments.listForMessage({ messageId: message.id }),
    repos.deliveries.listForMessage({ messageId: message.id }),
  ]);
  const blobIds = [message.bodyBlobId, ...attachments.map((a) => a.blobId)];
  await repos.blobDeletions.add({ blobIds, at: args.now });
  await repos.messages.delete({ id: message.id });
  await recordTombstone(deps, repos, {
    message: {
      id: message.id,
      sentAt: message.createdAt,
      sizeBytes: message.sizeBytes,
      recipients: deliveries.length,
      attachments: attachments.length,
    },
    reason: args.reason,
    actor: args.actor,
  });
  return blobIds;
}

/**
 * Inside the caller's transaction: the tombstone of one deleted message, a
 * `message.purge` event naming the message and saying when it was sent, why it went and
 * how much (recipients, files, bytes), never what it said. A batch's tombstones are
 * `recordTombstones`.
 */
export async function recordTombstone(
  deps: AuditDeps,
  repos: Repositories,
  args: { message: PurgedMessage; reason: PurgeReason; actor: PurgeActor },
): Promise<void> {
  await recordAudit(deps, repos, tombstoneEntry(args));
}

function tombstoneEntry(args: {
  message: PurgedMessage;
  reason: PurgeReason;
  actor: PurgeActor;
}): AuditEntry {
  return {
    action: 'message.purge',
    actorId: args.actor.id,
    actorLabel: args.actor.label,
    ip: null,
    targetType: 'message',
    targetId: args.message.id,
    details: {
      reason: args.reason,
      sentAt: args.message.sentAt.toISOString(),
      recipients: args.message.recipients,
      attachments: args.message.attachments,
      bytes: args.message.sizeBytes,
    },
  };
}

/**
 * Inside the caller's transaction: the tombstones of a batch of deleted messages, one
 * `message.purge` event per message, exactly as `recordTombstone` writes it, so an
 * admin's search by message id finds each. They are chained under one lock with one
 * read of the last event (`recordAuditMany`): appended one by one, they cost the batch
 * purge most of its time (0.3 ms to 3 ms each).
 */
export async function recordTombstones(
  deps: AuditDeps,
  repos: Repositories,
  args: { messages: PurgedMessage[]; reason: PurgeReason; actor: PurgeActor },
): Promise<void> {
  await recordAuditMany(
    deps,
    repos,
    args.messages.map((message) => tombstoneEntry({ ...args, message })),
  );
}

/** Blobs removed and forgotten per step: under SQLite's and PostgreSQL's parameter limits. */
const BLOBS_PER_STEP = 1000;

/**
 * Removes queued blobs from the store, then forgets them, a thousand at a time.
 * Deleting a blob that is already gone is not an error, so running this twice (after a
 * crash) is harmless. Only ever called after the transaction that queued them has
 * committed: until then the rows may still come back (a rollback), and their blobs with
 * them. The removals are not made durable one by one (`BlobStore.deleteMany`): one a
 * power cut undoes leaves ciphertext that nothing names, for orphan clean-up.
 */
export async function finishBlobDeletions(
  deps: { storage: Storage; blobs: BlobStore },
  blobIds: string[],
): Promise<void> {
  for (let at = 0; at < blobIds.length; at += BLOBS_PER_STEP) {
    const step = blobIds.slice(at, at + BLOBS_PER_STEP);
    await deps.blobs.deleteMany({ ids: step });
    await deps.storage.repos.blobDeletions.remove({ blobIds: step });
  }
}

/**
 * Deletes whatever is left in the queue by runs that stopped between their commit and
 * their blob deletions (a crash, a kill -9), in batches. Returns how many blobs went.
 */
export async function drainBlobDeletions(
  deps: { storage: Storage; blobs: BlobStore },
  args: { batchSize: number },
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const queued = await deps.storage.repos.blobDeletions.list({ limit: args.batchSize });
    if (queued.length === 0) return deleted;
    await finishBlobDeletions(deps, queued);
    deleted += queued.length;
    if (queued.length < args.batchSize) return deleted;
  }
}

/**
 * Deletes one message for good: rows, queue and tombstone in one transaction, then the
 * blobs. True when it was deleted, false when it was gone already or is on hold.
 */
export async function purgeMessage(
  deps: AuditDeps & { storage: Storage; blobs: BlobStore },
  args: { messageId: string; now: Date; reason: PurgeReason; actor: PurgeActor },
): Promise<boolean> {
  const blobIds = await deps.storage.transaction((repos) => deleteMessageRows(deps, repos, args));
  if (blobIds === null) return false;
  await finishBlobDeletions(deps, blobIds);
  return true;
}
