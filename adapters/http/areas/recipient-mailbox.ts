import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { pendingExtensions } from '../../../core/access/pending-requests.ts';
import { requestExtension } from '../../../core/access/requests.ts';
import type { Account } from '../../../core/accounts/model.ts';
import type { MailboxDeps } from '../../../core/messages/deps.ts';
import { downloadAttachment } from '../../../core/messages/download-attachment.ts';
import type { AddressingPolicy } from '../../../core/messages/forward-message.ts';
import { openInlineImage } from '../../../core/messages/inline-image.ts';
import { listExpired } from '../../../core/messages/list-expired.ts';
import { hideDelivery, listInbox } from '../../../core/messages/mailbox.ts';
import { decryptText, openMessage } from '../../../core/messages/open-message.ts';
import { findOwnDelivery } from '../../../core/messages/read-access.ts';
import type { Settings } from '../../../core/settings/model.ts';
import { safeFileName } from '../../../core/shared/file-names.ts';
import { NotFoundPage, SignInRequiredPage } from '../../../views/pages/errors.tsx';
import { HelpIndexPage, HelpTopicPage } from '../../../views/pages/help/help.tsx';
import { InfoPage } from '../../../views/pages/info.tsx';
import { AccountPage } from '../../../views/pages/mailbox/account.tsx';
import { DeleteConfirmPage } from '../../../views/pages/mailbox/delete.tsx';
import {
  type InboxNotice,
  InboxPage,
  type InboxRowView,
} from '../../../views/pages/mailbox/inbox.tsx';
import {
  MessageExpiredPage,
  type MessageNotice,
  MessagePage,
  MessageRevokedPage,
} from '../../../views/pages/mailbox/message.tsx';
import { type MailboxPageProps, mailboxPaths } from '../../../views/pages/mailbox/shared.tsx';
import { HELP_TOPICS, type HelpTopicKey } from '../../../views/strings/en/help.ts';
import {
  hrefWithLang,
  isLang,
  type Lang,
  pickLanguage,
  type Strings,
  stringsFor,
} from '../../../views/strings/index.ts';
import type { Sealpost } from '../../compose.ts';
import type { AppEnv } from '../env.ts';
import { bodyView, inlineImageHeaders } from '../message-body.ts';
import { mailboxDepsFrom } from './mailbox-deps.ts';
import { answerRoutes, isAnswerPost } from './recipient-answer.ts';

type Ctx = Context<AppEnv>;

/** The most of a message body the page shows; longer ones say so (a 75 MB body is a file's job). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Ids are random and short; anything longer is not one, and is not looked up. */
const MAX_ID_LENGTH = 128;
/** Longest file name offered to the browser, in characters. */

/**
 * The recipient's mailbox, read side: the inbox (and the expired list), one message,
 * its attachments, reply, reply all, forward, delete, asking for more time, the account
 * page with "Sign out everywhere", and the help pages.
 *
 * Every route reads top to bottom: check the session, validate, call a use case, render.
 * Every id in a path is checked by the use case to belong to the signed-in person;
 * anything else (missing, another person's, deleted) gets the one 404 page, so ids
 * cannot be probed. Every form is a POST with the CSRF token (checked by the middleware
 * before these handlers run) and answers success with 303, a problem with 400 and the
 * page as typed.
 */
export function recipientMailboxArea(app: Sealpost): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const deps: MailboxDeps = mailboxDepsFrom(app);

  // ---- Shared pieces -------------------------------------------------------------

  const languageOf = (c: Ctx): Lang =>
    pickLanguage({ query: c.req.query('lang'), acceptLanguage: c.req.header('accept-language') });

  /** Props every page of this area gives the layout; signed in or not. */
  const basics = async (c: Ctx) => {
    const settings = await app.settings.get();
    const lang = languageOf(c);
    const strings: Strings = stringsFor(lang);
    return { settings, lang, strings, org: { name: settings.orgName, colour: settings.orgColour } };
  };

  /** Props of a signed-in page (the gate below guarantees the account). */
  const pageProps = async (c: Ctx): Promise<MailboxPageProps & { settings: Settings }> => {
    const { settings, lang, strings, org } = await basics(c);
    const account = signedIn(c);
    return {
      settings,
      lang,
      strings,
      org,
      account: { displayName: account.displayName, email: account.email },
      csrfToken: c.get('csrfToken'),
    };
  };

  const render = (c: Ctx, page: JSX.Element, status: 200 | 400 | 401 | 404 = 200) =>
    c.html(page, status);

  /** The one "not found" answer for every id that is missing or not this person's. */
  const notFound = async (c: Ctx) => render(c, NotFoundPage(await pageProps(c)), 404);

  /** A redirect after a POST, keeping a language chosen in the URL. */
  const seeOther = (c: Ctx, path: string) => {
    const lang = c.req.query('lang');
    return c.redirect(isLang(lang) ? hrefWithLang(path, lang) : path, 303);
  };

  const ip = (c: Ctx) => c.get('clientIp');

  /** The delivery id from the path, or null when it cannot be one. */
  const idOf = (c: Ctx): string | null => {
    const id = c.req.param('id') ?? '';
    return id.length > 0 && id.length <= MAX_ID_LENGTH ? id : null;
  };

  const policyOf = (settings: Settings): AddressingPolicy => ({
    internalDomains: settings.internalDomains,
    allowSubdomains: settings.allowSubdomains,
    forwardOutside: settings.forwardOutside,
    orgName: settings.orgName,
  });

  /**
   * Pages with someone's messages need a full session (a session still waiting for its
   * second factor has no account). Signed out, the page says so and offers sign-in,
   * which comes back here afterwards.
   */
  const requireAccount: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.get('account')) return next();
    // Send on a reply or forward just after the session timed out: the route saves it.
    if (c.get('timedOut') && isAnswerPost(c)) return next();
    const { lang, strings, org } = await basics(c);
    const url = new URL(c.req.url);
    const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : mailboxPaths.inbox;
    const signInHref = `/sign-in?next=${encodeURIComponent(back)}${lang === 'en' ? '' : `&lang=${lang}`}`;
    return render(c, SignInRequiredPage({ strings, lang, org, account: null, signInHref }), 401);
  };
  area.use('/inbox', requireAccount);
  area.use('/inbox/*', requireAccount);
  area.use('/account', requireAccount);

  // ---- The inbox -----------------------------------------------------------------

  area.get('/inbox', async (c) => {
    const account = signedIn(c);
    const props = await pageProps(c);
    const isExpired = c.req.query('expired') === '1';
    const requested = Number.parseInt(c.req.query('page') ?? '1', 10);
    const page = Number.isSafeInteger(requested) && requested > 0 ? requested : 1;
    const notice = c.req.query('notice');

    let rows: InboxRowView[];
    let pages: number;
    let current: number;
    if (isExpired) {
      const list = await listExpired(deps, { account, page });
      rows = list.rows.map((row) => ({ ...toRowView(row), requestPending: row.requestPending }));
      pages = list.pages;
      current = list.page;
    } else {
      let list = await listInbox(deps, { account, page });
      // A page past the end (a bookmark, or the last message deleted) shows the last page.
      if (list.rows.length === 0 && list.page > list.pages) {
        list = await listInbox(deps, { account, page: list.pages });
      }
      rows = list.rows.map(toRowView);
      pages = list.pages;
      current = list.page;
    }
    return render(
      c,
      InboxPage({
        ...props,
        view: isExpired ? 'expired' : 'active',
        rows,
        page: current,
        pages,
        notice: isInboxNotice(notice) ? notice : null,
      }),
    );
  });

  // ---- One message ---------------------------------------------------------------

  area.get('/inbox/:id', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(c);
    const account = signedIn(c);
    const result = await openMessage(deps, { account, deliveryId: id, ip: ip(c) });
    if (!result.ok && result.reason === 'not-found') return notFound(c);
    const props = await pageProps(c);
    const notice = c.req.query('notice');
    if (!result.ok && result.reason === 'expired') {
      const pending = (await pendingExtensions(deps.storage.repos, account)).get(id);
      return render(
        c,
        MessageExpiredPage({
          ...props,
          deliveryId: id,
          subject: result.subject,
          accessEndedAt: result.delivery.accessEndsAt,
          requestedAt: pending?.createdAt ?? null,
          notice: notice === 'access-requested' ? notice : null,
        }),
      );
    }
    if (!result.ok) return render(c, MessageRevokedPage({ ...props, deliveryId: id }));

    const { opened } = result;
    const { text, truncated } = await readText(await opened.body(), MAX_BODY_BYTES);
    const from = opened.participants.find((p) => p.kind === 'from');
    return render(
      c,
      MessagePage({
        ...props,
        now: deps.clock.now(),
        notice: isMessageNotice(notice) ? notice : null,
        message: {
          deliveryId: id,
          subject: opened.subject,
          classification: opened.message.classification,
          readOnly: opened.message.readOnly,
          from: { name: from?.name ?? '', email: from?.email ?? '' },
          to: opened.participants.filter((p) => p.kind === 'to').map((p) => p.email),
          cc: opened.participants.filter((p) => p.kind === 'cc').map((p) => p.email),
          forwardedBy: opened.forwardedBy,
          sentAt: opened.message.createdAt,
          accessEndsAt: opened.delivery.accessEndsAt,
          body: bodyView({
            format: opened.message.bodyFormat,
            content: text,
            attachments: opened.attachments,
            imageUrl: (attachmentId) => `/inbox/${id}/images/${attachmentId}`,
          }),
          truncated,
          attachments: opened.attachments.filter((a) => !a.inline),
        },
      }),
    );
  });

  // ---- Attachments ---------------------------------------------------------------

  // An image the body shows in place: only parts stored as inline images, also on a
  // read-only message (the image is part of what the reader is shown).
  area.get('/inbox/:id/images/:attachmentId', async (c) => {
    const id = idOf(c);
    const attachmentId = c.req.param('attachmentId');
    if (!id || attachmentId.length === 0 || attachmentId.length > MAX_ID_LENGTH) {
      return notFound(c);
    }
    const image = await openInlineImage(deps, {
      account: signedIn(c),
      deliveryId: id,
      attachmentId,
    });
    if (!image) return notFound(c);
    return c.body(image.content, 200, inlineImageHeaders(image));
  });

  area.get('/inbox/:id/attachments/:attachmentId', async (c) => {
    const id = idOf(c);
    const attachmentId = c.req.param('attachmentId');
    if (!id || attachmentId.length === 0 || attachmentId.length > MAX_ID_LENGTH) {
      return notFound(c);
    }
    // Null for anything but the person's own active, not read-only delivery and one of
    // its message's files: one answer for all of them.
    const download = await downloadAttachment(deps, {
      account: signedIn(c),
      deliveryId: id,
      attachmentId,
      ip: ip(c),
    });
    if (!download) return notFound(c);
    // Streamed from the blob store through decryption into the response: never whole
    // in memory. If decryption fails part way, the connection is cut, so the browser
    // reports a failed download rather than keeping a truncated file.
    return c.body(download.content, 200, attachmentHeaders(download));
  });

  // ---- Reply, reply all and forward (with files; saved as a draft on timeout) -------

  answerRoutes(area, {
    app,
    deps,
    pageProps,
    render,
    notFound,
    signInRequired: async (c) => {
      const { lang, strings, org } = await basics(c);
      const signInHref = `/sign-in?next=${encodeURIComponent(mailboxPaths.inbox)}${lang === 'en' ? '' : `&lang=${lang}`}`;
      return render(c, SignInRequiredPage({ strings, lang, org, account: null, signInHref }), 401);
    },
    seeOther,
    idOf,
    policyOf,
    signedIn,
    languageOf,
  });

  // ---- Delete (for this person only) ---------------------------------------------

  area.get('/inbox/:id/delete', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(c);
    const access = await findOwnDelivery(deps.storage.repos, signedIn(c), id, deps.clock.now());
    if (!access.ok || access.role !== 'recipient') return notFound(c);
    const subject = await decryptText(deps, access.message.subjectEnc);
    return render(c, DeleteConfirmPage({ ...(await pageProps(c)), deliveryId: id, subject }));
  });

  area.post('/inbox/:id/delete', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(c);
    const hidden = await hideDelivery(deps, { account: signedIn(c), deliveryId: id, ip: ip(c) });
    if (!hidden) return notFound(c);
    return seeOther(c, `${mailboxPaths.inbox}?notice=deleted`);
  });

  // ---- Asking for more time ------------------------------------------------------

  area.post('/inbox/:id/request-access', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(c);
    const form = await formOf(c);
    const settings = await app.settings.get();
    const result = await requestExtension(
      { ...deps, orgName: settings.orgName },
      { account: signedIn(c), deliveryId: id, ip: ip(c) },
    );
    if (!result.ok) return notFound(c);
    return seeOther(
      c,
      form.get('from') === 'expired'
        ? '/inbox?expired=1&notice=access-requested'
        : `${mailboxPaths.message(id)}?notice=access-requested`,
    );
  });

  // ---- The account page ------------------------------------------------------------

  area.get('/account', async (c) => render(c, AccountPage(await pageProps(c))));

  // ---- Help, signed in or not ------------------------------------------------------

  /** Help pages show the menu to a signed-in person and nothing extra to anyone else. */
  const helpProps = async (c: Ctx) => {
    const { lang, strings, org } = await basics(c);
    const account = c.get('account');
    return account
      ? { lang, strings, org, account, csrfToken: c.get('csrfToken') }
      : { lang, strings, org, account: null };
  };

  area.get('/help', async (c) => render(c, HelpIndexPage(await helpProps(c))));

  // The footer's privacy notice and accessibility statement, signed in or not.
  area.get('/privacy', async (c) => {
    const props = await helpProps(c);
    const settings = await app.settings.get();
    const page = props.strings.info.privacy({
      orgName: settings.orgName,
      accessDays: settings.accessDays,
      retentionDays: settings.retentionDays,
      rememberMeDays: app.config.rememberMeDays,
      idleMinutes: app.config.sessionIdleMinutes,
    });
    return render(c, InfoPage({ ...props, page }));
  });

  area.get('/accessibility', async (c) => {
    const props = await helpProps(c);
    const page = props.strings.info.accessibility(props.org.name);
    return render(c, InfoPage({ ...props, page }));
  });

  area.get('/help/:topic', async (c) => {
    const topic = c.req.param('topic');
    const props = await helpProps(c);
    if (!isHelpTopic(topic)) return render(c, NotFoundPage(props), 404);
    return render(c, HelpTopicPage({ ...props, topic }));
  });

  return area;
}

/** The signed-in account; the gate has made sure there is one. */
function signedIn(c: Ctx): Account {
  const account = c.get('account');
  if (!account) throw new Error('recipient area reached without an account');
  return account;
}

function toRowView(row: Awaited<ReturnType<typeof listInbox>>['rows'][number]): InboxRowView {
  return {
    deliveryId: row.delivery.id,
    from: row.senderName || row.senderEmail,
    subject: row.subject,
    receivedAt: row.message.createdAt,
    daysLeft: row.daysLeft,
    attachmentCount: Number(row.attachmentCount),
    isUnread: row.isUnread,
    state: row.state,
    readOnly: row.message.readOnly,
  };
}

function isInboxNotice(value: string | undefined): value is InboxNotice {
  return value === 'deleted' || value === 'access-requested';
}

function isMessageNotice(value: string | undefined): value is MessageNotice {
  return (
    value === 'replied' ||
    value === 'forwarded' ||
    value === 'forward-requested' ||
    value === 'forwarded-and-requested' ||
    value === 'access-requested'
  );
}

function isHelpTopic(value: string): value is HelpTopicKey {
  return (HELP_TOPICS as readonly string[]).includes(value);
}

/** Up to `max` bytes of a stream as text; the rest is not read (the stream is cancelled). */
export async function readText(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let read = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = max - read;
    if (value.byteLength > room) {
      text += decoder.decode(value.subarray(0, room), { stream: true });
      truncated = true;
      await reader.cancel().catch(() => {});
      break;
    }
    read += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
  text += decoder.decode();
  return { text, truncated };
}

/** The urlencoded form fields as strings ('' when missing or a file). */
async function formOf(c: Ctx): Promise<{ get(name: string): string }> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return {
    get(name: string) {
      const value = (body as Record<string, unknown>)[name];
      return typeof value === 'string' ? value : '';
    },
  };
}

// ---- Download headers (exported for tests) --------------------------------------------

/**
 * Content types a browser may be told as they are. Anything else is sent as
 * `application/octet-stream`: a file named `.pdf` that says `text/html` must never be
 * rendered by the browser as a page of ours. `nosniff` stops the browser guessing.
 */
export const SAFE_DOWNLOAD_TYPES = new Set([
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/rtf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'application/zip',
]);

/** The content type to send for a stored one: itself if allowlisted (without parameters), else opaque bytes. */
export function downloadContentType(stored: string): string {
  const base = stored.split(';')[0]?.trim().toLowerCase() ?? '';
  return SAFE_DOWNLOAD_TYPES.has(base) ? base : 'application/octet-stream';
}

/**
 * `Content-Disposition: attachment` with both forms of the name (RFC 6266): an ASCII
 * `filename` for old browsers (anything else becomes `_`) and the UTF-8 `filename*`.
 */
export function contentDisposition(name: string): string {
  const safe = safeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]|[%;]/g, '_');
  const encoded = encodeURIComponent(safe).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Every header of an attachment download. */
export function attachmentHeaders(download: {
  name: string;
  contentType: string;
  size: number;
}): Record<string, string> {
  return {
    'Content-Type': downloadContentType(download.contentType),
    'Content-Disposition': contentDisposition(download.name),
    'Content-Length': String(download.size),
    'X-Content-Type-Options': 'nosniff',
    // Someone's file must not stay in a shared or browser cache.
    'Cache-Control': 'no-store',
  };
}
