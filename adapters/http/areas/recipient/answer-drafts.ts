import type { Account } from '../../../../core/accounts/model.ts';
import { endTimedOutSession, idleLimitMs } from '../../../../core/auth/sessions.ts';
import { deliveryOwnerFor } from '../../../../core/mailboxes/membership.ts';
import { removeDraftFile } from '../../../../core/messages/draft-files.ts';
import { deleteDraft, openDraft, saveDraft } from '../../../../core/messages/drafts.ts';
import type { DraftAnswer, DraftContent } from '../../../../core/messages/model.ts';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import { MINUTE_MS } from '../../../../core/shared/time.ts';
import { SignInRequiredPage } from '../../../../views/pages/errors.tsx';
import { mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import { redirectKeepingLang } from '../../language.ts';
import { clearSessionCookie } from '../../middleware/session.ts';
import type { ComposeUpload } from '../compose/compose-form.ts';
import { draftFileDeps, hasDraftFile, saveInto, stageUpload } from './compose-form.ts';
import { basics, type Ctx, notFound, type RecipientAreaDeps, render, seeOther } from './context.ts';

/*
 * What Reply, Reply all and Forward share: forms that carry files (multipart, streamed
 * into encryption as "Write a message" does, within the same limits), and that never
 * lose what was typed: Send pressed after the session timed out saves it as a draft
 * that, opened after signing in again, comes back to its form and still sends as a
 * reply (threaded) or a forward of the message.
 */

/** The council's file limits, as the reply and forward pages tell them. */
export function answerLimitsOf(settings: Settings) {
  return {
    maxAttachments: settings.maxAttachments,
    maxTotalBytes: settings.maxTotalBytes,
  };
}

/** The person's draft of this very answer, or null (missing, theirs for another message). */
export async function answerDraftFor(
  deps: RecipientAreaDeps,
  account: Account,
  c: Ctx,
  id: string,
  kinds: DraftAnswer['kind'][],
) {
  const draftId = c.req.query('draft') ?? '';
  if (draftId === '' || draftId.length > 128) return null;
  const opened = await openDraft(deps.drafts, { accountId: account.id, draftId });
  const answer = opened?.content.answer;
  if (!opened || !answer || answer.deliveryId !== id || !kinds.includes(answer.kind)) return null;
  return opened;
}

/** What a reply or forward page says after its draft was saved or a file removed. */
export function answerDraftNotice(c: Ctx): 'saved' | 'removed' | null {
  const saved = c.req.query('saved');
  return saved === 'saved' || saved === 'removed' ? saved : null;
}

/** The reply or forward page (`path`) opened on its draft, saying what was just done. */
export function answerDraftPathFor(
  path: string,
  draftId: string,
  done: 'saved' | 'removed',
): string {
  const query = `draft=${encodeURIComponent(draftId)}&saved=${done}`;
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** Deletes the draft a sent answer came from (only if it is the person's). */
export async function dropAnswerDraft(
  deps: RecipientAreaDeps,
  account: Account,
  draftId: string,
): Promise<void> {
  if (draftId === '') return;
  await deleteDraft({ ...deps.drafts, blobs: deps.app.blobs }, { accountId: account.id, draftId });
}

/**
 * Send pressed after the session timed out: what was typed is saved as the person's
 * draft, remembering what it answers; the files were not read and are dropped. Only
 * for the person's own delivery: anything else is the plain "sign in" page.
 */
export async function saveAnswerOnTimeout(
  deps: RecipientAreaDeps,
  c: Ctx,
  id: string,
  upload: ComposeUpload,
  contentFor: (owner: Account) => Promise<DraftContent | null>,
): Promise<Response> {
  const { app, mailbox } = deps;
  const timedOut = c.get('timedOut');
  if (!timedOut) return signInToInbox(deps, c);
  const person = timedOut.account;
  // Their own message, or one of a shared mailbox they were working from (decision
  // 0028): the draft goes to that mailbox's drafts, marked as this person's.
  const owner =
    (await deliveryOwnerFor(mailbox.storage.repos, {
      person,
      deliveryId: id,
      genericAllowed: (await app.settings.get()).sharedMailboxes,
    })) ?? person;
  const access = await findOwnDelivery(mailbox.storage.repos, owner, id, mailbox.clock.now());
  const written = access.ok && access.role === 'recipient' ? await contentFor(owner) : null;
  if (!written) return signInToInbox(deps, c);
  const content = owner.id === person.id ? written : { ...written, savedBy: person.id };
  const draftId = upload.fields.get('draftId') || null;
  let saved = await saveDraft(deps.drafts, { accountId: owner.id, draftId, content });
  if (!saved.ok) saved = await saveDraft(deps.drafts, { accountId: owner.id, content });
  if (!saved.ok) throw new Error('A new draft cannot be missing.');
  await endTimedOutSession(
    { storage: app.storage, clock: app.clock },
    { sessionId: timedOut.sessionId },
  );
  clearSessionCookie(c, { https: deps.https });
  const idle = Math.round(idleLimitMs(deps.policy, person) / MINUTE_MS);
  const dropped = upload.firstFile !== null || upload.refusal !== null;
  const draft = encodeURIComponent(saved.draft.id);
  return redirectKeepingLang(
    c,
    `/compose/signed-out?idle=${idle}${dropped ? '&files=1' : ''}&draft=${draft}`,
  );
}

/** The "sign in to carry on" page (401), for a POST with no session to save into. */
async function signInToInbox(deps: RecipientAreaDeps, c: Ctx): Promise<Response> {
  const { lang, strings, org } = await basics(deps, c);
  const signInHref = `/sign-in?next=${encodeURIComponent(mailboxPaths.inbox)}${lang === 'en' ? '' : `&lang=${lang}`}`;
  return render(c, SignInRequiredPage({ strings, lang, org, account: null, signInHref }), 401);
}

/**
 * Problems keyed by a field the form has stay on it; any other (recipients, limits)
 * goes to `_`, shown in the summary without a link to a field that is not there.
 */
export function onFormFields(
  issues: Record<string, string>,
  fields: string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(issues)) {
    const field = fields.includes(key) ? key : '_';
    out[field] = out[field] ? `${out[field]} ${text}` : text;
  }
  return out;
}

/**
 * Save as draft, or Remove beside a kept file, on the reply and forward forms: what was
 * typed is saved first (contentFor), then the files chosen are staged, then the named
 * file removed; the person is sent back to the form (`formPath`) with a notice. Null
 * when the request is neither (the caller goes on to Send). A Remove naming a file
 * that is not in the person's own draft is the 404, before anything is saved.
 */
export async function saveOrRemoveAnswerFile(
  deps: RecipientAreaDeps,
  c: Ctx,
  args: {
    account: Account;
    draftId: string;
    upload: ComposeUpload;
    settings: Settings;
    strings: Strings;
    formPath: string;
    contentFor: (owner: Account, savedOnTimeout: boolean) => Promise<DraftContent | null>;
    /** Told the saved draft's id before `again` runs, so the form shown again keeps it. */
    onSaved: (draftId: string) => void;
    again: (errors: Record<string, string>) => Promise<Response>;
  },
): Promise<Response | null> {
  const { account } = args;
  const remove = c.req.query('remove') ?? '';
  if (c.req.query('save') !== '1' && remove === '') return null;
  if (remove !== '' && !(await hasDraftFile(deps, account.id, args.draftId, remove))) {
    return notFound(deps, c);
  }
  const content = await args.contentFor(account, false);
  if (!content) return notFound(deps, c);
  const draft = await saveInto(deps, account.id, args.draftId || null, content);
  args.onSaved(draft.id);
  const refused = await stageUpload(deps, {
    accountId: account.id,
    draftId: draft.id,
    upload: args.upload,
    settings: args.settings,
    strings: args.strings,
  });
  if (refused) return args.again(refused);
  if (remove !== '') {
    const removed = await removeDraftFile(draftFileDeps(deps), {
      accountId: account.id,
      draftId: draft.id,
      attachmentId: remove,
    });
    if (!removed) return notFound(deps, c);
  }
  const done = remove === '' ? 'saved' : 'removed';
  return seeOther(c, answerDraftPathFor(args.formPath, draft.id, done));
}
