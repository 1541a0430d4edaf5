// Files waiting in a draft (issue 20): staged encrypted as they stream in, limited with
// the files already there (files only), listed, removed one at a time, handed to
// sendMessage decrypted, and removed with the draft; another account's draft is
// missing for every one of them. Against SQLite and PostgreSQL, with real blob files.

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { randomIds } from '../../adapters/security/secrets.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import {
  type DraftFileDeps,
  draftFilesToSend,
  listDraftFiles,
  removeDraftFile,
  stageDraftFiles,
} from '../../core/messages/draft-files.ts';
import { deleteDraft, saveDraft } from '../../core/messages/drafts.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { makeStaff } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

const encoder = new TextEncoder();
const file = (name: string, text: string) => ({
  name,
  contentType: 'text/plain',
  content: streamOf(encoder.encode(text)),
});
const limits = { maxAttachments: 3, maxTotalBytes: 100 };

function draftFileSuite(name: string, openStorage: () => Promise<Storage>) {
  describe(name, () => {
    async function world() {
      const storage = await openStorage();
      const dir = tempDir('sealpost-draft-files-');
      const blobs = fsBlobStore({ dir: path.join(dir, 'blobs') });
      const deps: DraftFileDeps & { blobs: typeof blobs } = {
        storage,
        cipher: await memoryCipher(),
        blobs,
        ids: randomIds(),
        clock: { now: () => new Date() },
      };
      const owner = makeStaff();
      const other = makeStaff();
      await storage.repos.accounts.insert({ account: owner });
      await storage.repos.accounts.insert({ account: other });
      const saved = await saveDraft(deps, {
        accountId: owner.id,
        content: { to: [], cc: [], subject: 'Scans', body: 'Text', inReplyToId: null },
      });
      if (!saved.ok) throw new Error('no draft');
      return { deps, storage, owner, other, draftId: saved.draft.id };
    }

    it('stages, limits with what is there, lists, removes, sends and deletes', async () => {
      const { deps, storage, owner, other, draftId } = await world();
      const staged = await stageDraftFiles(deps, {
        accountId: owner.id,
        draftId,
        files: [file('a.txt', 'x'.repeat(40)), file('b.txt', 'y'.repeat(40))],
        limits,
      });
      expect(staged).toEqual({ ok: true, added: 2 });
      const rows = await storage.repos.attachments.listForDraft({ draftId });
      expect(rows.map((r) => r.size)).toEqual([40, 40]);
      // Encrypted at rest.
      const stored = await readAll(
        (await deps.blobs.get({ id: rows[0]?.blobId ?? '' })) as ReadableStream<Uint8Array>,
      );
      expect(Buffer.from(stored).includes(Buffer.from('x'.repeat(40)))).toBe(false);

      // 80 of 100 bytes staged: 21 more is one byte too many, and nothing is kept of it.
      const before = (await deps.blobs.list({ limit: 100 })).length;
      const tooLarge = await stageDraftFiles(deps, {
        accountId: owner.id,
        draftId,
        files: [file('c.txt', 'z'.repeat(21))],
        limits,
      });
      expect(tooLarge).toEqual({ ok: false, reason: 'too-large' });
      expect((await deps.blobs.list({ limit: 100 })).length).toBe(before);
      // Exactly the limit is fine; then a fourth file is too many.
      expect(
        await stageDraftFiles(deps, {
          accountId: owner.id,
          draftId,
          files: [file('c.txt', 'z'.repeat(20))],
          limits,
        }),
      ).toEqual({ ok: true, added: 1 });
      expect(
        await stageDraftFiles(deps, {
          accountId: owner.id,
          draftId,
          files: [file('d.txt', '')],
          limits,
        }),
      ).toEqual({ ok: false, reason: 'too-many-files' });
      expect(
        (await listDraftFiles(deps, { accountId: owner.id, draftId }))?.map((f) => f.name),
      ).toEqual(['a.txt', 'b.txt', 'c.txt']);

      // Another account: missing, every time, and nothing changes.
      expect(await listDraftFiles(deps, { accountId: other.id, draftId })).toBeNull();
      expect(await draftFilesToSend(deps, { accountId: other.id, draftId })).toBeNull();
      expect(
        await stageDraftFiles(deps, {
          accountId: other.id,
          draftId,
          files: [file('e.txt', 'e')],
          limits,
        }),
      ).toEqual({ ok: false, reason: 'not-found' });
      const [first] = await storage.repos.attachments.listForDraft({ draftId });
      expect(
        await removeDraftFile(deps, {
          accountId: other.id,
          draftId,
          attachmentId: first?.id ?? '',
        }),
      ).toBe(false);

      // The owner removes one: its row and its blob go.
      expect(
        await removeDraftFile(deps, {
          accountId: owner.id,
          draftId,
          attachmentId: first?.id ?? '',
        }),
      ).toBe(true);
      expect(await deps.blobs.get({ id: first?.blobId ?? '' })).toBeNull();

      // Handed to sendMessage decrypted, in order.
      const toSend = await draftFilesToSend(deps, { accountId: owner.id, draftId });
      expect(toSend?.count).toBe(2);
      const sent: string[] = [];
      for await (const f of toSend?.files() ?? []) {
        sent.push(`${f.name}:${new TextDecoder().decode(await readAll(f.content))}`);
      }
      expect(sent).toEqual([`b.txt:${'y'.repeat(40)}`, `c.txt:${'z'.repeat(20)}`]);

      // Deleting the draft removes its files.
      const left = await storage.repos.attachments.listForDraft({ draftId });
      expect(await deleteDraft(deps, { accountId: owner.id, draftId })).toBe(true);
      expect(await storage.repos.attachments.listForDraft({ draftId })).toHaveLength(0);
      for (const row of left) expect(await deps.blobs.get({ id: row.blobId })).toBeNull();
    });
  });
}

draftFileSuite('SQLite', async () => {
  const dir = tempDir('sealpost-draft-files-db-');
  const storage = sqliteStorage({ path: path.join(dir, 'sealpost.db') });
  cleanups.push(() => storage.close());
  await storage.migrate();
  return storage;
});

if (postgresAvailable('Draft files')) {
  draftFileSuite('PostgreSQL', async () => {
    const database = await createTestDatabase('sealpost_draft_files');
    const storage = postgresStorage({ url: database.url });
    cleanups.push(async () => {
      await storage.close();
      await database.drop();
    });
    await storage.migrate();
    return storage;
  });
}
