// A mailbox big enough for a query planner to show what it would do in production:
// one recipient with 1,000 deliveries (some expired, revoked or hidden) among 50
// recipients, one sender with 1,000 messages among 11, files on a third of the
// messages, and 2,000 sessions over 560 accounts; and, in bulk, the rest of an
// installation around them.

import type { Account } from '../../../core/accounts/model.ts';
import type { Delivery, Message } from '../../../core/messages/model.ts';
import type { Storage } from '../../../core/storage/ports.ts';
import {
  FIXED_NOW,
  fromNow,
  makeAccount,
  makeAttachment,
  makeDelivery,
  makeMessage,
  makeSession,
} from '../../factories.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** What the plan tests look up: ids that exist, with many rows of their own. */
export type SeededMailbox = {
  recipient: Account;
  sender: Account;
  messageId: string;
  deliveryId: string;
  sessionId: string;
  /** How many of the recipient's deliveries are readable at FIXED_NOW and not hidden. */
  liveInbox: number;
};

/** Fills an empty, migrated storage with the mailbox described above. */
export async function seedMailbox(storage: Storage): Promise<SeededMailbox> {
  const recipients = Array.from({ length: 50 }, () => makeAccount());
  const senders = Array.from({ length: 11 }, () => makeAccount({ kind: 'staff', role: 'sender' }));
  const bystanders = Array.from({ length: 500 }, () => makeAccount());
  const recipient = recipients[0] as Account;
  const sender = senders[0] as Account;
  let messageId = '';
  let deliveryId = '';
  let sessionId = '';
  let liveInbox = 0;
  await storage.transaction(async (repos) => {
    for (const account of [...recipients, ...senders, ...bystanders]) {
      await repos.accounts.insert({ account });
    }
    for (let n = 0; n < 2000; n++) {
      const from = n < 1000 ? sender : (senders[1 + (n % 10)] as Account);
      const message = makeMessage({ senderId: from.id, createdAt: fromNow(-n * MINUTE) });
      await repos.messages.insert({ message });
      if (n % 3 === 0) {
        await repos.attachments.insert({ attachment: makeAttachment({ messageId: message.id }) });
      }
      if (n % 2 === 0) {
        const delivery = makeDelivery({
          messageId: message.id,
          recipientId: recipient.id,
          accessEndsAt: n % 10 === 0 ? fromNow(-DAY) : fromNow(30 * DAY),
          revokedAt: n % 17 === 0 ? FIXED_NOW : null,
          hiddenAt: n % 23 === 0 ? FIXED_NOW : null,
        });
        await repos.deliveries.insert({ delivery });
        const isLive = n % 10 !== 0 && n % 17 !== 0 && n % 23 !== 0;
        if (isLive) liveInbox++;
        messageId = message.id;
        deliveryId = delivery.id;
      }
      const other = recipients[1 + (n % 49)] as Account;
      await repos.deliveries.insert({
        delivery: makeDelivery({ messageId: message.id, recipientId: other.id }),
      });
    }
    for (let n = 0; n < 2000; n++) {
      const owner = [...recipients, ...bystanders][n % 550] as Account;
      const session = makeSession({ accountId: owner.id });
      await repos.sessions.insert({ session });
      sessionId = session.id;
    }
  });
  return { recipient, sender, messageId, deliveryId, sessionId, liveInbox };
}

/** The rest of an installation, inserted in bulk (each delivery with its `sentAt`). */
export type Background = {
  accounts: Account[];
  messages: Message[];
  deliveries: Array<Delivery & { sentAt: Date }>;
};

/**
 * 20,000 messages from 50 other senders, each delivered to two of 500 other people:
 * so that the seeded recipient and sender hold a few per cent of their tables, as in
 * an installation in use, and a planner has no reason to read a whole table.
 */
export function backgroundRows(): Background {
  const people = Array.from({ length: 500 }, () => makeAccount());
  const senders = Array.from({ length: 50 }, () => makeAccount({ kind: 'staff', role: 'sender' }));
  const messages: Message[] = [];
  const deliveries: Background['deliveries'] = [];
  for (let n = 0; n < 20_000; n++) {
    const message = makeMessage({
      senderId: (senders[n % 50] as Account).id,
      createdAt: fromNow(-n * 7_000),
    });
    messages.push(message);
    for (const k of [n % 500, (n * 7 + 3) % 500]) {
      const recipientId = (people[k] as Account).id;
      deliveries.push({
        ...makeDelivery({ messageId: message.id, recipientId }),
        sentAt: message.createdAt,
      });
    }
  }
  return { accounts: [...people, ...senders], messages, deliveries };
}

/** `rows` in slices small enough for one INSERT's bound parameters on either database. */
export function* slices<T>(rows: T[], size = 500): Generator<T[]> {
  for (let at = 0; at < rows.length; at += size) yield rows.slice(at, at + size);
}
