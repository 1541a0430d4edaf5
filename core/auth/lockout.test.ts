import { describe, expect, it } from 'vitest';
import type { Account } from '../accounts/model.ts';
import { DEFAULT_SETTINGS } from '../settings/model.ts';
import {
  DEFAULT_LOCKOUT_POLICY,
  isLocked,
  Lockout,
  type LockoutPolicy,
  type LockoutState,
  lockoutPolicyFrom,
  recordFailure,
  recordSuccess,
} from './lockout.ts';
import type { DeviceLockout } from './model.ts';

const MIN = 60_000;
const T0 = new Date('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const FRESH: LockoutState = { failures: 0, windowStartedAt: null, lockedUntil: null };
const POLICY = DEFAULT_LOCKOUT_POLICY;

/** Applies failures at the given offsets from T0, returning the last outcome. */
function failAt(offsets: number[], policy: LockoutPolicy = POLICY, start = FRESH) {
  let outcome = { state: start, justLocked: false };
  for (const ms of offsets) outcome = recordFailure(outcome.state, at(ms), policy);
  return outcome;
}

describe('lockout defaults', () => {
  it('are 3 failures in 15 minutes locking for 30, as in the settings', () => {
    expect(lockoutPolicyFrom(DEFAULT_SETTINGS)).toEqual(DEFAULT_LOCKOUT_POLICY);
    expect(DEFAULT_LOCKOUT_POLICY).toEqual({
      maxFailures: 3,
      windowMs: 15 * MIN,
      lockMs: 30 * MIN,
    });
  });

  it('follow the settings when an admin changes them', () => {
    expect(
      lockoutPolicyFrom({ lockoutMaxFailures: 5, lockoutWindowMinutes: 10, lockoutMinutes: 60 }),
    ).toEqual({ maxFailures: 5, windowMs: 10 * MIN, lockMs: 60 * MIN });
  });
});

describe('recordFailure', () => {
  it('does not lock on N-1 failures', () => {
    const outcome = failAt([0, 1 * MIN]);
    expect(outcome.justLocked).toBe(false);
    expect(outcome.state).toEqual({ failures: 2, windowStartedAt: T0, lockedUntil: null });
    expect(isLocked(outcome.state, at(1 * MIN))).toBe(false);
  });

  it('locks on the Nth failure within the window, for lockMs from that failure', () => {
    const outcome = failAt([0, 1 * MIN, 15 * MIN - 1]);
    expect(outcome.justLocked).toBe(true);
    expect(outcome.state.lockedUntil).toEqual(at(15 * MIN - 1 + 30 * MIN));
    expect(isLocked(outcome.state, at(15 * MIN - 1))).toBe(true);
  });

  it('starts a new window for a failure exactly windowMs after the first', () => {
    const outcome = failAt([0, 1 * MIN, 15 * MIN]);
    expect(outcome.justLocked).toBe(false);
    expect(outcome.state).toEqual({
      failures: 1,
      windowStartedAt: at(15 * MIN),
      lockedUntil: null,
    });
  });

  it('counts from the first failure of a window, not the latest (a fixed window)', () => {
    // Failures at 0, 10 and 20 minutes: the third is outside 0's window, so it starts anew.
    expect(failAt([0, 10 * MIN, 20 * MIN]).state.failures).toBe(1);
    // Then 20, 30 and 34 minutes are within one window: locked.
    expect(failAt([0, 10 * MIN, 20 * MIN, 30 * MIN, 34 * MIN]).justLocked).toBe(true);
  });

  it('says justLocked only once, and ignores failures while locked', () => {
    const locked = failAt([0, 1, 2]);
    const again = recordFailure(locked.state, at(5 * MIN), POLICY);
    expect(again.justLocked).toBe(false);
    expect(again.state).toBe(locked.state);
  });

  it('starts afresh after the lock ends, even inside the old window', () => {
    const policy = { maxFailures: 3, windowMs: 60 * MIN, lockMs: 1 * MIN };
    const locked = failAt([0, 1, 2], policy);
    const after = recordFailure(locked.state, at(2 + 1 * MIN), policy);
    expect(after.justLocked).toBe(false);
    expect(after.state).toEqual({
      failures: 1,
      windowStartedAt: at(2 + 1 * MIN),
      lockedUntil: null,
    });
  });

  it('locks on the first failure when the policy allows only one', () => {
    const outcome = failAt([0], { ...POLICY, maxFailures: 1 });
    expect(outcome.justLocked).toBe(true);
  });

  it('does not keep a window open for ever when the clock steps backwards', () => {
    const first = failAt([10 * MIN]);
    const earlier = recordFailure(first.state, at(0), POLICY);
    expect(earlier.state).toEqual({ failures: 1, windowStartedAt: T0, lockedUntil: null });
  });
});

describe('isLocked', () => {
  const state: LockoutState = { failures: 3, windowStartedAt: T0, lockedUntil: at(30 * MIN) };

  it('is locked one millisecond before lockedUntil and unlocked exactly at it', () => {
    expect(isLocked(state, at(30 * MIN - 1))).toBe(true);
    expect(isLocked(state, at(30 * MIN))).toBe(false);
    expect(isLocked(state, at(30 * MIN + 1))).toBe(false);
  });

  it('is never locked without a lockedUntil', () => {
    expect(isLocked(FRESH, T0)).toBe(false);
  });
});

describe('recordSuccess', () => {
  it('clears every counter', () => {
    expect(recordSuccess(failAt([0, 1]).state)).toEqual(FRESH);
  });
});

describe('Lockout', () => {
  const account: Account = {
    id: 'acc1',
    email: 'jo@barnet.gov.uk',
    emailKey: 'jo@barnet.gov.uk',
    displayName: 'Jo Bloggs',
    kind: 'staff',
    role: 'sender',
    passwordHash: '$argon2id$placeholder',
    status: 'active',
    failedSignIns: 0,
    failureWindowStartedAt: null,
    lockedUntil: null,
    totpKeyEnc: null,
    recoveryCodeHashes: [],
    legalHold: false,
    createdAt: T0,
    updatedAt: T0,
    lastSignInAt: null,
    passwordChangedAt: null,
    sharedMailbox: false,
    ssoSubject: null,
    passkeyCount: 0,
    language: null,
  };
  const device: DeviceLockout = {
    accountId: 'acc1',
    deviceHash: 'h',
    failures: 0,
    windowStartedAt: null,
    lockedUntil: null,
  };

  function clockAt(ms: { now: number }) {
    return { now: () => at(ms.now) };
  }

  it('locks an account through its own fields, keeping the rest of it', () => {
    const time = { now: 0 };
    const lockout = new Lockout({ clock: clockAt(time) });
    let current = account;
    const results: boolean[] = [];
    for (const ms of [0, 1 * MIN, 2 * MIN]) {
      time.now = ms;
      const outcome = lockout.accountFailed(current);
      current = outcome.account;
      results.push(outcome.justLocked);
    }
    expect(results).toEqual([false, false, true]);
    expect(current).toMatchObject({
      id: 'acc1',
      email: 'jo@barnet.gov.uk',
      failedSignIns: 3,
      failureWindowStartedAt: T0,
      lockedUntil: at(32 * MIN),
    });
    expect(lockout.isAccountLocked(current)).toBe(true);
    time.now = 32 * MIN;
    expect(lockout.isAccountLocked(current)).toBe(false);
    expect(lockout.accountSucceeded(current)).toMatchObject({
      id: 'acc1',
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
    });
  });

  it('locks a device on its own, with the configured policy', () => {
    const time = { now: 0 };
    const lockout = new Lockout({
      clock: clockAt(time),
      policy: { maxFailures: 2, windowMs: 5 * MIN, lockMs: 10 * MIN },
    });
    const once = lockout.deviceFailed(device);
    const twice = lockout.deviceFailed(once.state);
    expect([once.justLocked, twice.justLocked]).toEqual([false, true]);
    expect(twice.state).toMatchObject({
      accountId: 'acc1',
      deviceHash: 'h',
      lockedUntil: at(10 * MIN),
    });
    expect(lockout.isDeviceLocked(twice.state)).toBe(true);
    expect(lockout.deviceSucceeded(twice.state)).toEqual(device);
  });

  it('refuses a policy that could never lock or never unlock', () => {
    const clock = clockAt({ now: 0 });
    expect(() => new Lockout({ clock, policy: { ...POLICY, maxFailures: 0 } })).toThrow(RangeError);
    expect(() => new Lockout({ clock, policy: { ...POLICY, lockMs: 0 } })).toThrow(RangeError);
    expect(() => new Lockout({ clock, policy: { ...POLICY, windowMs: Number.NaN } })).toThrow(
      RangeError,
    );
  });
});
