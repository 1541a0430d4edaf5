import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Repositories } from '../storage/ports.ts';
import type { OneTimeToken, TokenPurpose } from './model.ts';
import { parseSessionToken } from './sessions.ts';

/** 128 bits: unguessable for the life of any link. */
const SECRET_BYTES = 16;

/**
 * A new one-time link token (not stored): the row to insert and the `<id>.<secret>`
 * that goes in the link. Only the secret's hash is kept, so the tokens table is no use
 * to someone who copies it.
 */
export function buildLinkToken(
  deps: { ids: Ids; clock: Clock; secrets: Secrets },
  args: {
    purpose: TokenPurpose;
    accountId: string | null;
    email: string;
    deliveryId?: string | null;
    expiresAt: Date;
  },
): { token: OneTimeToken; value: string } {
  const id = deps.ids.newId();
  const secret = deps.secrets.randomToken({ bytes: SECRET_BYTES });
  return {
    token: {
      id,
      purpose: args.purpose,
      secretHash: deps.secrets.hashToken({ value: secret }),
      accountId: args.accountId,
      email: args.email,
      deliveryId: args.deliveryId ?? null,
      createdAt: deps.clock.now(),
      expiresAt: args.expiresAt,
      usedAt: null,
    },
    value: `${id}.${secret}`,
  };
}

/**
 * The token a link stands for, when it has one of `purposes`, its secret matches,
 * and it has not expired; `allowUsed` also returns spent ones (a notify link still
 * leads a registered person to sign in). Null for every other case, whatever the
 * reason, so a caller cannot tell a wrong secret from an unknown id.
 */
export async function findLinkToken(
  deps: { secrets: Secrets },
  repos: Repositories,
  args: { value: string; purposes: readonly TokenPurpose[]; now: Date; allowUsed?: boolean },
): Promise<OneTimeToken | null> {
  const parts = parseSessionToken(args.value);
  if (!parts) return null;
  const token = await repos.tokens.findById({ id: parts.id });
  if (!token) return null;
  // Constant-time, as for sessions: a guessed secret learns nothing from timing.
  const hash = deps.secrets.hashToken({ value: parts.secret });
  if (!deps.secrets.constantTimeEqual({ a: hash, b: token.secretHash })) return null;
  if (!args.purposes.includes(token.purpose)) return null;
  if (token.expiresAt.getTime() <= args.now.getTime()) return null;
  if (token.usedAt !== null && !args.allowUsed) return null;
  return token;
}
