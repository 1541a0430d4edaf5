// Walks messages through 100 days on an injected clock and checks the state one second
// before, at, and one second after each boundary: unretrieved notice (14 days), end of
// access (45 days), an extension granted late (to day 95), and retention (90 days).
// Everything goes through the real use cases and the real jobs, over real SQLite.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideAccessRequest, requestExtension } from '../../core/access/requests.ts';
import type { Account } from '../../core/accounts/model.ts';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import { runJob } from '../../core/lifecycle/run-job.ts';
import { listInbox } from '../../core/messages/mailbox.ts';
import { openMessage } from '../../core/messages/open-message.ts';
import { DAY, type LifecycleHarness, lifecycleHarness, SECOND } from './support.ts';

describe('100 days on the clock', () => {
  let h: LifecycleHarness;
  let t0: number;
  const at = (ms: number) => h.clock.set(new Date(t0 + ms));
  const job = async (name: Parameters<typeof runJob>[1]['name']) => {
    const result = await runJob(h.lifecycle(), { name });
    if (!result.ran || result.run.status !== 'ok') throw new Error(`${name} did not run`);
    return result.run.counts;
  };

  beforeEach(async () => {
    h = await lifecycleHarness();
    t0 = h.clock.now().getTime();
  });
  afterEach(async () => {
    await h.close();
  });

  it('moves each message through every boundary exactly on time', async () => {
    const officer = await h.addAccount('officer@barnet.gov.uk');
    const sent = await h.send({
      from: officer,
      to: ['ann@example.org', 'bob@example.org', 'cat@example.org'],
      files: [{ name: 'assessment.txt', text: 'Assessment for the family.' }],
    });
    const other = await h.send({ from: officer, to: ['bob@example.org'], subject: 'Second' });
    const [annD, bobD, catD] = sent.deliveryIds as [string, string, string];
    const person = async (email: string) =>
      (await h.storage.repos.accounts.findByEmailKey({ emailKey: email })) as Account;
    const [ann, bob, cat] = [
      await person('ann@example.org'),
      await person('bob@example.org'),
      await person('cat@example.org'),
    ];
    const open = (account: Account, deliveryId: string) =>
      openMessage(h.mailbox, { account, deliveryId, ip: null });
    const inboxStates = async (account: Account) =>
      (await listInbox(h.mailbox, { account, page: 1, includeExpired: true })).rows.map(
        (r) => r.state,
      );
    const blobs = await h.blobsOf(sent.messageId);

    // Day 1 and 3: Ann and Cat open it; Bob never does.
    at(DAY);
    expect((await open(ann, annD)).ok).toBe(true);
    at(3 * DAY);
    expect((await open(cat, catD)).ok).toBe(true);

    // 14 days: the sender hears about Bob once, not a second before, never twice.
    at(14 * DAY - SECOND);
    expect(await job('unretrieved-notice')).toMatchObject({ noticed: 0, mails: 0 });
    expect(await h.outbox('unretrieved')).toHaveLength(0);
    at(14 * DAY);
    expect(await job('unretrieved-notice')).toMatchObject({ noticed: 2, mails: 2 });
    const notices = await h.outbox('unretrieved');
    expect(notices.map((m) => m.to)).toEqual(['officer@barnet.gov.uk', 'officer@barnet.gov.uk']);
    expect(notices[0]?.text).toContain('bob@example.org');
    expect(notices[0]?.text).not.toContain('ann@example.org');
    expect(notices[0]?.text).not.toContain('Your care assessment');
    expect((await h.storage.repos.deliveries.findById({ id: bobD }))?.unretrievedNoticeAt).toEqual(
      new Date(t0 + 14 * DAY),
    );
    at(14 * DAY + SECOND);
    expect(await job('unretrieved-notice')).toMatchObject({ noticed: 0, mails: 0 });
    expect(await h.outbox('unretrieved')).toHaveLength(2);

    // 45 days: "Access expired" exactly at the end, for everyone, whatever the job does.
    at(45 * DAY - SECOND);
    expect((await open(cat, catD)).ok).toBe(true);
    expect(await inboxStates(cat)).toEqual(['active']);
    expect((await listInbox(h.mailbox, { account: cat, page: 1 })).total).toBe(1);
    at(45 * DAY);
    expect(await open(cat, catD)).toMatchObject({ ok: false, reason: 'expired' });
    expect(await inboxStates(cat)).toEqual(['expired']);
    expect((await listInbox(h.mailbox, { account: cat, page: 1 })).total).toBe(0);
    expect(await open(ann, annD)).toMatchObject({ ok: false, reason: 'expired' });
    at(45 * DAY + SECOND);
    expect(await open(cat, catD)).toMatchObject({ ok: false, reason: 'expired' });
    expect(await job('access-expiry')).toEqual({ expired: 4 });
    at(45 * DAY + 2 * SECOND);
    expect(await job('access-expiry')).toEqual({ expired: 0 });

    // Day 50: Cat asks for more time and the officer grants it: 45 days from today.
    at(50 * DAY);
    const asked = await requestExtension(
      { ...h.mailbox, orgName: 'Barnet Council' },
      { account: cat, deliveryId: catD, ip: null },
    );
    if (!asked.ok) throw new Error('no request');
    const granted = await decideAccessRequest(
      { ...h.mailbox, orgName: 'Barnet Council', extensionDays: 45, accessDays: 45 },
      { account: officer, requestId: asked.request.id, grant: true, ip: null },
    );
    expect(granted.ok).toBe(true);
    expect((await open(cat, catD)).ok).toBe(true);
    expect(await open(bob, bobD)).toMatchObject({ ok: false, reason: 'expired' });

    // 90 days: retention. The second message goes exactly at 90 days; the first is kept
    // while Cat can still open it (day 95), then goes too.
    at(90 * DAY - SECOND);
    expect(await job('retention-purge')).toMatchObject({ purged: 0 });
    expect(await h.storage.repos.messages.findById({ id: other.messageId })).not.toBeNull();
    at(90 * DAY);
    expect(await job('retention-purge')).toMatchObject({ purged: 1, kept: 1 });
    expect(await h.storage.repos.messages.findById({ id: other.messageId })).toBeNull();
    expect(await h.storage.repos.messages.findById({ id: sent.messageId })).not.toBeNull();
    at(90 * DAY + SECOND);
    expect(await job('retention-purge')).toMatchObject({ purged: 0, kept: 1 });

    at(95 * DAY - SECOND);
    expect((await open(cat, catD)).ok).toBe(true);
    expect(await job('retention-purge')).toMatchObject({ purged: 0, kept: 1 });
    at(95 * DAY);
    expect(await open(cat, catD)).toMatchObject({ ok: false, reason: 'expired' });
    expect(await job('retention-purge')).toMatchObject({ purged: 1, kept: 0 });
    expect(await h.storage.repos.messages.findById({ id: sent.messageId })).toBeNull();
    for (const id of blobs) expect(await h.hasBlob(id)).toBe(false);
    expect(await open(cat, catD)).toEqual({ ok: false, reason: 'not-found' });
    at(95 * DAY + SECOND);
    expect(await job('retention-purge')).toMatchObject({ purged: 0, kept: 0 });

    // Day 100: a tombstone without content remains for each, and the chain holds.
    at(100 * DAY);
    const tombstones = await h.storage.repos.audit.list({
      filter: { action: 'message.purge' },
      limit: 10,
    });
    expect(tombstones.map((e) => [e.targetId, e.details.reason])).toEqual([
      [other.messageId, 'retention'],
      [sent.messageId, 'retention'],
    ]);
    expect(JSON.stringify(tombstones)).not.toContain('assessment');
    expect(await verifyAuditChain({ storage: h.storage, secrets: h.secrets })).toMatchObject({
      ok: true,
    });
    const runs = await h.storage.repos.jobRuns.listRecent({ limit: 100 });
    expect(runs.every((r) => r.status === 'ok')).toBe(true);
  });
});

describe('unretrieved messages with UNRETRIEVED_ACTION=delete', () => {
  let h: LifecycleHarness;
  let t0: number;
  const at = (ms: number) => h.clock.set(new Date(t0 + ms));

  beforeEach(async () => {
    h = await lifecycleHarness({ settings: { unretrievedAction: 'delete' } });
    t0 = h.clock.now().getTime();
  });
  afterEach(async () => {
    await h.close();
  });

  it('deletes unopened copies from staff at 14 days, and a message nobody opened with them', async () => {
    const officer = await h.addAccount('officer@barnet.gov.uk');
    const shared = await h.send({ from: officer, to: ['dan@example.org', 'eve@example.org'] });
    const lonely = await h.send({
      from: officer,
      to: ['fay@example.org'],
      files: [{ name: 'letter.txt', text: 'A letter.' }],
    });
    const lonelyBlobs = await h.blobsOf(lonely.messageId);
    const eve = await h.storage.repos.accounts.findByEmailKey({ emailKey: 'eve@example.org' });
    // A citizen writes to the council; nobody there opens it.
    const gus = await h.addAccount('gus@example.org');
    const fromOutside = await h.send({ from: gus, to: ['officer@barnet.gov.uk'] });

    at(DAY);
    await openMessage(h.mailbox, {
      account: eve as Account,
      deliveryId: shared.deliveryIds[1] as string,
      ip: null,
    });

    const run = async () => {
      const result = await runJob(h.lifecycle(), { name: 'unretrieved-notice' });
      return result.ran ? result.run.counts : null;
    };
    at(14 * DAY - SECOND);
    expect(await run()).toMatchObject({ noticed: 0, deleted: 0 });
    expect(
      await h.storage.repos.deliveries.findById({ id: shared.deliveryIds[0] as string }),
    ).not.toBeNull();

    at(14 * DAY);
    expect(await run()).toEqual({ noticed: 3, mails: 3, deleted: 2, purged: 1 });
    // Dan's copy is gone; Eve opened hers, so the message stays for her.
    expect(
      await h.storage.repos.deliveries.findById({ id: shared.deliveryIds[0] as string }),
    ).toBeNull();
    expect(await h.storage.repos.messages.findById({ id: shared.messageId })).not.toBeNull();
    // Nobody opened Fay's: the message goes, files and all.
    expect(await h.storage.repos.messages.findById({ id: lonely.messageId })).toBeNull();
    for (const id of lonelyBlobs) expect(await h.hasBlob(id)).toBe(false);
    // Gus is told, and what he sent the council stays.
    expect(await h.storage.repos.messages.findById({ id: fromOutside.messageId })).not.toBeNull();
    const mails = await h.outbox('unretrieved');
    expect(mails.map((m) => m.to).sort()).toEqual([
      'gus@example.org',
      'officer@barnet.gov.uk',
      'officer@barnet.gov.uk',
    ]);
    expect(mails.find((m) => m.to === 'gus@example.org')?.text).toContain('can still open it');
    expect(mails.find((m) => m.text.includes('fay@example.org'))?.text).toContain(
      'have now been deleted',
    );

    at(14 * DAY + SECOND);
    expect(await run()).toEqual({ noticed: 0, mails: 0, deleted: 0, purged: 0 });
  });

  it('only tells the sender when the message is under a legal hold', async () => {
    const officer = await h.addAccount('officer@barnet.gov.uk');
    const held = await h.send({ from: officer, to: ['hal@example.org'] });
    await h.storage.repos.messages.setLegalHold({ id: held.messageId, legalHold: true });
    at(14 * DAY);
    const result = await runJob(h.lifecycle(), { name: 'unretrieved-notice' });
    expect(result.ran && result.run.counts).toEqual({
      noticed: 1,
      mails: 1,
      deleted: 0,
      purged: 0,
    });
    expect(
      await h.storage.repos.deliveries.findById({ id: held.deliveryIds[0] as string }),
    ).not.toBeNull();
    expect((await h.outbox('unretrieved'))[0]?.text).toContain('can still open it');
  });
});
