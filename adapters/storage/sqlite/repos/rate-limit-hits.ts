import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { RateLimitQuery, RateLimitStore } from '../../../../core/auth/ports.ts';
import { peekResult, slidingWindow } from '../../../../core/auth/rate-limit.ts';
import { checkPage } from '../../shared/mappers.ts';
import type { SqliteContext, SqliteDb } from '../connection.ts';
import { rateLimitHits } from '../schema.ts';

/** The bucket's attempts still in the window ending at `now`, as epoch milliseconds. */
function inWindow(db: SqliteDb, { bucket, now, windowMs }: RateLimitQuery): number[] {
  return db
    .select({ hitAt: rateLimitHits.hitAt })
    .from(rateLimitHits)
    .where(
      and(
        eq(rateLimitHits.bucket, bucket),
        gt(rateLimitHits.hitAt, new Date(now.getTime() - windowMs)),
      ),
    )
    .orderBy(asc(rateLimitHits.hitAt))
    .all()
    .map((row) => row.hitAt.getTime());
}

/**
 * Rate-limit attempts in SQLite, shared by every process on the file. `hit` runs in
 * BEGIN IMMEDIATE (`ctx.atomic`), which takes the database's one write lock before
 * it reads: a second process's `hit` on the same bucket waits for the commit and then
 * sees this attempt, so two processes can never both take the last place.
 */
export function sqliteRateLimitHits(ctx: SqliteContext): RateLimitStore {
  return {
    hit: (query) =>
      ctx.atomic((db) => {
        const { bucket, now, windowMs, limit } = query;
        // The bucket's attempts that left the window go as it is used, so an active
        // bucket holds at most `limit` rows; housekeeping sweeps the idle ones.
        db.delete(rateLimitHits)
          .where(
            and(
              eq(rateLimitHits.bucket, bucket),
              lte(rateLimitHits.hitAt, new Date(now.getTime() - windowMs)),
            ),
          )
          .run();
        const times = inWindow(db, query);
        const result = slidingWindow({ times, now: now.getTime(), windowMs, limit });
        if (result.allowed) db.insert(rateLimitHits).values({ bucket, hitAt: now }).run();
        return result;
      }),
    peek: (query) =>
      ctx.run((db) =>
        peekResult(
          slidingWindow({
            times: inWindow(db, query),
            now: query.now.getTime(),
            windowMs: query.windowMs,
            limit: query.limit,
          }),
        ),
      ),
    reset: ({ bucket }) =>
      ctx.run((db) => {
        db.delete(rateLimitHits).where(eq(rateLimitHits.bucket, bucket)).run();
      }),
    deleteBefore: ({ before, limit }) =>
      ctx.run(
        (db) =>
          // The table has no key of its own: SQLite's rowid names the rows to delete.
          db
            .delete(rateLimitHits)
            .where(
              sql`rowid in (select rowid from ${rateLimitHits} where ${rateLimitHits.hitAt} < ${before.getTime()} limit ${checkPage({ limit }).limit})`,
            )
            .run().changes,
      ),
  };
}
