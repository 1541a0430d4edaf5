import type { Clock } from '../shared/ports.ts';

/** The answer to one attempt: go ahead, or wait `retryAfterMs` before the next. */
export type RateLimitResult =
  | { allowed: true; remaining: number; retryAfterMs: 0 }
  | { allowed: false; remaining: 0; retryAfterMs: number };

/** What a limiter allows: `limit` attempts per key in any `windowMs`. */
export type RateLimitOptions = {
  limit: number;
  windowMs: number;
  clock: Clock;
  /** The most keys held at once; the least recently seen go first. Default 10,000. */
  maxKeys?: number;
};

/**
 * Counts attempts per key (an IP address, an address being signed in to) in a
 * sliding window: at most `limit` in any `windowMs`, with no burst of twice the
 * limit across a window edge, as a fixed window allows. It keeps the times of the
 * last `limit` allowed attempts per key, so memory is at most `limit * maxKeys`
 * numbers whatever the traffic.
 *
 * Refused attempts are not counted: a client that keeps knocking while refused is
 * let in again `windowMs` after its earlier attempts, not never. The lockout in
 * `lockout.ts` is what stops password guessing for good; this limit only slows it
 * and spares the password hasher.
 *
 * The state lives in this process, so with several app nodes each counts on its
 * own: the limit per node, not per cluster. That is fine for slowing guessing down;
 * the account lockout, which is stored in the database, is shared.
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #maxKeys: number;
  // Map keeps insertion order; re-inserting a key on every hit makes the first key
  // the least recently seen, which is the one to evict.
  readonly #hits = new Map<string, number[]>();

  constructor(options: RateLimitOptions) {
    const maxKeys = options.maxKeys ?? 10_000;
    for (const [name, value] of [
      ['limit', options.limit],
      ['windowMs', options.windowMs],
      ['maxKeys', maxKeys],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`RateLimiter: ${name} must be a whole number of at least 1.`);
      }
    }
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#clock = options.clock;
    this.#maxKeys = maxKeys;
  }

  /** Counts one attempt for `key` if it is allowed now, and says whether it is. */
  hit(key: string): RateLimitResult {
    const now = this.#clock.now().getTime();
    const times = this.#recent(key, now);
    this.#hits.delete(key);
    if (times.length >= this.#limit) {
      this.#hits.set(key, times);
      return { allowed: false, remaining: 0, retryAfterMs: this.#retryAfter(times, now) };
    }
    times.push(now);
    this.#hits.set(key, times);
    this.#evictOverflow();
    return { allowed: true, remaining: this.#limit - times.length, retryAfterMs: 0 };
  }

  /** Whether an attempt for `key` would be allowed now, without counting one. */
  peek(key: string): RateLimitResult {
    const now = this.#clock.now().getTime();
    const times = this.#hits.has(key) ? this.#recent(key, now) : [];
    if (times.length >= this.#limit) {
      return { allowed: false, remaining: 0, retryAfterMs: this.#retryAfter(times, now) };
    }
    return { allowed: true, remaining: this.#limit - times.length, retryAfterMs: 0 };
  }

  /** Forgets `key`, e.g. once its holder has signed in. */
  reset(key: string): void {
    this.#hits.delete(key);
  }

  /** Drops every key whose attempts have all left the window; returns how many went. */
  prune(): number {
    const now = this.#clock.now().getTime();
    let dropped = 0;
    for (const key of [...this.#hits.keys()]) {
      if (this.#recent(key, now).length === 0) {
        this.#hits.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** How many keys are held now. */
  get size(): number {
    return this.#hits.size;
  }

  /** The key's attempts still inside the window ending at `now`, oldest first. */
  #recent(key: string, now: number): number[] {
    const times = this.#hits.get(key) ?? [];
    let expired = 0;
    while (expired < times.length && (times[expired] as number) + this.#windowMs <= now) expired++;
    if (expired > 0) times.splice(0, expired);
    return times;
  }

  #retryAfter(times: number[], now: number): number {
    // The oldest attempt leaves the window at oldest + windowMs. Clamped so a clock
    // that stepped backwards cannot ask for a wait longer than one window.
    const wait = (times[0] as number) + this.#windowMs - now;
    return Math.min(this.#windowMs, Math.max(1, wait));
  }

  #evictOverflow(): void {
    // Evicting a key forgets its count, so a flood of new keys could free an old one
    // early; maxKeys should be well above the keys seen in one window. Without a bound,
    // the same flood (say, spoofed IPv6 addresses) would exhaust memory instead.
    for (const key of this.#hits.keys()) {
      if (this.#hits.size <= this.#maxKeys) break;
      this.#hits.delete(key);
    }
  }
}
