import { type Account, hasSecondFactor } from '../accounts/model.ts';
import { type AuditDeps, recordAudit } from '../audit/record.ts';
import type { Clock, Secrets } from '../shared/ports.ts';
import { addDays, MINUTE_MS } from '../shared/time.ts';
import type { Repositories, Storage } from '../storage/ports.ts';
import type { OneTimeToken, Session } from './model.ts';

/** How long sessions last. Defaults follow the councils' guides; the config may change them. */
export type SessionPolicy = {
  /** Inactivity timeout for external recipients. */
  recipientIdleMinutes: number;
  /** Inactivity timeout for staff. */
  staffIdleMinutes: number;
  /** Absolute lifetime of an ordinary session. */
  maxHours: number;
  /** Absolute lifetime of a "Remember me" session. */
  rememberMeDays: number;
};

/** 15 minutes idle for recipients, 30 for staff, 12 hours at most, 30 days with "Remember me". */
export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  recipientIdleMinutes: 15,
  staffIdleMinutes: 30,
  maxHours: 12,
  rememberMeDays: 30,
};

/** What the session functions need from the world. */
export type SessionDeps = {
  storage: Storage;
  secrets: Secrets;
  clock: Clock;
  policy: SessionPolicy;
};

/** A session that is valid now, and whose it is. */
export type ValidSession = { session: Session; account: Account };

/**
 * A session that ended by inactivity a short while ago. It signs no one in; it only
 * lets the page that was open save what the person typed as their draft (see
 * `findTimedOutSession`).
 */
export type TimedOutSession = { sessionId: string; account: Account; resumeUntil: Date };

/**
 * How long after an inactivity timeout the old cookie may still save a draft: long
 * enough for someone who wrote a long message and then pressed Send, short enough that
 * a forgotten cookie soon means nothing.
 */
export const RESUME_WINDOW_MS = 60 * MINUTE_MS;

// `lastSeenAt` is written at most this often: one write a minute per browser instead
// of one per request, at the cost of the idle timeout being up to a minute early.
const TOUCH_INTERVAL_MS = MINUTE_MS;

// 16 random bytes of id and 24 of secret, base32: the id is a lookup key that may leak
// into a log, the secret is what proves possession, and only its hash is stored.
const ID_BYTES = 16;
const SECRET_BYTES = 24;
// Ids may come from an injected `Ids` in tests, so any URL-safe characters are accepted.
const TOKEN_PART = /^[A-Za-z0-9_-]{1,128}$/;

/** How long an account may stay idle before its sessions stop working. */
export function idleLimitMs(policy: SessionPolicy, account: Account): number {
  const minutes = account.kind === 'staff' ? policy.staffIdleMinutes : policy.recipientIdleMinutes;
  return minutes * MINUTE_MS;
}

/**
 * Builds a new session for `account` and its cookie token `<id>.<secret>`, without
 * storing it (see `createSession`). A fresh id at every sign-in means a session id
 * planted before sign-in (session fixation) is never promoted.
 */
export function buildSession(
  deps: Pick<SessionDeps, 'secrets' | 'clock' | 'policy'>,
  args: {
    account: Account;
    rememberMe: boolean;
    ip: string | null;
    userAgent: string | null;
  },
): { session: Session; token: string } {
  const now = deps.clock.now();
  const id = deps.secrets.randomToken({ bytes: ID_BYTES });
  const secret = deps.secrets.randomToken({ bytes: SECRET_BYTES });
  const expiresAt = args.rememberMe
    ? addDays(now, deps.policy.rememberMeDays)
    : new Date(now.getTime() + deps.policy.maxHours * 60 * MINUTE_MS);
  const session: Session = {
    id,
    accountId: args.account.id,
    // Only the hash: a copy of the sessions table cannot be replayed as cookies.
    secretHash: deps.secrets.hashToken({ value: secret }),
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    rememberMe: args.rememberMe,
    // Whoever has a second factor (an app or a passkey) is not signed in until they use it.
    twoFactorPending: hasSecondFactor(args.account),
    ip: args.ip === null ? null : args.ip.slice(0, 64),
    userAgent: args.userAgent === null ? null : args.userAgent.slice(0, 256),
    actingMailboxId: null,
    secondFactorAt: null,
    ssoCheckedAt: null,
    ssoRefreshEnc: null,
  };
  return { session, token: `${id}.${secret}` };
}

/**
 * A new id and secret for a session that has just earned more trust (its second
 * factor): everything else carries over. Whoever knew the old token, for example by
 * planting it before sign-in, holds nothing once the caller has replaced the row.
 */
export function reissueSession(
  deps: Pick<SessionDeps, 'secrets' | 'clock'>,
  session: Session,
): { session: Session; token: string } {
  const id = deps.secrets.randomToken({ bytes: ID_BYTES });
  const secret = deps.secrets.randomToken({ bytes: SECRET_BYTES });
  return {
    session: {
      ...session,
      id,
      secretHash: deps.secrets.hashToken({ value: secret }),
      lastSeenAt: deps.clock.now(),
      twoFactorPending: false,
      secondFactorAt: deps.clock.now(),
    },
    token: `${id}.${secret}`,
  };
}

/**
 * Creates and stores a session, in the caller's transaction when `repos` is given
 * (sign-in and registration store it with the account change that earned it).
 */
export async function createSession(
  deps: SessionDeps,
  args: {
    account: Account;
    rememberMe: boolean;
    ip: string | null;
    userAgent: string | null;
    repos?: Repositories;
  },
): Promise<{ session: Session; token: string }> {
  const built = buildSession(deps, args);
  const repos = args.repos ?? deps.storage.repos;
  await repos.sessions.insert({ session: built.session });
  // A new sign-in (and every password change, which signs in afresh) ends what an old
  // timed-out cookie could still do: a copy of it must not write drafts any more.
  await endResumeTokens(repos, args.account.id, deps.clock.now());
  return built;
}

/**
 * Spends every live resume token of an account (see `resumeToken`), so no cookie of
 * a timed-out session can save anything more. Called at sign-in, at sign-out and
 * whenever the password changes.
 */
export async function endResumeTokens(
  repos: Repositories,
  accountId: string,
  now: Date,
): Promise<void> {
  for (const token of await repos.tokens.listLive({ accountId, purpose: 'resume', now })) {
    await repos.tokens.markUsed({ id: token.id, at: now });
  }
}

/** Splits a cookie token into its id and secret, or null when it cannot be one of ours. */
export function parseSessionToken(token: string): { id: string; secret: string } | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  return TOKEN_PART.test(id) && TOKEN_PART.test(secret) ? { id, secret } : null;
}

/**
 * The session and account a cookie token stands for, or null for every kind of bad
 * token (malformed, unknown, wrong secret, idle too long, past its lifetime, account
 * gone or disabled): callers never learn which. Ended sessions are deleted on the way.
 * Activity slides `lastSeenAt` forward, at most once a minute.
 */
export async function validateSessionToken(
  deps: SessionDeps,
  args: {
    token: string;
    /**
     * False to look without counting as activity (default true): asking how long is
     * left must not itself keep a session alive.
     */
    touch?: boolean;
  },
): Promise<ValidSession | null> {
  const parts = parseSessionToken(args.token);
  if (!parts) return null;
  const repos = deps.storage.repos;
  const session = await repos.sessions.findById({ id: parts.id });
  if (!session) return null;
  // Constant-time: the time taken must not tell an attacker how much of a guessed
  // secret's hash was right.
  const hash = deps.secrets.hashToken({ value: parts.secret });
  if (!deps.secrets.constantTimeEqual({ a: hash, b: session.secretHash })) return null;

  const now = deps.clock.now();
  const account = await repos.accounts.findById({ id: session.accountId });
  if (account?.status !== 'active' || isSessionOver(deps.policy, session, account, now)) {
    const resume = account?.status === 'active' ? resumeToken(deps, session, account, now) : null;
    try {
      await deps.storage.transaction(async (tx) => {
        if (!(await tx.sessions.findById({ id: session.id }))) return;
        await tx.sessions.delete({ id: session.id });
        if (resume && !(await tx.tokens.findById({ id: resume.id }))) {
          await tx.tokens.insert({ token: resume });
        }
      });
    } catch {
      // Two requests ended the same session at the same moment and the other one won.
      await repos.sessions.delete({ id: session.id });
    }
    return null;
  }
  if (args.touch !== false && now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    session.lastSeenAt = now;
    await repos.sessions.update({ session });
  }
  return { session, account };
}

/**
 * When a session ended by inactivity (not by its lifetime, and not long ago), the
 * token that lets its cookie save a draft for the next `RESUME_WINDOW_MS`: it takes
 * the session's id and secret hash, so the cookie the browser already holds is the
 * proof, and nothing new is handed out. Null otherwise.
 */
function resumeToken(
  deps: Pick<SessionDeps, 'policy'>,
  session: Session,
  account: Account,
  now: Date,
): OneTimeToken | null {
  if (now.getTime() >= session.expiresAt.getTime()) return null;
  // Signed in again, or the password changed, since this session was last used: the
  // person has moved on, and an old cookie (or a copy of it) may save nothing.
  const last = session.lastSeenAt.getTime();
  if ((account.lastSignInAt?.getTime() ?? 0) > last) return null;
  if ((account.passwordChangedAt?.getTime() ?? 0) > last) return null;
  const endedAt = session.lastSeenAt.getTime() + idleLimitMs(deps.policy, account);
  const until = Math.min(endedAt + RESUME_WINDOW_MS, session.expiresAt.getTime());
  if (until <= now.getTime()) return null;
  return {
    id: session.id,
    purpose: 'resume',
    secretHash: session.secretHash,
    accountId: account.id,
    email: account.email,
    deliveryId: null,
    createdAt: now,
    expiresAt: new Date(until),
    usedAt: null,
  };
}

/**
 * The account a cookie's session belonged to, when that session ended by inactivity
 * within the last `RESUME_WINDOW_MS` and the account is still active; null for every
 * other token. It is not a session: callers may use it for one thing only, saving the
 * message the person was writing as their own draft, so a Send pressed after a timeout
 * loses nothing. The secret is compared in constant time, as for sessions.
 */
export async function findTimedOutSession(
  deps: SessionDeps,
  args: { token: string },
): Promise<TimedOutSession | null> {
  const parts = parseSessionToken(args.token);
  if (!parts) return null;
  const repos = deps.storage.repos;
  const token = await repos.tokens.findById({ id: parts.id });
  if (token?.purpose !== 'resume' || token.usedAt !== null || token.accountId === null) return null;
  const hash = deps.secrets.hashToken({ value: parts.secret });
  if (!deps.secrets.constantTimeEqual({ a: hash, b: token.secretHash })) return null;
  if (deps.clock.now().getTime() >= token.expiresAt.getTime()) return null;
  const account = await repos.accounts.findById({ id: token.accountId });
  if (account?.status !== 'active') return null;
  return { sessionId: token.id, account, resumeUntil: token.expiresAt };
}

/** Spends a timed-out session's resume token: its cookie can save nothing more. */
export async function endTimedOutSession(
  deps: Pick<SessionDeps, 'storage' | 'clock'>,
  args: { sessionId: string },
): Promise<void> {
  await deps.storage.repos.tokens.markUsed({ id: args.sessionId, at: deps.clock.now() });
}

/**
 * True once a session has ended: at `expiresAt` exactly, or when it has been idle for
 * the account's limit. A "Remember me" session of a recipient has no idle limit (the
 * person asked to stay signed in on this device for days); staff always have one.
 */
export function isSessionOver(
  policy: SessionPolicy,
  session: Session,
  account: Account,
  now: Date,
): boolean {
  if (now.getTime() >= session.expiresAt.getTime()) return true;
  if (session.rememberMe && account.kind !== 'staff') return false;
  return now.getTime() - session.lastSeenAt.getTime() >= idleLimitMs(policy, account);
}

/** When a session will end if nothing more happens, and whether activity can move that. */
export type SessionEnd = {
  at: Date;
  /** True when the end is the idle limit (activity moves it), false for the lifetime. */
  byInactivity: boolean;
  /** The idle limit in whole seconds, or null for a recipient's "Remember me" session. */
  idleSeconds: number | null;
};

/**
 * When `session` ends with no further activity: the earlier of its idle limit and its
 * lifetime (see `isSessionOver`). Since `lastSeenAt` is written at most once a minute,
 * the true idle end may be up to a minute earlier than a page last loaded suggests;
 * this is computed from the stored value, so it is exact.
 */
export function sessionEnd(policy: SessionPolicy, session: Session, account: Account): SessionEnd {
  const lifetimeEnd = session.expiresAt.getTime();
  if (session.rememberMe && account.kind !== 'staff') {
    return { at: new Date(lifetimeEnd), byInactivity: false, idleSeconds: null };
  }
  const idle = idleLimitMs(policy, account);
  const idleEnd = session.lastSeenAt.getTime() + idle;
  return {
    at: new Date(Math.min(idleEnd, lifetimeEnd)),
    byInactivity: idleEnd < lifetimeEnd,
    idleSeconds: Math.floor(idle / 1000),
  };
}

/** What a signed-in page's script is told about its session (`sessionStatus`). */
export type SessionStatus =
  | { signedIn: false }
  | {
      signedIn: true;
      /** Whole seconds until the session ends if nothing else happens. */
      endsInSeconds: number;
      /** True when that end is the idle limit, which activity (or "Stay signed in") moves. */
      byInactivity: boolean;
      /** The idle limit itself, or null for a recipient's "Remember me" session. */
      idleSeconds: number | null;
    };

/** `sessionEnd` as the page's script needs it: seconds from `now`. */
export function sessionStatus(
  policy: SessionPolicy,
  session: Session,
  account: Account,
  now: Date,
): SessionStatus {
  const end = sessionEnd(policy, session, account);
  return {
    signedIn: true,
    endsInSeconds: Math.max(0, Math.floor((end.at.getTime() - now.getTime()) / 1000)),
    byInactivity: end.byInactivity,
    idleSeconds: end.idleSeconds,
  };
}

/**
 * Counts now as activity for `session`, whatever the touch interval: "Stay signed in"
 * must give the whole idle limit back. Returns the session as stored.
 */
export async function extendSession(
  deps: Pick<SessionDeps, 'storage' | 'clock'>,
  args: { session: Session },
): Promise<Session> {
  const session = { ...args.session, lastSeenAt: deps.clock.now() };
  await deps.storage.repos.sessions.update({ session });
  return session;
}

/** Ends one session (sign-out). */
export async function invalidateSession(
  deps: Pick<SessionDeps, 'storage'>,
  args: { sessionId: string },
): Promise<void> {
  await deps.storage.repos.sessions.delete({ id: args.sessionId });
}

/**
 * Ends every session of an account ("sign out everywhere", password change), except
 * `exceptId` when given. Returns how many ended.
 */
export async function invalidateAllSessions(
  deps: Pick<SessionDeps, 'storage'>,
  args: { accountId: string; exceptId?: string; repos?: Repositories },
): Promise<number> {
  const repos = args.repos ?? deps.storage.repos;
  return repos.sessions.deleteForAccount({
    accountId: args.accountId,
    ...(args.exceptId === undefined ? {} : { exceptId: args.exceptId }),
  });
}

/**
 * Signs a person out: this session, or with `everywhere` every session of the account
 * (a lost phone, a shared computer), and records `account.signout`.
 */
export async function signOut(
  deps: Pick<SessionDeps, 'storage'> & AuditDeps,
  args: { session: Session; everywhere: boolean; ip: string | null },
): Promise<void> {
  const accountId = args.session.accountId;
  await deps.storage.transaction(async (repos) => {
    let ended = 1;
    if (args.everywhere) ended = await repos.sessions.deleteForAccount({ accountId });
    else await repos.sessions.delete({ id: args.session.id });
    await endResumeTokens(repos, accountId, deps.clock.now());
    const account = await repos.accounts.findById({ id: accountId });
    await recordAudit(deps, repos, {
      action: 'account.signout',
      actorId: accountId,
      actorLabel: account?.email ?? null,
      ip: args.ip,
      targetType: 'account',
      targetId: accountId,
      details: { everywhere: args.everywhere, ended },
    });
  });
}
