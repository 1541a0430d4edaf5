import type { Context, Hono } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Account } from '../../../core/accounts/model.ts';
import {
  endTimedOutSession,
  idleLimitMs,
  type SessionPolicy,
} from '../../../core/auth/sessions.ts';
import type { MailboxDeps } from '../../../core/messages/deps.ts';
import {
  type DraftDeps,
  deleteDraft,
  openDraft,
  saveDraft,
} from '../../../core/messages/drafts.ts';
import {
  type AddressingPolicy,
  type ForwardProblem,
  forwardMessage,
} from '../../../core/messages/forward-message.ts';
import {
  type ForwardedOriginal,
  findForwardable,
  forwardWithFiles,
} from '../../../core/messages/forward-with-files.ts';
import type { DraftAnswer, DraftContent } from '../../../core/messages/model.ts';
import { decryptText } from '../../../core/messages/open-message.ts';
import { findOwnDelivery } from '../../../core/messages/read-access.ts';
import { prepareReply, replyToMessage } from '../../../core/messages/reply-message.ts';
import type { Settings } from '../../../core/settings/model.ts';
import { MINUTE_MS } from '../../../core/shared/time.ts';
import { FORWARD_FILES_SHOWN, ForwardPage } from '../../../views/pages/mailbox/forward.tsx';
import type { MessageNotice } from '../../../views/pages/mailbox/message.tsx';
import { ReplyPage } from '../../../views/pages/mailbox/reply.tsx';
import {
  formatDateTime,
  type MailboxPageProps,
  mailboxPaths,
} from '../../../views/pages/mailbox/shared.tsx';
import type { Lang, Strings } from '../../../views/strings/index.ts';
import type { Sealpost } from '../../compose.ts';
import { htmlToPlainText } from '../../html/html-shape.ts';
import type { AppEnv } from '../env.ts';
import { clearSessionCookie } from '../middleware/session.ts';
import { type ComposeUpload, type FormFields, readComposeUpload } from './compose/compose-form.ts';
import { splitAddresses } from './compose/recipients.ts';
import { uploadLimitsFor, uploadRefusalText } from './compose/refusals.ts';
import { streamedAttachments } from './compose/streamed-attachments.ts';

type Ctx = Context<AppEnv>;
type PageProps = MailboxPageProps & { settings: Settings };

/** What the mailbox area lends the reply and forward routes. */
export type AnswerRouteKit = {
  app: Sealpost;
  deps: MailboxDeps;
  pageProps: (c: Ctx) => Promise<PageProps>;
  render: (
    c: Ctx,
    page: JSX.Element,
    status?: 200 | 400 | 401 | 404,
  ) => Response | Promise<Response>;
  notFound: (c: Ctx) => Promise<Response>;
  /** The "sign in to carry on" page (401), for a POST with no session to save into. */
  signInRequired: (c: Ctx) => Promise<Response>;
  seeOther: (c: Ctx, path: string) => Response;
  idOf: (c: Ctx) => string | null;
  policyOf: (settings: Settings) => AddressingPolicy;
  signedIn: (c: Ctx) => Account;
  languageOf: (c: Ctx) => Lang;
};

/**
 * The POST paths a session that has just timed out may still reach: Send on a reply or
 * a forward saves what was typed as a draft instead of losing it.
 */
export function isAnswerPost(c: Ctx): boolean {
  return c.req.method === 'POST' && /^\/inbox\/[^/]+\/(reply|forward)$/.test(c.req.path);
}

/**
 * Reply, Reply all and Forward: forms that carry files (multipart, streamed into
 * encryption as "Write a message" does, within the same limits), and that never lose
 * what was typed: a problem comes back with it (status 400), and Send pressed after
 * the session timed out saves it as a draft that, opened after signing in again, comes
 * back to this form and still sends as a reply (threaded) or a forward of the message.
 */
export function answerRoutes(area: Hono<AppEnv>, kit: AnswerRouteKit): void {
  const { app, deps } = kit;
  const draftDeps: DraftDeps = {
    storage: app.storage,
    cipher: app.cipher,
    ids: app.ids,
    clock: app.clock,
  };
  const https = app.config.publicUrl.startsWith('https:');
  const policy: SessionPolicy = {
    recipientIdleMinutes: app.config.sessionIdleMinutes,
    staffIdleMinutes: app.config.staffIdleMinutes,
    maxHours: app.config.sessionMaxHours,
    rememberMeDays: app.config.rememberMeDays,
  };
  const limitsOf = (settings: Settings) => ({
    maxAttachments: settings.maxAttachments,
    maxTotalBytes: settings.maxTotalBytes,
  });

  /** The person's draft of this very answer, or null (missing, theirs for another message). */
  const draftFor = async (account: Account, c: Ctx, id: string, kinds: DraftAnswer['kind'][]) => {
    const draftId = c.req.query('draft') ?? '';
    if (draftId === '' || draftId.length > 128) return null;
    const opened = await openDraft(draftDeps, { accountId: account.id, draftId });
    const answer = opened?.content.answer;
    if (!opened || !answer || answer.deliveryId !== id || !kinds.includes(answer.kind)) return null;
    return opened;
  };

  /** Deletes the draft a sent answer came from (only if it is the person's). */
  const dropDraft = async (account: Account, draftId: string) => {
    if (draftId === '') return;
    await deleteDraft({ ...draftDeps, blobs: app.blobs }, { accountId: account.id, draftId });
  };

  /**
   * Send pressed after the session timed out: what was typed is saved as the person's
   * draft, remembering what it answers; the files were not read and are dropped. Only
   * for the person's own delivery: anything else is the plain "sign in" page.
   */
  const saveOnTimeout = async (
    c: Ctx,
    id: string,
    upload: ComposeUpload,
    contentFor: (owner: Account) => Promise<DraftContent | null>,
  ) => {
    const timedOut = c.get('timedOut');
    if (!timedOut) return kit.signInRequired(c);
    const owner = timedOut.account;
    const access = await findOwnDelivery(deps.storage.repos, owner, id, deps.clock.now());
    const content = access.ok && access.role === 'recipient' ? await contentFor(owner) : null;
    if (!content) return kit.signInRequired(c);
    const draftId = upload.fields.get('draftId') || null;
    let saved = await saveDraft(draftDeps, { accountId: owner.id, draftId, content });
    if (!saved.ok) saved = await saveDraft(draftDeps, { accountId: owner.id, content });
    if (!saved.ok) throw new Error('A new draft cannot be missing.');
    await endTimedOutSession(
      { storage: app.storage, clock: app.clock },
      { sessionId: timedOut.sessionId },
    );
    clearSessionCookie(c, { https });
    const idle = Math.round(idleLimitMs(policy, owner) / MINUTE_MS);
    const dropped = upload.firstFile !== null || upload.refusal !== null;
    const draft = encodeURIComponent(saved.draft.id);
    return c.redirect(
      `/compose/signed-out?idle=${idle}${dropped ? '&files=1' : ''}&draft=${draft}`,
      303,
    );
  };

  // ---- Reply and reply all -------------------------------------------------------

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
      limits: limitsOf(props.settings),
      draftId: args.draftId,
      openedTimeoutDraft: args.openedTimeoutDraft ?? false,
    });

  area.get('/inbox/:id/reply', async (c) => {
    const id = kit.idOf(c);
    if (!id) return kit.notFound(c);
    const all = c.req.query('all') === '1';
    const account = kit.signedIn(c);
    const props = await kit.pageProps(c);
    const draft = await prepareReply(deps, kit.policyOf(props.settings), {
      account,
      deliveryId: id,
      all,
    });
    if (!draft) return kit.notFound(c);
    const saved = await draftFor(account, c, id, [all ? 'reply-all' : 'reply']);
    const errors: Record<string, string> =
      draft.recipients.length === 0 ? { _: props.strings.mailbox.reply.noRecipients } : {};
    return kit.render(
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
    const id = kit.idOf(c);
    if (!id) return kit.notFound(c);
    const all = c.req.query('all') === '1';
    const settings = await app.settings.get();
    const upload = await readComposeUpload(c, uploadLimitsFor(settings));
    const fields = upload.fields;
    const subject = fields.get('subject').slice(0, 1_000);
    const body = fields.get('body');
    const draftId = fields.get('draftId');
    const account = c.get('account');
    if (!account) {
      return saveOnTimeout(c, id, upload, async (owner) => {
        const addressed = await prepareReply(deps, kit.policyOf(settings), {
          account: owner,
          deliveryId: id,
          all,
        });
        const access = await findOwnDelivery(deps.storage.repos, owner, id, deps.clock.now());
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

    const props = await kit.pageProps(c);
    const addressing = kit.policyOf(props.settings);
    const again = async (errors: Record<string, string>) => {
      const draft = await prepareReply(deps, addressing, { account, deliveryId: id, all });
      if (!draft) return kit.notFound(c);
      // A browser cannot be given a file back: the person chooses it again.
      if (upload.firstFile && !errors.attachments) {
        errors.attachments = props.strings.compose.problems.chooseAgain;
      }
      const page = replyPage(props, { id, all, draft, subject, body, errors, draftId });
      return kit.render(c, page, 400);
    };
    if (upload.refusal) return again(uploadRefusalText(props.strings, settings, upload.refusal));
    if (body.trim() === '') return again({ body: props.strings.mailbox.reply.bodyMissing });

    const attachments =
      upload.firstFile && upload.rest ? streamedAttachments(upload.rest, upload.firstFile) : [];
    let result: Awaited<ReturnType<typeof replyToMessage>>;
    try {
      result = await replyToMessage(deps, addressing, props.settings, {
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
    if (!result.ok && result.reason === 'not-found') return kit.notFound(c);
    if (!result.ok) {
      const refusal = upload.reader?.refusal;
      return again(
        refusal
          ? uploadRefusalText(props.strings, settings, refusal)
          : onFormFields(result.issues, ['subject', 'body', 'attachments']),
      );
    }
    await dropDraft(account, draftId);
    return kit.seeOther(c, `${mailboxPaths.message(id)}?notice=replied`);
  });

  // ---- Forward -------------------------------------------------------------------

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
      limits: limitsOf(props.settings),
      draftId: args.draftId,
      openedTimeoutDraft: args.openedTimeoutDraft ?? false,
    });

  /** The ticked files: every one when the form never showed the boxes. */
  const keptFrom = (fields: FormFields, all: string[]) =>
    fields.get(FORWARD_FILES_SHOWN) === '1'
      ? [...new Set(fields.all('keep').filter((v) => v !== ''))]
      : all;

  area.get('/inbox/:id/forward', async (c) => {
    const id = kit.idOf(c);
    if (!id) return kit.notFound(c);
    const account = kit.signedIn(c);
    const forwardable = await findForwardable(deps, { account, deliveryId: id });
    if (!forwardable) return kit.notFound(c);
    const saved = await draftFor(account, c, id, ['forward']);
    const props = await kit.pageProps(c);
    return kit.render(
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
      }),
    );
  });

  area.post('/inbox/:id/forward', async (c) => {
    const id = kit.idOf(c);
    if (!id) return kit.notFound(c);
    const settings = await app.settings.get();
    // Read as the fields arrive; the limits below are narrowed once the kept files are
    // known (they count too), before any byte of an added file is read.
    const limits = uploadLimitsFor(settings);
    const upload = await readComposeUpload(c, limits);
    const fields = upload.fields;
    const to = fields.get('to').slice(0, 5_000);
    const draftId = fields.get('draftId');
    const account = c.get('account');
    if (!account) {
      return saveOnTimeout(c, id, upload, async (owner) => {
        const access = await findOwnDelivery(deps.storage.repos, owner, id, deps.clock.now());
        if (!access.ok) return null;
        const files = await deps.storage.repos.attachments.listForMessage({
          messageId: access.message.id,
        });
        const all = files.filter((f) => !f.inline).map((f) => f.id);
        return {
          to: splitAddresses(to),
          cc: [],
          subject: await decryptText(deps, access.message.subjectEnc),
          body: '',
          inReplyToId: access.message.id,
          savedOnTimeout: true,
          answer: {
            kind: 'forward',
            deliveryId: id,
            keepFileIds: keptFrom(fields, all).filter((f) => all.includes(f)),
          },
        };
      });
    }

    const forwardable = await findForwardable(deps, { account, deliveryId: id });
    if (!forwardable) return kit.notFound(c);
    const props = await kit.pageProps(c);
    const allIds = forwardable.files.map((f) => f.id);
    const keep = keptFrom(fields, allIds);
    // Only files of this message can be carried: any other id is "not found".
    if (keep.some((k) => !allIds.includes(k))) return kit.notFound(c);
    const again = (errors: Record<string, string>) => {
      if (upload.firstFile && !errors.attachments) {
        errors.attachments = props.strings.compose.problems.chooseAgain;
      }
      const page = forwardPage(props, { id, forwardable, to, keepFileIds: keep, errors, draftId });
      return kit.render(c, page, 400);
    };
    if (upload.refusal) return again(uploadRefusalText(props.strings, settings, upload.refusal));

    const addressing = kit.policyOf(props.settings);
    const forwardLimits = {
      maxRecipients: props.settings.maxRecipients,
      forwardsPerHour: props.settings.forwardsPerHour,
    };
    const unchanged = upload.firstFile === null && keep.length === allIds.length;
    if (unchanged) {
      // The message as it is: each address gets its own copy of it (or a request).
      const result = await forwardMessage(deps, addressing, forwardLimits, {
        account,
        deliveryId: id,
        to: to.split(/[\s,;]+/),
        ip: c.get('clientIp'),
      });
      if (!result.ok && result.reason === 'not-found') return kit.notFound(c);
      if (!result.ok) {
        return again({ to: forwardProblemText(props.strings, props.settings, result.problem) });
      }
      await dropDraft(account, draftId);
      const notice: MessageNotice =
        result.requested.length === 0
          ? 'forwarded'
          : result.forwarded.length === 0
            ? 'forward-requested'
            : 'forwarded-and-requested';
      return kit.seeOther(c, `${mailboxPaths.message(id)}?notice=${notice}`);
    }

    // Files added or left out: a new message from this person. The kept files count
    // against the same limits as the added ones.
    const keptBytes = forwardable.files
      .filter((f) => keep.includes(f.id))
      .reduce((sum, f) => sum + f.size, 0);
    const tooMany = keep.length + (upload.firstFile ? 1 : 0) > settings.maxAttachments;
    if (tooMany)
      return again(uploadRefusalText(props.strings, settings, { reason: 'too-many-files' }));
    if (keptBytes > settings.maxTotalBytes) {
      return again(uploadRefusalText(props.strings, settings, { reason: 'too-large' }));
    }
    limits.maxFiles = settings.maxAttachments - keep.length;
    limits.maxTotalBytes = settings.maxTotalBytes - keptBytes;

    const lang = kit.languageOf(c);
    const attachments =
      upload.firstFile && upload.rest ? streamedAttachments(upload.rest, upload.firstFile) : [];
    let result: Awaited<ReturnType<typeof forwardWithFiles>>;
    try {
      result = await forwardWithFiles(
        deps,
        addressing,
        { ...props.settings, ...forwardLimits },
        {
          account,
          deliveryId: id,
          to: to.split(/[\s,;]+/),
          keepFileIds: keep,
          attachments,
          compose: (original) => forwardedText(props.strings, lang, original),
          ip: c.get('clientIp'),
        },
      );
    } catch (error) {
      const refusal = upload.reader?.refusal;
      if (refusal) return again(uploadRefusalText(props.strings, settings, refusal));
      throw error;
    }
    if (!result.ok && result.reason === 'not-found') return kit.notFound(c);
    if (!result.ok) {
      const refusal = upload.reader?.refusal;
      if (refusal) return again(uploadRefusalText(props.strings, settings, refusal));
      if (result.reason === 'invalid') {
        return again({ to: forwardProblemText(props.strings, props.settings, result.problem) });
      }
      return again(onFormFields(result.issues, ['to', 'attachments']));
    }
    await dropDraft(account, draftId);
    return kit.seeOther(c, `${mailboxPaths.message(id)}?notice=forwarded`);
  });
}

/** "Re: <subject>", without stacking a second "Re:". */
function replySubject(subject: string, strings: Strings): string {
  return /^\s*re\s*:/i.test(subject) ? subject : `${strings.mailbox.reply.subjectPrefix}${subject}`;
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
    s.from(original.from.name, original.from.email),
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

/**
 * Problems keyed by a field the form has stay on it; any other (recipients, limits)
 * goes to `_`, shown in the summary without a link to a field that is not there.
 */
function onFormFields(issues: Record<string, string>, fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(issues)) {
    const field = fields.includes(key) ? key : '_';
    out[field] = out[field] ? `${out[field]} ${text}` : text;
  }
  return out;
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
