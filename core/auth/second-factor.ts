import { type Account, hasSecondFactor } from '../accounts/model.ts';
import type { Settings } from '../settings/model.ts';
import type { Repositories, Storage } from '../storage/ports.ts';
import type { Session } from './model.ts';

/**
 * Who must have a second factor, and what a message marked "second factor required"
 * asks of the session that opens it (docs/decisions/0029). Pure decisions, plus the one
 * write that starts a step-up.
 */

/**
 * True when the account must set up a second factor (an authenticator app or a
 * passkey) before it can do anything else. Admins always: the councils' guides require
 * it. Every staff member when `staffSecondFactor` is `all-staff` (the default for a new
 * installation): senders handle the personal data too. Never recipients, who may
 * choose one, and never a team mailbox, which does not sign in.
 */
export function mustEnrolSecondFactor(
  account: Pick<Account, 'kind' | 'role' | 'sharedMailbox' | 'totpKeyEnc' | 'passkeyCount'>,
  settings: Pick<Settings, 'staffSecondFactor'>,
): boolean {
  if (account.kind !== 'staff' || account.sharedMailbox || hasSecondFactor(account)) return false;
  return account.role === 'admin' || settings.staffSecondFactor === 'all-staff';
}

/**
 * What a session must do before a message opens, or null when it may:
 * - `enrol`: the person has no second factor; they set one up first (that set-up
 *   proves possession in this session, see `markSecondFactorProved`);
 * - `confirm`: they have one, but this session never used it (it began before it was
 *   set up, say, or passwordless): they use it again.
 *
 * The person's own account and session count, never a team mailbox they act for:
 * a team mailbox has no factor of its own and every member signs in as themselves.
 */
export function stepUpNeeded(args: {
  message: { secondFactorRequired: boolean };
  person: Pick<Account, 'totpKeyEnc' | 'passkeyCount'>;
  session: Pick<Session, 'secondFactorAt'>;
}): 'enrol' | 'confirm' | null {
  if (!args.message.secondFactorRequired || args.session.secondFactorAt !== null) return null;
  return hasSecondFactor(args.person) ? 'confirm' : 'enrol';
}

/**
 * Records, inside a caller's transaction, that this session just proved a second factor
 * without signing in again: setting one up proves the person holds it (they used it to
 * finish the set-up), so a message that asked for a second step opens straight after.
 * Only the session's own row changes; the set-up itself is the audited event. Call it
 * only when the factor set up is the account's first (`hasSecondFactor` false as read
 * before the change), from the app's set-up in `confirmTotpEnrolment` and a passkey's:
 * a session that adds a factor beside one it never used must still step up.
 */
export async function markSecondFactorProved(
  repos: Pick<Repositories, 'sessions'>,
  input: { sessionId: string; accountId: string; now: Date },
): Promise<void> {
  const session = await repos.sessions.findById({ id: input.sessionId });
  if (!session || session.accountId !== input.accountId || session.twoFactorPending) return;
  await repos.sessions.update({ session: { ...session, secondFactorAt: input.now } });
}

/**
 * Starts a step-up for a session whose person has a second factor it never used: the
 * session becomes half-signed-in again (`twoFactorPending`), so the ordinary second
 * step of signing in asks for it and, on success, reissues the session with
 * `secondFactorAt` set. Returns false (and changes nothing) when the person has no
 * factor to use, or the session is not theirs.
 */
export async function startStepUp(
  deps: { storage: Storage },
  input: { sessionId: string; accountId: string },
): Promise<boolean> {
  return deps.storage.transaction(async (repos) => {
    const session = await repos.sessions.findById({ id: input.sessionId });
    const account = await repos.accounts.findById({ id: input.accountId });
    if (!session || !account || session.accountId !== account.id || !hasSecondFactor(account)) {
      return false;
    }
    if (!session.twoFactorPending) {
      await repos.sessions.update({ session: { ...session, twoFactorPending: true } });
    }
    return true;
  });
}
