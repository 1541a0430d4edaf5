import type { Hono } from 'hono';
import {
  draftFilesToSend,
  removeDraftFile,
  stageDraftFiles,
} from '../../../../core/messages/draft-files.ts';
import { deleteDraft } from '../../../../core/messages/drafts.ts';
import type { Draft } from '../../../../core/messages/model.ts';
import { type OutgoingAttachment, sendMessage } from '../../../../core/messages/send-message.ts';
import { sendIssuesText } from '../../../../views/codes.ts';
import { PreviewPage, SentConfirmationPage } from '../../../../views/pages/staff/compose.tsx';
import { STAFF_PATHS, staffDraftPath } from '../../../../views/pages/staff/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { readComposeUpload, urlencodedFields } from '../compose/compose-form.ts';
import { streamedAttachments } from '../compose/streamed-attachments.ts';
import {
  checkCompose,
  draftContentOf,
  emptyComposeValues,
  readComposeValues,
} from './compose-form.ts';
import { fileRefusalText, staffComposeKit } from './compose-page.ts';
import { canSend, notFound, type StaffAreaDeps, staffOf, staffPageProps } from './context.ts';
import { idParam } from './params.ts';

/**
 * Writing a secure message, for senders and admins (auditors send nothing: 404).
 *
 * Without JavaScript, as with it. The form (`/staff/compose`) is a multipart upload
 * with the files on it: they stream through the cipher into the message's draft as
 * they arrive (never held whole), and stay there, listed with a Remove button each,
 * until the message is sent or the draft deleted. Preview shows the message with its
 * files; Send sends the draft's files with it and deletes the draft; Change goes back
 * to the form, files still attached. Save as draft keeps everything for later. A form
 * that comes back with problems (400) keeps everything typed and the files already in
 * the draft; files being chosen when a limit was broken must be chosen again.
 */
export function composeRoutes(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  const settings = () => deps.accounts.settings.get();
  const kit = staffComposeKit(deps);
  const { composePage, fileDeps } = kit;

  area.get(STAFF_PATHS.compose, async (c) => {
    const account = staffOf(c);
    if (!canSend(account)) return notFound(deps, c);
    const values = emptyComposeValues(await settings());
    const target = await kit.replyTarget(account, c.req.query('replyTo') ?? '');
    if (target) {
      values.replyTo = c.req.query('replyTo') ?? '';
      values.to = target.senderEmail;
      values.subject = /^re:/i.test(target.subject) ? target.subject : `Re: ${target.subject}`;
      values.classification = target.message.classification ?? '';
    }
    return c.html(await composePage(c, values));
  });

  // Change: the preview's hidden fields, back in the form (the draft's files with them).
  area.post(`${STAFF_PATHS.compose}/edit`, async (c) => {
    if (!canSend(staffOf(c))) return notFound(deps, c);
    const values = readComposeValues((await urlencodedFields(c)).get);
    return c.html(await composePage(c, values));
  });

  // Preview, Save as draft, or Remove a file: the fields, then the files into the draft.
  area.post(STAFF_PATHS.compose, async (c) => {
    const account = staffOf(c);
    if (!canSend(account)) return notFound(deps, c);
    const current = await settings();
    const props = await staffPageProps(deps, c);
    const upload = await readComposeUpload(c, kit.uploadLimits(current));
    const fields = upload.fields;
    const values = readComposeValues(fields.get);
    const fail = async (errors: Record<string, string>) =>
      c.html(await composePage(c, values, { errors }), 400);
    if (upload.refusal) return fail(fileRefusalText(props.strings, current, upload.refusal.reason));

    // Every field of the form comes before its file input, so all are here. Without
    // files, the buttons (after the files) are here too.
    let draft: Draft | null = null;
    if (
      upload.firstFile ||
      values.draftId ||
      fields.get('action') === 'save' ||
      fields.get('remove')
    ) {
      draft = await kit.saveInto(account.id, values.draftId, draftContentOf(values, false));
      values.draftId = draft.id;
    }
    if (draft && upload.firstFile && upload.rest) {
      let refused: Record<string, string> | null = null;
      try {
        const staged = await stageDraftFiles(fileDeps, {
          accountId: account.id,
          draftId: draft.id,
          files: streamedAttachments(upload.rest, upload.firstFile),
          limits: current,
        });
        if (!staged.ok) refused = fileRefusalText(props.strings, current, staged.reason);
      } catch (error) {
        const refusal = upload.reader?.refusal;
        if (!refusal) throw error;
        refused = fileRefusalText(props.strings, current, refusal.reason);
      }
      if (refused) return fail(refused);
    }

    const remove = fields.get('remove');
    if (draft && remove) {
      await removeDraftFile(fileDeps, {
        accountId: account.id,
        draftId: draft.id,
        attachmentId: remove,
      });
      return redirectKeepingLang(c, `${staffDraftPath(draft.id)}?done=removed`);
    }
    if (draft && fields.get('action') === 'save') {
      return redirectKeepingLang(c, `${staffDraftPath(draft.id)}?done=saved`);
    }
    const checked = checkCompose(
      values,
      current,
      props.strings,
      deps.mailbox.clock.now(),
      props.lang,
    );
    if (!checked.ok) return fail(checked.errors);
    return c.html(
      PreviewPage({
        ...props,
        values,
        facts: checked.checked.facts,
        files: await kit.stagedFiles(account, values.draftId),
      }),
    );
  });

  // Send: the preview's fields, the draft's files (and any sent along, streamed).
  area.post(STAFF_PATHS.send, async (c) => {
    const account = staffOf(c);
    if (!canSend(account)) return notFound(deps, c);
    const current = await settings();
    const props = await staffPageProps(deps, c);
    const upload = await readComposeUpload(c, kit.uploadLimits(current));
    const values = readComposeValues(upload.fields.get);
    const fail = async (errors: Record<string, string>) =>
      c.html(await composePage(c, values, { errors }), 400);
    if (upload.refusal) return fail(fileRefusalText(props.strings, current, upload.refusal.reason));
    const checked = checkCompose(
      values,
      current,
      props.strings,
      deps.mailbox.clock.now(),
      props.lang,
    );
    if (!checked.ok) {
      const errors = { ...checked.errors };
      if (upload.firstFile) errors.attachments = props.strings.compose.problems.chooseAgain;
      return fail(errors);
    }
    const staged = values.draftId
      ? await draftFilesToSend(fileDeps, { accountId: account.id, draftId: values.draftId })
      : null;
    if (values.draftId && !staged) {
      // Sent or deleted in another tab: its files are gone, so nothing is sent blind.
      values.draftId = '';
      return fail({ _: props.strings.compose.problems.draftGone });
    }
    const target = await kit.replyTarget(account, values.replyTo);
    const counted = { files: staged?.count ?? 0 };
    async function* files(): AsyncGenerator<OutgoingAttachment> {
      if (staged) yield* staged.files();
      if (upload.firstFile && upload.rest) {
        for await (const file of streamedAttachments(upload.rest, upload.firstFile)) {
          counted.files += 1;
          yield file;
        }
      }
    }

    let result: Awaited<ReturnType<typeof sendMessage>>;
    try {
      const m = checked.checked;
      result = await sendMessage(deps.mailbox, current, {
        senderId: account.id,
        to: m.to,
        cc: m.cc,
        subject: m.subject,
        body: m.body,
        bodyFormat: 'text',
        attachments: files(),
        readOnly: m.readOnly,
        secondFactorRequired: m.secondFactorRequired,
        accessEndsAt: m.accessEndsAt,
        classification: m.classification,
        source: 'web',
        inReplyToId: target?.message.id ?? null,
        ip: c.get('clientIp'),
      });
    } catch (error) {
      const refusal = upload.reader?.refusal;
      if (refusal) return fail(fileRefusalText(props.strings, current, refusal.reason));
      throw error;
    }
    if (!result.ok) {
      const { attachments, ...others } = result.issues;
      if (Object.keys(others).length > 0 || !attachments)
        return fail(sendIssuesText(props.strings, result.issues));
      // An infected file is named by the scanner's refusal; otherwise a limit was broken.
      if (result.infected) return fail(sendIssuesText(props.strings, { attachments }));
      const reason = counted.files > current.maxAttachments ? 'too-many-files' : 'too-large';
      return fail(fileRefusalText(props.strings, current, reason));
    }
    if (staged) {
      await deleteDraft(fileDeps, { accountId: account.id, draftId: values.draftId });
    }
    return redirectKeepingLang(
      c,
      `${STAFF_PATHS.compose}/sent/${encodeURIComponent(result.messageId)}`,
    );
  });

  area.get(`${STAFF_PATHS.compose}/sent/:messageId`, async (c) => {
    const account = staffOf(c);
    const id = idParam(c, 'messageId');
    if (!id) return notFound(deps, c);
    const message = await deps.mailbox.storage.repos.messages.findById({ id });
    if (!message || message.senderId !== account.id) return notFound(deps, c);
    const deliveries = await deps.mailbox.storage.repos.deliveries.listForMessage({
      messageId: id,
    });
    return c.html(
      SentConfirmationPage({
        ...(await staffPageProps(deps, c)),
        messageId: id,
        recipients: deliveries.length,
      }),
    );
  });
}
