/** The record of one run of a lifecycle job, shown to admins. */
export type JobRun = {
  id: string;
  job: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: 'running' | 'ok' | 'failed';
  /** What the run did, e.g. `{ expired: 12 }`. */
  counts: Record<string, number>;
  /**
   * Why a failed run failed: `JOB_RUN_INTERRUPTED` (worded by the jobs page), or the
   * failure's short developer message.
   */
  error: string | null;
};

/** The `error` of a run whose process stopped before it finished (kill -9, power). */
export const JOB_RUN_INTERRUPTED = 'interrupted';

/** The lifecycle jobs, by the names `sealpost jobs run NAME` and the scheduler use. */
export const JOB_NAMES = [
  'access-expiry',
  'retention-purge',
  'unretrieved-notice',
  'housekeeping',
] as const;

/** One of `JOB_NAMES`. */
export type JobName = (typeof JOB_NAMES)[number];

/** True when `name` is one of the lifecycle jobs. */
export function isJobName(name: string): name is JobName {
  return (JOB_NAMES as readonly string[]).includes(name);
}

/** What one run of a job did, by count (written to `JobRun.counts` and the audit event). */
export type JobCounts = Record<string, number>;
