import { recordAudit } from '../audit/record.ts';
import { buildDeviceToken, type TrustedDevice, verifyDeviceToken } from '../auth/device-cookie.ts';
import {
  accountLockoutState,
  isLocked,
  type LockoutPolicy,
  lockoutPolicyFrom,
  recordFailure,
  recordSuccess,
  withAccountLockoutState,
} from '../auth/lockout.ts';
import type { DeviceLockout, Session } from '../auth/model.ts';
import { createSession } from '../auth/sessions.ts';
import {
  auditSignInFailure,
  countAccountFailure,
  type SignInFailure,
} from '../auth/sign-in-failures.ts';
import { isPasswordSignInOff, signsInOnlyThroughProvider } from '../auth/sso/provider-only.ts';
import type { Repositories } from '../storage/ports.ts';
import type { AccountDeps } from './deps.ts';
import { emailKey, normaliseEmail } from './email.ts';
import type { Account } from './model.ts';
import { MAX_CHECKED_PASSWORD_LENGTH, normalisePassword } from './password-policy.ts';
import type { PasswordHasher } from './ports.ts';

/** What the sign-in form sends, with what the browser holds. */
export type SignInInput = {
  email: string;
  password: string;
  rememberMe: boolean;
  /** The device cookie, if the browser has one. */
  deviceToken: string | null;
  ip: string | null;
  userAgent: string | null;
};

/**
 * The outcome. A failure carries no reason at all: whether the address is unknown,
 * the password wrong, or the account locked, the person (and an attacker) sees the
 * same answer. The reason goes to the audit trail only.
 */
export type SignInResult =
  | {
      ok: true;
      account: Account;
      session: Session;
      /** The session cookie's value. */
      sessionToken: string;
      /** A fresh device cookie value, to replace whatever the browser held. */
      deviceToken: string;
      /** When the account last signed in before this (null the first time). */
      previousSignInAt: Date | null;
    }
  | { ok: false };

// One dummy hash per hasher, made once, so an unknown address costs one argon2
// verification like a known one and response timing does not reveal which it was.
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();

/** The hash an unknown address's password is checked against (also by the gateway's AUTH). */
export function dummyHash(deps: Pick<AccountDeps, 'hasher' | 'secrets'>): Promise<string> {
  let hash = dummyHashes.get(deps.hasher);
  if (!hash) {
    hash = deps.hasher.hash({ password: deps.secrets.randomToken({ bytes: 16 }) });
    dummyHashes.set(deps.hasher, hash);
  }
  return hash;
}

type Why = SignInFailure;

/**
 * Signs a person in with email and password (OWASP Authentication Cheat Sheet):
 *
 * - one generic failure for every reason, and one argon2 verification on every path
 *   (against a dummy hash for unknown addresses), so neither the answer nor its
 *   timing tells whether an account exists;
 * - a lock after `lockoutMaxFailures` failures within `lockoutWindowMinutes`, for
 *   `lockoutMinutes`; the owner is emailed (through the outbox, in the same
 *   transaction) a link to reset the password, which also unlocks;
 * - OWASP's device cookies: a browser that signed in before is trusted for that
 *   account, its failures are counted for it alone, and the account lock does not
 *   stop it, so a stranger cannot lock the owner out of their own browser;
 * - the counters are read with `forUpdate` inside the transaction that writes them,
 *   so parallel guesses cannot slip past the threshold or send the email twice.
 *
 * The password is checked before the transaction: hashing is slow and must not hold
 * the database. Everything decided from it is decided again on the fresh row.
 */
export async function signIn(deps: AccountDeps, input: SignInInput): Promise<SignInResult> {
  const settings = await deps.settings.get();
  const policy = lockoutPolicyFrom(settings);
  const normalised = normaliseEmail(input.email.trim());
  const key = normalised.ok ? emailKey(normalised.email) : null;
  const found = key ? await deps.storage.repos.accounts.findByEmailKey({ emailKey: key }) : null;
  const device =
    key && input.deviceToken
      ? verifyDeviceToken(deps.secrets, { token: input.deviceToken, emailKey: key })
      : null;

  // Normalised as when it was set, so é typed either way is the same password.
  const password = normalisePassword(input.password.slice(0, MAX_CHECKED_PASSWORD_LENGTH));
  const storedHash = found?.passwordHash ?? null;
  const matches = await deps.hasher.verify({
    hash: storedHash ?? (await dummyHash(deps)),
    password,
  });
  const passwordOk =
    storedHash !== null && matches && input.password.length <= MAX_CHECKED_PASSWORD_LENGTH;

  if (!found) {
    await auditSignInFailure(deps, deps.storage.repos, null, input, 'unknown');
    return { ok: false };
  }

  return deps.storage.transaction(async (repos): Promise<SignInResult> => {
    const account = await repos.accounts.findById({ id: found.id, forUpdate: true });
    if (!account) {
      await auditSignInFailure(deps, repos, null, input, 'unknown');
      return { ok: false };
    }
    const now = deps.clock.now();
    // A password changed since it was checked above makes that check meaningless.
    const verified = passwordOk && account.passwordHash === storedHash;

    if (device) {
      const refused = await checkDevice(deps, repos, { account, device, verified, policy, input });
      if (refused) return { ok: false };
    } else {
      // The account lock applies to browsers without a device cookie only.
      if (isLocked(account, now)) {
        await auditSignInFailure(deps, repos, account, input, 'locked');
        return { ok: false };
      }
      const why = whyNot(account, verified);
      if (why) {
        await countAccountFailure(deps, repos, { account, policy, settings, attempt: input, why });
        return { ok: false };
      }
    }

    // The password was right, but this person signs in through the council's provider.
    // The answer is the same generic failure; only the trail says why.
    if (signsInOnlyThroughProvider(account, deps.ssoConfigured)) {
      await auditSignInFailure(deps, repos, account, input, 'sso-only');
      return { ok: false };
    }
    if (isPasswordSignInOff(settings, account)) {
      await auditSignInFailure(deps, repos, account, input, 'password-sign-in-off');
      return { ok: false };
    }

    // Success. A lock set by strangers stays in force for other browsers, so only
    // counters that are not a lock are cleared when a trusted device signs in.
    const cleared = isLocked(account, now)
      ? account
      : withAccountLockoutState(account, recordSuccess(accountLockoutState(account)));
    const signedIn: Account = { ...cleared, lastSignInAt: now, updatedAt: now };
    await repos.accounts.update({ account: signedIn });
    const { session, token } = await createSession(deps, {
      account: signedIn,
      rememberMe: input.rememberMe,
      ip: input.ip,
      userAgent: input.userAgent,
      repos,
    });
    await recordAudit(deps, repos, {
      action: 'account.signin',
      actorId: signedIn.id,
      actorLabel: signedIn.email,
      ip: input.ip,
      targetType: 'account',
      targetId: signedIn.id,
      details: { trustedDevice: device !== null, rememberMe: input.rememberMe },
    });
    return {
      ok: true,
      account: signedIn,
      session,
      sessionToken: token,
      deviceToken: buildDeviceToken(deps.secrets, { emailKey: signedIn.emailKey }),
      previousSignInAt: account.lastSignInAt,
    };
  });
}

// The rule lives beside the single sign-on rule, so password links can use both
// without importing the sign-in form's module.
export { isPasswordSignInOff };

/** Why a verified-or-not password does not sign this account in, or null when it does. */
export function whyNot(account: Account, verified: boolean): Why | null {
  if (account.passwordHash === null) return 'no-password';
  if (!verified) return 'password';
  if (account.status !== 'active') return 'disabled';
  return null;
}

/**
 * The trusted-device path: refused while this device is locked; a failure counts
 * against this device only. Returns true when the sign-in is refused.
 */
async function checkDevice(
  deps: AccountDeps,
  repos: Repositories,
  args: {
    account: Account;
    device: TrustedDevice;
    verified: boolean;
    policy: LockoutPolicy;
    input: SignInInput;
  },
): Promise<boolean> {
  const { account, device, input } = args;
  const now = deps.clock.now();
  const counter: DeviceLockout = (await repos.deviceLockouts.find({
    accountId: account.id,
    deviceHash: device.deviceHash,
  })) ?? {
    accountId: account.id,
    deviceHash: device.deviceHash,
    failures: 0,
    windowStartedAt: null,
    lockedUntil: null,
  };
  if (isLocked(counter, now)) {
    await auditSignInFailure(deps, repos, account, input, 'device-locked', { device: true });
    return true;
  }
  const why = whyNot(account, args.verified);
  if (why) {
    // Only guessable failures count: a disabled account or one without a password
    // cannot be opened by guessing, so there is nothing to slow down.
    if (why === 'password') {
      const outcome = recordFailure(counter, now, args.policy);
      await repos.deviceLockouts.save({ lockout: outcome.state });
      if (outcome.justLocked) {
        await recordAudit(deps, repos, {
          action: 'account.lockout',
          actorId: null,
          actorLabel: null,
          ip: input.ip,
          targetType: 'account',
          targetId: account.id,
          details: { scope: 'device', until: outcome.state.lockedUntil?.toISOString() ?? null },
        });
      }
    }
    await auditSignInFailure(deps, repos, account, input, why, { device: true });
    return true;
  }
  if (counter.failures > 0 || counter.lockedUntil !== null) {
    await repos.deviceLockouts.save({ lockout: recordSuccess(counter) });
  }
  return false;
}
