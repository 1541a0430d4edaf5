import { describe, expect, it } from 'vitest';
import type { RateLimitStore } from '../../core/auth/ports.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

/**
 * The RateLimitStore contract: the sliding window of `core/auth/rate-limit.ts`, the
 * same answers from every store. `make` gives a store with no attempts; `makeSecond`,
 * when given, a second store over the same data through another connection, for the
 * race: concurrent hits from both never let more than `limit` through.
 */
export function rateLimitStoreContract(
  name: string,
  make: () => Promise<RateLimitStore>,
  makeSecond?: () => Promise<RateLimitStore>,
): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    const q = (bucket: string, ms: number, limit: number, windowMs = 60_000) => ({
      bucket,
      now: at(ms),
      windowMs,
      limit,
    });

    it('allows `limit` attempts in a window and refuses the next, saying how long to wait', async () => {
      const store = await make();
      expect(await store.hit(q('b', 0, 3))).toEqual({
        allowed: true,
        remaining: 2,
        retryAfterMs: 0,
      });
      expect(await store.hit(q('b', 10_000, 3))).toEqual({
        allowed: true,
        remaining: 1,
        retryAfterMs: 0,
      });
      expect(await store.hit(q('b', 20_000, 3))).toEqual({
        allowed: true,
        remaining: 0,
        retryAfterMs: 0,
      });
      expect(await store.hit(q('b', 30_000, 3))).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterMs: 30_000,
      });
    });

    it('slides: an attempt leaves the window exactly windowMs after it was made', async () => {
      const store = await make();
      await store.hit(q('k', 0, 2));
      await store.hit(q('k', 30_000, 2));
      expect(await store.hit(q('k', 59_999, 2))).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterMs: 1,
      });
      expect((await store.hit(q('k', 60_000, 2))).allowed).toBe(true);
      expect(await store.hit(q('k', 60_001, 2))).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterMs: 29_999,
      });
    });

    it('does not count refused attempts, and keeps buckets apart', async () => {
      const store = await make();
      await store.hit(q('k', 0, 1, 1_000));
      for (let ms = 100; ms < 1_000; ms += 300) {
        expect((await store.hit(q('k', ms, 1, 1_000))).allowed).toBe(false);
      }
      expect((await store.hit(q('other', 500, 1, 1_000))).allowed).toBe(true);
      expect((await store.hit(q('k', 1_000, 1, 1_000))).allowed).toBe(true);
    });

    it('peeks without counting, and resets a bucket', async () => {
      const store = await make();
      expect(await store.peek(q('k', 0, 2, 1_000))).toEqual({
        allowed: true,
        remaining: 2,
        retryAfterMs: 0,
      });
      await store.hit(q('k', 0, 2, 1_000));
      expect(await store.peek(q('k', 0, 2, 1_000))).toEqual({
        allowed: true,
        remaining: 1,
        retryAfterMs: 0,
      });
      await store.hit(q('k', 0, 2, 1_000));
      expect(await store.peek(q('k', 0, 2, 1_000))).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterMs: 1_000,
      });
      await store.reset({ bucket: 'k' });
      expect((await store.hit(q('k', 0, 2, 1_000))).allowed).toBe(true);
    });

    it('never asks for a wait longer than one window, even if the clock stepped back', async () => {
      const store = await make();
      await store.hit(q('k', 10_000, 1, 1_000));
      expect(await store.hit(q('k', 0, 1, 1_000))).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterMs: 1_000,
      });
    });

    it('deletes attempts made before a time, in batches', async () => {
      const store = await make();
      for (const bucket of ['a', 'b', 'c']) await store.hit(q(bucket, 0, 5));
      await store.hit(q('a', 5_000, 5));
      expect(await store.deleteBefore({ before: at(1_000), limit: 2 })).toBe(2);
      expect(await store.deleteBefore({ before: at(1_000), limit: 2 })).toBe(1);
      expect(await store.deleteBefore({ before: at(1_000), limit: 2 })).toBe(0);
      // The later attempt stayed and still counts.
      expect((await store.peek(q('a', 6_000, 5))).remaining).toBe(4);
    });

    if (makeSecond) {
      it('never lets concurrent hits from two connections past the limit', async () => {
        const stores = [await make(), await makeSecond()];
        const limit = 7;
        const hits = Array.from({ length: 60 }, (_, i) =>
          (stores[i % 2] as RateLimitStore).hit(q('raced', 1_000, limit)),
        );
        const results = await Promise.all(hits);
        expect(results.filter((r) => r.allowed)).toHaveLength(limit);
        expect(results.filter((r) => !r.allowed)).toHaveLength(60 - limit);
      });
    }
  });
}
