// The contract of `PurgeRepository` (core/storage/purge-repository.ts), registered by the
// Storage contract for every adapter: which messages a batch sees with which holds and
// ends of access, and that a batch deletion takes exactly the rows of its messages and
// queues exactly their blobs, leaving held and unlisted messages whole.

import { describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import type { Delivery, Message } from '../../core/messages/model.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { MAX_PURGE_BATCH } from '../../core/storage/purge-repository.ts';
import {
  FIXED_NOW,
  fromNow,
  makeAccessRequest,
  makeAccount,
  makeAttachment,
  makeDelivery,
  makeMessage,
  makeToken,
  newId,
} from '../factories.ts';

const DAY = 86_400_000;
const now = FIXED_NOW;

/** Registers the purge tests; `storage` returns the current test's fresh storage. */
export function purgeContract(storage: () => Storage): void {
  const repos = () => storage().repos;
  const account = async (over: Partial<Account> = {}) => {
    const a = makeAccount(over);
    await repos().accounts.insert({ account: a });
    return a;
  };
  const message = async (over: Partial<Message> & { senderId: string }) => {
    const m = makeMessage(over);
    await repos().messages.insert({ message: m });
    return m;
  };
  const delivery = async (over: Partial<Delivery> & { messageId: string; recipientId: string }) => {
    const d = makeDelivery(over);
    await repos().deliveries.insert({ delivery: d });
    return d;
  };

  describe('purge', () => {
    it('lists messages past retention oldest first, with holds on people and the latest open access', async () => {
      const sender = await account({ kind: 'staff' });
      const held = await account({ legalHold: true });
      const ann = await account();
      const heldSender = await account({ kind: 'staff', legalHold: true });
      const plain = await message({ senderId: sender.id, retainUntil: fromNow(-3 * DAY) });
      await delivery({ messageId: plain.id, recipientId: ann.id, accessEndsAt: fromNow(-9 * DAY) });
      const toHeld = await message({ senderId: sender.id, retainUntil: fromNow(-2 * DAY) });
      await delivery({ messageId: toHeld.id, recipientId: ann.id });
      await delivery({ messageId: toHeld.id, recipientId: held.id });
      const fromHeld = await message({ senderId: heldSender.id, retainUntil: fromNow(-DAY) });
      const open = await message({ senderId: sender.id, retainUntil: now });
      await delivery({ messageId: open.id, recipientId: ann.id, accessEndsAt: fromNow(5 * DAY) });
      // A revoked delivery's end of access does not count: nobody can open it.
      await delivery({
        messageId: open.id,
        recipientId: ann.id,
        accessEndsAt: fromNow(50 * DAY),
        revokedAt: fromNow(-DAY),
      });
      await message({ senderId: sender.id, retainUntil: fromNow(-4 * DAY), legalHold: true });
      await message({ senderId: sender.id, retainUntil: fromNow(1) });

      const listed = await repos().purge.listRetentionCandidates({ now, limit: 10 });
      expect(listed).toEqual([
        {
          id: plain.id,
          retainUntil: plain.retainUntil,
          personOnHold: false,
          accessEndsAt: fromNow(-9 * DAY),
        },
        {
          id: toHeld.id,
          retainUntil: toHeld.retainUntil,
          personOnHold: true,
          accessEndsAt: fromNow(30 * DAY),
        },
        {
          id: fromHeld.id,
          retainUntil: fromHeld.retainUntil,
          personOnHold: true,
          accessEndsAt: null,
        },
        { id: open.id, retainUntil: now, personOnHold: false, accessEndsAt: fromNow(5 * DAY) },
      ]);
      const page = await repos().purge.listRetentionCandidates({
        now,
        limit: 2,
        after: { retainUntil: toHeld.retainUntil, id: toHeld.id },
      });
      expect(page.map((c) => c.id)).toEqual([fromHeld.id, open.id]);
    });

    it('pages by retainUntil then id when several share an instant', async () => {
      const sender = await account({ kind: 'staff' });
      const same = fromNow(-DAY);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await message({ senderId: sender.id, retainUntil: same })).id);
      ids.sort();
      const seen: string[] = [];
      let after: { retainUntil: Date; id: string } | undefined;
      for (;;) {
        const page = await repos().purge.listRetentionCandidates({
          now,
          limit: 2,
          ...(after ? { after } : {}),
        });
        seen.push(...page.map((c) => c.id));
        const last = page[page.length - 1];
        if (page.length < 2 || !last) break;
        after = { retainUntil: last.retainUntil, id: last.id };
      }
      expect(seen).toEqual(ids);
    });

    it('deletes a batch with every row of its messages and queues their blobs, and nothing else', async () => {
      const sender = await account({ kind: 'staff' });
      const ann = await account();
      const doomed: Message[] = [];
      const doomedBlobs: string[] = [];
      const tokens: string[] = [];
      for (let i = 0; i < 3; i++) {
        const m = await message({
          senderId: sender.id,
          retainUntil: fromNow(-DAY),
          sizeBytes: 100 + i,
        });
        doomed.push(m);
        doomedBlobs.push(m.bodyBlobId);
        const d = await delivery({ messageId: m.id, recipientId: ann.id });
        await delivery({ messageId: m.id, recipientId: sender.id });
        for (let f = 0; f < i; f++) {
          const file = makeAttachment({ messageId: m.id });
          await repos().attachments.insert({ attachment: file });
          doomedBlobs.push(file.blobId);
        }
        const request = makeAccessRequest({
          messageId: m.id,
          deliveryId: d.id,
          requesterId: ann.id,
        });
        await repos().accessRequests.insert({ request });
        const token = makeToken({ purpose: 'notify', accountId: ann.id, deliveryId: d.id });
        await repos().tokens.insert({ token });
        tokens.push(token.id);
      }
      const held = await message({
        senderId: sender.id,
        retainUntil: fromNow(-DAY),
        legalHold: true,
      });
      const other = await message({ senderId: sender.id, retainUntil: fromNow(-DAY) });
      const otherDelivery = await delivery({ messageId: other.id, recipientId: ann.id });

      const result = await storage().transaction((tx) =>
        tx.purge.deleteMessages({
          ids: [...doomed.map((m) => m.id), held.id, newId()],
          queuedAt: now,
        }),
      );
      const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
      expect([...result.messages].sort(byId)).toEqual(
        doomed
          .map((m, i) => ({
            id: m.id,
            sentAt: m.createdAt,
            sizeBytes: 100 + i,
            recipients: 2,
            attachments: i,
          }))
          .sort(byId),
      );
      expect([...result.blobIds].sort()).toEqual([...doomedBlobs].sort());
      expect((await repos().blobDeletions.list({ limit: 100 })).sort()).toEqual(
        [...doomedBlobs].sort(),
      );
      for (const m of doomed) {
        expect(await repos().messages.findById({ id: m.id })).toBeNull();
        expect(await repos().deliveries.listForMessage({ messageId: m.id })).toEqual([]);
        expect(await repos().attachments.listForMessage({ messageId: m.id })).toEqual([]);
        expect(await repos().accessRequests.listForMessage({ messageId: m.id })).toEqual([]);
      }
      for (const id of tokens) expect(await repos().tokens.findById({ id })).toBeNull();
      expect(await repos().messages.findById({ id: held.id })).not.toBeNull();
      expect(await repos().deliveries.findById({ id: otherDelivery.id })).not.toBeNull();
      expect(await repos().messages.findById({ id: other.id })).not.toBeNull();
    });

    it('deletes nothing when rolled back, and refuses a batch over the limit', async () => {
      const sender = await account({ kind: 'staff' });
      const m = await message({ senderId: sender.id, retainUntil: fromNow(-DAY) });
      const boom = new Error('rolled back');
      await expect(
        storage().transaction(async (tx) => {
          await tx.purge.deleteMessages({ ids: [m.id], queuedAt: now });
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await repos().messages.findById({ id: m.id })).not.toBeNull();
      expect(await repos().blobDeletions.list({ limit: 10 })).toEqual([]);
      const tooMany = Array.from({ length: MAX_PURGE_BATCH + 1 }, () => newId());
      await expect(
        storage().transaction((tx) => tx.purge.deleteMessages({ ids: tooMany, queuedAt: now })),
      ).rejects.toThrow(RangeError);
      expect(
        await storage().transaction((tx) => tx.purge.deleteMessages({ ids: [], queuedAt: now })),
      ).toEqual({ messages: [], blobIds: [] });
    });
  });
}
