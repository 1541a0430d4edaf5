import type { AccountDeps } from '../accounts/deps.ts';
import { emailKey, normaliseEmail } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import { MAX_CHECKED_PASSWORD_LENGTH, normalisePassword } from '../accounts/password-policy.ts';
import { dummyHash, isPasswordSignInOff, whyNot } from '../accounts/sign-in.ts';
import { recordAudit } from '../audit/record.ts';
import {
  accountLockoutState,
  isLocked,
  lockoutPolicyFrom,
  recordSuccess,
  withAccountLockoutState,
} from './lockout.ts';
import { mustEnrolSecondFactor } from './second-factor.ts';
import { auditSignInFailure, countAccountFailure, type SignInAttempt } from './sign-in-failures.ts';
import { signsInOnlyThroughProvider } from './sso/provider-only.ts';

/** What a gateway login needs: the account use cases' dependencies, without sessions. */
export type SmtpSignInDeps = Omit<AccountDeps, 'policy'>;

/** The outcome of a login: the account, or a failure that says nothing about why. */
export type SmtpSignInResult = { ok: true; account: Account } | { ok: false };

const SMTP: SignInAttempt['channel'] = 'smtp';

/** True for an account that may send mail through the gateway. */
function canSendMail(account: Account): boolean {
  return account.kind === 'staff' && (account.role === 'sender' || account.role === 'admin');
}

/**
 * Checks a staff member's login at the SMTP gateway (AUTH PLAIN or LOGIN, over TLS)
 * by the same rules as the sign-in form, so a password cannot be guessed faster
 * through one door than through the other:
 *
 * - one argon2 verification on every path (a dummy hash for unknown addresses), and
 *   the same answer for every failure;
 * - a wrong password counts against the account's lockout (`countAccountFailure`, the
 *   form's own rule); the failure that locks emails the owner a reset link;
 * - a locked account is refused even with the right password. The gateway has no
 *   device cookie, so it is a browser the account has never seen: the lock applies;
 * - a success clears the counters, as on the form, but does not count as signing in
 *   to the portal (`lastSignInAt` is the portal's, and moving it would end the
 *   portal's resumable session);
 * - every success and failure is audited as `account.signin` or
 *   `account.signin-failed` with `channel: smtp`.
 *
 * Only active staff senders and admins may send; a right password for any other
 * account is refused (`not-sender`) without counting, since nothing was guessed. So is
 * one for staff the provider manages (`sso-only`) or whose passwords are off under
 * break-glass (`password-sign-in-off`).
 */
export async function signInOverSmtp(
  deps: SmtpSignInDeps,
  args: { username: string; password: string; ip: string | null },
): Promise<SmtpSignInResult> {
  const attempt: SignInAttempt = { ip: args.ip, channel: SMTP };
  const settings = await deps.settings.get();
  const policy = lockoutPolicyFrom(settings);
  const normalised = normaliseEmail(args.username.trim());
  const found = normalised.ok
    ? await deps.storage.repos.accounts.findByEmailKey({ emailKey: emailKey(normalised.email) })
    : null;

  // Normalised as when it was set, so é typed either way is the same password.
  const password = normalisePassword(args.password.slice(0, MAX_CHECKED_PASSWORD_LENGTH));
  const storedHash = found?.passwordHash ?? null;
  const matches = await deps.hasher.verify({
    hash: storedHash ?? (await dummyHash(deps)),
    password,
  });
  const passwordOk =
    storedHash !== null && matches && args.password.length <= MAX_CHECKED_PASSWORD_LENGTH;

  if (!found) {
    await auditSignInFailure(deps, deps.storage.repos, null, attempt, 'unknown');
    return { ok: false };
  }

  return deps.storage.transaction(async (repos): Promise<SmtpSignInResult> => {
    const account = await repos.accounts.findById({ id: found.id, forUpdate: true });
    if (!account) {
      await auditSignInFailure(deps, repos, null, attempt, 'unknown');
      return { ok: false };
    }
    const now = deps.clock.now();
    if (isLocked(account, now)) {
      await auditSignInFailure(deps, repos, account, attempt, 'locked');
      return { ok: false };
    }
    // A password changed since it was checked above makes that check meaningless.
    const verified = passwordOk && account.passwordHash === storedHash;
    const why = whyNot(account, verified) ?? (canSendMail(account) ? null : 'not-sender');
    if (why) {
      await countAccountFailure(deps, repos, { account, policy, settings, attempt, why });
      return { ok: false };
    }
    // Right password, but no password signs this person in: the provider manages them,
    // or staff passwords are off (break-glass), as on the form. Not a guess: no count.
    const off = signsInOnlyThroughProvider(account, deps.ssoConfigured)
      ? 'sso-only'
      : isPasswordSignInOff(settings, account)
        ? 'password-sign-in-off'
        : null;
    if (off) {
      await auditSignInFailure(deps, repos, account, attempt, off);
      return { ok: false };
    }
    // SMTP AUTH carries a password only: it cannot ask for a second factor. Staff who
    // must have one and have not set it up in the portal yet are refused here too, or
    // the gateway would be a way round the portal's gate. Not a guess: no lockout count.
    if (mustEnrolSecondFactor(account, settings)) {
      await auditSignInFailure(deps, repos, account, attempt, 'second-factor-missing');
      return { ok: false };
    }

    const state = accountLockoutState(account);
    if (state.failures > 0 || state.windowStartedAt !== null || state.lockedUntil !== null) {
      const cleared = withAccountLockoutState(account, recordSuccess(state));
      await repos.accounts.update({ account: { ...cleared, updatedAt: now } });
    }
    await recordAudit(deps, repos, {
      action: 'account.signin',
      actorId: account.id,
      actorLabel: account.email,
      ip: args.ip,
      targetType: 'account',
      targetId: account.id,
      details: { channel: 'smtp' },
    });
    return { ok: true, account };
  });
}
