import { pendingExtensions } from '../access/pending-requests.ts';
import type { Account } from '../accounts/model.ts';
import type { MailboxDeps } from './deps.ts';
import { type MailboxRow, PAGE_SIZE } from './mailbox.ts';
import { deliveryState, type InboxItem } from './model.ts';
import { decryptText } from './open-message.ts';

/** An expired mailbox row, and whether more time has been asked for already. */
export type ExpiredRow = MailboxRow & { requestPending: boolean };

// The repository lists active and expired deliveries together; the expired ones are
// picked out here. A recipient has at most a few hundred messages in retention, so
// reading their rows in batches is cheap; the cap keeps a pathological mailbox bounded.
const BATCH = 200;
const MAX_SCANNED = 5_000;

/**
 * One page of the messages the person can no longer read (access ended, or revoked by
 * the sender; not deleted), newest first, each with its state as the reason and
 * whether a request for more time is waiting for the sender.
 */
export async function listExpired(
  deps: MailboxDeps,
  input: { account: Account; page: number },
): Promise<{ rows: ExpiredRow[]; total: number; page: number; pages: number }> {
  const now = deps.clock.now();
  const expired: InboxItem[] = [];
  for (let offset = 0; offset < MAX_SCANNED; offset += BATCH) {
    const batch = await deps.storage.repos.deliveries.listInbox({
      recipientId: input.account.id,
      now,
      includeExpired: true,
      limit: BATCH,
      offset,
    });
    for (const item of batch) {
      if (deliveryState(item.delivery, now) !== 'active') expired.push(item);
    }
    if (batch.length < BATCH) break;
  }
  const pages = Math.max(1, Math.ceil(expired.length / PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(input.page) || 1), pages);
  const pending = await pendingExtensions(deps.storage.repos, input.account);
  const rows = await Promise.all(
    expired.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map(async (item) => ({
      ...item,
      subject: await decryptText(deps, item.message.subjectEnc),
      state: deliveryState(item.delivery, now),
      isUnread: item.delivery.firstOpenedAt === null,
      daysLeft: null,
      requestPending: pending.has(item.delivery.id),
    })),
  );
  return { rows, total: expired.length, page, pages };
}
