// The lifecycle jobs one by one: what each deletes and keeps, that each works in
// batches and can be run again, and how `runJob` records runs and keeps them apart.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import type { JobOptions, LifecycleDeps } from '../../core/lifecycle/deps.ts';
import { runHousekeeping } from '../../core/lifecycle/housekeeping.ts';
import { JOB_RUN_INTERRUPTED } from '../../core/lifecycle/model.ts';
import { runRetentionPurge } from '../../core/lifecycle/retention-purge.ts';
import { runJob } from '../../core/lifecycle/run-job.ts';
import { streamOf } from '../../core/shared/streams.ts';
import {
  makeAttachment,
  makeDraft,
  makeJobRun,
  makeOutboxMail,
  makeSession,
  makeToken,
} from '../factories.ts';
import { DAY, type LifecycleHarness, lifecycleHarness, memoryMailer, SECOND } from './support.ts';

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

describe('retention purge', () => {
  it('deletes due messages with every row and blob, and only those', async () => {
    const due = await h.send({
      from: officer,
      to: ['ann@example.org', 'bob@example.org'],
      files: [
        { name: 'a.txt', text: 'first file' },
        { name: 'b.txt', text: 'second file' },
      ],
    });
    const dueBlobs = await h.blobsOf(due.messageId);
    later(10);
    const young = await h.send({ from: officer, to: ['ann@example.org'] });
    const youngBlobs = await h.blobsOf(young.messageId);
    later(81);

    const counts = await runRetentionPurge(h.lifecycle());
    expect(counts).toEqual({ purged: 1, kept: 0, leftoverBlobs: 0 });
    const repos = h.storage.repos;
    expect(await repos.messages.findById({ id: due.messageId })).toBeNull();
    expect(await repos.deliveries.listForMessage({ messageId: due.messageId })).toEqual([]);
    expect(await repos.attachments.listForMessage({ messageId: due.messageId })).toEqual([]);
    for (const id of dueBlobs) expect(await h.hasBlob(id)).toBe(false);
    expect(await repos.blobDeletions.list({ limit: 10 })).toEqual([]);
    // The link tokens of its deliveries went with them.
    for (const email of ['ann@example.org', 'bob@example.org']) {
      const recipient = await repos.accounts.findByEmailKey({ emailKey: email });
      const links = await repos.tokens.listLive({
        accountId: recipient?.id ?? '',
        purpose: 'notify',
        now: new Date(0),
      });
      expect(links.filter((t) => due.deliveryIds.includes(t.deliveryId ?? ''))).toEqual([]);
    }
    expect(await repos.messages.findById({ id: young.messageId })).not.toBeNull();
    for (const id of youngBlobs) expect(await h.hasBlob(id)).toBe(true);
    expect(await runRetentionPurge(h.lifecycle())).toEqual({
      purged: 0,
      kept: 0,
      leftoverBlobs: 0,
    });
  });

  it('keeps messages under a legal hold, on the message or on a person, and pages past them', async () => {
    const held = await h.addAccount('held@example.org', { legalHold: true });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await h.send({ from: officer, to: [held.email], subject: `held ${i}` })).messageId);
    }
    const onHold = await h.send({ from: officer, to: ['ann@example.org'] });
    await h.storage.repos.messages.setLegalHold({ id: onHold.messageId, legalHold: true });
    later(1);
    const free: string[] = [];
    for (let i = 0; i < 5; i++) {
      free.push((await h.send({ from: officer, to: ['ann@example.org'] })).messageId);
    }
    later(100);

    const progress: unknown[] = [];
    const options: JobOptions = { batchSize: 2, onProgress: (c) => progress.push(c) };
    expect(await runRetentionPurge(h.lifecycle(), options)).toEqual({
      purged: 5,
      kept: 3,
      leftoverBlobs: 0,
    });
    expect(progress.length).toBeGreaterThanOrEqual(4);
    for (const id of [...ids, onHold.messageId]) {
      expect(await h.storage.repos.messages.findById({ id })).not.toBeNull();
    }
    for (const id of free) expect(await h.storage.repos.messages.findById({ id })).toBeNull();
  });

  it('finishes blob deletions an interrupted run left queued', async () => {
    const sent = await h.send({ from: officer, to: ['ann@example.org'] });
    const blobs = await h.blobsOf(sent.messageId);
    // As if a run had committed its transaction and died before deleting the blobs.
    await h.storage.transaction(async (tx) => {
      await tx.blobDeletions.add({ blobIds: blobs, at: h.clock.now() });
      await tx.messages.delete({ id: sent.messageId });
    });
    for (const id of blobs) expect(await h.hasBlob(id)).toBe(true);
    expect(await runRetentionPurge(h.lifecycle())).toMatchObject({ leftoverBlobs: 1 });
    for (const id of blobs) expect(await h.hasBlob(id)).toBe(false);
  });
});

describe('housekeeping', () => {
  it('deletes expired sessions and old tokens, stale drafts with their files, and old sent mail', async () => {
    const repos = h.storage.repos;
    const now = h.clock.now();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const ann = await h.addAccount('ann@example.org');
    const expired = makeSession({ accountId: ann.id, expiresAt: ago(SECOND) });
    const live = makeSession({ accountId: ann.id, expiresAt: new Date(now.getTime() + DAY) });
    for (const session of [expired, live]) await repos.sessions.insert({ session });
    const oldToken = makeToken({ accountId: ann.id, expiresAt: ago(8 * DAY) });
    const recentToken = makeToken({ accountId: ann.id, expiresAt: ago(6 * DAY) });
    for (const token of [oldToken, recentToken]) await repos.tokens.insert({ token });
    const code = (expiresAt: Date) => ({
      id: h.ids.newId(),
      purpose: 'register' as const,
      email: ann.email,
      emailKey: ann.emailKey,
      subjectId: 'link',
      codeHash: 'f'.repeat(64),
      attempts: 0,
      createdAt: new Date(expiresAt.getTime() - 15 * 60_000),
      expiresAt,
      usedAt: null,
    });
    const oldCode = code(ago(61 * 60_000));
    const recentCode = code(ago(59 * 60_000));
    for (const c of [oldCode, recentCode]) await repos.emailCodes.insert({ code: c });

    const stale = makeDraft({ accountId: ann.id, updatedAt: ago(30 * DAY + SECOND) });
    const fresh = makeDraft({ accountId: ann.id, updatedAt: ago(30 * DAY) });
    for (const draft of [stale, fresh]) await repos.drafts.save({ draft });
    const file = makeAttachment({ draftId: stale.id, blobId: h.ids.newId() });
    await h.blobs.put({ id: file.blobId, body: streamOf(new Uint8Array([1, 2, 3])) });
    await repos.attachments.insert({ attachment: file });

    const oldSent = makeOutboxMail({ status: 'sent', sentAt: ago(31 * DAY) });
    const recentSent = makeOutboxMail({ status: 'sent', sentAt: ago(29 * DAY) });
    for (const mail of [oldSent, recentSent]) await repos.outbox.insert({ mail });

    // Rate-limit attempts: one older than the longest window (a day) goes.
    for (const hitAt of [ago(DAY + 1_000), ago(DAY - 60_000)]) {
      await repos.rateLimitHits.hit({
        bucket: `b${hitAt.getTime()}`,
        now: hitAt,
        windowMs: 60_000,
        limit: 5,
      });
    }

    const counts = await runHousekeeping(h.lifecycle(), { batchSize: 1 });
    expect(counts).toEqual({
      sessions: 1,
      tokens: 1,
      emailCodes: 1,
      rateLimitHits: 1,
      drafts: 1,
      blobs: 0,
      // The harness's clock is older than the files on disk: nothing is past the grace.
      orphanBlobs: 0,
      unfinishedUploads: 0,
      sentMailRemoved: 1,
    });
    expect(await repos.sessions.findById({ id: expired.id })).toBeNull();
    expect(await repos.sessions.findById({ id: live.id })).not.toBeNull();
    expect(await repos.tokens.findById({ id: oldToken.id })).toBeNull();
    expect(await repos.tokens.findById({ id: recentToken.id })).not.toBeNull();
    // The recent code still counts towards its address's hourly limit, so it stays.
    expect(await repos.emailCodes.countSentSince({ emailKey: ann.emailKey, since: ago(DAY) })).toBe(
      1,
    );
    expect(await repos.drafts.findById({ id: stale.id })).toBeNull();
    expect(await repos.attachments.findById({ id: file.id })).toBeNull();
    expect(await h.hasBlob(file.blobId)).toBe(false);
    expect(await repos.drafts.findById({ id: fresh.id })).not.toBeNull();
    expect(await repos.outbox.findById({ id: oldSent.id })).toBeNull();
    expect(await repos.outbox.findById({ id: recentSent.id })).not.toBeNull();

    // A shorter age, as `--stale-draft-days` gives it.
    expect(await runHousekeeping(h.lifecycle(), { staleDraftDays: 7 })).toMatchObject({
      drafts: 1,
    });
  });

  it('sends what is due in the outbox when it has a mailer', async () => {
    await h.send({ from: officer, to: ['ann@example.org', 'bob@example.org'] });
    const mailer = memoryMailer();
    const counts = await runHousekeeping(h.lifecycle({ mailer }));
    expect(counts).toMatchObject({ mailSent: 2, mailRetried: 0, mailFailed: 0 });
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['ann@example.org', 'bob@example.org']);
  });
});

describe('runJob', () => {
  it('records the run with its counts and duration, and a job.run audit event', async () => {
    const started: string[] = [];
    const result = await runJob(h.lifecycle(), {
      name: 'access-expiry',
      onStart: (run) => started.push(run.status),
    });
    if (!result.ran) throw new Error('did not run');
    expect(started).toEqual(['running']);
    expect(result.run).toMatchObject({
      job: 'access-expiry',
      status: 'ok',
      counts: { expired: 0 },
    });
    expect(await h.storage.repos.jobRuns.listRecent({ limit: 5 })).toStrictEqual([result.run]);
    const [event] = await h.storage.repos.audit.list({ filter: { action: 'job.run' }, limit: 5 });
    expect(event).toMatchObject({
      actorLabel: 'job:access-expiry',
      targetId: result.run.id,
      details: { job: 'access-expiry', status: 'ok', expired: 0, durationMs: 0 },
    });
  });

  it('records a failure with a short message and returns the error', async () => {
    const deps: LifecycleDeps = h.lifecycle();
    const broken: LifecycleDeps = {
      ...deps,
      blobs: {
        ...deps.blobs,
        delete: async () => {
          throw new Error('The blob store is away.');
        },
        deleteMany: async () => {
          throw new Error('The blob store is away.');
        },
      },
    };
    await h.send({ from: officer, to: ['ann@example.org'] });
    later(100);
    const result = await runJob(broken, { name: 'retention-purge' });
    if (!result.ran) throw new Error('did not run');
    expect(result.run).toMatchObject({ status: 'failed', error: 'The blob store is away.' });
    expect(result.error).toBeInstanceOf(Error);
    // The rows went; the blobs wait in the queue, and the next run finishes them.
    const again = await runJob(deps, { name: 'retention-purge' });
    expect(again.ran && again.run.counts).toEqual({ purged: 0, kept: 0, leftoverBlobs: 1 });
  });

  it('closes runs a killed process left "running"', async () => {
    const orphan = makeJobRun({
      job: 'housekeeping',
      startedAt: new Date(h.clock.now().getTime() - DAY),
    });
    await h.storage.repos.jobRuns.insert({ run: orphan });
    await runJob(h.lifecycle(), { name: 'housekeeping' });
    const runs = await h.storage.repos.jobRuns.listRecent({ job: 'housekeeping', limit: 5 });
    expect(runs.map((r) => r.status)).toEqual(['ok', 'failed']);
    expect(runs[1]?.error).toBe(JOB_RUN_INTERRUPTED);
  });

  it('runs a job once when asked twice at the same time, and skips one that just ran', async () => {
    const [a, b] = await Promise.all([
      runJob(h.lifecycle(), { name: 'housekeeping' }),
      runJob(h.lifecycle(), { name: 'housekeeping' }),
    ]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    expect([a, b].find((r) => !r.ran)).toEqual({ ran: false, reason: 'busy' });
    const recent = await runJob(h.lifecycle(), {
      name: 'housekeeping',
      skipIfRanWithinMs: 60_000,
    });
    expect(recent).toEqual({ ran: false, reason: 'recent' });
    later(1);
    expect(
      (await runJob(h.lifecycle(), { name: 'housekeeping', skipIfRanWithinMs: 60_000 })).ran,
    ).toBe(true);
  });

  it('access-expiry counts what expired since the last successful run', async () => {
    await h.send({ from: officer, to: ['ann@example.org', 'bob@example.org'] });
    later(30);
    await h.send({ from: officer, to: ['cat@example.org'] });
    const count = async () => {
      const result = await runJob(h.lifecycle(), { name: 'access-expiry' });
      return result.ran ? result.run.counts.expired : null;
    };
    expect(await count()).toBe(0);
    later(20);
    expect(await count()).toBe(2);
    later(30);
    expect(await count()).toBe(1);
    expect(await count()).toBe(0);
  });
});
