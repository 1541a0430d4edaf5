import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import { MINUTE_MS } from '../shared/time.ts';
import type { Repositories } from '../storage/ports.ts';
import type { OneTimeToken } from './model.ts';
import { parseSessionToken } from './sessions.ts';

/**
 * WebAuthn challenges, kept as one-time tokens (purpose `passkey`): the challenge a
 * browser signs is the token's `<id>.<secret>`, and only a hash of the secret is stored,
 * bound to what the challenge is for. So a challenge is single use (spent with
 * `markUsed`, which only one caller can win), short lived, and worthless outside the
 * ceremony and session it was issued for: a registration challenge cannot finish a
 * sign-in, nor one session's challenge another session's second step.
 */

/** How long a challenge may wait for the person to touch their authenticator. */
export const PASSKEY_CHALLENGE_MS = 5 * MINUTE_MS;

/** What a challenge was issued for. */
export type ChallengeUse =
  /** Registering a passkey in a signed-in session. */
  | { kind: 'register'; sessionId: string; accountId: string }
  /** The second step of signing in, in the half-signed-in session. */
  | { kind: 'second-factor'; sessionId: string; accountId: string }
  /** Signing in with a passkey alone, from a signed-out browser (no cookie before sign-in). */
  | { kind: 'passwordless' };

const SECRET_BYTES = 16;

function binding(use: ChallengeUse, secret: string): string {
  const who = use.kind === 'passwordless' ? '' : `${use.sessionId}:${use.accountId}`;
  return `passkey-challenge:${use.kind}:${who}:${secret}`;
}

/**
 * Stores a new challenge for `use` and returns it (the string the browser signs).
 * Called in its own small write; nothing else is stored until the answer is checked.
 */
export async function issueChallenge(
  deps: { ids: Ids; clock: Clock; secrets: Secrets },
  repos: Repositories,
  args: { use: ChallengeUse; email: string },
): Promise<string> {
  const id = deps.ids.newId();
  const secret = deps.secrets.randomToken({ bytes: SECRET_BYTES });
  const now = deps.clock.now();
  const token: OneTimeToken = {
    id,
    purpose: 'passkey',
    secretHash: deps.secrets.hashToken({ value: binding(args.use, secret) }),
    accountId: args.use.kind === 'passwordless' ? null : args.use.accountId,
    email: args.email,
    deliveryId: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PASSKEY_CHALLENGE_MS),
    usedAt: null,
  };
  await repos.tokens.insert({ token });
  return `${id}.${secret}`;
}

/**
 * True when `challenge` is one we issued for exactly this `use`, unexpired and unspent.
 * Spends nothing: see `spendChallenge`, called once the answer has been checked (or
 * refused), inside the transaction that acts on it.
 */
export async function isLiveChallenge(
  deps: { secrets: Secrets; clock: Clock },
  repos: Repositories,
  args: { challenge: string; use: ChallengeUse },
): Promise<boolean> {
  const parts = parseSessionToken(args.challenge);
  if (!parts) return false;
  const token = await repos.tokens.findById({ id: parts.id });
  if (token?.purpose !== 'passkey' || token.usedAt !== null) return false;
  if (token.expiresAt.getTime() <= deps.clock.now().getTime()) return false;
  // Constant-time, as for every stored secret: a guess learns nothing from timing.
  const hash = deps.secrets.hashToken({ value: binding(args.use, parts.secret) });
  return deps.secrets.constantTimeEqual({ a: hash, b: token.secretHash });
}

/** Spends a challenge: true for the one caller that won, false if it was spent already. */
export async function spendChallenge(
  deps: { clock: Clock },
  repos: Repositories,
  args: { challenge: string },
): Promise<boolean> {
  const parts = parseSessionToken(args.challenge);
  if (!parts) return false;
  return repos.tokens.markUsed({ id: parts.id, at: deps.clock.now() });
}
