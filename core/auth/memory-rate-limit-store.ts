import type { RateLimitStore } from './ports.ts';
import { peekResult, slidingWindow } from './rate-limit.ts';

/** The in-memory store, and what it holds (for tests of its bound). */
export type MemoryRateLimitStore = RateLimitStore & {
  /** How many buckets are held now. */
  readonly size: number;
};

/**
 * Attempts in this process's memory, for unit tests and the core's own tests; it
 * passes the same contract as the database stores. It keeps at most `maxKeys`
 * buckets (default 10,000), the least recently seen going first, so memory is
 * bounded whatever the traffic.
 */
export function memoryRateLimitStore(options: { maxKeys?: number } = {}): MemoryRateLimitStore {
  const maxKeys = options.maxKeys ?? 10_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new RangeError('memoryRateLimitStore: maxKeys must be a whole number of at least 1.');
  }
  // Map keeps insertion order; re-inserting a bucket on every hit makes the first
  // bucket the least recently seen, which is the one to evict.
  const hits = new Map<string, number[]>();

  const recent = (bucket: string, now: number, windowMs: number) =>
    (hits.get(bucket) ?? []).filter((t) => t + windowMs > now);

  return {
    async hit({ bucket, now, windowMs, limit }) {
      const at = now.getTime();
      const times = recent(bucket, at, windowMs);
      const result = slidingWindow({ times, now: at, windowMs, limit });
      if (result.allowed) times.push(at);
      hits.delete(bucket);
      hits.set(bucket, times);
      // Evicting a bucket forgets its count, so a flood of new keys could free an old
      // one early; maxKeys should be well above the keys seen in one window. Without a
      // bound, the same flood (say, spoofed IPv6 addresses) would exhaust memory instead.
      for (const key of hits.keys()) {
        if (hits.size <= maxKeys) break;
        hits.delete(key);
      }
      return result;
    },
    async peek({ bucket, now, windowMs, limit }) {
      const at = now.getTime();
      return peekResult(
        slidingWindow({ times: recent(bucket, at, windowMs), now: at, windowMs, limit }),
      );
    },
    async reset({ bucket }) {
      hits.delete(bucket);
    },
    async deleteBefore({ before, limit }) {
      let deleted = 0;
      for (const [bucket, times] of [...hits]) {
        if (deleted >= limit) break;
        const kept: number[] = [];
        for (const t of times) {
          if (t < before.getTime() && deleted < limit) deleted++;
          else kept.push(t);
        }
        if (kept.length === 0) hits.delete(bucket);
        else hits.set(bucket, kept);
      }
      return deleted;
    },
    get size() {
      return hits.size;
    },
  };
}
