import type { Account } from '../../../../core/accounts/model.ts';
import {
  type DraftFileDeps,
  listDraftFiles,
  type StageRefusal,
} from '../../../../core/messages/draft-files.ts';
import { saveDraft } from '../../../../core/messages/drafts.ts';
import type { DraftContent } from '../../../../core/messages/model.ts';
import { decryptText } from '../../../../core/messages/open-message.ts';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import { megabytes } from '../../../../views/pages/compose/shared.tsx';
import {
  ComposePage,
  type ComposeValues,
  type StaffComposeNotice,
  type StagedFile,
} from '../../../../views/pages/staff/compose.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { MultipartLimits, MultipartRefused } from '../../multipart.ts';
import { type Ctx, type StaffAreaDeps, staffOf, staffPageProps } from './context.ts';

/** Text fields a compose form sends (the hidden ones carry everything typed). */
const MAX_FIELDS = 40;
/** The longest text field: the body. Files are what carry bulk; the limit counts files only. */
const MAX_FIELD_BYTES = 2 * 1024 * 1024;

/** What the staff compose routes share: the draft's files and the form as a page. */
export function staffComposeKit(deps: StaffAreaDeps) {
  const m = deps.mailbox;
  const fileDeps: DraftFileDeps = {
    storage: m.storage,
    cipher: m.cipher,
    ids: m.ids,
    clock: m.clock,
    blobs: m.blobs,
  };

  /** The limits of one upload: the message's, for files and form fields. */
  const uploadLimits = (settings: Settings): MultipartLimits => ({
    maxFiles: settings.maxAttachments,
    maxTotalBytes: settings.maxTotalBytes,
    maxFieldBytes: MAX_FIELD_BYTES,
    maxFields: MAX_FIELDS,
  });

  /** The files waiting in the account's draft `draftId` ([] when there is none, or not theirs). */
  const stagedFiles = async (account: Account, draftId: string): Promise<StagedFile[]> => {
    if (draftId === '') return [];
    const files = await listDraftFiles(fileDeps, { accountId: account.id, draftId });
    return (files ?? []).map((f) => ({ id: f.id, name: f.name, size: f.size }));
  };

  /** Saves into the person's draft, or a new one when that draft is gone (or not theirs). */
  const saveInto = async (accountId: string, draftId: string, content: DraftContent) => {
    const draftDeps = fileDeps;
    const saved = await saveDraft(draftDeps, { accountId, draftId: draftId || null, content });
    if (saved.ok) return saved.draft;
    const fresh = await saveDraft(draftDeps, { accountId, draftId: null, content });
    if (!fresh.ok) throw new Error('A new draft cannot be missing.');
    return fresh.draft;
  };

  /** The message a `replyTo` delivery id names, when it is the staff member's own copy. */
  const replyTarget = async (account: Account, deliveryId: string) => {
    if (deliveryId === '') return null;
    const access = await findOwnDelivery(m.storage.repos, account, deliveryId, m.clock.now());
    if (!access.ok || access.role !== 'recipient') return null;
    const sender = await m.storage.repos.accounts.findById({ id: access.message.senderId });
    return {
      message: access.message,
      senderEmail: sender?.email ?? '',
      subject: await decryptText(m, access.message.subjectEnc),
    };
  };

  /** The compose page, with the draft's files listed (a draft that is not theirs has none). */
  const composePage = async (
    c: Ctx,
    values: ComposeValues,
    extra: { errors?: Record<string, string>; notice?: StaffComposeNotice | null } = {},
  ) => {
    const settings = await deps.accounts.settings.get();
    const account = staffOf(c);
    const [target, files] = await Promise.all([
      replyTarget(account, values.replyTo),
      stagedFiles(account, values.draftId),
    ]);
    return ComposePage({
      ...(await staffPageProps(deps, c)),
      values: target ? values : { ...values, replyTo: '' },
      defaultDays: settings.accessDays,
      replyingTo: target?.subject ?? null,
      files,
      limits: {
        maxAttachments: settings.maxAttachments,
        maxMegabytes: Math.round(settings.maxTotalBytes / (1024 * 1024)),
      },
      ...(extra.errors ? { errors: extra.errors } : {}),
      notice: extra.notice ?? null,
    });
  };

  return { fileDeps, uploadLimits, stagedFiles, saveInto, replyTarget, composePage };
}

/**
 * The sentence for files refused at a limit: the same words as on the recipients' form,
 * each saying what to do (a browser cannot be given files back, so they are chosen again).
 */
export function fileRefusalText(
  strings: Strings,
  settings: Settings,
  reason: MultipartRefused['reason'] | StageRefusal,
): Record<string, string> {
  const p = strings.compose.problems;
  switch (reason) {
    case 'too-many-files':
      return { attachments: p.tooManyFiles(settings.maxAttachments) };
    case 'too-large':
      return { attachments: p.tooLarge(megabytes(settings.maxTotalBytes)) };
    case 'field-too-large':
    case 'too-many-fields':
      return { body: p.fieldTooLarge };
    default:
      return { _: p.unreadable };
  }
}
