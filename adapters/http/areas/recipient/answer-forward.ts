import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import { type ForwardProblem, forwardMessage } from '../../../../core/messages/forward-message.ts';
import {
  type ForwardedOriginal,
  findForwardable,
  forwardWithFiles,
} from '../../../../core/messages/forward-with-files.ts';
import { decryptText } from '../../../../core/messages/open-message.ts';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import { sendIssuesText } from '../../../../views/codes.ts';
import { FORWARD_FILES_SHOWN, ForwardPage } from '../../../../views/pages/mailbox/forward.tsx';
import type { MessageNotice } from '../../../../views/pages/mailbox/message.tsx';
import type { AnswerDraftNotice } from '../../../../views/pages/mailbox/reply.tsx';
import { formatDateTime, mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import type { Lang, Strings } from '../../../../views/strings/index.ts';
import { htmlToPlainText } from '../../../html/html-shape.ts';
import type { AppEnv } from '../../env.ts';
import { type FormFields, readComposeUpload } from '../compose/compose-form.ts';
import { splitAddresses } from '../compose/recipients.ts';
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
  languageOf,
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
 * Forward, with a choice of the message's files and files of one's own: unchanged, each
 * address gets its own copy of the message (or a request, outside the council); with
 * files added or left out, it goes as a new message from this person. A problem comes
 * back with what was typed (status 400); Send after a timeout saves it as a draft. Save
 * as draft (`?save=1`) keeps the addresses, the ticks and the files chosen in the
 * person's draft of this forward; Remove (`?remove=<file id>`) takes one kept file out;
 * Send sends the kept files with any new ones (always as a new message then).
 */
export function forwardRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const { app, mailbox } = deps;

  const forwardPage = (
    props: PageProps,
    args: {
      id: string;
      forwardable: NonNullable<Awaited<ReturnType<typeof findForwardable>>>;
      to: string;
      keepFileIds: string[];
      errors?: Record<string, string>;
      draftId: string | null;
      openedTimeoutDraft?: boolean;
      staged?: Array<{ id: string; name: string; size: number }>;
      notice?: AnswerDraftNotice | null;
    },
  ) =>
    ForwardPage({
      ...props,
      deliveryId: args.id,
      subject: args.forwardable.subject,
      internalDomains: props.settings.internalDomains,
      forwardOutside: props.settings.forwardOutside,
      to: args.to,
      errors: args.errors ?? {},
      files: args.forwardable.files,
      keepFileIds: args.keepFileIds,
      limits: answerLimitsOf(props.settings),
      draftId: args.draftId,
      openedTimeoutDraft: args.openedTimeoutDraft ?? false,
      staged: args.staged ?? [],
      notice: args.notice ?? null,
    });

  area.get('/inbox/:id/forward', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const account = signedIn(c);
    const forwardable = await findForwardable(mailbox, { account, deliveryId: id });
    if (!forwardable) return notFound(deps, c);
    const saved = await answerDraftFor(deps, account, c, id, ['forward']);
    const props = await pageProps(deps, c);
    return render(
      c,
      forwardPage(props, {
        id,
        forwardable,
        to: saved ? saved.content.to.join(', ') : '',
        keepFileIds: saved
          ? (saved.content.answer?.keepFileIds ?? [])
          : forwardable.files.map((f) => f.id),
        draftId: saved?.draft.id ?? null,
        openedTimeoutDraft: saved?.content.savedOnTimeout === true,
        staged: await stagedFilesOf(deps, account.id, saved?.draft.id ?? null),
        notice: saved ? answerDraftNotice(c) : null,
      }),
    );
  });

  area.post('/inbox/:id/forward', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const settings = await app.settings.get();
    // Read as the fields arrive; the limits below are narrowed once the kept files are
    // known (they count too), before any byte of an added file is read.
    const limits = uploadLimitsFor(settings);
    const upload = await readComposeUpload(c, limits);
    const fields = upload.fields;
    const to = fields.get('to').slice(0, 5_000);
    let draftId = fields.get('draftId');
    /** The forward as a draft of `owner`'s, or null when the message is not theirs. */
    const contentFor = async (owner: Account, savedOnTimeout: boolean) => {
      const access = await findOwnDelivery(mailbox.storage.repos, owner, id, mailbox.clock.now());
      if (!access.ok) return null;
      const files = await mailbox.storage.repos.attachments.listForMessage({
        messageId: access.message.id,
      });
      const all = files.filter((f) => !f.inline).map((f) => f.id);
      return {
        to: splitAddresses(to),
        cc: [],
        subject: await decryptText(mailbox, access.message.subjectEnc),
        body: '',
        inReplyToId: access.message.id,
        savedOnTimeout,
        answer: {
          kind: 'forward' as const,
          deliveryId: id,
          keepFileIds: keptFrom(fields, all).filter((f) => all.includes(f)),
        },
      };
    };
    const account = c.get('account');
    if (!account)
      return saveAnswerOnTimeout(deps, c, id, upload, (owner) => contentFor(owner, true));

    const forwardable = await findForwardable(mailbox, { account, deliveryId: id });
    if (!forwardable) return notFound(deps, c);
    const props = await pageProps(deps, c);
    const allIds = forwardable.files.map((f) => f.id);
    const keep = keptFrom(fields, allIds);
    // Only files of this message can be carried: any other id is "not found".
    if (keep.some((k) => !allIds.includes(k))) return notFound(deps, c);
    const again = async (errors: Record<string, string>) => {
      if (upload.firstFile && !errors.attachments) {
        errors.attachments = props.strings.compose.problems.chooseAgain;
      }
      const staged = await stagedFilesOf(deps, account.id, draftId || null);
      const page = forwardPage(props, {
        id,
        forwardable,
        to,
        keepFileIds: keep,
        errors,
        draftId,
        staged,
      });
      return render(c, page, 400);
    };

    // Save as draft, or Remove beside a kept file.
    const savedOrRemoved = await saveOrRemoveAnswerFile(deps, c, {
      account,
      draftId,
      upload,
      settings,
      strings: props.strings,
      formPath: mailboxPaths.forward(id),
      contentFor,
      onSaved: (savedId) => {
        draftId = savedId;
      },
      again,
    });
    if (savedOrRemoved) return savedOrRemoved;

    if (upload.refusal) return again(uploadRefusalText(props.strings, settings, upload.refusal));
    // The draft's kept files go too, counted with the original's and the new ones.
    const staged = draftId ? await stagedForSend(deps, account.id, draftId, limits) : null;
    if (draftId && !staged) {
      draftId = '';
      return again({ _: props.strings.compose.problems.draftGone });
    }

    const addressing = policyOf(props.settings);
    const forwardLimits = {
      maxRecipients: props.settings.maxRecipients,
      forwardsPerHour: props.settings.forwardsPerHour,
    };
    const unchanged =
      upload.firstFile === null && (staged?.count ?? 0) === 0 && keep.length === allIds.length;
    if (unchanged) {
      // The message as it is: each address gets its own copy of it (or a request).
      const result = await forwardMessage(mailbox, addressing, forwardLimits, {
        account,
        deliveryId: id,
        to: to.split(/[\s,;]+/),
        ip: c.get('clientIp'),
      });
      if (!result.ok && result.reason === 'not-found') return notFound(deps, c);
      if (!result.ok) {
        return again({ to: forwardProblemText(props.strings, props.settings, result.problem) });
      }
      await dropAnswerDraft(deps, account, draftId);
      const notice: MessageNotice =
        result.requested.length === 0
          ? 'forwarded'
          : result.forwarded.length === 0
            ? 'forward-requested'
            : 'forwarded-and-requested';
      return seeOther(c, `${mailboxPaths.message(id)}?notice=${notice}`);
    }

    // Files added or left out: a new message from this person. The kept files count
    // against the same limits as the added ones.
    const keptBytes = forwardable.files
      .filter((f) => keep.includes(f.id))
      .reduce((sum, f) => sum + f.size, 0);
    const stagedCount = staged?.count ?? 0;
    const tooMany =
      keep.length + stagedCount + (upload.firstFile ? 1 : 0) > settings.maxAttachments;
    if (tooMany)
      return again(uploadRefusalText(props.strings, settings, { reason: 'too-many-files' }));
    if (keptBytes + (staged?.bytes ?? 0) > settings.maxTotalBytes) {
      return again(uploadRefusalText(props.strings, settings, { reason: 'too-large' }));
    }
    // `stagedForSend` took the draft's files off the limits already.
    limits.maxFiles = Math.max(0, limits.maxFiles - keep.length);
    limits.maxTotalBytes = Math.max(0, limits.maxTotalBytes - keptBytes);

    const lang = languageOf(c);
    async function* attachments() {
      if (staged) yield* staged.files();
      if (upload.firstFile && upload.rest) {
        yield* streamedAttachments(upload.rest, upload.firstFile);
      }
    }
    let result: Awaited<ReturnType<typeof forwardWithFiles>>;
    try {
      result = await forwardWithFiles(
        mailbox,
        addressing,
        { ...props.settings, ...forwardLimits },
        {
          account,
          deliveryId: id,
          to: to.split(/[\s,;]+/),
          keepFileIds: keep,
          attachments: attachments(),
          compose: (original) => forwardedText(props.strings, lang, original),
          ip: c.get('clientIp'),
        },
      );
    } catch (error) {
      const refusal = upload.reader?.refusal;
      if (refusal) return again(uploadRefusalText(props.strings, settings, refusal));
      throw error;
    }
    if (!result.ok && result.reason === 'not-found') return notFound(deps, c);
    if (!result.ok) {
      const refusal = upload.reader?.refusal;
      if (refusal) return again(uploadRefusalText(props.strings, settings, refusal));
      if (result.reason === 'invalid') {
        return again({ to: forwardProblemText(props.strings, props.settings, result.problem) });
      }
      return again(
        onFormFields(sendIssuesText(props.strings, result.issues), ['to', 'attachments']),
      );
    }
    await dropAnswerDraft(deps, account, draftId);
    return seeOther(c, `${mailboxPaths.message(id)}?notice=forwarded`);
  });
}

/** The ticked files: every one when the form never showed the boxes. */
function keptFrom(fields: FormFields, all: string[]): string[] {
  return fields.get(FORWARD_FILES_SHOWN) === '1'
    ? [...new Set(fields.all('keep').filter((v) => v !== ''))]
    : all;
}

/** The subject and text of a forward sent as a new message, in the forwarder's language. */
function forwardedText(
  strings: Strings,
  lang: Lang,
  original: ForwardedOriginal,
): { subject: string; body: string } {
  const s = strings.mailbox.forward.asNew;
  const text = original.format === 'text' ? original.content : htmlToPlainText(original.content);
  const lines = [
    s.heading,
    original.from.name && original.from.name !== original.from.email
      ? s.from(original.from.name, original.from.email)
      : s.fromAddress(original.from.email),
    s.date(formatDateTime(original.sentAt, lang)),
    s.subject(original.subject),
    s.to(original.to.join(', ')),
    '',
    text,
    ...(original.truncated ? ['', s.truncated] : []),
  ];
  const subject = /^\s*fwd?\s*:/i.test(original.subject)
    ? original.subject
    : `${s.subjectPrefix}${original.subject}`;
  return { subject: subject.slice(0, 300), body: lines.join('\n') };
}

/** The sentence for a refused forward, in the page's language. */
function forwardProblemText(strings: Strings, settings: Settings, problem: ForwardProblem): string {
  const s = strings.mailbox.forward.problems;
  const domains = settings.internalDomains.join(', ') || settings.orgName;
  switch (problem.code) {
    case 'read-only':
      return s.readOnly;
    case 'no-address':
      return s.noAddress;
    case 'invalid-address':
      return s.invalidAddress(problem.address);
    case 'outside':
      return s.outside(domains, problem.addresses.join(', '));
    case 'outside-with-files':
      return s.outsideWithFiles(domains, problem.addresses.join(', '));
    case 'too-many-addresses':
      return s.tooMany(problem.max);
    case 'rate-limited':
      return s.rateLimited(problem.perHour);
  }
}
