/**
 * A message past `retainUntil`, with what `isDueForPurge` (core/lifecycle/rules.ts) needs
 * to decide whether it goes: read for a whole batch in one query, never per row.
 */
export type RetentionCandidate = {
  id: string;
  retainUntil: Date;
  /** True when the sender or any recipient is under a legal hold. */
  personOnHold: boolean;
  /** The latest end of access among its deliveries not revoked, or null when none. */
  accessEndsAt: Date | null;
};

/** A message the purge deleted, as its tombstone describes it: counts, never content. */
export type PurgedMessage = {
  id: string;
  sentAt: Date;
  sizeBytes: number;
  /** How many deliveries it had, revoked ones included. */
  recipients: number;
  attachments: number;
};

/** The most messages one `deleteMessages` call takes (SQLite binds them as one value). */
export const MAX_PURGE_BATCH = 10_000;

/**
 * Set-based deletion of messages for the retention purge: a batch of hundreds or
 * thousands of messages in one transaction and a fixed number of statements, where
 * `MessageRepository.delete` takes one message and several statements each.
 */
export type PurgeRepository = {
  /**
   * Up to `limit` messages with `retainUntil` <= `now` and no legal hold on the message
   * itself, oldest first (by `retainUntil`, then id), after `after` when given, so a
   * message looked at and kept never fills every page. Holds on people and the latest
   * end of access come with each (see `RetentionCandidate`).
   */
  listRetentionCandidates(args: {
    now: Date;
    limit: number;
    after?: { retainUntil: Date; id: string };
  }): Promise<RetentionCandidate[]>;
  /**
   * In the caller's transaction: deletes the messages of `ids` (at most
   * `MAX_PURGE_BATCH`) that exist and are not under a legal hold, nor sent by or to a
   * person under one, with their
   * deliveries, attachment rows, access requests and (by cascade) link tokens, and
   * queues the blobs they name (bodies and files) in the blob deletion queue at
   * `queuedAt`. Returns what went, in no particular order, and the queued blob ids.
   * The holds are read again here (the message's under a row lock on PostgreSQL), so a
   * hold set since the messages were listed wins.
   */
  deleteMessages(args: {
    ids: string[];
    queuedAt: Date;
  }): Promise<{ messages: PurgedMessage[]; blobIds: string[] }>;
};
