import type { Hono } from 'hono';
import { findContact } from '../../../../core/contacts/address-book.ts';
import { findGroup } from '../../../../core/contacts/groups.ts';
import { deleteDraft, saveDraft } from '../../../../core/messages/drafts.ts';
import { sendMessage } from '../../../../core/messages/send-message.ts';
import { AutosaveStatus } from '../../../../views/pages/compose/autosave.tsx';
import { type ComposeValues, EMPTY_COMPOSE } from '../../../../views/pages/compose/compose.tsx';
import { formatTime } from '../../../../views/pages/mailbox/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { readComposeUpload, urlencodedFields } from '../compose/compose-form.ts';
import { resolveRecipients } from '../compose/recipients.ts';
import { uploadLimitsFor, uploadRefusalText } from '../compose/refusals.ts';
import { streamedAttachments } from '../compose/streamed-attachments.ts';
import {
  addressInput,
  checkText,
  composePage,
  draftContent,
  saveInto,
  valuesFrom,
} from './compose-form.ts';
import { basics, type RecipientAreaDeps, render, signInRequired } from './context.ts';
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
    const upload = await readComposeUpload(c, uploadLimitsFor(settings));
    if (!account) return saveComposeOnTimeout(deps, c, upload);

    const { strings } = await basics(deps, c);
    const values = valuesFrom(upload.fields);
    const fail = async (issues: Record<string, string>) =>
      render(c, await composePage(deps, c, account, { values, issues }), 400);
    if (upload.refusal) return fail(uploadRefusalText(strings, settings, upload.refusal));

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

    const attachments =
      upload.firstFile && upload.rest ? streamedAttachments(upload.rest, upload.firstFile) : [];
    let result: Awaited<ReturnType<typeof sendMessage>>;
    try {
      result = await sendMessage(deps.mailbox, settings, {
        senderId: account.id,
        to: recipients.to,
        cc: recipients.cc,
        subject: values.subject,
        body: values.body,
        bodyFormat: 'text',
        attachments,
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
      return fail(refused ? uploadRefusalText(strings, settings, refused) : result.issues);
    }
    if (values.draftId) {
      await deleteDraft(
        { ...deps.drafts, blobs: app.blobs },
        {
          accountId: account.id,
          draftId: values.draftId,
        },
      );
    }
    return c.redirect('/sent?sent=1', 303);
  });

  area.post('/compose/save', async (c) => {
    const account = c.get('account');
    if (!account && !c.get('timedOut')) return signInRequired(deps, c);
    const settings = await app.settings.get();
    const upload = await readComposeUpload(c, uploadLimitsFor(settings));
    if (!account) return saveComposeOnTimeout(deps, c, upload);
    const values = valuesFrom(upload.fields);
    if (
      upload.refusal &&
      upload.refusal.reason !== 'too-many-files' &&
      upload.refusal.reason !== 'too-large'
    ) {
      const { strings } = await basics(deps, c);
      return render(
        c,
        await composePage(deps, c, account, {
          values,
          issues: uploadRefusalText(strings, settings, upload.refusal),
        }),
        400,
      );
    }
    const draft = await saveInto(
      deps,
      account.id,
      values.draftId,
      await draftContent(deps, account.id, values, false),
    );
    const dropped = upload.firstFile !== null || upload.refusal !== null;
    return c.redirect(
      `/drafts/${encodeURIComponent(draft.id)}?saved=${dropped ? 'files' : '1'}`,
      303,
    );
  });

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
        signedOut: account
          ? null
          : { signInHref: `/sign-in?next=${encodeURIComponent(AFTER_TIMEOUT)}` },
      }),
    );
  });
}
