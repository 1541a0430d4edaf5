// Small blobs in the message's transaction (docs/decisions/0027), on SQLite and on
// PostgreSQL: the rows' repository, the two-tier store over it, and sendMessage writing
// a small body as a row and a large file into the blob store, with one commit.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { withInlineBlobs } from '../../core/blobs/with-inline.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { DEFAULT_SETTINGS } from '../../core/settings/model.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import type { Repositories, Storage } from '../../core/storage/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { blobStoreContract } from '../contracts/blob-store-contract.ts';
import { makeStaff } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const textOf = async (stream: ReadableStream<Uint8Array> | null) =>
  stream ? new TextDecoder().decode(await readAll(stream)) : null;

/** Every blob file under `dir` (shard folders), temporary files aside. */
function blobFiles(dir: string): string[] {
  const out: string[] = [];
  for (const shard of readdirSync(dir, { withFileTypes: true })) {
    if (!shard.isDirectory()) continue;
    for (const name of readdirSync(path.join(dir, shard.name))) {
      if (!name.startsWith('.')) out.push(name);
    }
  }
  return out.sort();
}

type Made = { storage: Storage; blobDir: string; large: BlobStore; blobs: BlobStore };

function suite(dialect: string, open: () => Promise<Storage>) {
  const make = async (): Promise<Made> => {
    const storage = await open();
    await storage.migrate();
    const blobDir = path.join(tempDir('sealpost-inline-blobs-'), 'blobs');
    const large = fsBlobStore({ dir: blobDir });
    return { storage, blobDir, large, blobs: withInlineBlobs(large, storage.repos.inlineBlobs) };
  };

  describe(`inline blobs on ${dialect}`, () => {
    it('the repository inserts, reads, replaces, lists in id order and deletes', async () => {
      const { storage } = await make();
      const rows = storage.repos.inlineBlobs;
      const at = new Date('2026-12-01T10:00:00Z');
      for (const id of ['b', 'a', 'c-1', 'A']) {
        await rows.insert({ id, data: bytes(`v1 ${id}`), at });
      }
      await expect(rows.insert({ id: 'a', data: bytes('again'), at })).rejects.toThrow();
      expect(await textOf(streamOf((await rows.get({ id: 'a' })) as Uint8Array))).toBe('v1 a');
      expect(await rows.get({ id: 'missing' })).toBeNull();
      expect(await rows.has({ id: 'b' })).toBe(true);
      expect(await rows.has({ id: 'missing' })).toBe(false);
      const later = new Date('2026-12-02T10:00:00Z');
      expect(await rows.replace({ id: 'b', data: bytes('v2 b'), at: later })).toBe(true);
      expect(await rows.replace({ id: 'nope', data: bytes('x'), at: later })).toBe(false);
      expect(await rows.has({ id: 'nope' })).toBe(false);
      const listed = await rows.listStored({ limit: 10 });
      expect(listed.map((b) => b.id)).toEqual(['A', 'a', 'b', 'c-1']);
      expect(listed.find((b) => b.id === 'b')?.storedAt.getTime()).toBe(later.getTime());
      expect((await rows.listStored({ after: 'a', limit: 1 })).map((b) => b.id)).toEqual(['b']);
      await rows.deleteMany({ ids: ['a', 'b', 'never-there'] });
      expect((await rows.listStored({ limit: 10 })).map((b) => b.id)).toEqual(['A', 'c-1']);
    });

    it('a row inserted in a transaction that rolls back is not there', async () => {
      const { storage } = await make();
      await expect(
        storage.transaction(async (repos: Repositories) => {
          await repos.inlineBlobs.insert({ id: 'rolled', data: bytes('x'), at: new Date() });
          throw new Error('the send failed half-way');
        }),
      ).rejects.toThrow('half-way');
      expect(await storage.repos.inlineBlobs.has({ id: 'rolled' })).toBe(false);
    });

    it('the two-tier store reads rows first, rewrites a row in place and merges lists', async () => {
      const { storage, blobDir, large, blobs } = await make();
      await storage.repos.inlineBlobs.insert({ id: 'm-row', data: bytes('small'), at: new Date() });
      await blobs.put({ id: 'm-file', body: streamOf(bytes('large')) });
      await blobs.put({ id: 'a-file', body: streamOf(bytes('first')) });
      expect(blobFiles(blobDir)).toEqual(['a-file', 'm-file']);
      expect(await textOf(await blobs.get({ id: 'm-row' }))).toBe('small');
      expect(await textOf(await blobs.get({ id: 'm-file' }))).toBe('large');
      expect(await blobs.get({ id: 'missing' })).toBeNull();

      // A rewrite (key rotation, reencrypt) of a row stays a row: no file appears that
      // an older row could shadow, and the file tier is not touched.
      const rewritten = await blobs.put({ id: 'm-row', body: streamOf(bytes('small, v2')) });
      expect(rewritten.size).toBe(9);
      expect(await textOf(await blobs.get({ id: 'm-row' }))).toBe('small, v2');
      expect(blobFiles(blobDir)).toEqual(['a-file', 'm-file']);
      expect(await large.get({ id: 'm-row' })).toBeNull();

      expect(await blobs.list({ limit: 10 })).toEqual(['a-file', 'm-file', 'm-row']);
      expect(await blobs.list({ after: 'a-file', limit: 1 })).toEqual(['m-file']);
      expect(await blobs.list({ after: 'm-file', limit: 5 })).toEqual(['m-row']);
      const stored = await blobs.listStored({ limit: 2 });
      expect(stored.map((b) => b.id)).toEqual(['a-file', 'm-file']);
      expect(stored.every((b) => b.storedAt instanceof Date)).toBe(true);

      await blobs.deleteMany({ ids: ['m-row', 'a-file'] });
      expect(await blobs.list({ limit: 10 })).toEqual(['m-file']);
      await blobs.delete({ id: 'm-file' });
      expect(await blobs.list({ limit: 10 })).toEqual([]);
    });

    it('sendMessage writes a small body as a row in its transaction and a large file to the store', async () => {
      const { storage, blobDir, blobs } = await make();
      const sender = makeStaff();
      await storage.repos.accounts.insert({ account: sender });
      const deps = {
        storage,
        cipher: await memoryCipher(),
        blobs,
        ids: randomIds(),
        clock: { now: () => new Date() },
        secrets: nodeSecrets({ signingKey: new Uint8Array(32).fill(7) }),
        templates: mailTemplates,
        publicUrl: 'https://messages.example.gov.uk',
        inlineBlobMaxBytes: 64 * 1024,
      };
      const bigFile = new Uint8Array(200_000).fill(65);
      const sent = await sendMessage(deps, DEFAULT_SETTINGS, {
        senderId: sender.id,
        to: ['resident@example.org'],
        cc: [],
        subject: 'Your care plan',
        body: 'Please see the plan and the small note.',
        bodyFormat: 'text',
        attachments: [
          { name: 'note.txt', contentType: 'text/plain', content: streamOf(bytes('a note')) },
          { name: 'plan.pdf', contentType: 'application/pdf', content: streamOf(bigFile) },
        ],
        readOnly: false,
        classification: null,
        source: 'web',
      });
      if (!sent.ok) throw new Error(JSON.stringify(sent.issues));
      const message = await storage.repos.messages.findById({ id: sent.messageId });
      const files = await storage.repos.attachments.listForMessage({ messageId: sent.messageId });
      const note = files.find((f) => f.size === 6);
      const plan = files.find((f) => f.size === bigFile.byteLength);
      if (!message || !note || !plan) throw new Error('the message is not all there');
      const rows = storage.repos.inlineBlobs;
      expect(await rows.has({ id: message.bodyBlobId })).toBe(true);
      expect(await rows.has({ id: note.blobId })).toBe(true);
      expect(await rows.has({ id: plan.blobId })).toBe(false);
      // Only the large file became a file: one fsync pair instead of three.
      expect(blobFiles(blobDir)).toEqual([plan.blobId]);
      // Everything reads back through the one store, decrypted.
      const opened = await deps.cipher.decryptStream({
        ciphertext: (await blobs.get({ id: message.bodyBlobId })) as ReadableStream<Uint8Array>,
      });
      expect(await textOf(opened)).toBe('Please see the plan and the small note.');
      const planBack = await readAll(
        await deps.cipher.decryptStream({
          ciphertext: (await blobs.get({ id: plan.blobId })) as ReadableStream<Uint8Array>,
        }),
      );
      expect(planBack.byteLength).toBe(bigFile.byteLength);

      // A send that fails in its transaction leaves neither rows nor files.
      const before = await blobs.list({ limit: 100 });
      const failing: Storage = {
        ...storage,
        transaction: (fn) =>
          storage.transaction((repos) =>
            fn({
              ...repos,
              outbox: {
                ...repos.outbox,
                insert: async () => {
                  throw new Error('disk gone half-way through the send');
                },
              },
            } as Repositories),
          ),
      };
      await expect(
        sendMessage({ ...deps, storage: failing }, DEFAULT_SETTINGS, {
          senderId: sender.id,
          to: ['another@example.org'],
          cc: [],
          subject: 'Second',
          body: 'Short.',
          bodyFormat: 'text',
          attachments: [
            { name: 'big.bin', contentType: 'application/pdf', content: streamOf(bigFile) },
          ],
          readOnly: false,
          classification: null,
          source: 'web',
        }),
      ).rejects.toThrow('half-way');
      expect(await blobs.list({ limit: 100 })).toEqual(before);
    });
  });
}

suite('SQLite', async () => {
  const storage = sqliteStorage({ path: path.join(tempDir('sealpost-inline-'), 'sealpost.db') });
  cleanups.push(() => storage.close());
  return storage;
});

blobStoreContract('withInlineBlobs over fsBlobStore (SQLite rows)', async () => {
  const storage = sqliteStorage({ path: path.join(tempDir('sealpost-inline-c-'), 'sealpost.db') });
  cleanups.push(() => storage.close());
  await storage.migrate();
  return withInlineBlobs(
    fsBlobStore({ dir: path.join(tempDir('sealpost-inline-c-'), 'blobs') }),
    storage.repos.inlineBlobs,
  );
});

if (postgresAvailable('inline blobs on PostgreSQL')) {
  suite('PostgreSQL', async () => {
    const db = await createTestDatabase('sealpost_inline');
    const storage = postgresStorage({ url: db.url });
    cleanups.push(db.drop);
    cleanups.push(() => storage.close());
    return storage;
  });
}
