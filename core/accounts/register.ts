import { recordAudit } from '../audit/record.ts';
import {
  type CodeProblem,
  checkEmailCode,
  type SendCodeResult,
  sendEmailCode,
  spendEmailCode,
} from '../auth/email-codes.ts';
import type { OneTimeToken, Session } from '../auth/model.ts';
import { findLinkToken } from '../auth/one-time-tokens.ts';
import { createSession } from '../auth/sessions.ts';
import type { Repositories } from '../storage/ports.ts';
import type { AccountDeps } from './deps.ts';
import { emailKey } from './email.ts';
import type { Account } from './model.ts';
import { checkPassword, normalisePassword, type PasswordProblem } from './password-policy.ts';
import { contextWords } from './reset-password.ts';

/** Links that can register a recipient: a message notification, or an invitation. */
const REGISTER_PURPOSES = ['notify', 'register'] as const;

/**
 * Where a notification or registration link leads, decided without spending it:
 * a new person registers (with the address the link was sent to), a registered one
 * signs in and then sees the message. Null when the link is unknown or expired.
 */
export type RegistrationLink =
  | { state: 'register'; email: string; deliveryId: string | null; tokenId: string }
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
  /**
   * The emailed code is missing or wrong (`codeProblem`), or the password breaks the
   * policy (`problems`, as codes), or both: every problem at once.
   */
  | { ok: false; reason: 'invalid'; codeProblem: CodeProblem | null; problems: PasswordProblem[] };

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
  return {
    state: 'register',
    email: account?.email ?? token.email,
    deliveryId: token.deliveryId,
    tokenId: token.id,
  };
}

/**
 * Emails a one-time code to the address a registration link was sent to. Holding the
 * link proves nothing (notifications get forwarded); typing this code back on the
 * registration page proves the person reads that mailbox now. Null when the link
 * cannot register (unknown, expired, spent, or its account already has a password).
 */
export async function sendRegistrationCode(
  deps: AccountDeps,
  input: {
    token: string;
    /** The language of the page the person asked on. */
    pageLanguage?: string | null | undefined;
  },
): Promise<(SendCodeResult & { email: string }) | null> {
  const link = await findRegistrationLink(deps, input);
  if (link?.state !== 'register') return null;
  const settings = await deps.settings.get();
  const sent = await sendEmailCode(deps, {
    purpose: 'register',
    email: link.email,
    subjectId: link.tokenId,
    orgName: settings.orgName,
    pageLanguage: input.pageLanguage,
    emailLanguage: settings.emailLanguage,
  });
  return { ...sent, email: link.email };
}

/** Only a missing account or an active external one without a password can register. */
function canRegister(account: Account | null): boolean {
  return (
    account === null ||
    (account.kind === 'external' &&
      account.status === 'active' &&
      account.passwordHash === null &&
      !account.sharedMailbox)
  );
}

/**
 * Registers the person a notification or registration link was sent to: the token is
 * bound to one address, so the account is that address's (created if it does not
 * exist yet). The link alone is not enough: `code` must be the one just emailed to
 * that address (`sendRegistrationCode`), so someone a notification was forwarded to
 * cannot choose the addressee's password. Token and code are spent, once each, in the
 * same transaction as the password. A new session starts. A link of an account that
 * already has a password never sets a new one: it answers `already-registered`.
 */
export async function register(
  deps: AccountDeps,
  input: {
    token: string;
    code: string;
    password: string;
    ip: string | null;
    userAgent: string | null;
  },
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
    commonPasswords: deps.commonPasswords,
    email,
    contextWords: contextWords(settings.orgName),
  });
  const code = await checkEmailCode(deps, {
    purpose: 'register',
    email,
    subjectId: token.id,
    typed: input.code,
  });
  if (!check.ok || !code.ok) {
    return {
      ok: false,
      reason: 'invalid',
      codeProblem: code.ok ? null : code.problem,
      problems: check.ok ? [] : check.problems,
    };
  }
  const passwordHash = await deps.hasher.hash({ password: normalisePassword(input.password) });

  return deps.storage.transaction(async (repos): Promise<RegisterResult> => {
    const now = deps.clock.now();
    const existing = await accountOf(repos, token, true);
    if (existing?.passwordHash) {
      return { ok: false, reason: 'already-registered', deliveryId: token.deliveryId };
    }
    if (!canRegister(existing)) return invalid;
    // The one winner of a race spends the token and the code; every other submission
    // fails here (throwing rolls back a token spent without its code).
    if (!(await repos.tokens.markUsed({ id: token.id, at: now }))) return invalid;
    if (!(await spendEmailCode(repos, { code: code.code, at: now }))) {
      throw new Error('The registration code was spent by a concurrent request.');
    }

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
      details: { via: token.purpose, proof: 'email-code' },
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
    sharedMailbox: false,
    ssoSubject: null,
    passkeyCount: 0,
    language: null,
  };
}
