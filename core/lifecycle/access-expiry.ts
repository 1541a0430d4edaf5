import type { Clock } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { JobOptions } from './deps.ts';
import type { JobCounts } from './model.ts';

/**
 * The access-expiry job. It changes nothing, on purpose: whether a delivery is expired
 * is derived from `accessEndsAt` at the moment of each request (`deliveryState`), so a
 * recipient sees "Access expired", and may ask for more time, exactly at the end of
 * access, not whenever a job next runs; and a granted extension only has to move
 * `accessEndsAt`. Writing an "expired" flag or an event per delivery would add a second
 * source of truth that could disagree with the first.
 *
 * What it does is count: how many deliveries reached the end of their access since the
 * last successful run (or ever, on the first), for the job history admins see. The
 * count comes from an indexed query, so it costs the same for ten deliveries or ten
 * million.
 */
export async function runAccessExpiry(
  deps: { storage: Storage; clock: Clock },
  options: Pick<JobOptions, 'now'> = {},
): Promise<JobCounts> {
  const now = options.now ?? deps.clock.now();
  const recent = await deps.storage.repos.jobRuns.listRecent({ job: 'access-expiry', limit: 20 });
  const previous = recent.find((run) => run.status === 'ok' && run.startedAt <= now);
  const expired = await deps.storage.repos.deliveries.countAccessEnded({
    after: previous?.startedAt ?? new Date(0),
    atOrBefore: now,
  });
  return { expired };
}
