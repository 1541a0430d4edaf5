import type { Account } from '../accounts/model.ts';
import type { Repositories } from '../storage/ports.ts';
import { type Delivery, type DeliveryState, deliveryState, type Message } from './model.ts';

/** What a person may see of a message they are a recipient or the sender of. */
export type MessageAccess =
  | { ok: true; role: 'recipient'; message: Message; delivery: Delivery; state: DeliveryState }
  | { ok: true; role: 'sender'; message: Message; delivery: null; state: 'active' }
  /** Missing, another person's, or hidden: the caller answers exactly as for a missing one. */
  | { ok: false };

/**
 * Finds a delivery for `account`, by delivery id. Anything that is not this
 * account's own delivery is `{ ok: false }`, indistinguishable from a missing id,
 * so ids cannot be probed (the IDOR rule).
 */
export async function findOwnDelivery(
  repos: Repositories,
  account: Account,
  deliveryId: string,
  now: Date,
): Promise<MessageAccess> {
  const delivery = await repos.deliveries.findById({ id: deliveryId });
  if (!delivery || delivery.recipientId !== account.id || delivery.hiddenAt !== null)
    return { ok: false };
  const message = await repos.messages.findById({ id: delivery.messageId });
  if (!message) return { ok: false };
  return { ok: true, role: 'recipient', message, delivery, state: deliveryState(delivery, now) };
}

/** Finds a message `account` sent, by message id; anything else is `{ ok: false }`. */
export async function findOwnSentMessage(
  repos: Repositories,
  account: Account,
  messageId: string,
): Promise<MessageAccess> {
  const message = await repos.messages.findById({ id: messageId });
  if (!message || message.senderId !== account.id) return { ok: false };
  return { ok: true, role: 'sender', message, delivery: null, state: 'active' };
}
