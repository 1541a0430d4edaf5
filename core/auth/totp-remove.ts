import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { passwordMatches, type TotpDeps } from './totp.ts';
import { prepareSecondFactorNotice } from './totp-notice.ts';

/** The outcome of turning two-step verification off. */
export type RemoveTotpResult =
  | { ok: true }
  | { ok: false; reason: 'wrong-password' | 'not-enrolled' | 'not-allowed' };

/**
 * True when the account may turn its second factor off: recipients, for whom it is a
 * choice. Staff may not here: admins must keep one, and a sender's is the council's
 * decision, so an admin resets it instead.
 */
export function canRemoveTotp(account: Account): boolean {
  return account.kind === 'external' && !account.sharedMailbox;
}

/**
 * Turns two-step verification off: only with the account's password typed again (ASVS
 * V7.5.1, as for setting it up), which a wrong one records as `account.reauth-failed`.
 * The key and every recovery code go, `account.totp-remove` is recorded, and the
 * account's address is told (in the same transaction, so the notice goes if and only
 * if the change happened). Sessions already signed in stay signed in: the person is
 * the one who just proved the password.
 */
export async function removeTotp(
  deps: TotpDeps,
  input: { account: Account; password: string; orgName: string; ip: string | null },
): Promise<RemoveTotpResult> {
  if (!canRemoveTotp(input.account)) return { ok: false, reason: 'not-allowed' };
  if (input.account.totpKeyEnc === null) return { ok: false, reason: 'not-enrolled' };
  if (!(await passwordMatches(deps, input))) {
    await deps.storage.transaction((repos) =>
      recordAudit(deps, repos, {
        action: 'account.reauth-failed',
        actorId: input.account.id,
        actorLabel: input.account.email,
        ip: input.ip,
        targetType: 'account',
        targetId: input.account.id,
        details: { purpose: 'totp-remove' },
      }),
    );
    return { ok: false, reason: 'wrong-password' };
  }
  const notice = await prepareSecondFactorNotice(deps, {
    account: input.account,
    orgName: input.orgName,
    change: 'removed',
  });
  return deps.storage.transaction(async (repos): Promise<RemoveTotpResult> => {
    const fresh = await repos.accounts.findById({ id: input.account.id, forUpdate: true });
    // Already off (a second tab, say): nothing to do, nothing to tell.
    if (!fresh || fresh.totpKeyEnc === null) return { ok: false, reason: 'not-enrolled' };
    await repos.accounts.update({
      account: { ...fresh, totpKeyEnc: null, recoveryCodeHashes: [], updatedAt: deps.clock.now() },
    });
    await recordAudit(deps, repos, {
      action: 'account.totp-remove',
      actorId: fresh.id,
      actorLabel: fresh.email,
      ip: input.ip,
      targetType: 'account',
      targetId: fresh.id,
      details: { recoveryCodesLeft: fresh.recoveryCodeHashes.length },
    });
    if (notice) await repos.outbox.insert({ mail: notice });
    return { ok: true };
  });
}
