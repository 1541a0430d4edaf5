import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, hasExhaustedRetries, retryDelayMs } from './backoff.ts';

const MIN = 60_000;

describe('retryDelayMs', () => {
  it('doubles from one minute and stops at one hour (jitter at its midpoint)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 29].map((attempts) =>
      retryDelayMs({ attempts, random: () => 0.5 }),
    );
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60].map((m) => m * MIN));
  });

  it('spreads retries by +-20% and never goes past the cap', () => {
    expect(retryDelayMs({ attempts: 3, random: () => 0 })).toBe(192_000);
    expect(retryDelayMs({ attempts: 3, random: () => 0.999_999 })).toBe(288_000);
    expect(retryDelayMs({ attempts: 20, random: () => 0.999_999 })).toBe(60 * MIN);
    expect(retryDelayMs({ attempts: 20, random: () => 0 })).toBe(2_880_000);
  });

  it('survives absurd attempt counts without overflowing', () => {
    expect(retryDelayMs({ attempts: 10_000, random: () => 0.5 })).toBe(60 * MIN);
    expect(retryDelayMs({ attempts: 0, random: () => 0.5 })).toBe(MIN);
  });

  it('follows a custom policy', () => {
    const policy = { baseMs: 1_000, capMs: 5_000, maxAttempts: 3 };
    const delays = [1, 2, 3, 4].map((attempts) =>
      retryDelayMs({ attempts, policy, random: () => 0.5 }),
    );
    expect(delays).toEqual([1_000, 2_000, 4_000, 5_000]);
  });

  it('by default spans about a day before giving up', () => {
    let total = 0;
    for (let attempts = 1; attempts < DEFAULT_RETRY.maxAttempts; attempts++) {
      total += retryDelayMs({ attempts, random: () => 0.5 });
    }
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThan(28);
  });
});

describe('hasExhaustedRetries', () => {
  it('gives up at maxAttempts, not before', () => {
    expect(hasExhaustedRetries({ attempts: DEFAULT_RETRY.maxAttempts - 1 })).toBe(false);
    expect(hasExhaustedRetries({ attempts: DEFAULT_RETRY.maxAttempts })).toBe(true);
    expect(
      hasExhaustedRetries({ attempts: 2, policy: { baseMs: 1, capMs: 1, maxAttempts: 2 } }),
    ).toBe(true);
  });
});
