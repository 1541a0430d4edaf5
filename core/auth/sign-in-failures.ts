import type { AccountDeps } from '../accounts/deps.ts';
import type { Account } from '../accounts/model.ts';
import { RESET_LINK_MINUTES } from '../accounts/reset-password.ts';
import type { AuditDetails } from '../audit/model.ts';
import { recordAudit } from '../audit/record.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { Settings } from '../settings/model.ts';
import { MINUTE_MS } from '../shared/time.ts';
import type { Repositories } from '../storage/ports.ts';
import {
  accountLockoutState,
  type LockoutPolicy,
  recordFailure,
  withAccountLockoutState,
} from './lockout.ts';
import { buildLinkToken } from './one-time-tokens.ts';

/**
 * Why a password sign-in failed, for the audit trail only: the person always gets the
 * same answer. `not-sender` is the SMTP gateway's own: the password was right, but
 * the account may not send mail. `password-sign-in-off`: the password was right, but
 * staff sign in through the provider (see `isPasswordSignInOff`).
 */
export type SignInFailure =
  | 'unknown'
  | 'password'
  | 'locked'
  | 'device-locked'
  | 'disabled'
  | 'no-password'
  | 'not-sender'
  /** Right password, but staff passwords are off (`staffPasswords: break-glass`). */
  | 'password-sign-in-off'
  /** Right password, but the account signs in only through the provider (`signsInOnlyThroughProvider`). */
  | 'sso-only'
  /**
   * Right password at the SMTP gateway, but the person must set up a second factor in
   * the portal first (`mustEnrolSecondFactor`): the gateway is no way round that gate.
   */
  | 'second-factor-missing';

/** One password attempt, whichever way it came in. */
export type SignInAttempt = {
  ip: string | null;
  /** How it came in: absent for the sign-in form, `smtp` for the gateway's AUTH. */
  channel?: 'smtp';
};

/** What counting failures needs: the audit trail, the outbox (lockout email) and its words. */
export type SignInFailureDeps = Pick<
  AccountDeps,
  'ids' | 'clock' | 'secrets' | 'cipher' | 'templates' | 'publicUrl'
>;

/**
 * Writes `account.signin-failed`. The typed address is not recorded for unknown
 * accounts: people sometimes type their password into the email field.
 */
export async function auditSignInFailure(
  deps: SignInFailureDeps,
  repos: Repositories,
  account: Account | null,
  attempt: SignInAttempt,
  why: SignInFailure,
  extra: AuditDetails = {},
): Promise<void> {
  await recordAudit(deps, repos, {
    action: 'account.signin-failed',
    actorId: null,
    actorLabel: account?.email ?? null,
    ip: attempt.ip,
    targetType: 'account',
    targetId: account?.id ?? null,
    details: { reason: why, ...channelOf(attempt), ...extra },
  });
}

/** The `channel` audit detail: only for ways in other than the sign-in form. */
export function channelOf(attempt: SignInAttempt): AuditDetails {
  return attempt.channel ? { channel: attempt.channel } : {};
}

/**
 * The one rule for a failed password, on the sign-in form and at the gateway alike:
 * a wrong password counts against the account (other reasons are only audited, as
 * nothing can be guessed from them); the failure that locks it also queues the
 * lockout email with a reset link and writes `account.lockout`, once. Run inside the
 * transaction that read `account` with `forUpdate`, so parallel guesses cannot slip
 * past the threshold or send the email twice.
 */
export async function countAccountFailure(
  deps: SignInFailureDeps,
  repos: Repositories,
  args: {
    account: Account;
    policy: LockoutPolicy;
    settings: Pick<Settings, 'orgName'> & Partial<Pick<Settings, 'emailLanguage'>>;
    attempt: SignInAttempt;
    why: SignInFailure;
  },
): Promise<void> {
  const { account, attempt } = args;
  if (args.why !== 'password') {
    await auditSignInFailure(deps, repos, account, attempt, args.why);
    return;
  }
  const now = deps.clock.now();
  const outcome = recordFailure(accountLockoutState(account), now, args.policy);
  const updated = withAccountLockoutState(account, outcome.state);
  await repos.accounts.update({ account: { ...updated, updatedAt: now } });
  await auditSignInFailure(deps, repos, account, attempt, 'password', {
    failures: outcome.state.failures,
  });
  if (!outcome.justLocked) return;

  const { token, value } = buildLinkToken(deps, {
    purpose: 'reset',
    accountId: account.id,
    email: account.email,
    expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * MINUTE_MS),
  });
  const rendered = deps.templates.lockout(
    {
      orgName: args.settings.orgName,
      link: `${deps.publicUrl}/reset/${value}`,
      publicUrl: deps.publicUrl,
      lockedMinutes: Math.round(args.policy.lockMs / MINUTE_MS),
      linkMinutes: RESET_LINK_MINUTES,
    },
    chooseMailLanguage({ account, setting: args.settings.emailLanguage }),
  );
  // Encrypting here holds the transaction a moment longer, but only on the one
  // failure that locks; the email must commit with the lock or not at all.
  const mail = await prepareOutboxMail(deps, {
    kind: 'lockout',
    mail: { to: account.email, ...rendered, headers: { 'Auto-Submitted': 'auto-generated' } },
  });
  await repos.tokens.insert({ token });
  await repos.outbox.insert({ mail });
  await recordAudit(deps, repos, {
    action: 'account.lockout',
    actorId: null,
    actorLabel: null,
    ip: attempt.ip,
    targetType: 'account',
    targetId: account.id,
    details: {
      scope: 'account',
      until: outcome.state.lockedUntil?.toISOString() ?? null,
      ...channelOf(attempt),
    },
  });
}
