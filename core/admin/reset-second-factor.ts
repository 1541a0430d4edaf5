import { type Account, hasSecondFactor } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { prepareSecondFactorNotice } from '../auth/totp-notice.ts';
import { type AdminActor, type AdminDeps, auditActor } from './deps.ts';

/** Why a second-factor reset did nothing. */
export type ResetSecondFactorRefusal =
  /** No such account. */
  | 'not-found'
  /**
   * The admin's own account: another admin must reset it, so a stolen admin session
   * cannot strip the factor that protects that same admin account.
   */
  | 'own-second-factor'
  /** A team mailbox: nobody signs in to it, so it has no factor (decision 0028). */
  | 'team-mailbox'
  /** The account has neither an authenticator app nor a passkey. */
  | 'no-second-factor';

/** The outcome of resetting an account's second factor. */
export type ResetSecondFactorResult =
  | { ok: true; account: Account }
  | { ok: false; reason: ResetSecondFactorRefusal };

/**
 * Clears a person's lost second factor so they can set up a new one at their next
 * sign-in: the authenticator app's key, every recovery code and every passkey go, and
 * every session of the account ends (a session opened with the lost factor, perhaps by
 * whoever has the phone, must not outlive it). One transaction with the account read
 * for update, so two admins clicking at once reset it once. Records
 * `account.second-factor-reset` with the admin as the actor, and queues the notice to
 * the account's address in the same transaction: a reset the person did not ask for
 * is noticed.
 */
export async function resetSecondFactor(
  deps: Pick<
    AdminDeps,
    'storage' | 'ids' | 'clock' | 'secrets' | 'cipher' | 'templates' | 'settings' | 'publicUrl'
  >,
  input: { accountId: string; actor: AdminActor },
): Promise<ResetSecondFactorResult> {
  const before = await deps.storage.repos.accounts.findById({ id: input.accountId });
  if (!before) return { ok: false, reason: 'not-found' };
  const early = refusal(before, input.actor);
  if (early) return { ok: false, reason: early };
  const settings = await deps.settings.get();
  // Encryption is slow: the notice is made before the transaction and inserted in it.
  const notice = await prepareSecondFactorNotice(deps, {
    account: before,
    orgName: settings.orgName,
    change: 'reset',
  });
  return deps.storage.transaction(async (repos): Promise<ResetSecondFactorResult> => {
    const account = await repos.accounts.findById({ id: input.accountId, forUpdate: true });
    if (!account) return { ok: false, reason: 'not-found' };
    const refused = refusal(account, input.actor);
    if (refused) return { ok: false, reason: refused };
    const passkeys = await repos.passkeys.deleteForAccount({ accountId: account.id });
    const updated: Account = {
      ...account,
      totpKeyEnc: null,
      recoveryCodeHashes: [],
      passkeyCount: 0,
      updatedAt: deps.clock.now(),
    };
    await repos.accounts.update({ account: updated });
    const sessions = await repos.sessions.deleteForAccount({ accountId: account.id });
    await recordAudit(deps, repos, {
      action: 'account.second-factor-reset',
      ...auditActor(input.actor),
      targetType: 'account',
      targetId: account.id,
      details: { app: account.totpKeyEnc !== null, passkeys, sessionsEnded: sessions },
    });
    if (notice) await repos.outbox.insert({ mail: notice });
    return { ok: true, account: updated };
  });
}

/** Why `actor` may not reset `account`'s second factor now, or null when they may. */
function refusal(account: Account, actor: AdminActor): ResetSecondFactorRefusal | null {
  if (account.id === actor.id) return 'own-second-factor';
  if (account.sharedMailbox) return 'team-mailbox';
  if (!hasSecondFactor(account)) return 'no-second-factor';
  return null;
}
