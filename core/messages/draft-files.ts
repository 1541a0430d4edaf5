import type { BlobStore } from '../blobs/ports.ts';
import { DecryptFailed } from '../crypto/errors.ts';
import { cleanLine } from '../shared/clean-text.ts';
import { countingLimit, SizeLimitExceeded } from '../shared/streams.ts';
import type { DraftDeps } from './drafts.ts';
import type { Attachment, Draft } from './model.ts';
import type { OutgoingAttachment } from './send-message.ts';

/** What staging needs besides the draft use cases' dependencies: the blob store. */
export type DraftFileDeps = DraftDeps & { blobs: Pick<BlobStore, 'put' | 'get' | 'delete'> };

/** A file waiting in a draft, as the compose form and the preview list it. */
export type DraftFile = { id: string; name: string; contentType: string; size: number };

/** The limits a draft's files keep to, all of them together (the message's limits). */
export type DraftFileLimits = { maxAttachments: number; maxTotalBytes: number };

/** Why files were not added to a draft. */
export type StageRefusal = 'not-found' | 'too-many-files' | 'too-large';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The account's own draft, or null: another person's draft is answered as missing. */
async function ownDraft(deps: DraftDeps, accountId: string, draftId: string) {
  if (draftId === '') return null;
  const draft = await deps.storage.repos.drafts.findById({ id: draftId });
  return draft && draft.accountId === accountId ? draft : null;
}

/**
 * Adds files to one of the account's drafts, each streamed straight into encryption
 * (never held whole) and kept as the draft's attachments until it is sent or deleted
 * (deleting a draft, by hand or as stale, removes its files). The limits count the
 * files already waiting in the draft with the new ones: files only, never the text.
 * All or nothing: when a file breaks a limit, none of this call's files is kept, and
 * the files staged before stay as they were. An error from a file's stream (an upload
 * refused mid-way) is rethrown after the same clean-up.
 */
export async function stageDraftFiles(
  deps: DraftFileDeps,
  input: {
    accountId: string;
    draftId: string;
    files: AsyncIterable<OutgoingAttachment> | OutgoingAttachment[];
    limits: DraftFileLimits;
  },
): Promise<{ ok: true; added: number } | { ok: false; reason: StageRefusal }> {
  const draft = await ownDraft(deps, input.accountId, input.draftId);
  if (!draft) return { ok: false, reason: 'not-found' };
  const staged = await deps.storage.repos.attachments.listForDraft({ draftId: draft.id });
  const counter = { bytes: staged.reduce((sum, file) => sum + file.size, 0) };
  let count = staged.length;
  const now = deps.clock.now();
  const written: string[] = [];
  const rows: Attachment[] = [];
  try {
    for await (const file of input.files) {
      if (++count > input.limits.maxAttachments) return await refuse('too-many-files');
      const before = counter.bytes;
      const blobId = deps.ids.newId();
      written.push(blobId);
      const ciphertext = await deps.cipher.encryptStream({
        plaintext: file.content.pipeThrough(countingLimit(counter, input.limits.maxTotalBytes)),
      });
      await deps.blobs.put({ id: blobId, body: ciphertext });
      rows.push({
        id: deps.ids.newId(),
        messageId: null,
        draftId: draft.id,
        nameEnc: await deps.cipher.encryptBytes({
          plaintext: encoder.encode(cleanLine(file.name) || 'file'),
        }),
        contentType: file.contentType,
        size: counter.bytes - before,
        blobId,
        inline: false,
        createdAt: now,
      });
    }
    await deps.storage.transaction(async (repos) => {
      for (const attachment of rows) await repos.attachments.insert({ attachment });
      await touch(repos, draft, now);
    });
    return { ok: true, added: rows.length };
  } catch (error) {
    await removeBlobs(deps, written);
    if (error instanceof SizeLimitExceeded || isCause(error, SizeLimitExceeded)) {
      return { ok: false, reason: 'too-large' };
    }
    throw error;
  }

  async function refuse(reason: StageRefusal) {
    await removeBlobs(deps, written);
    written.length = 0;
    return { ok: false as const, reason };
  }
}

/** The files waiting in one of the account's drafts, oldest first; null when it is not theirs. */
export async function listDraftFiles(
  deps: DraftDeps,
  input: { accountId: string; draftId: string },
): Promise<DraftFile[] | null> {
  const draft = await ownDraft(deps, input.accountId, input.draftId);
  if (!draft) return null;
  const files = await deps.storage.repos.attachments.listForDraft({ draftId: draft.id });
  return Promise.all(
    files.map(async (file) => ({
      id: file.id,
      name: decoder.decode(await deps.cipher.decryptBytes({ ciphertext: file.nameEnc })),
      contentType: file.contentType,
      size: file.size,
    })),
  );
}

/**
 * Takes one file out of one of the account's drafts (and removes its stored copy).
 * False when the draft is not theirs or the file is not in it: both answered as missing.
 */
export async function removeDraftFile(
  deps: DraftFileDeps,
  input: { accountId: string; draftId: string; attachmentId: string },
): Promise<boolean> {
  const draft = await ownDraft(deps, input.accountId, input.draftId);
  if (!draft) return false;
  const file = await deps.storage.repos.attachments.findById({ id: input.attachmentId });
  if (!file || file.draftId !== draft.id || file.messageId !== null) return false;
  await deps.storage.transaction(async (repos) => {
    await repos.attachments.delete({ id: file.id });
    await touch(repos, draft, deps.clock.now());
  });
  await removeBlobs(deps, [file.blobId]);
  return true;
}

/**
 * The files of one of the account's drafts as `sendMessage` takes them: each decrypted
 * as a stream when `sendMessage` asks for it, so it is encrypted again for the message
 * (and scanned, and counted against the limits, as any file sent) without ever being
 * held whole. Null when the draft is not theirs. The draft keeps its files until it is
 * deleted, so a send that fails loses nothing.
 */
export async function draftFilesToSend(
  deps: DraftFileDeps,
  input: { accountId: string; draftId: string },
): Promise<{ count: number; files: () => AsyncGenerator<OutgoingAttachment> } | null> {
  const draft = await ownDraft(deps, input.accountId, input.draftId);
  if (!draft) return null;
  const rows = await deps.storage.repos.attachments.listForDraft({ draftId: draft.id });
  return {
    count: rows.length,
    async *files() {
      for (const row of rows) {
        const stored = await deps.blobs.get({ id: row.blobId });
        if (!stored) throw new DecryptFailed('A draft file is missing from the blob store.');
        yield {
          name: decoder.decode(await deps.cipher.decryptBytes({ ciphertext: row.nameEnc })),
          contentType: row.contentType,
          content: await deps.cipher.decryptStream({ ciphertext: stored }),
        };
      }
    },
  };
}

/** A change to a draft's files is a change to the draft: it is no longer stale. */
async function touch(repos: DraftDeps['storage']['repos'], draft: Draft, now: Date): Promise<void> {
  const fresh = await repos.drafts.findById({ id: draft.id });
  if (fresh) await repos.drafts.save({ draft: { ...fresh, updatedAt: now } });
}

async function removeBlobs(deps: Pick<DraftFileDeps, 'blobs'>, ids: string[]): Promise<void> {
  await Promise.allSettled(ids.map((id) => deps.blobs.delete({ id })));
}

/** True when `error` wraps (as its `cause`) an error of `type`: streams often re-wrap. */
function isCause(error: unknown, type: new (...args: never[]) => Error): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    if (current instanceof type) return true;
    if (!(current instanceof Error)) return false;
    current = (current as Error).cause;
  }
  return false;
}
