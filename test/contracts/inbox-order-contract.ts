// The inbox's order and filters, registered by the Storage contract for every adapter
// (docs/decisions/0024): the inbox sorts on the message's sending time copied onto each
// delivery when it is inserted, so these tests pin that every insert copies it, that a
// copy made later (a forward) still sorts with its message, and the ties.

import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../core/messages/model.ts';
import type { Storage } from '../../core/storage/ports.ts';
import {
  FIXED_NOW,
  fromNow,
  makeAccount,
  makeDelivery,
  makeMessage,
  makeSession,
} from '../factories.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const now = FIXED_NOW;

/** Registers the inbox-order tests; `storage` returns the current test's fresh storage. */
export function inboxOrderContract(storage: () => Storage): void {
  const repos = () => storage().repos;
  const account = async (kind: 'staff' | 'external' = 'external') => {
    const a = makeAccount(kind === 'staff' ? { kind, role: 'sender' } : {});
    await repos().accounts.insert({ account: a });
    return a;
  };
  const message = async (senderId: string, at: Date, id?: string) => {
    const m = makeMessage({ senderId, createdAt: at, ...(id ? { id } : {}) });
    await repos().messages.insert({ message: m });
    return m;
  };
  const deliver = async (over: Partial<Delivery> & { messageId: string; recipientId: string }) => {
    const d = makeDelivery(over);
    await repos().deliveries.insert({ delivery: d });
    return d;
  };
  const inbox = async (recipientId: string, includeExpired = false) =>
    (
      await repos().deliveries.listInbox({ recipientId, now, includeExpired, limit: 50, offset: 0 })
    ).map((item) => item.delivery.id);

  describe('the inbox order', () => {
    it('sorts by when the message was sent, not when the copy was made, inside a transaction too', async () => {
      const sender = await account('staff');
      const reader = await account();
      // Ids in the opposite order, so neither the tie-breakers nor the copies' own times
      // could produce the expected order by chance.
      const old = await message(sender.id, fromNow(-2 * DAY), `c-${crypto.randomUUID()}`);
      const recent = await message(sender.id, fromNow(-DAY), `b-${crypto.randomUUID()}`);
      // Made after the recent one, as a forward of the old message is.
      const forwarded = await deliver({
        messageId: old.id,
        recipientId: reader.id,
        createdAt: fromNow(-MINUTE),
      });
      const direct = await deliver({
        messageId: recent.id,
        recipientId: reader.id,
        createdAt: fromNow(-DAY),
      });
      let inTransaction: Delivery | null = null;
      await storage().transaction(async (tx) => {
        const newest = makeMessage({
          id: `a-${crypto.randomUUID()}`,
          senderId: sender.id,
          createdAt: fromNow(-1),
        });
        await tx.messages.insert({ message: newest });
        inTransaction = makeDelivery({
          messageId: newest.id,
          recipientId: reader.id,
          createdAt: fromNow(-3 * DAY),
        });
        await tx.deliveries.insert({ delivery: inTransaction });
        // A statement prepared outside runs inside: it sees the uncommitted copy.
        expect(await tx.deliveries.countInbox({ recipientId: reader.id, now })).toBe(3);
      });
      expect(await inbox(reader.id)).toEqual([
        (inTransaction as unknown as Delivery).id,
        direct.id,
        forwarded.id,
      ]);
    });

    it('breaks ties by message id, then by delivery id, both descending', async () => {
      const sender = await account('staff');
      const reader = await account();
      const at = fromNow(-MINUTE);
      const a = await message(sender.id, at, `a-${crypto.randomUUID()}`);
      const b = await message(sender.id, at, `b-${crypto.randomUUID()}`);
      const b1 = await deliver({
        id: `1-${crypto.randomUUID()}`,
        messageId: b.id,
        recipientId: reader.id,
      });
      const a2 = await deliver({
        id: `2-${crypto.randomUUID()}`,
        messageId: a.id,
        recipientId: reader.id,
      });
      // Two copies of one message in one mailbox: a forward back to someone who had it.
      const b3 = await deliver({
        id: `3-${crypto.randomUUID()}`,
        messageId: b.id,
        recipientId: reader.id,
      });
      expect(await inbox(reader.id)).toEqual([b3.id, b1.id, a2.id]);
      expect(await repos().deliveries.countInbox({ recipientId: reader.id, now })).toBe(3);
    });

    it('filters on the delivery row alone, for the page and the count alike', async () => {
      const sender = await account('staff');
      const reader = await account();
      const other = await account();
      const m = (minutes: number) => message(sender.id, fromNow(-minutes * MINUTE));
      const live = await deliver({ messageId: (await m(1)).id, recipientId: reader.id });
      const expired = await deliver({
        messageId: (await m(2)).id,
        recipientId: reader.id,
        accessEndsAt: fromNow(-1),
      });
      const revoked = await deliver({
        messageId: (await m(3)).id,
        recipientId: reader.id,
        revokedAt: fromNow(-1),
      });
      await deliver({ messageId: (await m(4)).id, recipientId: reader.id, hiddenAt: now });
      await deliver({ messageId: (await m(5)).id, recipientId: other.id });
      // A later change of state moves a copy in and out of the inbox, never its place.
      const revived = { ...revoked, revokedAt: null };
      await repos().deliveries.update({ delivery: revived });
      expect(await inbox(reader.id)).toEqual([live.id, revoked.id]);
      expect(await repos().deliveries.countInbox({ recipientId: reader.id, now })).toBe(2);
      expect(await inbox(reader.id, true)).toEqual([live.id, expired.id, revoked.id]);
      expect(
        await repos().deliveries.countInbox({ recipientId: reader.id, now, includeExpired: true }),
      ).toBe(3);
    });

    it('the prepared lookups find what was written since, and nothing after a delete', async () => {
      const sender = await account('staff');
      const reader = await account();
      const session = makeSession({ accountId: reader.id });
      expect(await repos().sessions.findById({ id: session.id })).toBeNull();
      await repos().sessions.insert({ session });
      const moved = {
        ...session,
        lastSeenAt: fromNow(MINUTE),
        expiresAt: fromNow(2 * DAY),
        twoFactorPending: true,
      };
      await repos().sessions.update({ session: moved });
      expect(await repos().sessions.findById({ id: session.id })).toStrictEqual(moved);
      const m = await message(sender.id, fromNow(-MINUTE));
      const d = await deliver({ messageId: m.id, recipientId: reader.id });
      expect(await repos().messages.findById({ id: m.id })).toStrictEqual(m);
      expect(await repos().deliveries.findById({ id: d.id })).toStrictEqual(d);
      await repos().messages.delete({ id: m.id });
      expect(await repos().messages.findById({ id: m.id })).toBeNull();
      expect(await repos().deliveries.findById({ id: d.id })).toBeNull();
      expect(await inbox(reader.id)).toEqual([]);
    });
  });
}
