import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');

/** A clock the test moves by hand. */
function manualClock() {
  const state = { ms: 0 };
  return {
    state,
    clock: { now: () => new Date(T0 + state.ms) },
  };
}

describe('RateLimiter', () => {
  it('allows `limit` attempts in a window and refuses the next, saying how long to wait', () => {
    const { state, clock } = manualClock();
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, clock });
    expect(limiter.hit('1.2.3.4')).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    state.ms = 10_000;
    expect(limiter.hit('1.2.3.4')).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    state.ms = 20_000;
    expect(limiter.hit('1.2.3.4')).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    state.ms = 30_000;
    // The first attempt (at 0) leaves the window at 60s: 30s from now.
    expect(limiter.hit('1.2.3.4')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 30_000 });
  });

  it('slides: an attempt leaves the window exactly windowMs after it was made', () => {
    const { state, clock } = manualClock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000, clock });
    limiter.hit('k');
    state.ms = 30_000;
    limiter.hit('k');
    state.ms = 59_999;
    expect(limiter.hit('k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1 });
    state.ms = 60_000;
    expect(limiter.hit('k').allowed).toBe(true);
    // The attempts at 30s and 60s are in the window now: the next waits for 30s's to leave.
    state.ms = 60_001;
    expect(limiter.hit('k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 29_999 });
  });

  it('does not allow twice the limit across a window edge, as a fixed window would', () => {
    const { state, clock } = manualClock();
    const limiter = new RateLimiter({ limit: 5, windowMs: 60_000, clock });
    state.ms = 59_000;
    for (let i = 0; i < 5; i++) expect(limiter.hit('k').allowed).toBe(true);
    state.ms = 61_000;
    expect(limiter.hit('k').allowed).toBe(false);
  });

  it('does not count refused attempts', () => {
    const { state, clock } = manualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000, clock });
    limiter.hit('k');
    for (let ms = 100; ms < 1_000; ms += 100) {
      state.ms = ms;
      expect(limiter.hit('k').allowed).toBe(false);
    }
    state.ms = 1_000;
    expect(limiter.hit('k').allowed).toBe(true);
  });

  it('counts each key on its own', () => {
    const { clock } = manualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000, clock });
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('a').allowed).toBe(false);
    expect(limiter.hit('b').allowed).toBe(true);
  });

  it('peeks without counting, and resets a key', () => {
    const { clock } = manualClock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 1_000, clock });
    expect(limiter.peek('k')).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    expect(limiter.size).toBe(0);
    limiter.hit('k');
    limiter.hit('k');
    expect(limiter.peek('k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1_000 });
    limiter.reset('k');
    expect(limiter.hit('k').allowed).toBe(true);
  });

  it('holds at most maxKeys keys, evicting the least recently seen', () => {
    const { clock } = manualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, clock, maxKeys: 3 });
    limiter.hit('a');
    limiter.hit('b');
    limiter.hit('c');
    limiter.hit('a'); // refused, but seen: now 'b' is the least recent
    limiter.hit('d');
    expect(limiter.size).toBe(3);
    expect(limiter.peek('a').allowed).toBe(false);
    expect(limiter.peek('b').allowed).toBe(true); // forgotten
    expect(limiter.peek('c').allowed).toBe(false);
    expect(limiter.peek('d').allowed).toBe(false);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const { clock } = manualClock();
    const limiter = new RateLimiter({ limit: 5, windowMs: 60_000, clock, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limiter.hit(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(100);
  });

  it('prunes keys whose attempts have all left the window', () => {
    const { state, clock } = manualClock();
    const limiter = new RateLimiter({ limit: 5, windowMs: 1_000, clock });
    limiter.hit('old');
    state.ms = 500;
    limiter.hit('new');
    state.ms = 1_000;
    expect(limiter.prune()).toBe(1);
    expect(limiter.size).toBe(1);
    expect(limiter.peek('new').remaining).toBe(4);
  });

  it('never asks for a wait longer than one window, even if the clock stepped back', () => {
    const { state, clock } = manualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000, clock });
    state.ms = 10_000;
    limiter.hit('k');
    state.ms = 0;
    expect(limiter.hit('k')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1_000 });
  });

  it('refuses options that make no sense', () => {
    const { clock } = manualClock();
    expect(() => new RateLimiter({ limit: 0, windowMs: 1_000, clock })).toThrow(/limit/);
    expect(() => new RateLimiter({ limit: 1, windowMs: 0.5, clock })).toThrow(/windowMs/);
    expect(() => new RateLimiter({ limit: 1, windowMs: 1, clock, maxKeys: 0 })).toThrow(/maxKeys/);
  });
});
