import { type SmtpSignInDeps, signInOverSmtp } from '../../core/auth/smtp-sign-in.ts';
import type { GatewayUser } from './smtp-gateway.ts';

/** How many failed logins one client address may make per window before it must wait. */
const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
/** Client addresses remembered at most; past it, finished windows are forgotten first. */
const MAX_TRACKED = 10_000;

/**
 * What staff login needs: the composed application (its `config` gives the portal's
 * address; its `sso`, set when single sign-on is configured, gives `ssoConfigured`).
 */
export type StaffLoginDeps = Omit<SmtpSignInDeps, 'publicUrl' | 'ssoConfigured'> & {
  config: { publicUrl: string };
  sso?: object | null;
};

/**
 * SMTP AUTH for staff who send through the gateway from a mail client rather than a
 * council server: their Sealpost address and password, checked by core's
 * `signInOverSmtp` under the same account lockout as the sign-in form (a wrong
 * password counts against the account, a locked account is refused, both outcomes
 * are audited with `channel: smtp`). Only active staff senders and admins may log in.
 *
 * On top of that, a client address gets five failures per 15 minutes, then every
 * login from it is refused unchecked until the window ends: an extra guard that
 * spares the password hasher, kept in memory as it only needs to hold one process.
 */
export function staffLogin(
  deps: StaffLoginDeps,
): (args: { username: string; password: string; ip: string }) => Promise<GatewayUser | null> {
  const failures = new Map<string, { count: number; since: number }>();
  const signInDeps: SmtpSignInDeps = {
    ...deps,
    publicUrl: deps.config.publicUrl,
    ssoConfigured: deps.sso != null,
  };

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
    else {
      if (failures.size >= MAX_TRACKED) forget(now);
      failures.set(ip, { count: 1, since: now });
    }
    return null;
  };
  // Bounded memory whatever the number of client addresses (IPv6 has plenty): finished
  // windows go; if every window is live, the oldest go (a Map keeps insertion order).
  const forget = (now: number) => {
    for (const [ip, entry] of failures) {
      if (now - entry.since > WINDOW_MS) failures.delete(ip);
    }
    for (const ip of failures.keys()) {
      if (failures.size < MAX_TRACKED) break;
      failures.delete(ip);
    }
  };

  return async ({ username, password, ip }) => {
    const now = deps.clock.now().getTime();
    if (isBlocked(ip, now)) return null;
    const result = await signInOverSmtp(signInDeps, { username, password, ip });
    if (!result.ok) return fail(ip, now);
    failures.delete(ip);
    return { accountId: result.account.id, email: result.account.email };
  };
}
