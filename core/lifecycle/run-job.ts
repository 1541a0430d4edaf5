import { recordAudit } from '../audit/record.ts';
import { shortError } from '../mail/outbox-worker.ts';
import { runAccessExpiry } from './access-expiry.ts';
import type { JobOptions, LifecycleDeps } from './deps.ts';
import { runHousekeeping } from './housekeeping.ts';
import { JOB_RUN_INTERRUPTED, type JobCounts, type JobName, type JobRun } from './model.ts';
import { runRetentionPurge } from './retention-purge.ts';
import { runUnretrievedNotice } from './unretrieved-notice.ts';

/** The outcome of asking for a run: skipped because another holder runs it, or the run. */
export type JobResult =
  /** `busy`: another node or process holds the lock; `recent`: a run started within `skipIfRanWithinMs`. */
  | { ran: false; reason: 'busy' | 'recent' }
  /** `error` is the failure itself, for the log; the run records only a short message. */
  | { ran: true; run: JobRun; error: unknown };

const JOBS: Record<JobName, (deps: LifecycleDeps, options: JobOptions) => Promise<JobCounts>> = {
  'access-expiry': runAccessExpiry,
  'retention-purge': runRetentionPurge,
  'unretrieved-notice': runUnretrievedNotice,
  housekeeping: runHousekeeping,
};

/** The name of the cluster-wide lock a job runs under. */
export function jobLockName(job: JobName): string {
  return `sealpost-job:${job}`;
}

/**
 * Marks runs of `job` still recorded as running as failed. Called while holding the
 * job's lock, so no such run can really be running: its process died (kill -9, power).
 */
async function closeInterruptedRuns(deps: LifecycleDeps, job: JobName): Promise<void> {
  const recent = await deps.storage.repos.jobRuns.listRecent({ job, limit: 20 });
  for (const run of recent.filter((r) => r.status === 'running')) {
    await deps.storage.repos.jobRuns.update({
      run: {
        ...run,
        status: 'failed',
        error: JOB_RUN_INTERRUPTED,
      },
    });
  }
}

/**
 * Runs one lifecycle job under its cluster-wide lock (`Storage.withLock`: a PostgreSQL
 * advisory lock, so of several app nodes exactly one runs it; `{ ran: false }` at once
 * for the others). The run is recorded in the job history as it starts and again with
 * its counts when it ends, and a `job.run` audit event says what it did. A job that
 * fails is recorded as failed, with a short message, and its error returned; every job
 * is safe to run again after a failure or a crash.
 */
export async function runJob(
  deps: LifecycleDeps,
  args: {
    name: JobName;
    options?: JobOptions;
    onStart?: (run: JobRun) => void;
    /**
     * The scheduler's guard: skip when a run of this job started less than this long
     * ago. Every node's timer fires at about the same time; the one that gets the lock
     * runs, and one that is late by a few seconds finds the lock free again but the
     * run done, so it does not run it twice.
     */
    skipIfRanWithinMs?: number;
  },
): Promise<JobResult> {
  const job = JOBS[args.name];
  const locked = await deps.storage.withLock({
    name: jobLockName(args.name),
    fn: async () => {
      const startedAt = deps.clock.now();
      if (args.skipIfRanWithinMs !== undefined) {
        const [last] = await deps.storage.repos.jobRuns.listRecent({ job: args.name, limit: 1 });
        if (last && startedAt.getTime() - last.startedAt.getTime() < args.skipIfRanWithinMs) {
          return null;
        }
      }
      await closeInterruptedRuns(deps, args.name);
      const run: JobRun = {
        id: deps.ids.newId(),
        job: args.name,
        startedAt,
        finishedAt: null,
        status: 'running',
        counts: {},
        error: null,
      };
      await deps.storage.repos.jobRuns.insert({ run });
      args.onStart?.(run);
      let counts: JobCounts = {};
      let failure: unknown = null;
      try {
        counts = await job(deps, {
          ...args.options,
          now: startedAt,
          onProgress: (soFar) => {
            counts = soFar;
            args.options?.onProgress?.(soFar);
          },
        });
      } catch (error) {
        failure = error;
      }
      const finishedAt = deps.clock.now();
      const finished: JobRun = {
        ...run,
        finishedAt,
        status: failure === null ? 'ok' : 'failed',
        counts,
        error:
          failure === null
            ? null
            : shortError(failure instanceof Error ? failure.message : String(failure)),
      };
      await deps.storage.transaction(async (tx) => {
        await tx.jobRuns.update({ run: finished });
        await recordAudit(deps, tx, {
          action: 'job.run',
          actorId: null,
          actorLabel: `job:${args.name}`,
          ip: null,
          targetType: 'job-run',
          targetId: run.id,
          details: {
            job: args.name,
            status: finished.status,
            durationMs: finishedAt.getTime() - startedAt.getTime(),
            ...counts,
          },
        });
      });
      return { run: finished, error: failure };
    },
  });
  if (!locked.ran) return { ran: false, reason: 'busy' };
  return locked.value === null ? { ran: false, reason: 'recent' } : { ran: true, ...locked.value };
}
