import type { BlobStore } from '../blobs/ports.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { OutboxLogger } from '../mail/outbox-worker.ts';
import type { Mailer, MailTemplates } from '../mail/ports.ts';
import type { Settings } from '../settings/model.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { JobCounts } from './model.ts';
import type { HtmlSafety } from './safe-bodies.ts';

/**
 * The wording of the email that tells a sender some recipients never opened a message
 * (`MailTemplates.unretrieved`, in views/mail), in the language it is sent in.
 */
export type UnretrievedNoticeTemplate = MailTemplates['unretrieved'];

/** What the lifecycle jobs need from the world. */
export type LifecycleDeps = {
  storage: Storage;
  blobs: BlobStore;
  cipher: Cipher;
  ids: Ids;
  clock: Clock;
  secrets: Secrets;
  /** The settings in force for this run (read once when the run starts). */
  settings: Settings;
  /** The portal's public URL without a trailing slash, for links in emails. */
  publicUrl: string;
  unretrievedNotice: UnretrievedNoticeTemplate;
  /**
   * The mail transport, for housekeeping's outbox pass (retries of mail that failed
   * for a while, leases of a node that died). Without one, that step is skipped.
   */
  mailer?: Mailer;
  logger?: OutboxLogger;
  /**
   * Makes untrusted HTML safe, for housekeeping's body migration (messages stored
   * before HTML was made safe at intake). Without it, that step is skipped.
   */
  htmlSafety?: HtmlSafety;
};

/** How a job works through its rows. */
export type JobOptions = {
  /** Rows per batch (100 by default): memory and transaction size stay bounded. */
  batchSize?: number;
  /** A pause between batches, to leave a busy database room (0 by default). */
  pauseMs?: number;
  /** Housekeeping: drafts untouched for longer than this are deleted (30 by default). */
  staleDraftDays?: number;
  /**
   * Housekeeping: when to walk the blob store for orphans. `always` (the default, as
   * `sealpost jobs run` does), `daily` (the scheduler: only when no finished run swept
   * in the last `ORPHAN_SWEEP_EVERY_HOURS`, since the walk reads every blob's id and
   * age), or `never`.
   */
  sweepOrphans?: 'always' | 'daily' | 'never';
  /** Housekeeping: the age before an orphan is removed (`ORPHAN_GRACE_HOURS` by default). */
  orphanGraceHours?: number;
  /** The instant the run acts at: the clock's now when absent (`runJob` passes its start). */
  now?: Date;
  /** Called after each batch with the counts so far. */
  onProgress?: (counts: JobCounts) => void;
};

/** The default batch size. */
export const DEFAULT_BATCH_SIZE = 100;

/** `options` with defaults, checked: a bad batch size is a bug in the caller. */
export function batchOptions(options: JobOptions): { batchSize: number; pauseMs: number } {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const pauseMs = options.pauseMs ?? 0;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new RangeError('batchSize must be a whole number from 1 to 10000.');
  }
  if (!Number.isFinite(pauseMs) || pauseMs < 0) {
    throw new RangeError('pauseMs must be zero or more milliseconds.');
  }
  return { batchSize, pauseMs };
}

/** Waits `ms` between batches (nothing at 0). */
export function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
