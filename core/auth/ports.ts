import type { RateLimitResult } from './rate-limit.ts';

/** One sliding-window question: may `bucket` have one more attempt at `now`? */
export type RateLimitQuery = {
  /** A keyed hash naming the limiter and the client; never a raw address. */
  bucket: string;
  now: Date;
  /** How long an attempt counts after it was made. */
  windowMs: number;
  /** Attempts allowed in any `windowMs`. */
  limit: number;
};

/**
 * Where the rate limiters keep their attempts. The database implements it so every
 * process and every node of an installation counts against one limit; an in-memory one
 * (`memoryRateLimitStore`) serves unit tests. Every implementation passes
 * `test/contracts/rate-limit-store-contract.ts` and decides with `slidingWindow`.
 */
export type RateLimitStore = {
  /**
   * Counts one attempt for `bucket` if fewer than `limit` were counted in the
   * `windowMs` before `now`, and says whether it was. Counting and deciding are one
   * atomic step: concurrent calls from any process or node never let more than
   * `limit` through. Refused attempts are not counted.
   */
  hit(args: RateLimitQuery): Promise<RateLimitResult>;
  /** What `hit` would answer now, counting nothing. */
  peek(args: RateLimitQuery): Promise<RateLimitResult>;
  /** Forgets every attempt of `bucket` (its holder has proved who they are). */
  reset(args: { bucket: string }): Promise<void>;
  /** Deletes up to `limit` attempts made before `before`; returns how many went. */
  deleteBefore(args: { before: Date; limit: number }): Promise<number>;
};
