import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { isLocked } from '../auth/lockout.ts';
import { type AdminActor, type AdminDeps, auditActor } from './deps.ts';

/** Why an account action did nothing. */
export type AccountActionRefusal =
  /** No such account. */
  | 'not-found'
  /** Admins may not disable or delete their own account (another admin must). */
  | 'own-account'
  /** The account is already in the state asked for (not locked, already disabled...). */
  | 'no-change';

/** The outcome of an account action. */
export type AccountActionResult =
  | { ok: true; account: Account }
  | { ok: false; reason: AccountActionRefusal };

/**
 * Lifts a sign-in lock before it ends by itself: the account's counters and every
 * per-device lock are cleared. Records `account.unlock`. An account that is not
 * locked is left alone (`no-change`), so a second click records nothing.
 */
export function unlockAccount(
  deps: Pick<AdminDeps, 'storage' | 'ids' | 'clock' | 'secrets'>,
  input: { accountId: string; actor: AdminActor },
): Promise<AccountActionResult> {
  return deps.storage.transaction(async (repos): Promise<AccountActionResult> => {
    const account = await repos.accounts.findById({ id: input.accountId, forUpdate: true });
    if (!account) return { ok: false, reason: 'not-found' };
    const now = deps.clock.now();
    const hadCounters = account.failedSignIns > 0 || account.lockedUntil !== null;
    const devicesCleared = await repos.deviceLockouts.deleteForAccount({ accountId: account.id });
    if (!hadCounters && devicesCleared === 0) return { ok: false, reason: 'no-change' };
    const wasLocked = isLocked(account, now);
    const updated: Account = {
      ...account,
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
      updatedAt: now,
    };
    await repos.accounts.update({ account: updated });
    await recordAudit(deps, repos, {
      action: 'account.unlock',
      ...auditActor(input.actor),
      targetType: 'account',
      targetId: account.id,
      details: { via: 'admin', wasLocked, devices: devicesCleared },
    });
    return { ok: true, account: updated };
  });
}

/**
 * Disables or enables an account. Disabling ends every session at once (a disabled
 * account's session would be refused anyway at its next request; this makes it
 * immediate and tidy) and keeps everything else: messages, copies, the audit trail.
 * Records `account.disable` or `account.enable`. An admin cannot disable their own
 * account, so there is always someone left who can undo it.
 */
export function setAccountDisabled(
  deps: Pick<AdminDeps, 'storage' | 'ids' | 'clock' | 'secrets'>,
  input: { accountId: string; disabled: boolean; actor: AdminActor },
): Promise<AccountActionResult> {
  return deps.storage.transaction(async (repos): Promise<AccountActionResult> => {
    const account = await repos.accounts.findById({ id: input.accountId, forUpdate: true });
    if (!account) return { ok: false, reason: 'not-found' };
    if (input.disabled && account.id === input.actor.id) {
      return { ok: false, reason: 'own-account' };
    }
    const status = input.disabled ? 'disabled' : 'active';
    if (account.status === status) return { ok: false, reason: 'no-change' };
    const updated: Account = { ...account, status, updatedAt: deps.clock.now() };
    await repos.accounts.update({ account: updated });
    const sessions = input.disabled
      ? await repos.sessions.deleteForAccount({ accountId: account.id })
      : 0;
    await recordAudit(deps, repos, {
      action: input.disabled ? 'account.disable' : 'account.enable',
      ...auditActor(input.actor),
      targetType: 'account',
      targetId: account.id,
      details: input.disabled ? { sessionsEnded: sessions } : {},
    });
    return { ok: true, account: updated };
  });
}
