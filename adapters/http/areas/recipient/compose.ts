import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import { findContact } from '../../../../core/contacts/address-book.ts';
import { findGroup } from '../../../../core/contacts/groups.ts';
import { removeDraftFile } from '../../../../core/messages/draft-files.ts';
import { deleteDraft, saveDraft } from '../../../../core/messages/drafts.ts';
import { type OutgoingAttachment, sendMessage } from '../../../../core/messages/send-message.ts';
import { sendIssuesText } from '../../../../views/codes.ts';
import { AutosaveStatus } from '../../../../views/pages/compose/autosave.tsx';
import { type ComposeValues, EMPTY_COMPOSE } from '../../../../views/pages/compose/compose.tsx';
import { formatTime } from '../../../../views/pages/mailbox/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import {
  type ComposeUpload,
  readComposeUpload,
  urlencodedFields,
} from '../compose/compose-form.ts';
import { resolveRecipients } from '../compose/recipients.ts';
import { uploadLimitsFor, uploadRefusalText } from '../compose/refusals.ts';
import { streamedAttachments } from '../compose/streamed-attachments.ts';
import {
  addressInput,
  checkText,
  composePage,
  draftContent,
  draftFileDeps,
  hasDraftFile,
  saveInto,
  stagedForSend,
  stageUpload,
  valuesFrom,
} from './compose-form.ts';
import {
  basics,
  type Ctx,
  notFoundFor,
  type RecipientAreaDeps,
  render,
  signInLink,
  signInRequired,
} from './context.ts';
import { AFTER_TIMEOUT, saveComposeOnTimeout } from './timeout.ts';

/**
 * "Write a message" to council staff: the form (a link from the address book ticks that
 * contact or group), Send, Save as a draft, and htmx's autosave. Send or Save pressed
 * just after the session timed out keeps what was typed as a draft.
 */
export function composeRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const { app } = deps;

  area.get('/compose', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const contactId = c.req.query('contact') ?? '';
    const groupId = c.req.query('group') ?? '';
    // A link from the address book ticks that contact or group (if it is theirs).
    const contact = contactId
      ? await findContact(deps.contacts, { ownerId: account.id, contactId })
      : null;
    const group = groupId ? await findGroup(deps.contacts, { ownerId: account.id, groupId }) : null;
    const values: ComposeValues = {
      ...EMPTY_COMPOSE,
      contactIds: contact ? [contact.id] : [],
      groupIds: group ? [group.id] : [],
    };
    return render(c, await composePage(deps, c, account, { values }));
  });

  area.post('/compose', async (c) => {
    const account = c.get('account');
    if (!account && !c.get('timedOut')) return signInRequired(deps, c);
    const settings = await app.settings.get();
    const limits = uploadLimitsFor(settings);
    const upload = await readComposeUpload(c, limits);
    if (!account) return saveComposeOnTimeout(deps, c, upload);

    const { strings } = await basics(deps, c);
    const values = valuesFrom(upload.fields);
    const fail = async (issues: Record<string, string>) =>
      render(c, await composePage(deps, c, account, { values, issues }), 400);
    if (upload.refusal) return fail(uploadRefusalText(strings, settings, upload.refusal));

    // The draft's files go with the message, and count with the new ones.
    const staged = values.draftId
      ? await stagedForSend(deps, account.id, values.draftId, limits)
      : null;
    if (values.draftId && !staged) {
      // Sent or deleted in another tab: its files are gone, so nothing is sent blind.
      values.draftId = null;
      return fail({ _: strings.compose.problems.draftGone });
    }
    const recipients = await resolveRecipients(deps.contacts, {
      ownerId: account.id,
      input: addressInput(values),
      settings,
      strings,
    });
    const issues: Record<string, string> = { ...recipients.issues, ...checkText(strings, values) };
    if (Object.keys(issues).length > 0) {
      // The files were not read, so the person chooses them again.
      if (upload.firstFile) issues.attachments = strings.compose.problems.chooseAgain;
      return fail(issues);
    }
    if (staged && upload.firstFile && staged.count + 1 > settings.maxAttachments) {
      return fail(uploadRefusalText(strings, settings, { reason: 'too-many-files' }));
    }

    async function* attachments(): AsyncGenerator<OutgoingAttachment> {
      if (staged) yield* staged.files();
      if (upload.firstFile && upload.rest) {
        yield* streamedAttachments(upload.rest, upload.firstFile);
      }
    }
    let result: Awaited<ReturnType<typeof sendMessage>>;
    try {
      result = await sendMessage(deps.mailbox, settings, {
        senderId: account.id,
        to: recipients.to,
        cc: recipients.cc,
        subject: values.subject,
        body: values.body,
        bodyFormat: 'text',
        attachments: attachments(),
        readOnly: false,
        classification: null,
        source: 'portal',
        ip: c.get('clientIp'),
      });
    } catch (error) {
      const refusal = upload.reader?.refusal;
      if (refusal) return fail(uploadRefusalText(strings, settings, refusal));
      throw error;
    }
    if (!result.ok) {
      const refused = upload.reader?.refusal;
      return fail(
        refused
          ? uploadRefusalText(strings, settings, refused)
          : sendIssuesText(strings, result.issues),
      );
    }
    if (values.draftId) {
      await deleteDraft(draftFileDeps(deps), { accountId: account.id, draftId: values.draftId });
    }
    return redirectKeepingLang(c, '/sent?sent=1');
  });

  // Save as draft: the text, and the files chosen, into the person's draft.
  area.post('/compose/save', async (c) => {
    const account = c.get('account');
    if (!account && !c.get('timedOut')) return signInRequired(deps, c);
    const settings = await app.settings.get();
    const upload = await readComposeUpload(c, uploadLimitsFor(settings));
    if (!account) return saveComposeOnTimeout(deps, c, upload);
    const saved = await saveWithFiles(c, account, upload);
    if (!saved.ok) return saved.response;
    return redirectKeepingLang(c, `/drafts/${encodeURIComponent(saved.draftId)}?saved=1`);
  });

  // Remove, beside a file of the draft: the whole form posts, so nothing typed is lost.
  area.post('/drafts/:id/files/:fileId/remove', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const settings = await app.settings.get();
    const upload = await readComposeUpload(c, uploadLimitsFor(settings));
    // Only the person's own draft: another's is the same 404 as a missing one.
    const draftId = c.req.param('id');
    const fileId = c.req.param('fileId');
    if (!(await hasDraftFile(deps, account.id, draftId, fileId))) {
      return notFoundFor(deps, c, account);
    }
    const saved = await saveWithFiles(c, account, upload, draftId);
    if (!saved.ok) return saved.response;
    const removed = await removeDraftFile(draftFileDeps(deps), {
      accountId: account.id,
      draftId: saved.draftId,
      attachmentId: fileId,
    });
    if (!removed) return notFoundFor(deps, c, account);
    return redirectKeepingLang(c, `/drafts/${encodeURIComponent(saved.draftId)}?saved=removed`);
  });

  /**
   * Saves what was typed into the person's draft (a new one when it is gone), then the
   * files chosen into it, within the message's limits counting the files already there.
   * A refusal comes back as the form (400) with the text saved and kept.
   */
  async function saveWithFiles(
    c: Ctx,
    account: Account,
    upload: ComposeUpload,
    draftId?: string,
  ): Promise<{ ok: true; draftId: string } | { ok: false; response: Response }> {
    const settings = await app.settings.get();
    const values = valuesFrom(upload.fields);
    if (draftId) values.draftId = draftId;
    const { strings } = await basics(deps, c);
    const fail = async (issues: Record<string, string>) => ({
      ok: false as const,
      response: await render(c, await composePage(deps, c, account, { values, issues }), 400),
    });
    const refusal = upload.refusal;
    if (refusal && refusal.reason !== 'too-many-files' && refusal.reason !== 'too-large') {
      return fail(uploadRefusalText(strings, settings, refusal));
    }
    const draft = await saveInto(
      deps,
      account.id,
      values.draftId,
      await draftContent(deps, account.id, values, false),
    );
    values.draftId = draft.id;
    const refused = await stageUpload(deps, {
      accountId: account.id,
      draftId: draft.id,
      upload,
      settings,
      strings,
    });
    if (refused) return fail(refused);
    return { ok: true, draftId: draft.id };
  }

  // htmx only: saves a few seconds after typing stops and answers with the status line.
  area.post('/compose/autosave', async (c) => {
    const account = c.get('account');
    const timedOut = c.get('timedOut');
    const owner = account ?? timedOut?.account;
    if (!owner) return c.body(null, 204);
    const { strings, lang } = await basics(deps, c);
    const values = valuesFrom(await urlencodedFields(c));
    const content = await draftContent(deps, owner.id, values, account === null);
    const saved = await saveDraft(deps.drafts, {
      accountId: owner.id,
      draftId: values.draftId,
      content,
    });
    // The draft is gone (sent or deleted in another tab): nothing to say, nothing saved.
    if (!saved.ok) return c.body(null, 204);
    return c.html(
      AutosaveStatus({
        strings,
        draftId: saved.draft.id,
        savedAt: formatTime(saved.draft.updatedAt, lang),
        signedOut: account ? null : { signInHref: signInLink(AFTER_TIMEOUT, lang) },
      }),
    );
  });
}
