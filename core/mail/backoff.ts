/** How the outbox spaces out its attempts at one mail, and when it gives up. */
export type RetryPolicy = {
  /** The wait after the first failed attempt; each further failure doubles it. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
  /** After this many attempts in all, a mail that still fails is marked failed. */
  maxAttempts: number;
};

/**
 * 1 minute, 2, 4, 8, 16, 32, then hourly; 30 attempts span about a day
 * (63 minutes + 23 hourly waits), so a mail server that is down overnight loses
 * nothing, while an address that never answers stops being tried the next day.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 60_000,
  capMs: 3_600_000,
  maxAttempts: 30,
};

/**
 * How long to wait before the next attempt, given that `attempts` attempts (at least
 * one) have failed so far. Exponential, capped, with +-20% jitter: without jitter,
 * every mail queued while the server was down would retry in the same second and
 * hit the recovering server all at once. `random` returns a number in [0, 1).
 */
export function retryDelayMs(args: {
  attempts: number;
  policy?: RetryPolicy;
  random?: () => number;
}): number {
  const policy = args.policy ?? DEFAULT_RETRY;
  const random = args.random ?? Math.random;
  const failures = Math.max(1, Math.floor(args.attempts));
  // Math.min before multiplying keeps 2 ** n from overflowing to Infinity for large n.
  const exponent = Math.min(failures - 1, 40);
  const base = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(policy.capMs, Math.max(0, jittered)));
}

/** True when a mail that has now failed `attempts` times should not be tried again. */
export function hasExhaustedRetries(args: { attempts: number; policy?: RetryPolicy }): boolean {
  return args.attempts >= (args.policy ?? DEFAULT_RETRY).maxAttempts;
}
