import { MAX_WINDOW_MS } from '../auth/rate-limit.ts';
import { runOutboxOnce } from '../mail/outbox-worker.ts';
import { addDays } from '../shared/time.ts';
import { batchOptions, type JobOptions, type LifecycleDeps, pause } from './deps.ts';
import type { JobCounts } from './model.ts';
import { checkGraceHours, removeOrphans } from './orphans.ts';
import { drainBlobDeletions, finishBlobDeletions } from './purge-message.ts';
import { isDraftStale, staleDraftCutoff } from './rules.ts';
import { makeLegacyBodiesSafe } from './safe-bodies.ts';

/**
 * Used and expired one-time links are kept this long after they stop working, so a
 * second click still says "this link has been used" rather than "not recognised".
 */
export const TOKEN_GRACE_DAYS = 7;
/** Sent mails are kept this long (for an admin looking into "I never got it"), then deleted. */
export const SENT_MAIL_DAYS = 30;
/** An outbox lease: far longer than one send can take (see `OutboxWorkerDeps.leaseMs`). */
const OUTBOX_LEASE_MS = 5 * 60_000;
/**
 * Legacy HTML bodies made safe per run, in batches: ten batches (1000 at the default
 * batch size) an hour keeps a run short and finishes a large installation within a day.
 */
const LEGACY_BODIES_PER_BATCH = 10;
/** At most this many outbox passes per run; the outbox worker, not this job, is the fast path. */
const OUTBOX_PASSES = 20;

/**
 * A `daily` orphan sweep runs when no finished housekeeping run swept within this many
 * hours: under 24, so an hourly schedule sweeps at the same hour each day, not an hour
 * later every day.
 */
export const ORPHAN_SWEEP_EVERY_HOURS = 20;

/** Whether this run walks the blob store for orphans (see `JobOptions.sweepOrphans`). */
async function isOrphanSweepDue(
  deps: LifecycleDeps,
  when: 'always' | 'daily' | 'never',
  now: Date,
): Promise<boolean> {
  if (when !== 'daily') return when === 'always';
  // A run that swept recorded the counts, zeros included; two days of hourly runs.
  const recent = await deps.storage.repos.jobRuns.listRecent({ job: 'housekeeping', limit: 48 });
  const since = now.getTime() - ORPHAN_SWEEP_EVERY_HOURS * 3_600_000;
  return !recent.some(
    (run) => run.status === 'ok' && 'orphanBlobs' in run.counts && run.startedAt.getTime() > since,
  );
}

/** Calls `step` until it deletes fewer than `batchSize`; returns the total. */
async function inBatches(
  batchSize: number,
  pauseMs: number,
  step: () => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step();
    total += n;
    if (n < batchSize) return total;
    await pause(pauseMs);
  }
}

/**
 * Housekeeping: deletes expired sessions, spent and expired link tokens (after
 * `TOKEN_GRACE_DAYS`), emailed codes an hour after they expired, makes HTML bodies
 * stored before intake made them safe safe (`makeLegacyBodiesSafe`, when it has `htmlSafety`), drafts nobody touched for `staleDraftDays` with their files,
 * sent mail older than `SENT_MAIL_DAYS`, and blobs left queued by an interrupted purge;
 * unless `sweepOrphans` says otherwise, blobs no row names and leftovers of unfinished puts,
 * once older than the grace period (`removeOrphans`: what a send killed before its
 * commit leaves); and, when it has a mailer, retries the outbox (mail whose retry time
 * has come, and mail whose sending node died, once its lease has run out).
 *
 * Every step deletes in bounded batches and is idempotent, so a crash loses nothing
 * and a rerun finishes the work. A draft goes in one transaction with its attachment
 * rows, its blobs queued in the same transaction and deleted after it commits.
 */
export async function runHousekeeping(
  deps: LifecycleDeps,
  options: JobOptions = {},
): Promise<JobCounts> {
  const { batchSize, pauseMs } = batchOptions(options);
  checkGraceHours(options.orphanGraceHours);
  const now = options.now ?? deps.clock.now();
  const repos = deps.storage.repos;
  const counts: JobCounts = {};
  const progress = () => options.onProgress?.({ ...counts });

  counts.sessions = await inBatches(batchSize, pauseMs, () =>
    repos.sessions.deleteExpired({ now, limit: batchSize }),
  );
  counts.tokens = await inBatches(batchSize, pauseMs, () =>
    repos.tokens.deleteExpired({ before: addDays(now, -TOKEN_GRACE_DAYS), limit: batchSize }),
  );
  // Emailed codes live 15 minutes; one expired an hour ago no longer counts towards its
  // address's hourly limit either, so it can go.
  counts.emailCodes = await inBatches(batchSize, pauseMs, () =>
    repos.emailCodes.deleteExpired({
      before: new Date(now.getTime() - 3_600_000),
      limit: batchSize,
    }),
  );
  // A rate-limit attempt older than the longest window counts for nothing; buckets in
  // use drop their own, so these are the idle ones (docs/decisions/0026).
  counts.rateLimitHits = await inBatches(batchSize, pauseMs, () =>
    repos.rateLimitHits.deleteBefore({
      before: new Date(now.getTime() - MAX_WINDOW_MS),
      limit: batchSize,
    }),
  );
  progress();

  const staleDraftDays = options.staleDraftDays;
  const before = staleDraftCutoff({ now, staleDraftDays });
  counts.drafts = 0;
  for (;;) {
    const ids = await repos.drafts.listStale({ before, limit: batchSize });
    for (const id of ids) {
      const blobIds = await deps.storage.transaction(async (tx) => {
        // Saved again since the listing: no longer stale, so it stays.
        const draft = await tx.drafts.findById({ id });
        if (!draft || !isDraftStale({ draft, now, staleDraftDays })) return null;
        const files = await tx.attachments.listForDraft({ draftId: id });
        const queued = files.map((f) => f.blobId);
        await tx.blobDeletions.add({ blobIds: queued, at: now });
        for (const file of files) await tx.attachments.delete({ id: file.id });
        await tx.drafts.delete({ id });
        return queued;
      });
      if (blobIds === null) continue;
      counts.drafts++;
      await finishBlobDeletions(deps, blobIds);
    }
    progress();
    if (ids.length < batchSize) break;
    await pause(pauseMs);
  }

  counts.blobs = await drainBlobDeletions(deps, { batchSize });
  counts.sentMailRemoved = await inBatches(batchSize, pauseMs, () =>
    repos.outbox.deleteSent({ before: addDays(now, -SENT_MAIL_DAYS), limit: batchSize }),
  );

  if (deps.mailer) {
    counts.mailSent = 0;
    counts.mailRetried = 0;
    counts.mailFailed = 0;
    for (let pass = 0; pass < OUTBOX_PASSES; pass++) {
      const result = await runOutboxOnce({
        storage: deps.storage,
        cipher: deps.cipher,
        mailer: deps.mailer,
        clock: deps.clock,
        logger: deps.logger,
        limit: batchSize,
        leaseMs: OUTBOX_LEASE_MS,
      });
      counts.mailSent += result.sent;
      counts.mailRetried += result.retried;
      counts.mailFailed += result.failed;
      if (result.claimed < batchSize) break;
    }
  }
  progress();

  // HTML bodies stored before intake made them safe: a bounded number each run.
  if (deps.htmlSafety) {
    const bodies = await makeLegacyBodiesSafe(
      { ...deps, htmlSafety: deps.htmlSafety },
      { limit: batchSize * LEGACY_BODIES_PER_BATCH, now },
    );
    counts.htmlBodiesMadeSafe = bodies.madeSafe;
    counts.htmlBodiesRefused = bodies.refused;
    progress();
  }

  // Last: after the queue, so a blob a purge queued is removed and counted once, by the
  // queue; and a failure of this tidying (a disk error) leaves every step above done.
  if (await isOrphanSweepDue(deps, options.sweepOrphans ?? 'always', now)) {
    const orphans = await removeOrphans(deps, {
      now,
      ...(options.orphanGraceHours === undefined ? {} : { graceHours: options.orphanGraceHours }),
      // Reading ids costs far less than deleting rows: five times the batch, at most 1000.
      pageSize: batchSize * 5,
      pauseMs,
    });
    counts.orphanBlobs = orphans.orphanBlobs;
    counts.unfinishedUploads = orphans.unfinishedUploads;
  }
  progress();
  return counts;
}
