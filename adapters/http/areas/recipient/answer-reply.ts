import type { Hono } from 'hono';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import { prepareReply, replyToMessage } from '../../../../core/messages/reply-message.ts';
import { ReplyPage } from '../../../../views/pages/mailbox/reply.tsx';
import { mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { readComposeUpload } from '../compose/compose-form.ts';
import { uploadLimitsFor, uploadRefusalText } from '../compose/refusals.ts';
import { streamedAttachments } from '../compose/streamed-attachments.ts';
import {
  answerDraftFor,
  answerLimitsOf,
  dropAnswerDraft,
  onFormFields,
  saveAnswerOnTimeout,
} from './answer-drafts.ts';
import {
  idOf,
  notFound,
  type PageProps,
  pageProps,
  policyOf,
  type RecipientAreaDeps,
  render,
  seeOther,
  signedIn,
} from './context.ts';

/**
 * Reply and Reply all (`?all=1`), with files: a problem comes back with what was typed
 * (status 400), and Send after the session timed out saves it as a draft.
 */
export function replyRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const { app, mailbox } = deps;

  const replyPage = (
    props: PageProps,
    args: {
      id: string;
      all: boolean;
      draft: Awaited<ReturnType<typeof prepareReply>>;
      subject: string;
      body: string;
      errors: Record<string, string>;
      draftId: string | null;
      openedTimeoutDraft?: boolean;
    },
  ) =>
    ReplyPage({
      ...props,
      deliveryId: args.id,
      all: args.all,
      originalSubject: args.draft?.subject ?? '',
      recipients: args.draft?.recipients ?? [],
      subject: args.subject,
      body: args.body,
      errors: args.errors,
      limits: answerLimitsOf(props.settings),
      draftId: args.draftId,
      openedTimeoutDraft: args.openedTimeoutDraft ?? false,
    });

  area.get('/inbox/:id/reply', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const all = c.req.query('all') === '1';
    const account = signedIn(c);
    const props = await pageProps(deps, c);
    const draft = await prepareReply(mailbox, policyOf(props.settings), {
      account,
      deliveryId: id,
      all,
    });
    if (!draft) return notFound(deps, c);
    const saved = await answerDraftFor(deps, account, c, id, [all ? 'reply-all' : 'reply']);
    const errors: Record<string, string> =
      draft.recipients.length === 0 ? { _: props.strings.mailbox.reply.noRecipients } : {};
    return render(
      c,
      replyPage(props, {
        id,
        all,
        draft,
        subject: saved?.content.subject ?? replySubject(draft.subject, props.strings),
        body: saved?.content.body ?? '',
        errors,
        draftId: saved?.draft.id ?? null,
        openedTimeoutDraft: saved?.content.savedOnTimeout === true,
      }),
    );
  });

  area.post('/inbox/:id/reply', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const all = c.req.query('all') === '1';
    const settings = await app.settings.get();
    const upload = await readComposeUpload(c, uploadLimitsFor(settings));
    const fields = upload.fields;
    const subject = fields.get('subject').slice(0, 1_000);
    const body = fields.get('body');
    const draftId = fields.get('draftId');
    const account = c.get('account');
    if (!account) {
      return saveAnswerOnTimeout(deps, c, id, upload, async (owner) => {
        const addressed = await prepareReply(mailbox, policyOf(settings), {
          account: owner,
          deliveryId: id,
          all,
        });
        const access = await findOwnDelivery(mailbox.storage.repos, owner, id, mailbox.clock.now());
        if (!access.ok) return null;
        return {
          to: addressed?.recipients ?? [],
          cc: [],
          subject,
          body,
          inReplyToId: access.message.id,
          savedOnTimeout: true,
          answer: { kind: all ? 'reply-all' : 'reply', deliveryId: id, keepFileIds: [] },
        };
      });
    }

    const props = await pageProps(deps, c);
    const addressing = policyOf(props.settings);
    const again = async (errors: Record<string, string>) => {
      const draft = await prepareReply(mailbox, addressing, { account, deliveryId: id, all });
      if (!draft) return notFound(deps, c);
      // A browser cannot be given a file back: the person chooses it again.
      if (upload.firstFile && !errors.attachments) {
        errors.attachments = props.strings.compose.problems.chooseAgain;
      }
      const page = replyPage(props, { id, all, draft, subject, body, errors, draftId });
      return render(c, page, 400);
    };
    if (upload.refusal) return again(uploadRefusalText(props.strings, settings, upload.refusal));
    if (body.trim() === '') return again({ body: props.strings.mailbox.reply.bodyMissing });

    const attachments =
      upload.firstFile && upload.rest ? streamedAttachments(upload.rest, upload.firstFile) : [];
    let result: Awaited<ReturnType<typeof replyToMessage>>;
    try {
      result = await replyToMessage(mailbox, addressing, props.settings, {
        account,
        deliveryId: id,
        all,
        subject,
        body,
        attachments,
        ip: c.get('clientIp'),
      });
    } catch (error) {
      const refusal = upload.reader?.refusal;
      if (refusal) return again(uploadRefusalText(props.strings, settings, refusal));
      throw error;
    }
    if (!result.ok && result.reason === 'not-found') return notFound(deps, c);
    if (!result.ok) {
      const refusal = upload.reader?.refusal;
      return again(
        refusal
          ? uploadRefusalText(props.strings, settings, refusal)
          : onFormFields(result.issues, ['subject', 'body', 'attachments']),
      );
    }
    await dropAnswerDraft(deps, account, draftId);
    return seeOther(c, `${mailboxPaths.message(id)}?notice=replied`);
  });
}

/** "Re: <subject>", without stacking a second "Re:". */
function replySubject(subject: string, strings: Strings): string {
  return /^\s*re\s*:/i.test(subject) ? subject : `${strings.mailbox.reply.subjectPrefix}${subject}`;
}
