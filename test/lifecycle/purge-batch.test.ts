// The retention purge in batches: many messages per transaction, their tombstones in
// events of at most a hundred that still name every message, a failed batch leaving
// every message of it whole, and blobs removed once the batch has committed.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import type { JobCounts } from '../../core/lifecycle/model.ts';
import { runRetentionPurge } from '../../core/lifecycle/retention-purge.ts';
import { makeMessage } from '../factories.ts';
import { DAY, type LifecycleHarness, lifecycleHarness } from './support.ts';

let h: LifecycleHarness;
let officer: Account;
beforeEach(async () => {
  h = await lifecycleHarness();
  officer = await h.addAccount('officer@barnet.gov.uk');
});
afterEach(async () => {
  await h.close();
});

const later = (days: number) => h.clock.set(new Date(h.clock.now().getTime() + days * DAY));
const tombstones = () =>
  h.storage.repos.audit.list({ filter: { action: 'message.purge' }, limit: 1000 });

/** `count` messages past retention, straight into the database in one transaction. */
async function seedExpired(count: number): Promise<string[]> {
  const past = new Date(h.clock.now().getTime() - DAY);
  const messages = Array.from({ length: count }, () =>
    makeMessage({ senderId: officer.id, retainUntil: past, createdAt: past }),
  );
  await h.storage.transaction(async (tx) => {
    for (const message of messages) await tx.messages.insert({ message });
  });
  return messages.map((m) => m.id);
}

describe('retention purge in batches', () => {
  it('purges a batch in one go, with one tombstone per message and no content', async () => {
    const sent: string[] = [];
    const blobs: string[] = [];
    for (const to of ['ann@example.org', 'bob@example.org', 'cat@example.org']) {
      const result = await h.send({
        from: officer,
        to: [to],
        files: [{ name: 'a.txt', text: 'a file' }],
      });
      sent.push(result.messageId);
      blobs.push(...(await h.blobsOf(result.messageId)));
    }
    later(100);

    expect(await runRetentionPurge(h.lifecycle())).toEqual({
      purged: 3,
      kept: 0,
      leftoverBlobs: 0,
    });
    for (const id of sent) expect(await h.storage.repos.messages.findById({ id })).toBeNull();
    for (const id of blobs) expect(await h.hasBlob(id)).toBe(false);
    expect(await h.storage.repos.blobDeletions.list({ limit: 10 })).toEqual([]);
    const events = await tombstones();
    expect(events.map((e) => e.targetId).sort()).toEqual([...sent].sort());
    for (const event of events) {
      expect(event).toMatchObject({
        actorLabel: 'job:retention-purge',
        targetType: 'message',
        details: { reason: 'retention', recipients: 1, attachments: 1 },
      });
    }
    expect(JSON.stringify(events)).not.toContain('assessment');
    // An admin's search by message id finds its history, the tombstone last.
    const history = await h.storage.repos.audit.list({
      filter: { targetId: sent[1] as string },
      limit: 10,
    });
    expect(history.at(-1)?.action).toBe('message.purge');
    expect(await verifyAuditChain({ storage: h.storage, secrets: h.secrets })).toMatchObject({
      ok: true,
    });
  });

  it('writes a chained tombstone for every message of a large batch', async () => {
    const ids = await seedExpired(205);
    const progress: JobCounts[] = [];
    const counts = await runRetentionPurge(h.lifecycle(), { onProgress: (c) => progress.push(c) });
    expect(counts).toEqual({ purged: ids.length, kept: 0, leftoverBlobs: 0 });
    // The default batch (1000) takes them all at once.
    expect(progress).toEqual([counts]);
    const events = await tombstones();
    expect(events.map((e) => e.targetId).sort()).toEqual([...ids].sort());
    // One after another in the chain, none forked.
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(await verifyAuditChain({ storage: h.storage, secrets: h.secrets })).toMatchObject({
      ok: true,
    });
  });

  it('walks past kept messages batch by batch', async () => {
    const held = await h.addAccount('held@example.org', { legalHold: true });
    const kept = await h.send({ from: officer, to: [held.email] });
    later(1);
    const free = await h.send({ from: officer, to: ['ann@example.org'] });
    later(100);
    const progress: JobCounts[] = [];
    expect(
      await runRetentionPurge(h.lifecycle(), { batchSize: 1, onProgress: (c) => progress.push(c) }),
    ).toEqual({ purged: 1, kept: 1, leftoverBlobs: 0 });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(await h.storage.repos.messages.findById({ id: kept.messageId })).not.toBeNull();
    const [event] = await tombstones();
    expect(event).toMatchObject({ targetType: 'message', targetId: free.messageId });
  });

  it('leaves every message of a batch whole when the batch fails, and the rerun purges them', async () => {
    const sent = await h.send({ from: officer, to: ['ann@example.org'] });
    const blobs = await h.blobsOf(sent.messageId);
    const ids = [sent.messageId, ...(await seedExpired(4))];
    later(100);
    const deps = h.lifecycle();
    // The tombstone is sealed last in the transaction: failing it rolls the batch back.
    const failing = {
      ...deps,
      secrets: {
        ...deps.secrets,
        hashToken: () => {
          throw new Error('no hashing today');
        },
      },
    };
    await expect(runRetentionPurge(failing)).rejects.toThrow('no hashing today');
    for (const id of ids) expect(await h.storage.repos.messages.findById({ id })).not.toBeNull();
    for (const id of blobs) expect(await h.hasBlob(id)).toBe(true);
    expect(await h.storage.repos.blobDeletions.list({ limit: 10 })).toEqual([]);
    expect(await tombstones()).toEqual([]);

    expect(await runRetentionPurge(deps)).toMatchObject({ purged: 5 });
    for (const id of ids) expect(await h.storage.repos.messages.findById({ id })).toBeNull();
    for (const id of blobs) expect(await h.hasBlob(id)).toBe(false);
  });
});
