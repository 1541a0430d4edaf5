// The contract of core's OutboxRepository, run against every adapter's outbox (through
// the storage contract) and against the in-memory outbox the core tests use, so the
// fake cannot drift from what the real databases do.

import { beforeEach, expect, it } from 'vitest';
import type { OutboxMail } from '../../core/mail/model.ts';
import type { OutboxRepository } from '../../core/storage/ports.ts';
import { FIXED_NOW, fromNow, makeOutboxMail, newId } from '../factories.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const now = FIXED_NOW;
const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

/** Registers the outbox tests; `makeOutbox` gives an empty outbox for each test. */
export function outboxContract(makeOutbox: () => Promise<OutboxRepository>): void {
  let outbox: OutboxRepository;
  beforeEach(async () => {
    outbox = await makeOutbox();
  });

  const lease = fromNow(5 * MINUTE);

  it('stores a mail and finds it; update writes status, attempts, times and error', async () => {
    const mail = makeOutboxMail({ payloadEnc: new Uint8Array([0, 255, 1]) });
    await outbox.insert({ mail });
    expect(await outbox.findById({ id: mail.id })).toStrictEqual(mail);
    expect(await outbox.findById({ id: newId() })).toBeNull();
    const retried: OutboxMail = {
      ...mail,
      status: 'pending',
      attempts: 1,
      nextAttemptAt: fromNow(MINUTE),
      leaseUntil: null,
      lastError: 'The mail server could not be reached.',
    };
    await outbox.update({ mail: retried });
    expect(await outbox.findById({ id: mail.id })).toStrictEqual(retried);
    const sent: OutboxMail = {
      ...retried,
      status: 'sent',
      attempts: 2,
      sentAt: fromNow(2 * MINUTE),
      lastError: null,
    };
    await outbox.update({ mail: sent });
    expect(await outbox.findById({ id: mail.id })).toStrictEqual(sent);
  });

  it('claimDue takes due pending mails and expired leases, marks them sending, longest due first', async () => {
    const dueNow = makeOutboxMail({ nextAttemptAt: now });
    const overdue = makeOutboxMail({ nextAttemptAt: fromNow(-MINUTE) });
    const notYet = makeOutboxMail({ nextAttemptAt: fromNow(1) });
    const leaseOver = makeOutboxMail({
      status: 'sending',
      nextAttemptAt: fromNow(-2 * MINUTE),
      leaseUntil: fromNow(-1),
    });
    const leaseEndsNow = makeOutboxMail({ status: 'sending', leaseUntil: now });
    const leaseHolds = makeOutboxMail({ status: 'sending', leaseUntil: fromNow(MINUTE) });
    const sent = makeOutboxMail({ status: 'sent', sentAt: fromNow(-1) });
    const failed = makeOutboxMail({ status: 'failed' });
    for (const mail of [dueNow, overdue, notYet, leaseOver, leaseEndsNow, leaseHolds, sent, failed])
      await outbox.insert({ mail });

    const claimed = await outbox.claimDue({ now, leaseUntil: lease, limit: 10 });
    expect(claimed).toStrictEqual(
      [leaseOver, overdue, dueNow].map((m) => ({ ...m, status: 'sending', leaseUntil: lease })),
    );
    expect((await outbox.findById({ id: dueNow.id }))?.status).toBe('sending');
    expect(await outbox.findById({ id: notYet.id })).toStrictEqual(notYet);
    expect(await outbox.findById({ id: leaseEndsNow.id })).toStrictEqual(leaseEndsNow);
    // Claimed mails are not claimed again while their lease holds.
    expect(
      await outbox.claimDue({ now: fromNow(MINUTE), leaseUntil: lease, limit: 10 }),
    ).toHaveLength(2);
    expect(await outbox.claimDue({ now: fromNow(MINUTE), leaseUntil: lease, limit: 10 })).toEqual(
      [],
    );
  });

  it('claimDue takes at most limit mails', async () => {
    for (let n = 0; n < 5; n++)
      await outbox.insert({ mail: makeOutboxMail({ nextAttemptAt: fromNow(-n) }) });
    expect(await outbox.claimDue({ now, leaseUntil: lease, limit: 2 })).toHaveLength(2);
    expect(await outbox.claimDue({ now, leaseUntil: lease, limit: 2 })).toHaveLength(2);
    expect(await outbox.claimDue({ now, leaseUntil: lease, limit: 2 })).toHaveLength(1);
    expect(await outbox.claimDue({ now, leaseUntil: lease, limit: 0 })).toEqual([]);
  });

  it('concurrent claimers never get the same mail', async () => {
    const all = new Set<string>();
    for (let n = 0; n < 30; n++) {
      const mail = makeOutboxMail({ nextAttemptAt: fromNow(-n) });
      all.add(mail.id);
      await outbox.insert({ mail });
    }
    const claimedBy: string[][] = [[], [], []];
    await Promise.all(
      claimedBy.map(async (mine) => {
        for (;;) {
          const batch = await outbox.claimDue({ now, leaseUntil: lease, limit: 4 });
          if (batch.length === 0) return;
          mine.push(...ids(batch));
        }
      }),
    );
    const everything = claimedBy.flat();
    expect(new Set(everything).size).toBe(everything.length);
    expect(new Set(everything)).toEqual(all);
    // Two claims fired at the same instant split the work.
    for (let n = 0; n < 10; n++) await outbox.insert({ mail: makeOutboxMail() });
    const [a, b] = await Promise.all([
      outbox.claimDue({ now, leaseUntil: lease, limit: 10 }),
      outbox.claimDue({ now, leaseUntil: lease, limit: 10 }),
    ]);
    const both = [...ids(a ?? []), ...ids(b ?? [])];
    expect(new Set(both).size).toBe(both.length);
  });

  it('listFailed is newest first and paged; countUnsent counts pending and sending', async () => {
    const f1 = makeOutboxMail({ status: 'failed', createdAt: fromNow(-2) });
    const f2 = makeOutboxMail({ status: 'failed', createdAt: fromNow(-1) });
    const f3 = makeOutboxMail({ status: 'failed', createdAt: now });
    const pending = makeOutboxMail();
    const sending = makeOutboxMail({ status: 'sending', leaseUntil: lease });
    const sent = makeOutboxMail({ status: 'sent', sentAt: now });
    for (const mail of [f2, pending, f1, sending, sent, f3]) await outbox.insert({ mail });
    expect(await outbox.listFailed({ limit: 2, offset: 0 })).toStrictEqual([f3, f2]);
    expect(await outbox.listFailed({ limit: 2, offset: 2 })).toStrictEqual([f1]);
    expect(await outbox.countUnsent()).toBe(2);
  });

  it('deleteSent removes sent mails sent before the instant, up to limit', async () => {
    const old1 = makeOutboxMail({ status: 'sent', sentAt: fromNow(-DAY) });
    const old2 = makeOutboxMail({ status: 'sent', sentAt: fromNow(-1) });
    const atInstant = makeOutboxMail({ status: 'sent', sentAt: now });
    const failed = makeOutboxMail({ status: 'failed', createdAt: fromNow(-DAY) });
    const pending = makeOutboxMail({ createdAt: fromNow(-DAY) });
    for (const mail of [old1, old2, atInstant, failed, pending]) await outbox.insert({ mail });
    expect(await outbox.deleteSent({ before: now, limit: 1 })).toBe(1);
    expect(await outbox.deleteSent({ before: now, limit: 10 })).toBe(1);
    expect(await outbox.deleteSent({ before: now, limit: 10 })).toBe(0);
    for (const mail of [old1, old2]) expect(await outbox.findById({ id: mail.id })).toBeNull();
    for (const mail of [atInstant, failed, pending])
      expect(await outbox.findById({ id: mail.id })).toStrictEqual(mail);
  });
}
