// Orphan clean-up in housekeeping: blobs no committed row names and leftovers of puts
// that never finished go once older than the grace period, and nothing else does. Runs
// on SQLite with blobs on disk (the lifecycle harness, real sendMessage), and on
// PostgreSQL with blobs in the database.

import { randomBytes } from 'node:crypto';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseBlobStore, databaseBlobStore } from '../../adapters/blobs/database/index.ts';
import { postgresBlobChunks } from '../../adapters/storage/postgres/blob-chunks.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import type { Account } from '../../core/accounts/model.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { runHousekeeping } from '../../core/lifecycle/housekeeping.ts';
import { ORPHAN_GRACE_HOURS, removeOrphans } from '../../core/lifecycle/orphans.ts';
import { runJob } from '../../core/lifecycle/run-job.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { manualClock } from '../auth/support.ts';
import { makeAttachment, makeDraft, makeMessage, makeStaff } from '../factories.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { type LifecycleHarness, lifecycleHarness } from './support.ts';

const HOUR = 3_600_000;
const decoder = new TextDecoder();

/** A blob no row names, as a send killed before its commit leaves it. */
async function plantOrphan(blobs: BlobStore): Promise<string> {
  const id = randomBytes(12).toString('base64url');
  await blobs.put({ id, body: streamOf(randomBytes(300)) });
  return id;
}

describe('orphan clean-up (SQLite, blobs on disk)', () => {
  let h: LifecycleHarness;
  let officer: Account;
  let start: Date;
  const at = (ms: number) => h.clock.set(new Date(start.getTime() + ms));

  beforeEach(async () => {
    h = await lifecycleHarness();
    // The files' times are the system clock's: the test's clock starts there.
    start = new Date();
    h.clock.set(start);
    officer = await h.addAccount('officer@barnet.gov.uk');
  });
  afterEach(async () => {
    await h.close();
  });

  /** A message's body and files, decrypted, or null for any blob that is gone. */
  const readMessage = async (messageId: string) => {
    const out: string[] = [];
    for (const id of await h.blobsOf(messageId)) {
      const stored = await h.blobs.get({ id });
      if (!stored) return null;
      out.push(decoder.decode(await readAll(await h.cipher.decryptStream({ ciphertext: stored }))));
    }
    return out;
  };

  /** What a put killed half way leaves: its temporary file, last written `ago` ms back. */
  const plantTempFile = (ago: number) => {
    const id = randomBytes(12).toString('base64url');
    const shard = path.join(h.blobDir, id.slice(0, 2));
    mkdirSync(shard, { recursive: true });
    const file = path.join(shard, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(file, randomBytes(100));
    const when = new Date(Date.now() - ago);
    utimesSync(file, when, when);
    return file;
  };

  it('removes orphans and dead temporary files after the grace period, and nothing a row names', async () => {
    const sent = await h.send({
      from: officer,
      to: ['ann@example.org'],
      body: 'The assessment is attached.',
      files: [
        { name: 'a.txt', text: 'first file' },
        { name: 'b.txt', text: 'second file' },
      ],
    });
    const reply = await h.send({ from: officer, to: ['bob@example.org'], body: 'A second one.' });
    // A draft's file is named by its row, however old.
    const draft = makeDraft({ accountId: officer.id, updatedAt: start });
    await h.storage.repos.drafts.save({ draft });
    const draftFile = makeAttachment({ draftId: draft.id, blobId: await plantOrphan(h.blobs) });
    await h.storage.repos.attachments.insert({ attachment: draftFile });
    // A blob a purge queued is the queue's: removed and counted there, not twice.
    const queued = await plantOrphan(h.blobs);
    await h.storage.repos.blobDeletions.add({ blobIds: [queued], at: start });
    const orphans: string[] = [];
    for (let i = 0; i < 7; i++) orphans.push(await plantOrphan(h.blobs));
    plantTempFile(0);

    // Inside the grace period nothing goes: those could be a send still under way.
    at((ORPHAN_GRACE_HOURS - 1) * HOUR);
    expect(await runHousekeeping(h.lifecycle(), { batchSize: 1 })).toMatchObject({
      blobs: 1,
      orphanBlobs: 0,
      unfinishedUploads: 0,
    });
    for (const id of orphans) expect(await h.hasBlob(id)).toBe(true);

    // Past it, the orphans and the dead put's file go. A batch of 1 reads 5 ids a page,
    // so the walk spans several pages.
    at((ORPHAN_GRACE_HOURS + 1) * HOUR);
    const counts = await runHousekeeping(h.lifecycle(), { batchSize: 1 });
    expect(counts).toMatchObject({ blobs: 0, orphanBlobs: 7, unfinishedUploads: 1 });
    for (const id of orphans) expect(await h.hasBlob(id)).toBe(false);
    expect(await h.hasBlob(queued)).toBe(false);
    expect(await h.hasBlob(draftFile.blobId)).toBe(true);
    expect(await readMessage(sent.messageId)).toEqual([
      'The assessment is attached.',
      'first file',
      'second file',
    ]);
    expect(await readMessage(reply.messageId)).toEqual(['A second one.']);

    // A second run finds nothing more.
    expect(await runHousekeeping(h.lifecycle())).toMatchObject({
      orphanBlobs: 0,
      unfinishedUploads: 0,
    });
    expect((await h.blobs.list({ limit: 100 })).length).toBe(5);
  });

  it('keeps a blob whose row commits between the check of its page and its deletion', async () => {
    const late = await plantOrphan(h.blobs);
    const gone = await plantOrphan(h.blobs);
    at((ORPHAN_GRACE_HOURS + 1) * HOUR);
    const references = h.storage.repos.blobReferences;
    let checks = 0;
    // The send whose rows name `late` commits just after the page was checked: the real
    // repository answers, then the row goes in.
    const storage: Storage = {
      ...h.storage,
      repos: {
        ...h.storage.repos,
        blobReferences: {
          async listReferenced(args) {
            const named = await references.listReferenced(args);
            if (++checks === 1) {
              const message = makeMessage({ senderId: officer.id, bodyBlobId: late });
              await h.storage.repos.messages.insert({ message });
            }
            return named;
          },
        },
      },
    };
    expect(
      await removeOrphans(
        { storage, blobs: h.blobs },
        { now: h.clock.now(), pageSize: 10, pauseMs: 0 },
      ),
    ).toEqual({ orphanBlobs: 1, unfinishedUploads: 0 });
    expect(await h.hasBlob(late)).toBe(true);
    expect(await h.hasBlob(gone)).toBe(false);
  });

  it('records the counts in the job history and the audit trail', async () => {
    await plantOrphan(h.blobs);
    plantTempFile(0);
    at((ORPHAN_GRACE_HOURS + 1) * HOUR);
    const result = await runJob(h.lifecycle(), { name: 'housekeeping' });
    expect(result.ran && result.run.counts).toMatchObject({ orphanBlobs: 1, unfinishedUploads: 1 });
    const [event] = await h.storage.repos.audit.list({ limit: 1, order: 'desc' });
    expect(event?.action).toBe('job.run');
    expect(event?.details).toMatchObject({
      job: 'housekeeping',
      orphanBlobs: 1,
      unfinishedUploads: 1,
    });
  });

  it('walks the store once a day when asked for daily, never when asked for never', async () => {
    const run = async () => {
      const result = await runJob(h.lifecycle(), {
        name: 'housekeeping',
        options: { sweepOrphans: 'daily' },
      });
      return result.ran ? result.run.counts : null;
    };
    at((ORPHAN_GRACE_HOURS + 1) * HOUR);
    expect(await run()).toHaveProperty('orphanBlobs', 0);
    await plantOrphan(h.blobs);
    // An hour on, the day's walk is done: the orphan waits.
    at((ORPHAN_GRACE_HOURS + 2) * HOUR);
    expect(await run()).not.toHaveProperty('orphanBlobs');
    expect(await runHousekeeping(h.lifecycle(), { sweepOrphans: 'never' })).not.toHaveProperty(
      'orphanBlobs',
    );
    // 21 hours after the last walk, the next one.
    at((ORPHAN_GRACE_HOURS + 22) * HOUR);
    expect(await run()).toHaveProperty('orphanBlobs', 1);
  });

  it('refuses a grace period short enough to race a send in progress', async () => {
    await expect(runHousekeeping(h.lifecycle(), { orphanGraceHours: 0.5 })).rejects.toThrow(
      RangeError,
    );
  });
});

if (postgresAvailable('Orphan clean-up on PostgreSQL')) {
  describe('orphan clean-up (PostgreSQL, blobs in the database)', () => {
    let database: { url: string; drop: () => Promise<void> } | undefined;
    let storage: Storage;
    let blobs: DatabaseBlobStore;
    const clock = manualClock(new Date('2026-06-01T09:00:00Z'));

    beforeAll(async () => {
      database = await createTestDatabase('sealpost_orphans');
      storage = postgresStorage({ url: database.url });
      await storage.migrate();
      const chunks = postgresBlobChunks({ url: database.url });
      // The store dates blobs and chunks by the test's clock.
      blobs = databaseBlobStore({ chunks, chunkBytes: 1000, now: () => clock.now() });
      // A put killed after two chunks, before its commit.
      await chunks.writeChunk({
        uploadId: 'dead',
        seq: 0,
        data: randomBytes(1000),
        at: clock.now(),
      });
      await chunks.writeChunk({
        uploadId: 'dead',
        seq: 1,
        data: randomBytes(1000),
        at: clock.now(),
      });
    });
    afterAll(async () => {
      await blobs?.close();
      await storage?.close();
      await database?.drop();
    });

    it('removes the orphans and the dead upload past the grace period, keeps what rows name', async () => {
      const sender = makeStaff();
      await storage.repos.accounts.insert({ account: sender });
      const kept: string[] = [];
      for (let i = 0; i < 4; i++) {
        const message = makeMessage({ senderId: sender.id, bodyBlobId: await plantOrphan(blobs) });
        await storage.repos.messages.insert({ message });
        const file = makeAttachment({ messageId: message.id, blobId: await plantOrphan(blobs) });
        await storage.repos.attachments.insert({ attachment: file });
        kept.push(message.bodyBlobId, file.blobId);
      }
      const orphans = [
        await plantOrphan(blobs),
        await plantOrphan(blobs),
        await plantOrphan(blobs),
      ];
      const deps = { storage, blobs };
      const run = () => removeOrphans(deps, { now: clock.now(), pageSize: 3, pauseMs: 0 });

      clock.advance((ORPHAN_GRACE_HOURS - 1) * HOUR);
      expect(await run()).toEqual({ orphanBlobs: 0, unfinishedUploads: 0 });
      // A blob stored now is inside the grace period at the next run.
      const fresh = await plantOrphan(blobs);
      clock.advance(2 * HOUR);
      expect(await run()).toEqual({ orphanBlobs: 3, unfinishedUploads: 1 });
      expect((await blobs.list({ limit: 100 })).sort()).toEqual([...kept, fresh].sort());
      for (const id of orphans) expect(await blobs.get({ id })).toBeNull();
    });
  });
}
