import type { Clock } from '../shared/ports.ts';
import type { RateLimitStore } from './ports.ts';

/** The answer to one attempt: go ahead, or wait `retryAfterMs` before the next. */
export type RateLimitResult =
  | { allowed: true; remaining: number; retryAfterMs: 0 }
  | { allowed: false; remaining: 0; retryAfterMs: number };

/**
 * The longest window a limiter may have. Housekeeping deletes attempts older than
 * this, so a longer window would silently forget attempts it still needs.
 */
export const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What a limiter allows: `limit` attempts per key in any `windowMs`. */
export type RateLimitOptions = {
  /** Tells this limiter's attempts apart from another's for the same client. */
  name: string;
  limit: number;
  windowMs: number;
  clock: Clock;
  /** Where attempts are counted: the database, so every process and node agrees. */
  store: RateLimitStore;
  /**
   * A keyed hash (HMAC under the server's signing key) of the name and the key: the
   * store holds who knocked only in a form nobody without the key can reverse or
   * test guesses against, since IP and email addresses are few enough to enumerate.
   */
  hashKey: (value: string) => string;
};

/**
 * The sliding-window rule every store decides with. `times` are the bucket's
 * counted attempts (any order, any age); an attempt counts while `time + windowMs >
 * now`, so it leaves the window exactly `windowMs` after it was made, and there is no
 * burst of twice the limit across a window edge, as a fixed window allows. Times
 * after `now` (another node's clock ahead of this one) still count.
 */
export function slidingWindow(args: {
  times: readonly number[];
  now: number;
  windowMs: number;
  limit: number;
}): RateLimitResult {
  const { now, windowMs, limit } = args;
  const inWindow = args.times.filter((t) => t + windowMs > now).sort((a, b) => a - b);
  if (inWindow.length < limit) {
    // The attempt about to be counted takes one of the remaining places.
    return { allowed: true, remaining: limit - inWindow.length - 1, retryAfterMs: 0 };
  }
  // A place frees when enough of the oldest attempts have left: with the limit
  // lowered since they were counted, that is more than just the oldest. Clamped so a
  // clock that stepped backwards cannot ask for a wait longer than one window.
  const freeing = inWindow[inWindow.length - limit] as number;
  const wait = freeing + windowMs - now;
  return { allowed: false, remaining: 0, retryAfterMs: Math.min(windowMs, Math.max(1, wait)) };
}

/** `slidingWindow`'s answer for a peek: nothing is about to be counted. */
export function peekResult(result: RateLimitResult): RateLimitResult {
  return result.allowed ? { ...result, remaining: result.remaining + 1 } : result;
}

/**
 * Counts attempts per key (an IP address, an address being signed in to) in a
 * sliding window: at most `limit` in any `windowMs` (see `slidingWindow`).
 *
 * Refused attempts are not counted: a client that keeps knocking while refused is
 * let in again `windowMs` after its earlier attempts, not never. The lockout in
 * `lockout.ts` is what stops password guessing for good; this limit only slows it
 * and spares the password hasher.
 *
 * The attempts live in the store the app is composed with: the database, so the
 * limit holds across every worker process and every app node sharing it, not per
 * process (docs/decisions/0026). Keys reach the store only as keyed hashes.
 */
export class RateLimiter {
  readonly #name: string;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #store: RateLimitStore;
  readonly #hashKey: (value: string) => string;

  constructor(options: RateLimitOptions) {
    for (const [name, value] of [
      ['limit', options.limit],
      ['windowMs', options.windowMs],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`RateLimiter: ${name} must be a whole number of at least 1.`);
      }
    }
    if (options.windowMs > MAX_WINDOW_MS) {
      throw new RangeError('RateLimiter: windowMs must be at most one day.');
    }
    if (!options.name) throw new RangeError('RateLimiter: name must not be empty.');
    this.#name = options.name;
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#clock = options.clock;
    this.#store = options.store;
    this.#hashKey = options.hashKey;
  }

  /** Counts one attempt for `key` if it is allowed now, and says whether it is. */
  hit(key: string): Promise<RateLimitResult> {
    return this.#store.hit(this.#query(key));
  }

  /** Whether an attempt for `key` would be allowed now, without counting one. */
  peek(key: string): Promise<RateLimitResult> {
    return this.#store.peek(this.#query(key));
  }

  /** Forgets `key`, e.g. once its holder has signed in. */
  reset(key: string): Promise<void> {
    return this.#store.reset({ bucket: this.#bucket(key) });
  }

  #bucket(key: string): string {
    // The name goes into the hash so two limiters never share a bucket; the newline
    // cannot occur in a name, so no name and key pair can pass for another.
    return this.#hashKey(`rate-limit\n${this.#name}\n${key}`);
  }

  #query(key: string) {
    return {
      bucket: this.#bucket(key),
      now: this.#clock.now(),
      windowMs: this.#windowMs,
      limit: this.#limit,
    };
  }
}
