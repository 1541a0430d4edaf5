import { describe, expect, it } from 'vitest';
import { memoryRateLimitStore } from './memory-rate-limit-store.ts';
import { MAX_WINDOW_MS, RateLimiter } from './rate-limit.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');

/** A clock the test moves by hand. */
function manualClock() {
  const state = { ms: 0 };
  return {
    state,
    clock: { now: () => new Date(T0 + state.ms) },
  };
}

/** A limiter over a fresh in-memory store; keys are "hashed" by a visible prefix. */
function limiterOf(options: {
  limit: number;
  windowMs: number;
  clock: { now: () => Date };
  maxKeys?: number;
}) {
  const store = memoryRateLimitStore(
    options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys },
  );
  const limiter = new RateLimiter({
    name: 'test',
    limit: options.limit,
    windowMs: options.windowMs,
    clock: options.clock,
    store,
    hashKey: (value) => `h(${value})`,
  });
  return Object.assign(limiter, { store });
}

describe('RateLimiter', async () => {
  it('allows `limit` attempts in a window and refuses the next, saying how long to wait', async () => {
    const { state, clock } = manualClock();
    const limiter = limiterOf({ limit: 3, windowMs: 60_000, clock });
    expect(await limiter.hit('1.2.3.4')).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    state.ms = 10_000;
    expect(await limiter.hit('1.2.3.4')).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    state.ms = 20_000;
    expect(await limiter.hit('1.2.3.4')).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    state.ms = 30_000;
    // The first attempt (at 0) leaves the window at 60s: 30s from now.
    expect(await limiter.hit('1.2.3.4')).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterMs: 30_000,
    });
  });

  it('slides: an attempt leaves the window exactly windowMs after it was made', async () => {
    const { state, clock } = manualClock();
    const limiter = limiterOf({ limit: 2, windowMs: 60_000, clock });
    await limiter.hit('k');
    state.ms = 30_000;
    await limiter.hit('k');
    state.ms = 59_999;
    expect(await limiter.hit('k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1 });
    state.ms = 60_000;
    expect((await limiter.hit('k')).allowed).toBe(true);
    // The attempts at 30s and 60s are in the window now: the next waits for 30s's to leave.
    state.ms = 60_001;
    expect(await limiter.hit('k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 29_999 });
  });

  it('does not allow twice the limit across a window edge, as a fixed window would', async () => {
    const { state, clock } = manualClock();
    const limiter = limiterOf({ limit: 5, windowMs: 60_000, clock });
    state.ms = 59_000;
    for (let i = 0; i < 5; i++) expect((await limiter.hit('k')).allowed).toBe(true);
    state.ms = 61_000;
    expect((await limiter.hit('k')).allowed).toBe(false);
  });

  it('does not count refused attempts', async () => {
    const { state, clock } = manualClock();
    const limiter = limiterOf({ limit: 1, windowMs: 1_000, clock });
    await limiter.hit('k');
    for (let ms = 100; ms < 1_000; ms += 100) {
      state.ms = ms;
      expect((await limiter.hit('k')).allowed).toBe(false);
    }
    state.ms = 1_000;
    expect((await limiter.hit('k')).allowed).toBe(true);
  });

  it('counts each key on its own', async () => {
    const { clock } = manualClock();
    const limiter = limiterOf({ limit: 1, windowMs: 1_000, clock });
    expect((await limiter.hit('a')).allowed).toBe(true);
    expect((await limiter.hit('a')).allowed).toBe(false);
    expect((await limiter.hit('b')).allowed).toBe(true);
  });

  it('peeks without counting, and resets a key', async () => {
    const { clock } = manualClock();
    const limiter = limiterOf({ limit: 2, windowMs: 1_000, clock });
    expect(await limiter.peek('k')).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    expect(limiter.store.size).toBe(0);
    await limiter.hit('k');
    await limiter.hit('k');
    expect(await limiter.peek('k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1_000 });
    await limiter.reset('k');
    expect((await limiter.hit('k')).allowed).toBe(true);
  });

  it('holds at most maxKeys keys, evicting the least recently seen', async () => {
    const { clock } = manualClock();
    const limiter = limiterOf({ limit: 1, windowMs: 60_000, clock, maxKeys: 3 });
    await limiter.hit('a');
    await limiter.hit('b');
    await limiter.hit('c');
    await limiter.hit('a'); // refused, but seen: now 'b' is the least recent
    await limiter.hit('d');
    expect(limiter.store.size).toBe(3);
    expect((await limiter.peek('a')).allowed).toBe(false);
    expect((await limiter.peek('b')).allowed).toBe(true); // forgotten
    expect((await limiter.peek('c')).allowed).toBe(false);
    expect((await limiter.peek('d')).allowed).toBe(false);
  });

  it('stays bounded under a flood of distinct keys', async () => {
    const { clock } = manualClock();
    const limiter = limiterOf({ limit: 5, windowMs: 60_000, clock, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) await limiter.hit(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.store.size).toBe(100);
  });

  it('deletes attempts made before a time, at most `limit` of them', async () => {
    const { state, clock } = manualClock();
    const limiter = limiterOf({ limit: 5, windowMs: 1_000, clock });
    await limiter.hit('old');
    await limiter.hit('old');
    state.ms = 500;
    await limiter.hit('new');
    const before = new Date(T0 + 500);
    expect(await limiter.store.deleteBefore({ before, limit: 1 })).toBe(1);
    expect(await limiter.store.deleteBefore({ before, limit: 10 })).toBe(1);
    expect(limiter.store.size).toBe(1);
    expect((await limiter.peek('new')).remaining).toBe(4);
  });

  it('keeps limiters apart and hands the store only hashed keys', async () => {
    const { clock } = manualClock();
    const seen: string[] = [];
    const inner = memoryRateLimitStore();
    const store = {
      ...inner,
      hit: (q: Parameters<typeof inner.hit>[0]) => {
        seen.push(q.bucket);
        return inner.hit(q);
      },
    };
    const make = (name: string) =>
      new RateLimiter({ name, limit: 1, windowMs: 1_000, clock, store, hashKey: (v) => `h(${v})` });
    expect((await make('sign-in').hit('1.2.3.4')).allowed).toBe(true);
    expect((await make('reset').hit('1.2.3.4')).allowed).toBe(true);
    expect((await make('sign-in').hit('1.2.3.4')).allowed).toBe(false);
    expect(seen).toEqual([
      'h(rate-limit\nsign-in\n1.2.3.4)',
      'h(rate-limit\nreset\n1.2.3.4)',
      'h(rate-limit\nsign-in\n1.2.3.4)',
    ]);
  });

  it('never asks for a wait longer than one window, even if the clock stepped back', async () => {
    const { state, clock } = manualClock();
    const limiter = limiterOf({ limit: 1, windowMs: 1_000, clock });
    state.ms = 10_000;
    await limiter.hit('k');
    state.ms = 0;
    expect(await limiter.hit('k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1_000 });
  });

  it('refuses options that make no sense', async () => {
    const { clock } = manualClock();
    expect(() => limiterOf({ limit: 0, windowMs: 1_000, clock })).toThrow(/limit/);
    expect(() => limiterOf({ limit: 1, windowMs: 0.5, clock })).toThrow(/windowMs/);
    expect(() => limiterOf({ limit: 1, windowMs: 1, clock, maxKeys: 0 })).toThrow(/maxKeys/);
    expect(() => limiterOf({ limit: 1, windowMs: MAX_WINDOW_MS + 1, clock })).toThrow(/one day/);
  });
});
