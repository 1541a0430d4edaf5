import { recordAudit } from '../audit/record.ts';
import type { OneTimeToken, Session } from '../auth/model.ts';
import { findLinkToken } from '../auth/one-time-tokens.ts';
import { createSession } from '../auth/sessions.ts';
import type { Repositories } from '../storage/ports.ts';
import type { AccountDeps } from './deps.ts';
import { emailKey } from './email.ts';
import type { Account } from './model.ts';
import { checkPassword, normalisePassword } from './password-policy.ts';
import { contextWords } from './reset-password.ts';

/** Links that can register a recipient: a message notification, or an invitation. */
const REGISTER_PURPOSES = ['notify', 'register'] as const;

/**
 * Where a notification or registration link leads, decided without spending it:
 * a new person registers (with the address the link was sent to), a registered one
 * signs in and then sees the message. Null when the link is unknown or expired.
 */
export type RegistrationLink =
  | { state: 'register'; email: string; deliveryId: string | null }
  | { state: 'sign-in'; deliveryId: string | null };

/** The outcome of registering. */
export type RegisterResult =
  | {
      ok: true;
      account: Account;
      session: Session;
      sessionToken: string;
      /** The delivery the link was for, to open next; null for a plain invitation. */
      deliveryId: string | null;
    }
  /** Unknown, expired or already used, or for an account that cannot register. */
  | { ok: false; reason: 'invalid-link' }
  /** The account already has a password: the person should sign in instead. */
  | { ok: false; reason: 'already-registered'; deliveryId: string | null }
  /** The password breaks the policy; every problem, as plain sentences. */
  | { ok: false; reason: 'password'; problems: string[] };

/** The account a registration token is for: its own account id, or its address. */
async function accountOf(
  repos: Repositories,
  token: OneTimeToken,
  forUpdate = false,
): Promise<Account | null> {
  if (token.accountId !== null) return repos.accounts.findById({ id: token.accountId, forUpdate });
  return repos.accounts.findByEmailKey({ emailKey: emailKey(token.email), forUpdate });
}

/**
 * Looks at a notification or registration link without spending it (for the pages
 * a GET or the link's button shows). A link of a registered account stays usable as
 * a way to the message, even once spent, because it only leads to the sign-in form.
 */
export async function findRegistrationLink(
  deps: Pick<AccountDeps, 'storage' | 'secrets' | 'clock'>,
  input: { token: string },
): Promise<RegistrationLink | null> {
  const repos = deps.storage.repos;
  const token = await findLinkToken(deps, repos, {
    value: input.token,
    purposes: REGISTER_PURPOSES,
    now: deps.clock.now(),
    allowUsed: true,
  });
  if (!token) return null;
  const account = await accountOf(repos, token);
  if (account?.passwordHash) return { state: 'sign-in', deliveryId: token.deliveryId };
  if (token.usedAt !== null || !canRegister(account)) return null;
  return { state: 'register', email: account?.email ?? token.email, deliveryId: token.deliveryId };
}

/** Only a missing account or an active external one without a password can register. */
function canRegister(account: Account | null): boolean {
  return (
    account === null ||
    (account.kind === 'external' && account.status === 'active' && account.passwordHash === null)
  );
}

/**
 * Registers the person a notification or registration link was sent to: the token is
 * bound to one address, so the account is that address's (created if it does not
 * exist yet), and the token is spent, once, by `markUsed` in the same transaction as
 * the password. A new session starts. A link of an account that already has a
 * password never sets a new one (a forwarded notification must not let anyone take
 * the account over): it answers `already-registered`.
 */
export async function register(
  deps: AccountDeps,
  input: { token: string; password: string; ip: string | null; userAgent: string | null },
): Promise<RegisterResult> {
  const invalid = { ok: false, reason: 'invalid-link' } as const;
  const settings = await deps.settings.get();
  const token = await findLinkToken(deps, deps.storage.repos, {
    value: input.token,
    purposes: REGISTER_PURPOSES,
    now: deps.clock.now(),
    allowUsed: true,
  });
  if (!token) return invalid;
  const before = await accountOf(deps.storage.repos, token);
  if (before?.passwordHash) {
    return { ok: false, reason: 'already-registered', deliveryId: token.deliveryId };
  }
  if (token.usedAt !== null || !canRegister(before)) return invalid;

  const email = before?.email ?? token.email;
  const check = checkPassword({
    password: input.password,
    email,
    contextWords: contextWords(settings.orgName),
  });
  if (!check.ok) return { ok: false, reason: 'password', problems: check.problems };
  const passwordHash = await deps.hasher.hash({ password: normalisePassword(input.password) });

  return deps.storage.transaction(async (repos): Promise<RegisterResult> => {
    const now = deps.clock.now();
    const existing = await accountOf(repos, token, true);
    if (existing?.passwordHash) {
      return { ok: false, reason: 'already-registered', deliveryId: token.deliveryId };
    }
    if (!canRegister(existing)) return invalid;
    // The one winner of a race spends the token; every other submission fails here.
    if (!(await repos.tokens.markUsed({ id: token.id, at: now }))) return invalid;

    const account: Account = existing
      ? { ...existing, passwordHash, passwordChangedAt: now, updatedAt: now, lastSignInAt: now }
      : newRecipient(deps, { email, passwordHash, now });
    if (existing) await repos.accounts.update({ account });
    else await repos.accounts.insert({ account });

    const { session, token: sessionToken } = await createSession(deps, {
      account,
      rememberMe: false,
      ip: input.ip,
      userAgent: input.userAgent,
      repos,
    });
    await recordAudit(deps, repos, {
      action: 'account.register',
      actorId: account.id,
      actorLabel: account.email,
      ip: input.ip,
      targetType: 'account',
      targetId: account.id,
      details: { via: token.purpose },
    });
    return { ok: true, account, session, sessionToken, deliveryId: token.deliveryId };
  });
}

/** A new external recipient with a password (for an invitation to an address without an account). */
function newRecipient(
  deps: Pick<AccountDeps, 'ids'>,
  args: { email: string; passwordHash: string; now: Date },
): Account {
  return {
    id: deps.ids.newId(),
    email: args.email,
    emailKey: emailKey(args.email),
    displayName: args.email,
    kind: 'external',
    role: 'recipient',
    passwordHash: args.passwordHash,
    status: 'active',
    failedSignIns: 0,
    failureWindowStartedAt: null,
    lockedUntil: null,
    totpKeyEnc: null,
    recoveryCodeHashes: [],
    legalHold: false,
    createdAt: args.now,
    updatedAt: args.now,
    lastSignInAt: args.now,
    passwordChangedAt: args.now,
  };
}
