import { createTask, type ScheduledTask } from 'node-cron';
import { JOB_NAMES, type JobName } from '../../core/lifecycle/model.ts';
import { type JobResult, runJob } from '../../core/lifecycle/run-job.ts';
import { type JobsApp, lifecycleDepsFrom } from './deps.ts';

/**
 * When each job runs, as cron expressions in JOBS_TIMEZONE (Europe/London by default).
 * Times of day avoid 01:00-02:00, the hour the clocks change in the UK, so no daily job
 * is skipped in March or run twice in October. Expiry is derived at every request, so
 * its job only counts; hourly is plenty.
 */
export const DEFAULT_SCHEDULES: Record<JobName, string> = {
  'access-expiry': '5 * * * *',
  'retention-purge': '15 3 * * *',
  'unretrieved-notice': '0 8 * * *',
  housekeeping: '35 * * * *',
};

/**
 * A run that started this recently is not repeated by another node whose timer fired
 * a little later (see `runJob`'s `skipIfRanWithinMs`): well under the shortest period.
 */
const RECENT_MS = 10 * 60_000;

/** The running scheduler. */
export type JobScheduler = {
  /** Stops the timers and waits for runs under way to finish. */
  stop(): Promise<void>;
};

/**
 * Starts the lifecycle jobs on node-cron inside this process (JOBS=on, the default).
 * Every node may run the scheduler: each run takes the job's cluster-wide lock, so of
 * several nodes exactly one runs a given job, and the others log that they skipped it.
 * A failure is logged and recorded in the job history; the next run tries again.
 */
export function startJobScheduler(args: {
  app: JobsApp;
  schedules?: Partial<Record<JobName, string>>;
}): JobScheduler {
  const { app } = args;
  const log = app.logger.child({ component: 'jobs' });
  const running = new Set<Promise<unknown>>();
  const cronLogger = {
    info: (message: string) => log.debug(message),
    warn: (message: string) => log.warn(message),
    error: (message: string | Error, err?: Error) =>
      log.error({ err: err ?? message }, 'job scheduler error'),
    debug: (message: string | Error) => log.debug(String(message)),
  };

  const tick = async (name: JobName): Promise<void> => {
    let result: JobResult;
    try {
      const deps = await lifecycleDepsFrom(app, { withMailer: false });
      result = await runJob(deps, {
        name,
        skipIfRanWithinMs: RECENT_MS,
        // The orphan walk reads every blob's id and age: once a day, not every hour.
        options: { staleDraftDays: app.config.staleDraftDays, sweepOrphans: 'daily' },
      });
    } catch (error) {
      log.error({ err: error, job: name }, 'job could not start; the next run will try again');
      return;
    }
    if (!result.ran) {
      log.info(
        { job: name, reason: result.reason },
        'job skipped: another node is running it or just ran it',
      );
    } else if (result.run.status === 'failed') {
      log.error({ err: result.error, job: name, runId: result.run.id }, 'job failed');
    } else {
      log.info({ job: name, runId: result.run.id, counts: result.run.counts }, 'job finished');
    }
  };

  const tasks: ScheduledTask[] = JOB_NAMES.map((name) => {
    const task = createTask(
      args.schedules?.[name] ?? DEFAULT_SCHEDULES[name],
      () => {
        const work = tick(name);
        running.add(work);
        return work.finally(() => running.delete(work));
      },
      {
        timezone: app.config.jobsTimezone,
        name: `sealpost:${name}`,
        noOverlap: true,
        logger: cronLogger,
      },
    );
    task.start();
    return task;
  });
  log.info({ timezone: app.config.jobsTimezone }, 'lifecycle jobs scheduled');

  return {
    async stop() {
      for (const task of tasks) {
        await task.stop();
        await task.destroy();
      }
      await Promise.allSettled([...running]);
    },
  };
}
