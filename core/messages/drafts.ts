import type { BlobStore } from '../blobs/ports.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { Clock, Ids } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { Draft, DraftAnswer, DraftContent, StaffDraftOptions } from './model.ts';

/** What the draft use cases need from the world. */
export type DraftDeps = {
  storage: Storage;
  cipher: Cipher;
  ids: Ids;
  clock: Clock;
};

/** A draft with its content decrypted, as the drafts page and the compose form use it. */
export type OpenDraft = { draft: Draft; content: DraftContent };

/** Drafts listed at most per page; more than this is an unusual mailbox. */
export const DRAFTS_PAGE_SIZE = 50;

// Drafts are saved on every pause in typing, so the bounds are generous but real: a
// draft must never be a way to store unbounded data.
const MAX_ADDRESSES = 200;
const MAX_SUBJECT = 1_000;
const MAX_BODY = 1_000_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The content as it will be stored: trimmed lists, bounded sizes, known keys only. */
function tidy(content: DraftContent): DraftContent {
  const list = (values: readonly string[]) =>
    values
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .slice(0, MAX_ADDRESSES)
      .map((v) => v.slice(0, 320));
  return {
    to: list(content.to),
    cc: list(content.cc),
    subject: content.subject.slice(0, MAX_SUBJECT),
    body: content.body.slice(0, MAX_BODY),
    inReplyToId: content.inReplyToId,
    savedOnTimeout: content.savedOnTimeout === true,
    savedBy: typeof content.savedBy === 'string' ? content.savedBy.slice(0, 200) : null,
    answer: tidyAnswer(content.answer),
    staff: tidyStaff(content.staff),
  };
}

/** A staff draft's options, bounded, or null when it is not one (or damaged). */
function tidyStaff(value: unknown): StaffDraftOptions | null {
  if (typeof value !== 'object' || value === null) return null;
  const raw = value as Partial<Record<keyof StaffDraftOptions, unknown>>;
  const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
  const date = (
    typeof raw.accessDate === 'object' && raw.accessDate !== null ? raw.accessDate : {}
  ) as Record<string, unknown>;
  return {
    readOnly: raw.readOnly === true,
    // Drafts saved before "second factor required" existed have none: off.
    secondFactorRequired: raw.secondFactorRequired === true,
    accessDays: text(raw.accessDays, 10),
    accessDate: { day: text(date.day, 10), month: text(date.month, 10), year: text(date.year, 10) },
    classification:
      raw.classification === 'OFFICIAL' || raw.classification === 'OFFICIAL-SENSITIVE'
        ? raw.classification
        : '',
    replyTo: text(raw.replyTo, 128),
  };
}

/** A reply or forward's link to what it answers, or null when it is not one (or damaged). */
function tidyAnswer(value: unknown): DraftAnswer | null {
  if (typeof value !== 'object' || value === null) return null;
  const raw = value as Partial<DraftAnswer>;
  const kinds: ReadonlyArray<DraftAnswer['kind']> = ['reply', 'reply-all', 'forward'];
  if (!kinds.includes(raw.kind as DraftAnswer['kind'])) return null;
  if (typeof raw.deliveryId !== 'string' || raw.deliveryId === '') return null;
  const ids = Array.isArray(raw.keepFileIds) ? raw.keepFileIds : [];
  return {
    kind: raw.kind as DraftAnswer['kind'],
    deliveryId: raw.deliveryId.slice(0, 128),
    keepFileIds: ids
      .filter((id): id is string => typeof id === 'string')
      .slice(0, MAX_ADDRESSES)
      .map((id) => id.slice(0, 128)),
  };
}

/** Encrypts a draft's content (everything typed is personal data). */
async function seal(deps: Pick<DraftDeps, 'cipher'>, content: DraftContent): Promise<Uint8Array> {
  return deps.cipher.encryptBytes({ plaintext: encoder.encode(JSON.stringify(content)) });
}

/** Decrypts a draft's content; fields a damaged or older draft lacks come back empty. */
async function unseal(deps: Pick<DraftDeps, 'cipher'>, draft: Draft): Promise<DraftContent> {
  const raw = JSON.parse(
    decoder.decode(await deps.cipher.decryptBytes({ ciphertext: draft.contentEnc })),
  ) as Partial<DraftContent>;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return {
    to: strings(raw.to),
    cc: strings(raw.cc),
    subject: typeof raw.subject === 'string' ? raw.subject : '',
    body: typeof raw.body === 'string' ? raw.body : '',
    inReplyToId: typeof raw.inReplyToId === 'string' ? raw.inReplyToId : null,
    savedOnTimeout: raw.savedOnTimeout === true,
    savedBy: typeof raw.savedBy === 'string' ? raw.savedBy : null,
    answer: tidyAnswer(raw.answer),
    staff: tidyStaff(raw.staff),
  };
}

/** The account's own draft, or null: another person's draft is answered as missing. */
async function findOwn(deps: DraftDeps, accountId: string, draftId: string): Promise<Draft | null> {
  if (draftId === '') return null;
  const draft = await deps.storage.repos.drafts.findById({ id: draftId });
  return draft && draft.accountId === accountId ? draft : null;
}

/**
 * Saves what a person has typed: a new draft, or the one named by `draftId` when it is
 * theirs. A `draftId` that is not theirs (or no longer exists) is `not-found`, never
 * written over, so ids cannot be used to touch another person's drafts.
 */
export async function saveDraft(
  deps: DraftDeps,
  input: { accountId: string; draftId?: string | null; content: DraftContent },
): Promise<{ ok: true; draft: Draft } | { ok: false; reason: 'not-found' }> {
  const now = deps.clock.now();
  let existing: Draft | null = null;
  if (input.draftId) {
    existing = await findOwn(deps, input.accountId, input.draftId);
    if (!existing) return { ok: false, reason: 'not-found' };
  }
  const draft: Draft = {
    id: existing?.id ?? deps.ids.newId(),
    accountId: input.accountId,
    contentEnc: await seal(deps, tidy(input.content)),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  await deps.storage.repos.drafts.save({ draft });
  return { ok: true, draft };
}

/** One of the account's drafts with its content, or null (missing or another person's). */
export async function openDraft(
  deps: DraftDeps,
  input: { accountId: string; draftId: string },
): Promise<OpenDraft | null> {
  const draft = await findOwn(deps, input.accountId, input.draftId);
  return draft ? { draft, content: await unseal(deps, draft) } : null;
}

/** The account's drafts, most recently saved first, with their content. */
export async function listDrafts(
  deps: DraftDeps,
  input: { accountId: string },
): Promise<OpenDraft[]> {
  const drafts = await deps.storage.repos.drafts.listForAccount({
    accountId: input.accountId,
    limit: DRAFTS_PAGE_SIZE,
    offset: 0,
  });
  return Promise.all(drafts.map(async (draft) => ({ draft, content: await unseal(deps, draft) })));
}

/**
 * Deletes one of the account's drafts (and any files waiting in it). False when it is
 * missing or another person's: the caller answers both the same way.
 */
export async function deleteDraft(
  deps: DraftDeps & { blobs?: Pick<BlobStore, 'delete'> },
  input: { accountId: string; draftId: string },
): Promise<boolean> {
  const draft = await findOwn(deps, input.accountId, input.draftId);
  if (!draft) return false;
  const files = await deps.storage.repos.attachments.listForDraft({ draftId: draft.id });
  await deps.storage.transaction(async (repos) => {
    for (const file of files) await repos.attachments.delete({ id: file.id });
    await repos.drafts.delete({ id: draft.id });
  });
  if (deps.blobs) {
    const blobs = deps.blobs;
    await Promise.allSettled(files.map((file) => blobs.delete({ id: file.blobId })));
  }
  return true;
}
