import type { Account } from '../accounts/model.ts';
import type { Session } from '../auth/model.ts';
import { stepUpNeeded } from '../auth/second-factor.ts';
import type { MailboxDeps } from './deps.ts';
import { decryptText } from './open-message.ts';
import { findOwnDelivery } from './read-access.ts';

/** Why a message does not open yet, with what the explanation page names. */
export type StepUpRefusal = {
  need: 'enrol' | 'confirm';
  deliveryId: string;
  /** The subject (not content: the inbox list shows it too), so the person knows which message. */
  subject: string;
};

/**
 * Whether the delivery `deliveryId` of `account` (the mailbox: the person's own, or a
 * team mailbox they act for) is marked "second factor required" and this session has
 * not proved one (`stepUpNeeded`). Null when it may open, and also when the delivery
 * is not this account's: the route's own check then answers exactly as for a missing
 * id, so nothing about the mark leaks to someone else. The person's own factor and
 * session count, never the team mailbox's.
 */
export async function stepUpForDelivery(
  deps: Pick<MailboxDeps, 'storage' | 'cipher' | 'clock'>,
  input: {
    account: Account;
    person: Pick<Account, 'totpKeyEnc' | 'passkeyCount'>;
    session: Pick<Session, 'secondFactorAt'>;
    deliveryId: string;
  },
): Promise<StepUpRefusal | null> {
  const access = await findOwnDelivery(
    deps.storage.repos,
    input.account,
    input.deliveryId,
    deps.clock.now(),
  );
  if (!access.ok) return null;
  const need = stepUpNeeded({
    message: access.message,
    person: input.person,
    session: input.session,
  });
  if (!need) return null;
  return {
    need,
    deliveryId: input.deliveryId,
    subject: await decryptText(deps, access.message.subjectEnc),
  };
}
