import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import type { MailboxDeps } from './deps.ts';
import {
  type Delivery,
  type DeliveryState,
  deliveryState,
  type InboxItem,
  isAddressed,
  type Message,
} from './model.ts';
import { decryptText } from './open-message.ts';
import { findOwnDelivery } from './read-access.ts';

/** A mailbox row ready to show: subject decrypted, state and days left computed. */
export type MailboxRow = InboxItem & {
  subject: string;
  state: DeliveryState;
  isUnread: boolean;
  /** Whole days until access ends (0 on the last day), or null once expired. */
  daysLeft: number | null;
};

/** Inbox page size, as the council guides show. */
export const PAGE_SIZE = 25;

/** One page of a recipient's inbox, newest first, with a total for paging. */
export async function listInbox(
  deps: MailboxDeps,
  input: { account: Account; page: number; includeExpired?: boolean },
): Promise<{ rows: MailboxRow[]; total: number; page: number; pages: number }> {
  const now = deps.clock.now();
  const page = Math.max(1, Math.floor(input.page) || 1);
  const query = {
    recipientId: input.account.id,
    now,
    includeExpired: input.includeExpired ?? false,
  };
  const [items, total] = await Promise.all([
    deps.storage.repos.deliveries.listInbox({
      ...query,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    }),
    deps.storage.repos.deliveries.countInbox(query),
  ]);
  const rows = await Promise.all(
    items.map(async (item) => {
      const state = deliveryState(item.delivery, now);
      const msLeft = item.delivery.accessEndsAt.getTime() - now.getTime();
      return {
        ...item,
        subject: await decryptText(deps, item.message.subjectEnc),
        state,
        isUnread: item.delivery.firstOpenedAt === null,
        daysLeft: state === 'expired' ? null : Math.floor(msLeft / 86_400_000),
      };
    }),
  );
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** Hides a delivery from its recipient's mailbox (the message itself stays for others). */
export async function hideDelivery(
  deps: MailboxDeps,
  input: { account: Account; deliveryId: string; ip: string | null },
): Promise<boolean> {
  const now = deps.clock.now();
  const access = await findOwnDelivery(deps.storage.repos, input.account, input.deliveryId, now);
  if (!access.ok || access.role !== 'recipient') return false;
  await deps.storage.transaction(async (repos) => {
    await repos.deliveries.update({ delivery: { ...access.delivery, hiddenAt: now } });
    await recordAudit(deps, repos, {
      action: 'message.delete',
      actorId: input.account.id,
      actorLabel: input.account.email,
      ip: input.ip,
      targetType: 'delivery',
      targetId: input.deliveryId,
      details: { messageId: access.message.id },
    });
  });
  return true;
}

/**
 * Who a reply goes to. Reply: the sender only. Reply all: the sender and the other
 * people the sender addressed inside the council (outsiders are never added silently,
 * forwards are private to whoever made them), never oneself; for a forwarded copy, the
 * sender and the people it was forwarded through.
 */
export async function replyRecipients(
  deps: Pick<MailboxDeps, 'storage'>,
  input: {
    account: Account;
    message: Message;
    all: boolean;
    isInternal: (email: string) => boolean;
  },
): Promise<string[]> {
  const sender = await deps.storage.repos.accounts.findById({ id: input.message.senderId });
  const out = new Map<string, string>();
  if (sender && sender.id !== input.account.id) out.set(sender.emailKey, sender.email);
  if (input.all) {
    const deliveries = await deps.storage.repos.deliveries.listForMessage({
      messageId: input.message.id,
    });
    const own = deliveries.find((d) => d.recipientId === input.account.id);
    // A forwarded copy's reader answers the people in its chain, never the sender's
    // other recipients: writing to them would tell them of the forward.
    const chain = own && !isAddressed(own) ? chainOf(own, deliveries) : null;
    for (const d of deliveries) {
      if (d.recipientId === input.account.id) continue;
      if (chain ? !chain.has(d.id) : !isAddressed(d)) continue;
      if (!input.isInternal(d.recipientEmail)) continue;
      out.set(d.recipientEmail.toLowerCase(), d.recipientEmail);
    }
  }
  return [...out.values()];
}

/** The ids of the deliveries a forwarded copy came through, back to the addressed one. */
function chainOf(own: Delivery, deliveries: Delivery[]): Set<string> {
  const byId = new Map(deliveries.map((d) => [d.id, d]));
  const chain = new Set<string>();
  let at = own.forwardedFromId ? byId.get(own.forwardedFromId) : undefined;
  while (at && !chain.has(at.id)) {
    chain.add(at.id);
    at = at.forwardedFromId ? byId.get(at.forwardedFromId) : undefined;
  }
  return chain;
}
