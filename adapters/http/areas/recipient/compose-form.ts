import type { Account } from '../../../../core/accounts/model.ts';
import { listContacts } from '../../../../core/contacts/address-book.ts';
import { listGroups } from '../../../../core/contacts/groups.ts';
import {
  type DraftFileDeps,
  draftFilesToSend,
  listDraftFiles,
  stageDraftFiles,
} from '../../../../core/messages/draft-files.ts';
import { saveDraft } from '../../../../core/messages/drafts.ts';
import type { DraftContent } from '../../../../core/messages/model.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import {
  type ComposeNotice,
  ComposePage,
  type ComposeValues,
} from '../../../../views/pages/compose/compose.tsx';
import { formatTime } from '../../../../views/pages/mailbox/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { MultipartLimits } from '../../multipart.ts';
import type { ComposeUpload, FormFields } from '../compose/compose-form.ts';
import { type AddressInput, draftAddresses, isCouncilAddress } from '../compose/recipients.ts';
import { uploadRefusalText } from '../compose/refusals.ts';
import { streamedAttachments } from '../compose/streamed-attachments.ts';
import { type Ctx, composePageProps, type RecipientAreaDeps } from './context.ts';

/** The subject's limit, as sendMessage has it. */
const MAX_SUBJECT = 300;

/** What was typed into "Write a message". */
export function valuesFrom(fields: FormFields): ComposeValues {
  return {
    to: fields.get('to'),
    cc: fields.get('cc'),
    subject: fields.get('subject'),
    body: fields.get('body'),
    contactIds: fields.all('contact').filter((id) => id !== ''),
    groupIds: fields.all('group').filter((id) => id !== ''),
    draftId: fields.get('draftId') || null,
  };
}

/** The addresses typed and the contacts and groups picked. */
export function addressInput(v: ComposeValues): AddressInput {
  return {
    to: v.to,
    cc: v.cc,
    contactIds: v.contactIds,
    groupIds: v.groupIds,
  };
}

/** The compose page, with the address book's picker filled in. */
export async function composePage(
  deps: RecipientAreaDeps,
  c: Ctx,
  account: Account,
  args: {
    values: ComposeValues;
    issues?: Record<string, string>;
    notice?: ComposeNotice | null;
    savedAt?: Date | null;
  },
) {
  const { props, settings, lang } = await composePageProps(deps, c, account);
  const [contacts, groups, files] = await Promise.all([
    listContacts(deps.contacts, { ownerId: account.id }),
    listGroups(deps.contacts, { ownerId: account.id }),
    stagedFilesOf(deps, account.id, args.values.draftId),
  ]);
  return ComposePage({
    ...props,
    values: args.values,
    issues: args.issues ?? {},
    contacts: contacts.filter((contact) => isCouncilAddress(settings, contact.email)),
    groups: groups.map((g) => ({ id: g.id, name: g.name, count: g.members.length })),
    limits: { maxAttachments: settings.maxAttachments, maxTotalBytes: settings.maxTotalBytes },
    allowedDomains: settings.internalDomains,
    files,
    notice: args.notice ?? null,
    savedAt: args.savedAt ? formatTime(args.savedAt, lang) : null,
  });
}

/** Draft content from what was typed; picks become addresses. */
export async function draftContent(
  deps: RecipientAreaDeps,
  ownerId: string,
  values: ComposeValues,
  savedOnTimeout: boolean,
): Promise<DraftContent> {
  const addresses = await draftAddresses(deps.contacts, {
    ownerId,
    input: addressInput(values),
  });
  return {
    ...addresses,
    subject: values.subject,
    body: values.body,
    inReplyToId: null,
    savedOnTimeout,
  };
}

/** Saves into the person's draft, or a new one when that draft is gone (or not theirs). */
export async function saveInto(
  deps: RecipientAreaDeps,
  ownerId: string,
  draftId: string | null,
  content: DraftContent,
) {
  const saved = await saveDraft(deps.drafts, { accountId: ownerId, draftId, content });
  if (saved.ok) return saved.draft;
  const fresh = await saveDraft(deps.drafts, { accountId: ownerId, draftId: null, content });
  if (!fresh.ok) throw new Error('A new draft cannot be missing.');
  return fresh.draft;
}

/** The subject and message checks the compose form makes before anything is sent. */
export function checkText(strings: Strings, values: ComposeValues): Record<string, string> {
  const p = strings.compose.problems;
  const issues: Record<string, string> = {};
  const subject = values.subject.trim();
  if (subject === '') issues.subject = p.subjectMissing;
  else if (/[\r\n]/.test(values.subject)) issues.subject = p.subjectOneLine;
  else if (subject.length > MAX_SUBJECT) issues.subject = p.subjectTooLong(MAX_SUBJECT);
  if (values.body.trim() === '') issues.body = p.bodyMissing;
  return issues;
}

/** What keeping files in a person's drafts needs: the draft use cases' deps and the blobs. */
export function draftFileDeps(deps: RecipientAreaDeps): DraftFileDeps {
  return { ...deps.drafts, blobs: deps.app.blobs };
}

/** The files waiting in the person's draft `draftId` ([] when none, or not theirs). */
export async function stagedFilesOf(
  deps: RecipientAreaDeps,
  accountId: string,
  draftId: string | null,
): Promise<Array<{ id: string; name: string; size: number }>> {
  if (!draftId) return [];
  const files = await listDraftFiles(deps.drafts, { accountId, draftId });
  return (files ?? []).map((f) => ({ id: f.id, name: f.name, size: f.size }));
}

/** True when `fileId` is a file waiting in the person's own draft `draftId`. */
export async function hasDraftFile(
  deps: RecipientAreaDeps,
  accountId: string,
  draftId: string,
  fileId: string,
): Promise<boolean> {
  if (!draftId || !fileId) return false;
  const files = await listDraftFiles(deps.drafts, { accountId, draftId });
  return (files ?? []).some((f) => f.id === fileId);
}

/**
 * The files a draft being sent holds, to go first in the message, with the upload's
 * limits narrowed to what is left of the message's (files only, text aside) before any
 * byte of a newly chosen file is read: staged and new files count together. Null when
 * `draftId` names no draft of the person's (sent or deleted in another tab).
 */
export async function stagedForSend(
  deps: RecipientAreaDeps,
  accountId: string,
  draftId: string,
  limits: MultipartLimits,
): Promise<(NonNullable<Awaited<ReturnType<typeof draftFilesToSend>>> & { bytes: number }) | null> {
  const staged = await draftFilesToSend(draftFileDeps(deps), { accountId, draftId });
  if (!staged) return null;
  // The draft is the person's (checked just above), so its rows can be read directly.
  const rows = await deps.drafts.storage.repos.attachments.listForDraft({ draftId });
  const bytes = rows.reduce((sum, f) => sum + f.size, 0);
  limits.maxFiles = Math.max(0, limits.maxFiles - staged.count);
  limits.maxTotalBytes = Math.max(0, limits.maxTotalBytes - bytes);
  return { ...staged, bytes };
}

/**
 * Puts the files of an upload into the person's draft (just saved with the text), each
 * streamed into encryption, within the message's limits counting the files already in
 * it (files only, text aside). Null when all went in (or none was chosen); otherwise the
 * words of the refusal, by field: none of this upload's files is kept then, the draft's
 * earlier files stay, and the text was saved before.
 */
export async function stageUpload(
  deps: RecipientAreaDeps,
  args: {
    accountId: string;
    draftId: string;
    upload: ComposeUpload;
    settings: Settings;
    strings: Strings;
  },
): Promise<Record<string, string> | null> {
  const { upload, settings, strings } = args;
  if (upload.refusal) return uploadRefusalText(strings, settings, upload.refusal);
  if (!upload.firstFile || !upload.rest) return null;
  try {
    const staged = await stageDraftFiles(draftFileDeps(deps), {
      accountId: args.accountId,
      draftId: args.draftId,
      files: streamedAttachments(upload.rest, upload.firstFile),
      limits: settings,
    });
    if (staged.ok) return null;
    // 'not-found' is a draft gone between saving and staging (deleted in another tab).
    return staged.reason === 'not-found'
      ? { _: strings.compose.problems.draftGone }
      : uploadRefusalText(strings, settings, { reason: staged.reason });
  } catch (error) {
    const broken = upload.reader?.refusal;
    if (!broken) throw error;
    return uploadRefusalText(strings, settings, broken);
  }
}
