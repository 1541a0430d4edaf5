import { recordAudit } from '../audit/record.ts';
import type { OneTimeToken, Session, TokenPurpose } from '../auth/model.ts';
import { buildLinkToken, findLinkToken } from '../auth/one-time-tokens.ts';
import { createSession } from '../auth/sessions.ts';
import { isPasswordSignInOff, signsInOnlyThroughProvider } from '../auth/sso/provider-only.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { Settings } from '../settings/model.ts';
import { MINUTE_MS } from '../shared/time.ts';
import type { Repositories } from '../storage/ports.ts';
import type { AccountDeps } from './deps.ts';
import { emailKey, normaliseEmail } from './email.ts';
import type { Account } from './model.ts';
import { checkPassword, normalisePassword, type PasswordProblem } from './password-policy.ts';

/** How long an emailed reset link works. */
export const RESET_LINK_MINUTES = 60;

// At most this many unused reset links per account at once: the form cannot be used
// to fill someone's mailbox.
const MAX_LIVE_RESET_LINKS = 3;

/** Words a password may not contain on this portal, besides the person's address. */
export function contextWords(orgName: string): string[] {
  return [orgName, 'sealpost'];
}

/**
 * "Forgotten your password?": emails a one-hour, single-use link to choose a new
 * password. Resolves the same way, in about the same time, whether or not the
 * address has an account, so the form cannot be used to find out who has one.
 */
export async function requestPasswordReset(
  deps: AccountDeps,
  input: {
    email: string;
    ip: string | null;
    /** The language of the page the person asked on: the email's, unless they chose one. */
    pageLanguage?: string | null | undefined;
  },
): Promise<void> {
  const normalised = normaliseEmail(input.email.trim());
  if (!normalised.ok) return;
  const settings = await deps.settings.get();
  const now = deps.clock.now();
  const account = await deps.storage.repos.accounts.findByEmailKey({
    emailKey: emailKey(normalised.email),
  });
  // The link and its email are built (and encrypted) for unknown addresses too, and
  // thrown away, so the work that takes time is the same either way.
  const { token, value } = buildLinkToken(deps, {
    purpose: 'reset',
    accountId: account?.id ?? null,
    email: account?.email ?? normalised.email,
    expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * MINUTE_MS),
  });
  const rendered = deps.templates.reset(
    {
      orgName: settings.orgName,
      link: `${deps.publicUrl}/reset/${value}`,
      publicUrl: deps.publicUrl,
      linkMinutes: RESET_LINK_MINUTES,
    },
    chooseMailLanguage({
      account,
      page: input.pageLanguage,
      setting: settings.emailLanguage,
    }),
  );
  const mail = await prepareOutboxMail(deps, {
    kind: 'reset',
    mail: { to: token.email, ...rendered, headers: { 'Auto-Submitted': 'auto-generated' } },
  });
  // A team mailbox never gets a password (decision 0028): it is answered like an
  // unknown address, so a reset link cannot turn it into a shared password. So is an
  // account no password may sign in (`passwordRefusal`): a leaver gets no way back.
  if (account?.status !== 'active' || account.sharedMailbox) return;
  if (passwordRefusal(deps, settings, account) !== null) return;

  await deps.storage.transaction(async (repos) => {
    const live = await repos.tokens.listLive({ accountId: account.id, purpose: 'reset', now });
    if (live.length >= MAX_LIVE_RESET_LINKS) return;
    await repos.tokens.insert({ token });
    await repos.outbox.insert({ mail });
    await recordAudit(deps, repos, {
      action: 'account.reset-request',
      actorId: null,
      actorLabel: account.email,
      ip: input.ip,
      targetType: 'account',
      targetId: account.id,
      details: {},
    });
  });
}

/** The outcome of using a reset or set-password link. */
export type PasswordLinkResult =
  | { ok: true; account: Account; session: Session; sessionToken: string }
  /** Unknown, expired, already used, or for an account that cannot use it: one answer. */
  | { ok: false; reason: 'invalid-link' }
  /** The new password breaks the policy; every problem, as plain sentences. */
  | { ok: false; reason: 'password'; problems: PasswordProblem[] };

/**
 * Why no password may be set for (and sign in) this account now, or null: it signs in
 * only through the provider (`sso-only`), or staff passwords are off under break-glass
 * (`password-sign-in-off`). Reset, unlock and set-password links all sign the person
 * in, so they follow the sign-in form's rules, or they would be a way round them.
 */
function passwordRefusal(
  deps: Pick<AccountDeps, 'ssoConfigured'>,
  settings: Pick<Settings, 'staffPasswords'>,
  account: Account,
): 'sso-only' | 'password-sign-in-off' | null {
  if (signsInOnlyThroughProvider(account, deps.ssoConfigured)) return 'sso-only';
  if (isPasswordSignInOff(settings, account)) return 'password-sign-in-off';
  return null;
}

/**
 * Records `account.signin-failed` (reason `sso-only` or `password-sign-in-off`, and
 * the link's purpose) when `passwordRefusal` refuses this link; true when it did.
 */
async function refusedLink(
  deps: AccountDeps,
  repos: Repositories,
  args: { settings: Settings; account: Account; token: OneTimeToken; ip: string | null },
): Promise<boolean> {
  const refusal = passwordRefusal(deps, args.settings, args.account);
  if (refusal === null) return false;
  await recordAudit(deps, repos, {
    action: 'account.signin-failed',
    actorId: null,
    actorLabel: args.account.email,
    ip: args.ip,
    targetType: 'account',
    targetId: args.account.id,
    details: { reason: refusal, via: args.token.purpose },
  });
  return true;
}

/** What a password link page shows before anything is spent: the address, or null. */
export async function findPasswordLink(
  deps: Pick<AccountDeps, 'storage' | 'secrets' | 'clock' | 'settings' | 'ssoConfigured'>,
  input: { token: string; purposes: readonly TokenPurpose[] },
): Promise<{ email: string; hasSecondFactor: boolean } | null> {
  const token = await findLinkToken(deps, deps.storage.repos, {
    value: input.token,
    purposes: input.purposes,
    now: deps.clock.now(),
  });
  if (!token || token.accountId === null) return null;
  const account = await deps.storage.repos.accounts.findById({ id: token.accountId });
  if (!isUsableBy(account, token)) return null;
  if (passwordRefusal(deps, await deps.settings.get(), account) !== null) return null;
  return { email: account.email, hasSecondFactor: account.totpKeyEnc !== null };
}

/** True when the token's account exists, is active, and still has the address the link went to. */
function isUsableBy(account: Account | null, token: OneTimeToken): account is Account {
  return (
    account !== null &&
    account.status === 'active' &&
    !account.sharedMailbox &&
    account.emailKey === emailKey(token.email)
  );
}

/** The reset page's view of a link before it is spent: the address, or null. */
export function findResetLink(
  deps: Pick<AccountDeps, 'storage' | 'secrets' | 'clock' | 'settings' | 'ssoConfigured'>,
  input: { token: string },
): Promise<{ email: string; hasSecondFactor: boolean } | null> {
  return findPasswordLink(deps, { token: input.token, purposes: ['reset', 'unlock'] });
}

/** Completes a reset link: a new password, every session ended, any lock cleared. */
export function completePasswordReset(
  deps: AccountDeps,
  input: { token: string; password: string; ip: string | null; userAgent: string | null },
): Promise<PasswordLinkResult> {
  // 'unlock' links are reset links by another name: both prove control of the address.
  return completePasswordLink(deps, { ...input, purposes: ['reset', 'unlock'] });
}

/**
 * Spends a password link (reset, unlock or set-password) and sets the password. The
 * token is spent by `markUsed` inside the transaction, so two submissions of the same
 * link cannot both succeed. Every other session of the account ends (whoever knew the
 * old password is out), the lockout counters and device locks are cleared, other
 * unused links of the same kind die, and the person is signed in with a new session.
 */
export async function completePasswordLink(
  deps: AccountDeps,
  input: {
    token: string;
    purposes: readonly TokenPurpose[];
    password: string;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<PasswordLinkResult> {
  const invalid = { ok: false, reason: 'invalid-link' } as const;
  const settings = await deps.settings.get();
  const token = await findLinkToken(deps, deps.storage.repos, {
    value: input.token,
    purposes: input.purposes,
    now: deps.clock.now(),
  });
  if (!token || token.accountId === null) return invalid;
  const before = await deps.storage.repos.accounts.findById({ id: token.accountId });
  if (!isUsableBy(before, token)) return invalid;
  // Refused before the password is even checked; decided again on the fresh row below.
  const refused = { settings, account: before, token, ip: input.ip };
  if (await refusedLink(deps, deps.storage.repos, refused)) return invalid;

  const check = checkPassword({
    password: input.password,
    commonPasswords: deps.commonPasswords,
    email: before.email,
    hasSecondFactor: before.totpKeyEnc !== null,
    contextWords: contextWords(settings.orgName),
  });
  if (!check.ok) return { ok: false, reason: 'password', problems: check.problems };
  const passwordHash = await deps.hasher.hash({ password: normalisePassword(input.password) });

  return deps.storage.transaction(async (repos): Promise<PasswordLinkResult> => {
    const now = deps.clock.now();
    const account = await repos.accounts.findById({ id: before.id, forUpdate: true });
    if (!isUsableBy(account, token)) return invalid;
    if (await refusedLink(deps, repos, { settings, account, token, ip: input.ip })) return invalid;
    if (!(await repos.tokens.markUsed({ id: token.id, at: now }))) return invalid;

    const wasLocked = account.lockedUntil !== null && account.lockedUntil > now;
    const updated: Account = {
      ...account,
      passwordHash,
      passwordChangedAt: now,
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
      updatedAt: now,
      lastSignInAt: now,
    };
    await repos.accounts.update({ account: updated });
    await repos.deviceLockouts.deleteForAccount({ accountId: account.id });
    await repos.sessions.deleteForAccount({ accountId: account.id });
    for (const purpose of input.purposes) {
      for (const other of await repos.tokens.listLive({ accountId: account.id, purpose, now })) {
        await repos.tokens.markUsed({ id: other.id, at: now });
      }
    }
    const { session, token: sessionToken } = await createSession(deps, {
      account: updated,
      rememberMe: false,
      ip: input.ip,
      userAgent: input.userAgent,
      repos,
    });
    const actor = { actorId: account.id, actorLabel: account.email, ip: input.ip };
    const target = { targetType: 'account', targetId: account.id };
    await recordAudit(deps, repos, {
      action: 'account.password-reset',
      ...actor,
      ...target,
      details: { via: token.purpose },
    });
    if (wasLocked) {
      await recordAudit(deps, repos, {
        action: 'account.unlock',
        ...actor,
        ...target,
        details: { via: token.purpose },
      });
    }
    return { ok: true, account: updated, session, sessionToken };
  });
}
