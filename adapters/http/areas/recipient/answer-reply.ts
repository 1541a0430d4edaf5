import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import type { DraftContent } from '../../../../core/messages/model.ts';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import { prepareReply, replyToMessage } from '../../../../core/messages/reply-message.ts';
import { sendIssuesText } from '../../../../views/codes.ts';
import { type AnswerDraftNotice, ReplyPage } from '../../../../views/pages/mailbox/reply.tsx';
import { mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { readComposeUpload } from '../compose/compose-form.ts';
import { uploadLimitsFor, uploadRefusalText } from '../compose/refusals.ts';
import { streamedAttachments } from '../compose/streamed-attachments.ts';
import {
  answerDraftFor,
  answerDraftNotice,
  answerLimitsOf,
  dropAnswerDraft,
  onFormFields,
  saveAnswerOnTimeout,
  saveOrRemoveAnswerFile,
} from './answer-drafts.ts';
import { stagedFilesOf, stagedForSend } from './compose-form.ts';
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
 * (status 400), and Send after the session timed out saves it as a draft. Save as draft
 * (`?save=1` on the same form) keeps the text and the files chosen in the person's
 * draft of this reply; each file kept has a Remove button (`?remove=<file id>`, the
 * whole form posted, so nothing typed is lost); Send sends the kept files with any new.
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
      files?: Array<{ id: string; name: string; size: number }>;
      notice?: AnswerDraftNotice | null;
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
      files: args.files ?? [],
      notice: args.notice ?? null,
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
        files: await stagedFilesOf(deps, account.id, saved?.draft.id ?? null),
        notice: saved ? answerDraftNotice(c) : null,
      }),
    );
  });

  area.post('/inbox/:id/reply', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const all = c.req.query('all') === '1';
    const settings = await app.settings.get();
    const limits = uploadLimitsFor(settings);
    const upload = await readComposeUpload(c, limits);
    const fields = upload.fields;
    const subject = fields.get('subject').slice(0, 1_000);
    const body = fields.get('body');
    let draftId = fields.get('draftId');
    /** The reply as a draft of `owner`'s, or null when the message is not theirs. */
    const contentFor = async (owner: Account, savedOnTimeout: boolean) => {
      const addressed = await prepareReply(mailbox, policyOf(settings), {
        account: owner,
        deliveryId: id,
        all,
      });
      const access = await findOwnDelivery(mailbox.storage.repos, owner, id, mailbox.clock.now());
      if (!access.ok) return null;
      const content: DraftContent = {
        to: addressed?.recipients ?? [],
        cc: [],
        subject,
        body,
        inReplyToId: access.message.id,
        savedOnTimeout,
        answer: { kind: all ? 'reply-all' : 'reply', deliveryId: id, keepFileIds: [] },
      };
      return content;
    };
    const account = c.get('account');
    if (!account)
      return saveAnswerOnTimeout(deps, c, id, upload, (owner) => contentFor(owner, true));

    const props = await pageProps(deps, c);
    const addressing = policyOf(props.settings);
    const again = async (errors: Record<string, string>) => {
      const draft = await prepareReply(mailbox, addressing, { account, deliveryId: id, all });
      if (!draft) return notFound(deps, c);
      // A browser cannot be given a file back: the person chooses it again.
      if (upload.firstFile && !errors.attachments) {
        errors.attachments = props.strings.compose.problems.chooseAgain;
      }
      const files = await stagedFilesOf(deps, account.id, draftId || null);
      const page = replyPage(props, { id, all, draft, subject, body, errors, draftId, files });
      return render(c, page, 400);
    };

    // Save as draft, or Remove beside a kept file.
    const savedOrRemoved = await saveOrRemoveAnswerFile(deps, c, {
      account,
      draftId,
      upload,
      settings,
      strings: props.strings,
      formPath: mailboxPaths.reply(id, all),
      contentFor,
      onSaved: (savedId) => {
        draftId = savedId;
      },
      again,
    });
    if (savedOrRemoved) return savedOrRemoved;

    if (upload.refusal) return again(uploadRefusalText(props.strings, settings, upload.refusal));
    // The draft's files go with the reply, and count with the new ones.
    const staged = draftId ? await stagedForSend(deps, account.id, draftId, limits) : null;
    if (draftId && !staged) {
      draftId = '';
      return again({ _: props.strings.compose.problems.draftGone });
    }
    if (body.trim() === '') return again({ body: props.strings.mailbox.reply.bodyMissing });
    if (staged && upload.firstFile && staged.count + 1 > settings.maxAttachments) {
      return again(uploadRefusalText(props.strings, settings, { reason: 'too-many-files' }));
    }

    async function* attachments() {
      if (staged) yield* staged.files();
      if (upload.firstFile && upload.rest) {
        yield* streamedAttachments(upload.rest, upload.firstFile);
      }
    }
    let result: Awaited<ReturnType<typeof replyToMessage>>;
    try {
      result = await replyToMessage(mailbox, addressing, props.settings, {
        account,
        deliveryId: id,
        all,
        subject,
        body,
        attachments: attachments(),
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
          : onFormFields(sendIssuesText(props.strings, result.issues), [
              'subject',
              'body',
              'attachments',
            ]),
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
