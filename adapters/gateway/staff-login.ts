import { emailKey, normaliseEmail } from '../../core/accounts/email.ts';
import type { PasswordHasher } from '../../core/accounts/ports.ts';
import type { Clock } from '../../core/shared/ports.ts';
import type { Storage } from '../../core/storage/ports.ts';
import type { GatewayUser } from './smtp-gateway.ts';

/** How many failed logins one client address may make per window before it must wait. */
const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

/**
 * SMTP AUTH for staff who send through the gateway from a mail client rather than a
 * council server: their Sealpost address and password. Only active staff senders
 * and admins with a password may log in, and not while their account is locked.
 *
 * A client address gets five failures per 15 minutes, then every login is refused
 * until the window ends, so the gateway cannot be used to guess passwords faster
 * than the portal allows. An unknown address costs one argon2 verification too, so
 * timing does not tell which addresses have accounts.
 */
export function staffLogin(deps: {
  storage: Storage;
  hasher: PasswordHasher;
  clock: Clock;
}): (args: { username: string; password: string; ip: string }) => Promise<GatewayUser | null> {
  const failures = new Map<string, { count: number; since: number }>();
  let dummyHash: Promise<string> | null = null;

  const isBlocked = (ip: string, now: number) => {
    const entry = failures.get(ip);
    if (!entry) return false;
    if (now - entry.since > WINDOW_MS) {
      failures.delete(ip);
      return false;
    }
    return entry.count >= MAX_FAILURES;
  };
  const fail = (ip: string, now: number): null => {
    const entry = failures.get(ip);
    if (entry && now - entry.since <= WINDOW_MS) entry.count++;
    else failures.set(ip, { count: 1, since: now });
    return null;
  };

  return async ({ username, password, ip }) => {
    const now = deps.clock.now();
    if (isBlocked(ip, now.getTime())) return null;
    const address = normaliseEmail(username);
    const account = address.ok
      ? await deps.storage.repos.accounts.findByEmailKey({ emailKey: emailKey(address.email) })
      : null;
    const canLogIn =
      account !== null &&
      account.kind === 'staff' &&
      account.status === 'active' &&
      (account.role === 'sender' || account.role === 'admin') &&
      account.passwordHash !== null &&
      (account.lockedUntil === null || account.lockedUntil.getTime() <= now.getTime());
    if (!canLogIn || account.passwordHash === null) {
      dummyHash ??= deps.hasher.hash({ password: 'not a password of anyone' });
      await deps.hasher.verify({ hash: await dummyHash, password });
      return fail(ip, now.getTime());
    }
    const ok = await deps.hasher.verify({ hash: account.passwordHash, password });
    if (!ok) return fail(ip, now.getTime());
    failures.delete(ip);
    return { accountId: account.id, email: account.email };
  };
}
