import type { Account } from '../accounts/model.ts';
import type { Settings } from '../settings/model.ts';
import type { Clock } from '../shared/ports.ts';
import { MINUTE_MS } from '../shared/time.ts';
import type { DeviceLockout } from './model.ts';

/**
 * How many failed sign-ins lock what, and for how long: `maxFailures` failures within
 * `windowMs` of the first one lock for `lockMs`.
 */
export type LockoutPolicy = {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
};

/** The counters one lockout keeps: the shape of `DeviceLockout`, and of an account's fields. */
export type LockoutState = {
  /** Failures in the current window. */
  failures: number;
  /** When the first failure of the current window happened; null when none has. */
  windowStartedAt: Date | null;
  /** Sign-in is refused until this instant; null, or in the past, when not locked. */
  lockedUntil: Date | null;
};

/** The outcome of one failure: the new counters, and whether this failure set the lock. */
export type FailureOutcome<S extends LockoutState> = { state: S; justLocked: boolean };

/** 3 failures within 15 minutes lock for 30 minutes, as `DEFAULT_SETTINGS` says. */
export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxFailures: 3,
  windowMs: 15 * MINUTE_MS,
  lockMs: 30 * MINUTE_MS,
};

/** The policy in force, from the admin's settings (which are in minutes). */
export function lockoutPolicyFrom(
  settings: Pick<Settings, 'lockoutMaxFailures' | 'lockoutWindowMinutes' | 'lockoutMinutes'>,
): LockoutPolicy {
  return {
    maxFailures: settings.lockoutMaxFailures,
    windowMs: settings.lockoutWindowMinutes * MINUTE_MS,
    lockMs: settings.lockoutMinutes * MINUTE_MS,
  };
}

/** True while `now` is before `lockedUntil`: the lock ends exactly at `lockedUntil`. */
export function isLocked(state: Pick<LockoutState, 'lockedUntil'>, now: Date): boolean {
  return state.lockedUntil !== null && now.getTime() < state.lockedUntil.getTime();
}

/**
 * Counts one failed sign-in at `now`. The window is fixed from its first failure:
 * a failure `windowMs` or more after it starts a new window with a count of one, so
 * a person who mistypes once a day is never locked. The failure that brings the
 * count to `maxFailures` sets `lockedUntil = now + lockMs` and `justLocked` (the
 * caller then emails the owner and writes the audit event, once).
 *
 * Failures while locked change nothing. The sign-in route refuses before checking
 * the password, so they should not arrive; if they do, extending the lock would let
 * a stranger keep the owner out for ever just by trying now and then.
 */
export function recordFailure<S extends LockoutState>(
  state: S,
  now: Date,
  policy: LockoutPolicy,
): FailureOutcome<S> {
  if (isLocked(state, now)) return { state, justLocked: false };
  const t = now.getTime();
  const lockEnded = state.lockedUntil !== null;
  const windowOpen =
    !lockEnded &&
    state.windowStartedAt !== null &&
    t - state.windowStartedAt.getTime() < policy.windowMs &&
    // A clock that stepped backwards must not leave a window open for ever.
    t >= state.windowStartedAt.getTime();
  const failures = windowOpen ? state.failures + 1 : 1;
  const windowStartedAt = windowOpen ? state.windowStartedAt : now;
  if (failures >= policy.maxFailures) {
    return {
      state: { ...state, failures, windowStartedAt, lockedUntil: new Date(t + policy.lockMs) },
      justLocked: true,
    };
  }
  return { state: { ...state, failures, windowStartedAt, lockedUntil: null }, justLocked: false };
}

/** Clears the counters after a successful sign-in. */
export function recordSuccess<S extends LockoutState>(state: S): S {
  return { ...state, failures: 0, windowStartedAt: null, lockedUntil: null };
}

/** An account's lockout counters, in the common shape. */
export function accountLockoutState(account: Account): LockoutState {
  return {
    failures: account.failedSignIns,
    windowStartedAt: account.failureWindowStartedAt,
    lockedUntil: account.lockedUntil,
  };
}

/** The account with its lockout counters replaced by `state`. */
export function withAccountLockoutState(account: Account, state: LockoutState): Account {
  return {
    ...account,
    failedSignIns: state.failures,
    failureWindowStartedAt: state.windowStartedAt,
    lockedUntil: state.lockedUntil,
  };
}

/**
 * The lockout rules with the clock and policy bound in, for use cases that take them
 * as dependencies. It works on both kinds of lockout: per account (failures from
 * browsers without a device cookie) and per device (OWASP's device cookie, so a
 * stranger who locks an account does not lock out its owner's known browser).
 */
export class Lockout {
  readonly #clock: Clock;
  readonly #policy: LockoutPolicy;

  constructor(args: { clock: Clock; policy?: LockoutPolicy }) {
    const policy = args.policy ?? DEFAULT_LOCKOUT_POLICY;
    if (
      !Number.isInteger(policy.maxFailures) ||
      policy.maxFailures < 1 ||
      !(policy.windowMs > 0) ||
      !(policy.lockMs > 0)
    ) {
      throw new RangeError('A lockout policy needs at least one failure and positive periods.');
    }
    this.#clock = args.clock;
    this.#policy = policy;
  }

  /** True while the account is locked. */
  isAccountLocked(account: Account): boolean {
    return isLocked(account, this.#clock.now());
  }

  /** Counts a failed sign-in against the account. */
  accountFailed(account: Account): { account: Account; justLocked: boolean } {
    const outcome = recordFailure(accountLockoutState(account), this.#clock.now(), this.#policy);
    return {
      account: withAccountLockoutState(account, outcome.state),
      justLocked: outcome.justLocked,
    };
  }

  /** Clears the account's counters after a successful sign-in. */
  accountSucceeded(account: Account): Account {
    return withAccountLockoutState(account, recordSuccess(accountLockoutState(account)));
  }

  /** True while this device is locked out of the account. */
  isDeviceLocked(device: DeviceLockout): boolean {
    return isLocked(device, this.#clock.now());
  }

  /** Counts a failed sign-in from this device. */
  deviceFailed(device: DeviceLockout): FailureOutcome<DeviceLockout> {
    return recordFailure(device, this.#clock.now(), this.#policy);
  }

  /** Clears the device's counters after a successful sign-in. */
  deviceSucceeded(device: DeviceLockout): DeviceLockout {
    return recordSuccess(device);
  }
}
