import type { Context } from 'hono';
import { Hono } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Account } from '../../../core/accounts/model.ts';
import {
  endTimedOutSession,
  idleLimitMs,
  type SessionPolicy,
} from '../../../core/auth/sessions.ts';
import {
  type ContactEntry,
  deleteContact,
  findContact,
  listContacts,
  saveContact,
  suggestContacts,
} from '../../../core/contacts/address-book.ts';
import type { ContactDeps } from '../../../core/contacts/deps.ts';
import { deleteGroup, findGroup, listGroups, saveGroup } from '../../../core/contacts/groups.ts';
import type { ContactIssues, ContactProblem } from '../../../core/contacts/rules.ts';
import type { MailboxDeps } from '../../../core/messages/deps.ts';
import { downloadAttachment } from '../../../core/messages/download-attachment.ts';
import {
  type DraftDeps,
  deleteDraft,
  listDrafts,
  openDraft,
  saveDraft,
} from '../../../core/messages/drafts.ts';
import { type DraftAnswer, type DraftContent, isAddressed } from '../../../core/messages/model.ts';
import { openSentMessage } from '../../../core/messages/open-sent.ts';
import { findOwnDelivery } from '../../../core/messages/read-access.ts';
import { sendMessage } from '../../../core/messages/send-message.ts';
import { listSent } from '../../../core/messages/tracking.ts';
import type { Settings } from '../../../core/settings/model.ts';
import { MINUTE_MS } from '../../../core/shared/time.ts';
import { AutosaveStatus } from '../../../views/pages/compose/autosave.tsx';
import {
  type ComposeNotice,
  ComposePage,
  type ComposeValues,
  EMPTY_COMPOSE,
} from '../../../views/pages/compose/compose.tsx';
import { type DraftsNotice, DraftsPage } from '../../../views/pages/compose/drafts.tsx';
import { SentPage } from '../../../views/pages/compose/sent.tsx';
import { SentMessagePage } from '../../../views/pages/compose/sent-message.tsx';
import { megabytes, type SignedInPageProps } from '../../../views/pages/compose/shared.tsx';
import { SavedOnTimeoutPage } from '../../../views/pages/compose/signed-out.tsx';
import { ContactPage } from '../../../views/pages/contacts/contact.tsx';
import { type ContactsNotice, ContactsPage } from '../../../views/pages/contacts/contacts.tsx';
import { GroupPage } from '../../../views/pages/contacts/group.tsx';
import { type GroupsNotice, GroupsPage } from '../../../views/pages/contacts/groups.tsx';
import { SuggestionList } from '../../../views/pages/contacts/suggest.tsx';
import { NotFoundPage, SignInRequiredPage } from '../../../views/pages/errors.tsx';
import {
  formatDateTime,
  formatTime,
  paginationItems,
} from '../../../views/pages/mailbox/shared.tsx';
import { type Lang, pickLanguage, type Strings, stringsFor } from '../../../views/strings/index.ts';
import type { Sealpost } from '../../compose.ts';
import type { AppEnv } from '../env.ts';
import { bodyView } from '../message-body.ts';
import { clearSessionCookie } from '../middleware/session.ts';
import type { MultipartLimits, MultipartRefused } from '../multipart.ts';
import {
  type ComposeUpload,
  type FormFields,
  readComposeUpload,
  urlencodedFields,
} from './compose/compose-form.ts';
import {
  type AddressInput,
  draftAddresses,
  isCouncilAddress,
  resolveRecipients,
  splitAddresses,
} from './compose/recipients.ts';
import { streamedAttachments } from './compose/streamed-attachments.ts';
import { mailboxDepsFrom } from './mailbox-deps.ts';
import { attachmentHeaders, readText } from './recipient-mailbox.ts';

/** What the compose, drafts, sent and contacts area needs from the composed app. */
export type RecipientComposeDeps = {
  app: Pick<
    Sealpost,
    | 'storage'
    | 'cipher'
    | 'blobs'
    | 'ids'
    | 'clock'
    | 'secrets'
    | 'templates'
    | 'settings'
    | 'config'
    | 'scanner'
  >;
  /** True when the public URL is https (the session cookie's name and flags). */
  https: boolean;
  /** Idle timeouts, to tell a timed-out person how long they were away. */
  policy: SessionPolicy;
};

type Ctx = Context<AppEnv>;

/** Sent messages listed per page. */
const SENT_PAGE_SIZE = 25;
/** Suggestions offered while an address is typed. */
const SUGGESTIONS = 8;
/** The subject's limit, as sendMessage has it. */
const MAX_SUBJECT = 300;
/** A typed message up to a megabyte; files are what carry bulk. */
const MAX_FIELD_BYTES = 1024 * 1024;
/** Enough for every checkbox of a full address book. */
const MAX_FIELDS = 1_000;
/** Where a person who was signed out lands after signing in again. */
const AFTER_TIMEOUT = '/drafts?notice=timeout';
/** Ids are random and short; anything longer is not one, and is not looked up. */
const MAX_ID_LENGTH = 128;
/** The most of a sent message's text the page shows. */
const MAX_SHOWN_BODY = 1024 * 1024;

/**
 * Writing to council staff, drafts, sent messages and the address book. Every route
 * reads top to bottom: who is asking, read and check the input, call a use case,
 * render (or redirect 303 after a change). Anything that is not the signed-in person's
 * own (a draft, a contact, a group) is answered exactly like something missing: 404.
 */
export function recipientComposeArea(deps: RecipientComposeDeps): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const { app, https } = deps;
  const draftDeps: DraftDeps = {
    storage: app.storage,
    cipher: app.cipher,
    ids: app.ids,
    clock: app.clock,
  };
  const contactDeps: ContactDeps = draftDeps;
  const mailDeps: MailboxDeps = mailboxDepsFrom(app);

  // ---- Shared pieces -------------------------------------------------------------

  const languageOf = (c: Ctx): Lang =>
    pickLanguage({ query: c.req.query('lang'), acceptLanguage: c.req.header('accept-language') });

  const basics = async (c: Ctx) => {
    const settings = await app.settings.get();
    const lang = languageOf(c);
    return {
      settings,
      lang,
      strings: stringsFor(lang),
      org: { name: settings.orgName, colour: settings.orgColour },
    };
  };

  /** Props for a signed-in page. */
  const pageProps = async (c: Ctx, account: Account) => {
    const b = await basics(c);
    const props: SignedInPageProps = {
      strings: b.strings,
      lang: b.lang,
      org: b.org,
      account: { displayName: account.displayName },
      csrfToken: c.get('csrfToken'),
    };
    return { ...b, props };
  };

  const render = (c: Ctx, page: JSX.Element, status: 200 | 400 | 401 | 404 = 200) =>
    c.html(page, status);

  /** 401 with a way to sign in and come back here. */
  const signInRequired = async (c: Ctx) => {
    const b = await basics(c);
    const back = c.req.method === 'GET' ? new URL(c.req.url).pathname : '/compose';
    return render(
      c,
      SignInRequiredPage({
        strings: b.strings,
        lang: b.lang,
        org: b.org,
        signInHref: `/sign-in?next=${encodeURIComponent(back)}`,
      }),
      401,
    );
  };

  /** The same 404 for a missing id and for someone else's. */
  const notFound = async (c: Ctx, account: Account) => {
    const { props } = await pageProps(c, account);
    return render(c, NotFoundPage(props), 404);
  };

  const uploadLimits = (settings: Settings): MultipartLimits => ({
    maxFiles: settings.maxAttachments,
    maxTotalBytes: settings.maxTotalBytes,
    maxFieldBytes: MAX_FIELD_BYTES,
    maxFields: MAX_FIELDS,
  });

  const valuesFrom = (fields: FormFields): ComposeValues => ({
    to: fields.get('to'),
    cc: fields.get('cc'),
    subject: fields.get('subject'),
    body: fields.get('body'),
    contactIds: fields.all('contact').filter((id) => id !== ''),
    groupIds: fields.all('group').filter((id) => id !== ''),
    draftId: fields.get('draftId') || null,
  });

  const addressInput = (v: ComposeValues): AddressInput => ({
    to: v.to,
    cc: v.cc,
    contactIds: v.contactIds,
    groupIds: v.groupIds,
  });

  /** The compose page, with the address book's picker filled in. */
  const composePage = async (
    c: Ctx,
    account: Account,
    args: {
      values: ComposeValues;
      issues?: Record<string, string>;
      notice?: ComposeNotice | null;
      savedAt?: Date | null;
    },
  ) => {
    const { props, settings, lang } = await pageProps(c, account);
    const [contacts, groups] = await Promise.all([
      listContacts(contactDeps, { ownerId: account.id }),
      listGroups(contactDeps, { ownerId: account.id }),
    ]);
    return ComposePage({
      ...props,
      values: args.values,
      issues: args.issues ?? {},
      contacts: contacts.filter((contact) => isCouncilAddress(settings, contact.email)),
      groups: groups.map((g) => ({ id: g.id, name: g.name, count: g.members.length })),
      limits: { maxAttachments: settings.maxAttachments, maxTotalBytes: settings.maxTotalBytes },
      allowedDomains: settings.internalDomains,
      notice: args.notice ?? null,
      savedAt: args.savedAt ? formatTime(args.savedAt, lang) : null,
    });
  };

  /** The sentence for an upload refused at a limit. */
  const refusalText = (
    strings: Strings,
    settings: Settings,
    refusal: MultipartRefused,
  ): Record<string, string> => {
    const p = strings.compose.problems;
    switch (refusal.reason) {
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
  };

  /** Draft content from what was typed; picks become addresses. */
  const draftContent = async (
    ownerId: string,
    values: ComposeValues,
    savedOnTimeout: boolean,
  ): Promise<DraftContent> => {
    const addresses = await draftAddresses(contactDeps, { ownerId, input: addressInput(values) });
    return {
      ...addresses,
      subject: values.subject,
      body: values.body,
      inReplyToId: null,
      savedOnTimeout,
    };
  };

  /** Saves into the person's draft, or a new one when that draft is gone (or not theirs). */
  const saveInto = async (ownerId: string, draftId: string | null, content: DraftContent) => {
    const saved = await saveDraft(draftDeps, { accountId: ownerId, draftId, content });
    if (saved.ok) return saved.draft;
    const fresh = await saveDraft(draftDeps, { accountId: ownerId, draftId: null, content });
    if (!fresh.ok) throw new Error('A new draft cannot be missing.');
    return fresh.draft;
  };

  /**
   * Send or Save pressed after the session timed out: what was typed is saved as the
   * person's draft, marked as saved on timeout; the files are dropped (they were not
   * read). The old cookie is spent, and the person is told to sign in to find it.
   */
  const saveOnTimeout = async (c: Ctx, upload: ComposeUpload) => {
    const timedOut = c.get('timedOut');
    if (!timedOut) return signInRequired(c);
    const owner = timedOut.account;
    const values = valuesFrom(upload.fields);
    await saveInto(owner.id, values.draftId, await draftContent(owner.id, values, true));
    await endTimedOutSession(
      { storage: app.storage, clock: app.clock },
      {
        sessionId: timedOut.sessionId,
      },
    );
    clearSessionCookie(c, { https });
    const idle = Math.round(idleLimitMs(deps.policy, owner) / MINUTE_MS);
    const dropped = upload.firstFile !== null || upload.refusal !== null;
    return c.redirect(`/compose/signed-out?idle=${idle}${dropped ? '&files=1' : ''}`, 303);
  };

  // ---- Compose -------------------------------------------------------------------

  area.get('/compose', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const contactId = c.req.query('contact') ?? '';
    const groupId = c.req.query('group') ?? '';
    // A link from the address book ticks that contact or group (if it is theirs).
    const contact = contactId
      ? await findContact(contactDeps, { ownerId: account.id, contactId })
      : null;
    const group = groupId ? await findGroup(contactDeps, { ownerId: account.id, groupId }) : null;
    const values: ComposeValues = {
      ...EMPTY_COMPOSE,
      contactIds: contact ? [contact.id] : [],
      groupIds: group ? [group.id] : [],
    };
    return render(c, await composePage(c, account, { values }));
  });

  area.post('/compose', async (c) => {
    const account = c.get('account');
    if (!account && !c.get('timedOut')) return signInRequired(c);
    const settings = await app.settings.get();
    const upload = await readComposeUpload(c, uploadLimits(settings));
    if (!account) return saveOnTimeout(c, upload);

    const { strings } = await basics(c);
    const values = valuesFrom(upload.fields);
    const fail = async (issues: Record<string, string>) =>
      render(c, await composePage(c, account, { values, issues }), 400);
    if (upload.refusal) return fail(refusalText(strings, settings, upload.refusal));

    const recipients = await resolveRecipients(contactDeps, {
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
      result = await sendMessage(mailDeps, settings, {
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
      if (refusal) return fail(refusalText(strings, settings, refusal));
      throw error;
    }
    if (!result.ok) {
      const refused = upload.reader?.refusal;
      return fail(refused ? refusalText(strings, settings, refused) : result.issues);
    }
    if (values.draftId) {
      await deleteDraft(
        { ...draftDeps, blobs: app.blobs },
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
    if (!account && !c.get('timedOut')) return signInRequired(c);
    const settings = await app.settings.get();
    const upload = await readComposeUpload(c, uploadLimits(settings));
    if (!account) return saveOnTimeout(c, upload);
    const values = valuesFrom(upload.fields);
    if (
      upload.refusal &&
      upload.refusal.reason !== 'too-many-files' &&
      upload.refusal.reason !== 'too-large'
    ) {
      const { strings } = await basics(c);
      return render(
        c,
        await composePage(c, account, {
          values,
          issues: refusalText(strings, settings, upload.refusal),
        }),
        400,
      );
    }
    const draft = await saveInto(
      account.id,
      values.draftId,
      await draftContent(account.id, values, false),
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
    const { strings, lang } = await basics(c);
    const values = valuesFrom(await urlencodedFields(c));
    const content = await draftContent(owner.id, values, account === null);
    const saved = await saveDraft(draftDeps, {
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

  area.get('/compose/signed-out', async (c) => {
    const b = await basics(c);
    const idle = Number.parseInt(c.req.query('idle') ?? '', 10);
    const draft = c.req.query('draft') ?? '';
    const draftPath = /^[A-Za-z0-9_-]{1,128}$/.test(draft) ? `/drafts/${draft}` : null;
    return render(
      c,
      SavedOnTimeoutPage({
        strings: b.strings,
        lang: b.lang,
        org: b.org,
        idleMinutes:
          Number.isInteger(idle) && idle > 0 && idle <= 1440
            ? idle
            : deps.policy.recipientIdleMinutes,
        filesDropped: c.req.query('files') === '1',
        // A reply or forward saved on timeout opens again as itself after signing in.
        signInHref: `/sign-in?next=${encodeURIComponent(draftPath ?? AFTER_TIMEOUT)}`,
      }),
    );
  });

  // ---- Drafts --------------------------------------------------------------------

  area.get('/drafts', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const { props, lang } = await pageProps(c, account);
    const drafts = await listDrafts(draftDeps, { accountId: account.id });
    const notice = c.req.query('notice');
    return render(
      c,
      DraftsPage({
        ...props,
        notice: isDraftsNotice(notice) ? notice : null,
        drafts: drafts.map(({ draft, content }) => ({
          id: draft.id,
          subject: content.subject,
          to: content.to,
          savedAt: formatDateTime(draft.updatedAt, lang),
          savedAtIso: draft.updatedAt.toISOString(),
          savedOnTimeout: content.savedOnTimeout === true,
        })),
      }),
    );
  });

  area.get('/drafts/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const opened = await openDraft(draftDeps, {
      accountId: account.id,
      draftId: c.req.param('id'),
    });
    if (!opened) return notFound(c, account);
    const { content, draft } = opened;
    const answerPath = await answerDraftPath(
      languageOf(c),
      account,
      draft.id,
      content.answer ?? null,
    );
    if (answerPath) return c.redirect(answerPath, 303);
    const saved = c.req.query('saved');
    const notice: ComposeNotice | null =
      saved === 'files'
        ? 'draft-saved-files-dropped'
        : saved === '1'
          ? 'draft-saved'
          : content.savedOnTimeout
            ? 'opened-timeout-draft'
            : null;
    const values: ComposeValues = {
      ...EMPTY_COMPOSE,
      to: content.to.join(', '),
      cc: content.cc.join(', '),
      subject: content.subject,
      body: content.body,
      draftId: draft.id,
    };
    return render(c, await composePage(c, account, { values, notice, savedAt: draft.updatedAt }));
  });

  /**
   * A reply or forward kept as a draft opens as that reply or forward, so sending it
   * still threads it (or forwards that message); when the message can no longer be
   * answered, the draft opens as an ordinary message, its text kept.
   */
  const answerDraftPath = async (
    lang: Lang,
    account: Account,
    draftId: string,
    answer: DraftAnswer | null,
  ): Promise<string | null> => {
    if (!answer) return null;
    const access = await findOwnDelivery(
      app.storage.repos,
      account,
      answer.deliveryId,
      app.clock.now(),
    );
    if (!access.ok || access.role !== 'recipient' || access.state !== 'active') return null;
    const base = `/inbox/${encodeURIComponent(answer.deliveryId)}`;
    const draft = `draft=${encodeURIComponent(draftId)}`;
    const path =
      answer.kind === 'forward'
        ? `${base}/forward?${draft}`
        : `${base}/reply?${answer.kind === 'reply-all' ? 'all=1&' : ''}${draft}`;
    return lang === 'en' ? path : `${path}&lang=${lang}`;
  };

  area.post('/drafts/:id/delete', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const deleted = await deleteDraft(
      { ...draftDeps, blobs: app.blobs },
      { accountId: account.id, draftId: c.req.param('id') },
    );
    if (!deleted) return notFound(c, account);
    return c.redirect('/drafts?notice=deleted', 303);
  });

  // ---- Sent ----------------------------------------------------------------------

  area.get('/sent', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const { props, lang } = await pageProps(c, account);
    const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
    const { rows, total } = await listSent(mailDeps, {
      account,
      page,
      pageSize: SENT_PAGE_SIZE,
    });
    const sent = await Promise.all(
      rows.map(async (row) => {
        const [deliveries, files] = await Promise.all([
          app.storage.repos.deliveries.listForMessage({ messageId: row.message.id }),
          app.storage.repos.attachments.listForMessage({ messageId: row.message.id }),
        ]);
        return {
          id: row.message.id,
          subject: row.subject,
          // Only whom the person addressed: later forwards by others are theirs alone.
          to: deliveries.filter(isAddressed).map((d) => d.recipientEmail),
          sentAt: formatDateTime(row.message.createdAt, lang),
          sentAtIso: row.message.createdAt.toISOString(),
          attachments: files.length,
        };
      }),
    );
    const pages = Math.max(1, Math.ceil(total / SENT_PAGE_SIZE));
    const href = (n: number) => `/sent?page=${n}`;
    return render(
      c,
      SentPage({
        ...props,
        rows: sent,
        justSent: c.req.query('sent') === '1',
        pagination: {
          ...(page > 1 ? { previous: href(page - 1) } : {}),
          ...(page < pages ? { next: href(page + 1) } : {}),
          items: paginationItems(page, pages, href),
        },
      }),
    );
  });

  // One sent message, for its sender alone; anyone else gets the one 404.
  area.get('/sent/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const id = c.req.param('id');
    const opened =
      id.length > 0 && id.length <= MAX_ID_LENGTH
        ? await openSentMessage(mailDeps, { account, messageId: id })
        : null;
    if (!opened) return notFound(c, account);
    const { props } = await pageProps(c, account);
    const { text, truncated } = await readText(await opened.body(), MAX_SHOWN_BODY);
    return render(
      c,
      SentMessagePage({
        ...props,
        message: {
          id: opened.message.id,
          subject: opened.subject,
          sentAt: opened.message.createdAt,
          to: opened.to,
          cc: opened.cc,
          body: bodyView({
            format: opened.message.bodyFormat,
            content: text,
            attachments: opened.attachments,
            // A recipient's message has no images in its text; none is served here.
            imageUrl: () => '',
          }),
          truncated,
          attachments: opened.attachments.filter((a) => !a.inline),
        },
      }),
    );
  });

  area.get('/sent/:id/attachments/:attachmentId', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const id = c.req.param('id');
    const attachmentId = c.req.param('attachmentId');
    if (
      id.length === 0 ||
      id.length > MAX_ID_LENGTH ||
      attachmentId.length === 0 ||
      attachmentId.length > MAX_ID_LENGTH
    ) {
      return notFound(c, account);
    }
    // Null for anything but a file of a message this person sent: one answer for all.
    const download = await downloadAttachment(mailDeps, {
      account,
      messageId: id,
      attachmentId,
      ip: c.get('clientIp'),
    });
    if (!download) return notFound(c, account);
    return c.body(download.content, 200, attachmentHeaders(download));
  });

  // ---- Contacts ------------------------------------------------------------------

  const contactItems = (settings: Settings, contacts: ContactEntry[]) =>
    contacts.map((contact) => ({
      id: contact.id,
      name: contact.name,
      email: contact.email,
      note: contact.note,
      canWrite: isCouncilAddress(settings, contact.email),
    }));

  const contactsPage = async (
    c: Ctx,
    account: Account,
    args: {
      values?: { name: string; email: string; note: string };
      issues?: Record<string, string>;
    },
  ) => {
    const { props, settings } = await pageProps(c, account);
    const notice = c.req.query('notice');
    return ContactsPage({
      ...props,
      contacts: contactItems(settings, await listContacts(contactDeps, { ownerId: account.id })),
      values: args.values ?? { name: '', email: '', note: '' },
      issues: args.issues ?? {},
      notice: c.req.method === 'GET' && isContactsNotice(notice) ? notice : null,
    });
  };

  const groupsPage = async (
    c: Ctx,
    account: Account,
    args: { values?: { name: string; memberIds: string[] }; issues?: Record<string, string> },
  ) => {
    const { props } = await pageProps(c, account);
    const [groups, contacts] = await Promise.all([
      listGroups(contactDeps, { ownerId: account.id }),
      listContacts(contactDeps, { ownerId: account.id }),
    ]);
    const notice = c.req.query('notice');
    return GroupsPage({
      ...props,
      groups: groups.map((g) => ({ id: g.id, name: g.name, count: g.members.length })),
      contacts,
      values: args.values ?? { name: '', memberIds: [] },
      issues: args.issues ?? {},
      notice: c.req.method === 'GET' && isGroupsNotice(notice) ? notice : null,
    });
  };

  area.get('/contacts', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    return render(c, await contactsPage(c, account, {}));
  });

  area.post('/contacts', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const { strings } = await basics(c);
    const form = await urlencodedFields(c);
    const values = contactValues(form);
    const result = await saveContact(contactDeps, { ownerId: account.id, ...values });
    if (result.ok) return c.redirect('/contacts?notice=added', 303);
    if (result.reason === 'not-found') return notFound(c, account);
    const issues = contactIssueText(strings, result.issues);
    return render(c, await contactsPage(c, account, { values, issues }), 400);
  });

  area.get('/contacts/suggest', async (c) => {
    const account = c.get('account');
    if (!account) return c.body(null, 204);
    const settings = await app.settings.get();
    const field = c.req.query('cc') !== undefined ? 'cc' : 'to';
    const typed = (c.req.query('q') ?? c.req.query(field) ?? '').slice(0, 2_000);
    // Only the last address is being typed; the ones before it are kept as they are.
    const cut = Math.max(typed.lastIndexOf(','), typed.lastIndexOf(';'));
    const before = splitAddresses(cut < 0 ? '' : typed.slice(0, cut));
    const term = (cut < 0 ? typed : typed.slice(cut + 1)).trim();
    const suggestions = await suggestContacts(contactDeps, {
      ownerId: account.id,
      query: term,
      limit: SUGGESTIONS,
      accept: (email) => isCouncilAddress(settings, email),
    });
    const { strings } = await basics(c);
    return c.html(
      SuggestionList({
        field,
        prefix: before.length > 0 ? `${before.join(', ')}, ` : '',
        suggestions: suggestions.map((s) => ({
          email: s.email,
          label: strings.compose.suggest.label(s.name, s.email),
        })),
      }),
    );
  });

  area.get('/contacts/groups', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    return render(c, await groupsPage(c, account, {}));
  });

  area.post('/contacts/groups', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const { strings } = await basics(c);
    const form = await urlencodedFields(c);
    const values = { name: form.get('name'), memberIds: form.all('members') };
    const result = await saveGroup(contactDeps, { ownerId: account.id, ...values });
    if (result.ok) return c.redirect('/contacts/groups?notice=created', 303);
    if (result.reason === 'not-found') return notFound(c, account);
    const issues = contactIssueText(strings, result.issues);
    return render(c, await groupsPage(c, account, { values, issues }), 400);
  });

  const groupPage = async (
    c: Ctx,
    account: Account,
    groupId: string,
    args: { values?: { name: string; memberIds: string[] }; issues?: Record<string, string> },
  ) => {
    const group = await findGroup(contactDeps, { ownerId: account.id, groupId });
    if (!group) return null;
    const { props } = await pageProps(c, account);
    return GroupPage({
      ...props,
      groupId: group.id,
      storedName: group.name,
      contacts: await listContacts(contactDeps, { ownerId: account.id }),
      values: args.values ?? { name: group.name, memberIds: group.members.map((m) => m.id) },
      issues: args.issues ?? {},
    });
  };

  area.get('/contacts/groups/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const page = await groupPage(c, account, c.req.param('id'), {});
    return page ? render(c, page) : notFound(c, account);
  });

  area.post('/contacts/groups/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const groupId = c.req.param('id');
    const { strings } = await basics(c);
    const form = await urlencodedFields(c);
    const values = { name: form.get('name'), memberIds: form.all('members') };
    const result = await saveGroup(contactDeps, { ownerId: account.id, groupId, ...values });
    if (result.ok) return c.redirect('/contacts/groups?notice=saved', 303);
    if (result.reason === 'not-found') return notFound(c, account);
    const issues = contactIssueText(strings, result.issues);
    const page = await groupPage(c, account, groupId, { values, issues });
    return page ? render(c, page, 400) : notFound(c, account);
  });

  area.post('/contacts/groups/:id/delete', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const deleted = await deleteGroup(contactDeps, {
      ownerId: account.id,
      groupId: c.req.param('id'),
    });
    if (!deleted) return notFound(c, account);
    return c.redirect('/contacts/groups?notice=deleted', 303);
  });

  const contactPage = async (
    c: Ctx,
    account: Account,
    contactId: string,
    args: {
      values?: { name: string; email: string; note: string };
      issues?: Record<string, string>;
    },
  ) => {
    const contact = await findContact(contactDeps, { ownerId: account.id, contactId });
    if (!contact) return null;
    const { props, settings } = await pageProps(c, account);
    return ContactPage({
      ...props,
      contactId: contact.id,
      storedName: contact.name,
      canWrite: isCouncilAddress(settings, contact.email),
      values: args.values ?? { name: contact.name, email: contact.email, note: contact.note },
      issues: args.issues ?? {},
    });
  };

  area.get('/contacts/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const page = await contactPage(c, account, c.req.param('id'), {});
    return page ? render(c, page) : notFound(c, account);
  });

  area.post('/contacts/:id', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const contactId = c.req.param('id');
    const { strings } = await basics(c);
    const values = contactValues(await urlencodedFields(c));
    const result = await saveContact(contactDeps, { ownerId: account.id, contactId, ...values });
    if (result.ok) return c.redirect('/contacts?notice=saved', 303);
    if (result.reason === 'not-found') return notFound(c, account);
    const issues = contactIssueText(strings, result.issues);
    const page = await contactPage(c, account, contactId, { values, issues });
    return page ? render(c, page, 400) : notFound(c, account);
  });

  area.post('/contacts/:id/delete', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(c);
    const deleted = await deleteContact(contactDeps, {
      ownerId: account.id,
      contactId: c.req.param('id'),
    });
    if (!deleted) return notFound(c, account);
    return c.redirect('/contacts?notice=deleted', 303);
  });

  return area;
}

// ---- Helpers ----------------------------------------------------------------------

/** The subject and message checks the compose form makes before anything is sent. */
function checkText(strings: Strings, values: ComposeValues): Record<string, string> {
  const p = strings.compose.problems;
  const issues: Record<string, string> = {};
  const subject = values.subject.trim();
  if (subject === '') issues.subject = p.subjectMissing;
  else if (/[\r\n]/.test(values.subject)) issues.subject = p.subjectOneLine;
  else if (subject.length > MAX_SUBJECT) issues.subject = p.subjectTooLong(MAX_SUBJECT);
  if (values.body.trim() === '') issues.body = p.bodyMissing;
  return issues;
}

function contactValues(form: FormFields) {
  return { name: form.get('name'), email: form.get('email'), note: form.get('note') };
}

/** The address book's problem codes as sentences in the reader's language. */
function contactIssueText(strings: Strings, issues: ContactIssues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, problem] of Object.entries(issues) as Array<[string, ContactProblem]>) {
    out[field] = contactProblemText(strings, problem);
  }
  return out;
}

function contactProblemText(strings: Strings, problem: ContactProblem): string {
  const p = strings.compose.contacts.problems;
  switch (problem.code) {
    case 'name-too-long':
    case 'note-too-long':
    case 'too-many':
      return p[problem.code](problem.max);
    case 'email-invalid':
      return p['email-invalid'](problem.reason);
    default:
      return p[problem.code];
  }
}

function isDraftsNotice(value: string | undefined): value is DraftsNotice {
  return value === 'timeout' || value === 'deleted' || value === 'saved';
}

function isContactsNotice(value: string | undefined): value is ContactsNotice {
  return value === 'added' || value === 'saved' || value === 'deleted';
}

function isGroupsNotice(value: string | undefined): value is GroupsNotice {
  return value === 'created' || value === 'saved' || value === 'deleted';
}
