import type { JobRun } from '../lifecycle/model.ts';
import { DAY_MS } from '../shared/time.ts';
import type { AdminDeps } from './deps.ts';

/** Weeks the dashboard charts. */
export const DASHBOARD_WEEKS = 12;
/** Job runs the dashboard lists. */
const RECENT_RUNS = 8;
const WEEK_MS = 7 * DAY_MS;

/** One week of the dashboard's charts. */
export type WeekStats = {
  /** The first instant of the week. */
  start: Date;
  /** Copies sent: one per recipient of each message. */
  sent: number;
  /** Copies opened for the first time that week. */
  opened: number;
  /** Median time to first open of the copies first opened that week, or null. */
  medianOpenMs: number | null;
};

/** Everything the admin dashboard shows: counts and times, never content. */
export type DashboardStats = {
  weeks: WeekStats[];
  /** Over all the weeks shown. */
  medianOpenMs: number | null;
  lockedAccounts: number;
  /** Mails waiting to be sent (pending or being sent). */
  outboxDepth: number;
  failedMail: number;
  recentRuns: JobRun[];
};

/**
 * The dashboard's figures for the `DASHBOARD_WEEKS` weeks up to `now`. Weeks are
 * rolling (each ends at the same time of the week as `now`), so the last bar is a
 * whole week, not a part of one.
 */
export async function loadDashboard(
  deps: Pick<AdminDeps, 'storage' | 'clock'>,
): Promise<DashboardStats> {
  const repos = deps.storage.repos;
  const now = deps.clock.now();
  const from = new Date(now.getTime() - DASHBOARD_WEEKS * WEEK_MS);
  const starts = Array.from(
    { length: DASHBOARD_WEEKS },
    (_, n) => new Date(from.getTime() + n * WEEK_MS),
  );
  const [activity, medians, medianOpenMs, lockedAccounts, outboxDepth, failedMail, recentRuns] =
    await Promise.all([
      repos.adminStats.deliveryActivity({ from, spanMs: WEEK_MS, spans: DASHBOARD_WEEKS }),
      Promise.all(
        starts.map((start) =>
          repos.adminStats.medianTimeToFirstOpen({
            from: start,
            to: new Date(start.getTime() + WEEK_MS),
          }),
        ),
      ),
      repos.adminStats.medianTimeToFirstOpen({ from, to: now }),
      repos.adminStats.countLockedAccounts({ now }),
      repos.outbox.countUnsent(),
      repos.adminStats.countFailedMail(),
      repos.jobRuns.listRecent({ limit: RECENT_RUNS }),
    ]);
  return {
    weeks: starts.map((start, n) => ({
      start,
      sent: activity[n]?.sent ?? 0,
      opened: activity[n]?.opened ?? 0,
      medianOpenMs: medians[n] ?? null,
    })),
    medianOpenMs,
    lockedAccounts,
    outboxDepth,
    failedMail,
    recentRuns,
  };
}
