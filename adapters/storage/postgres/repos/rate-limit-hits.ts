import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { RateLimitQuery, RateLimitStore } from '../../../../core/auth/ports.ts';
import { peekResult, slidingWindow } from '../../../../core/auth/rate-limit.ts';
import { checkPage } from '../../shared/mappers.ts';
import type { PgContext, PgDb } from '../context.ts';
import { rateLimitHits } from '../schema.ts';

// The two-key form of advisory locks lives apart from the one-key form `withLock`
// uses, so a bucket can never collide with a job's lock. 'Rate' in ASCII; the blob
// chunks use 'Seal'.
const LOCK_CLASS = 0x52617465;

/** The bucket's attempts still in the window ending at `now`, as epoch milliseconds. */
async function inWindow(db: PgDb, { bucket, now, windowMs }: RateLimitQuery): Promise<number[]> {
  const rows = await db
    .select({ hitAt: rateLimitHits.hitAt })
    .from(rateLimitHits)
    .where(
      and(
        eq(rateLimitHits.bucket, bucket),
        gt(rateLimitHits.hitAt, new Date(now.getTime() - windowMs)),
      ),
    )
    .orderBy(asc(rateLimitHits.hitAt));
  return rows.map((row) => row.hitAt.getTime());
}

/**
 * Rate-limit attempts in PostgreSQL, shared by every process and node. Under READ
 * COMMITTED two transactions could both count `limit - 1` and both insert; so `hit`
 * first takes a transaction-scoped advisory lock on the bucket's hash, and a second
 * `hit` on the same bucket, from any node, waits for the commit and then sees this
 * attempt. Other buckets do not wait (a hash collision only makes two wait).
 */
export function pgRateLimitHits(ctx: PgContext): RateLimitStore {
  return {
    hit: (query) =>
      ctx.atomic(async (db) => {
        const { bucket, now, windowMs, limit } = query;
        await db.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${bucket}))`);
        // The bucket's attempts that left the window go as it is used, so an active
        // bucket holds at most `limit` rows; housekeeping sweeps the idle ones.
        await db
          .delete(rateLimitHits)
          .where(
            and(
              eq(rateLimitHits.bucket, bucket),
              lte(rateLimitHits.hitAt, new Date(now.getTime() - windowMs)),
            ),
          );
        const times = await inWindow(db, query);
        const result = slidingWindow({ times, now: now.getTime(), windowMs, limit });
        if (result.allowed) await db.insert(rateLimitHits).values({ bucket, hitAt: now });
        return result;
      }),
    peek: (query) =>
      ctx.run(async (db) =>
        peekResult(
          slidingWindow({
            times: await inWindow(db, query),
            now: query.now.getTime(),
            windowMs: query.windowMs,
            limit: query.limit,
          }),
        ),
      ),
    reset: ({ bucket }) =>
      ctx.run(async (db) => {
        await db.delete(rateLimitHits).where(eq(rateLimitHits.bucket, bucket));
      }),
    deleteBefore: ({ before, limit }) =>
      ctx.run(async (db) => {
        // The table has no key of its own: ctid names the rows to delete.
        const gone = await db.execute(
          sql`delete from ${rateLimitHits} where ctid in (select ctid from ${rateLimitHits} where ${rateLimitHits.hitAt} < ${before.toISOString()} limit ${checkPage({ limit }).limit})`,
        );
        return gone.count;
      }),
  };
}
