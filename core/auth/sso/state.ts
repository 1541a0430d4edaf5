import type { Clock, Secrets } from '../../shared/ports.ts';
import { MINUTE_MS } from '../../shared/time.ts';
import type { Storage } from '../../storage/ports.ts';
import type { OneTimeToken } from '../model.ts';
import type { SsoRefusal } from './model.ts';

/** How long a browser has to come back from the provider. */
export const SSO_STATE_MINUTES = 10;

/** What starting and finishing the state needs. */
export type SsoStateDeps = { storage: Storage; secrets: Secrets; clock: Clock };

/** One sign-in under way: what goes to the provider, and what the browser keeps. */
export type SsoStart = {
  /** The OAuth `state`: the one-time token's id (128 random bits). */
  state: string;
  /** Goes in an HttpOnly cookie: only its hash is stored, so the state alone is not enough. */
  browserKey: string;
  nonce: string;
  codeVerifier: string;
};

// The nonce and the PKCE verifier are not stored: each is the server's keyed HMAC of
// the state under its own label. Anyone who sees the state (it is in URLs) cannot work
// them out without the signing key, the server can always work them out again, and
// nothing secret sits in the database waiting to be read. Hex of SHA-256 is 64
// characters, within PKCE's 43-128 unreserved characters (RFC 7636 section 4.1).
function derived(secrets: Secrets, state: string) {
  return {
    nonce: secrets.sign({ value: `sso-nonce:${state}` }),
    codeVerifier: secrets.sign({ value: `sso-pkce:${state}` }),
  };
}

/**
 * Starts a sign-in through the provider: stores a single-use `sso` token whose id is
 * the state and whose secret hash is the hash of a random browser key (set as a cookie
 * by the caller), so a callback that reaches another browser is refused.
 */
export async function beginSsoState(deps: SsoStateDeps): Promise<SsoStart> {
  const state = deps.secrets.randomToken({ bytes: 16 });
  const browserKey = deps.secrets.randomToken({ bytes: 24 });
  const now = deps.clock.now();
  const token: OneTimeToken = {
    id: state,
    purpose: 'sso',
    secretHash: deps.secrets.hashToken({ value: browserKey }),
    accountId: null,
    email: '',
    deliveryId: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SSO_STATE_MINUTES * MINUTE_MS),
    usedAt: null,
  };
  await deps.storage.repos.tokens.insert({ token });
  return { state, browserKey, ...derived(deps.secrets, state) };
}

/**
 * Spends the state of a callback, once: the nonce and verifier to check the answer
 * with, or why not. A used state is a replay; an unknown or expired one is
 * `state-unknown`; a browser without the matching cookie is `other-browser`. The spend
 * is an atomic update, so two callbacks racing with one state cannot both pass.
 */
export async function spendSsoState(
  deps: SsoStateDeps,
  args: { state: string; browserKey: string | null },
): Promise<{ ok: true; nonce: string; codeVerifier: string } | { ok: false; reason: SsoRefusal }> {
  if (!/^[a-z0-9]{8,64}$/.test(args.state)) return { ok: false, reason: 'state-unknown' };
  const token = await deps.storage.repos.tokens.findById({ id: args.state });
  if (token?.purpose !== 'sso') return { ok: false, reason: 'state-unknown' };
  if (token.usedAt !== null) return { ok: false, reason: 'state-replayed' };
  const now = deps.clock.now();
  if (now.getTime() >= token.expiresAt.getTime()) return { ok: false, reason: 'state-unknown' };
  const hash = args.browserKey ? deps.secrets.hashToken({ value: args.browserKey }) : '';
  // Constant-time, as for sessions: timing must not tell how much of a guess was right.
  if (!deps.secrets.constantTimeEqual({ a: hash, b: token.secretHash })) {
    return { ok: false, reason: 'other-browser' };
  }
  if (!(await deps.storage.repos.tokens.markUsed({ id: token.id, at: now }))) {
    return { ok: false, reason: 'state-replayed' };
  }
  return { ok: true, ...derived(deps.secrets, args.state) };
}
