import type { AccountDeps } from '../../accounts/deps.ts';
import type { Account } from '../../accounts/model.ts';
import { recordAudit } from '../../audit/record.ts';
import type { Session } from '../model.ts';
import type { SsoPolicy, SsoRefusal } from './model.ts';
import type { SsoProvider } from './ports.ts';
import { auditSsoRefusal } from './refusal.ts';
import { isRightTenant, roleFromClaims } from './roles.ts';

/** True when a session started through the provider is due to be confirmed there again. */
export function isSsoRecheckDue(session: Session, now: Date, recheckMs: number): boolean {
  return (
    session.ssoCheckedAt !== null && now.getTime() - session.ssoCheckedAt.getTime() >= recheckMs
  );
}

/**
 * Confirms at the provider that the person behind an SSO session still holds a role,
 * with the refresh token kept (encrypted) on the session. Called only when due
 * (`isSsoRecheckDue`), at most once per recheck interval, which is at most the staff
 * idle timeout: a leaver removed at the provider loses every session within it.
 *
 * - no refresh token was given: the session ends (the person goes through the provider
 *   again, which decides afresh);
 * - the refresh fails (user removed, grant revoked, provider down): every session of
 *   the account ends, `account.sso-refused` reason `refresh-failed`;
 * - the refreshed claims grant no role (or come from the wrong tenant): every session
 *   ends, reason `no-role` (or `wrong-tenant`);
 * - otherwise the check time and the (possibly rotated) refresh token are written, and
 *   a changed role is taken at once.
 *
 * A provider that cannot be reached ends the session too: failing closed is the point
 * of the check, and the person can sign in again when it is back.
 */
export async function recheckSsoSession(
  deps: AccountDeps,
  args: {
    provider: SsoProvider;
    policy: SsoPolicy;
    session: Session;
    account: Account;
    ip: string | null;
  },
): Promise<{ ok: true; session: Session; account: Account } | { ok: false; reason: SsoRefusal }> {
  const { session, account } = args;
  const end = async (reason: SsoRefusal, details: Record<string, string | boolean | null>) => {
    await deps.storage.transaction(async (repos) => {
      await repos.sessions.deleteForAccount({ accountId: account.id });
      await auditSsoRefusal(deps, repos, {
        reason,
        accountId: account.id,
        label: account.email,
        ip: args.ip,
        details: { recheck: true, ...details },
      });
    });
    return { ok: false as const, reason };
  };
  if (session.ssoRefreshEnc === null) return end('refresh-failed', { refreshToken: false });
  const refreshToken = new TextDecoder().decode(
    await deps.cipher.decryptBytes({ ciphertext: session.ssoRefreshEnc }),
  );
  const refreshed = await args.provider.refresh({ refreshToken });
  if (!refreshed.ok) return end('refresh-failed', { code: refreshed.code });
  const { claims } = refreshed.tokens;
  if (!isRightTenant(args.policy, claims)) return end('wrong-tenant', {});
  const role = roleFromClaims(args.policy, claims);
  if (role === null) return end('no-role', {});

  const now = deps.clock.now();
  const nextToken = refreshed.tokens.refreshToken ?? refreshToken;
  const updated: Session = {
    ...session,
    ssoCheckedAt: now,
    ssoRefreshEnc:
      nextToken === refreshToken
        ? session.ssoRefreshEnc
        : await deps.cipher.encryptBytes({ plaintext: new TextEncoder().encode(nextToken) }),
  };
  let current = account;
  await deps.storage.transaction(async (repos) => {
    await repos.sessions.update({ session: updated });
    if (account.role !== role) {
      current = { ...account, role, updatedAt: now };
      await repos.accounts.update({ account: current });
      await recordAudit(deps, repos, {
        action: 'account.sso-role-change',
        actorId: account.id,
        actorLabel: account.email,
        ip: args.ip,
        targetType: 'account',
        targetId: account.id,
        details: { from: account.role, to: role, recheck: true },
      });
    }
  });
  return { ok: true, session: updated, account: current };
}
