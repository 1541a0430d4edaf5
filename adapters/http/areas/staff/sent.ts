import type { Hono } from 'hono';
import { downloadAttachment } from '../../../../core/messages/download-attachment.ts';
import { openSentMessage } from '../../../../core/messages/open-sent.ts';
import { changeAccessEnd, setRevoked } from '../../../../core/messages/sender-control.ts';
import { listSent, trackMessage } from '../../../../core/messages/tracking.ts';
import { formatDate } from '../../../../views/pages/mailbox/shared.tsx';
import {
  SentPage,
  type TrackedMessage,
  type TrackingNotice,
  TrackingPage,
} from '../../../../views/pages/staff/sent.tsx';
import { STAFF_PATHS, trackingPath } from '../../../../views/pages/staff/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { bodyView } from '../../message-body.ts';
import { attachmentHeaders } from '../recipient/download-headers.ts';
import { MAX_BODY_BYTES } from '../recipient/message.ts';
import {
  type Ctx,
  canSend,
  formOf,
  notFound,
  type StaffAccount,
  type StaffAreaDeps,
  staffOf,
  staffPageProps,
} from './context.ts';
import { endOfDayFrom, idParam, pageParam, readText } from './params.ts';

/** Sent messages listed per page. */
const SENT_PAGE_SIZE = 25;

/**
 * Sent items with tracking, and control after sending. A sender sees and changes only
 * their own messages (another sender's message id is the same 404 as a missing one);
 * an auditor (and an admin) may read the tracking of any message and change nothing:
 * every change is refused with that same 404, as core's use cases act only for the
 * message's own sender. Every change is audited by the use case.
 */
export function sentRoutes(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  area.get(STAFF_PATHS.sent, async (c) => {
    const account = staffOf(c);
    const page = pageParam(c);
    const { rows, total } = await listSent(deps.mailbox, {
      account,
      page,
      pageSize: SENT_PAGE_SIZE,
    });
    const pages = Math.max(1, Math.ceil(total / SENT_PAGE_SIZE));
    return c.html(
      SentPage({
        ...(await staffPageProps(deps, c)),
        page: Math.min(page, pages),
        pages,
        rows: rows.map((row) => ({
          messageId: row.message.id,
          subject: row.subject,
          sentAt: row.message.createdAt,
          recipients: row.recipients,
          opened: row.opened,
        })),
      }),
    );
  });

  area.get(`${STAFF_PATHS.sent}/:messageId`, async (c) => {
    const id = idParam(c, 'messageId');
    if (!id) return notFound(deps, c);
    const done = c.req.query('done');
    const count = Number.parseInt(c.req.query('count') ?? '0', 10) || 0;
    return trackingPage(c, id, {
      notice:
        done === 'revoked' || done === 'restored'
          ? { kind: done, count }
          : done === 'access-end'
            ? 'access-end'
            : null,
    });
  });

  // A file of a sent message, for its sender only (auditors and admins see the tracking,
  // never the content): anyone else gets the same 404 as for a missing file. The
  // download is audited by the use case, as every download is.
  area.get(`${STAFF_PATHS.sent}/:messageId/attachments/:attachmentId`, async (c) => {
    const messageId = idParam(c, 'messageId');
    const attachmentId = idParam(c, 'attachmentId');
    if (!messageId || !attachmentId) return notFound(deps, c);
    const download = await downloadAttachment(deps.mailbox, {
      account: staffOf(c),
      messageId,
      attachmentId,
      ip: c.get('clientIp'),
    });
    if (!download) return notFound(deps, c);
    return new Response(download.content, { status: 200, headers: attachmentHeaders(download) });
  });

  for (const action of ['revoke', 'restore'] as const) {
    area.post(`${STAFF_PATHS.sent}/:messageId/${action}`, async (c) => {
      const account = staffOf(c);
      const id = idParam(c, 'messageId');
      if (!id || !canSend(account)) return notFound(deps, c);
      const body = await formOf(c);
      const deliveryId = body.get('deliveryId');
      const result = await setRevoked(deps.mailbox, {
        account,
        messageId: id,
        ...(deliveryId === '' ? {} : { deliveryId }),
        revoked: action === 'revoke',
        ip: c.get('clientIp'),
      });
      if (!result.ok) return notFound(deps, c);
      const done = action === 'revoke' ? 'revoked' : 'restored';
      return redirectKeepingLang(c, `${trackingPath(id)}?done=${done}&count=${result.changed}`);
    });
  }

  area.post(`${STAFF_PATHS.sent}/:messageId/access-end`, async (c) => {
    const account = staffOf(c);
    const id = idParam(c, 'messageId');
    if (!id || !canSend(account)) return notFound(deps, c);
    const body = await formOf(c);
    const typed = {
      day: body.get('endDate-day').slice(0, 10),
      month: body.get('endDate-month').slice(0, 10),
      year: body.get('endDate-year').slice(0, 10),
    };
    const date = endOfDayFrom(typed);
    const result = date
      ? await changeAccessEnd(deps.mailbox, {
          account,
          messageId: id,
          accessEndsAt: date,
          retentionDays: (await deps.accounts.settings.get()).retentionDays,
          ip: c.get('clientIp'),
        })
      : ({ ok: false, reason: 'invalid', problem: 'not-future', latest: null } as const);
    if (!result.ok && result.reason === 'not-found') return notFound(deps, c);
    if (!result.ok) {
      const props = await staffPageProps(deps, c);
      const e = props.strings.staff.tracking.errors;
      const message =
        result.problem === 'too-late' && result.latest
          ? e.dateTooLate(formatDate(result.latest, props.lang))
          : e.date;
      return trackingPage(c, id, { status: 400, errors: { endDate: message }, endDate: typed });
    }
    return redirectKeepingLang(c, `${trackingPath(id)}?done=access-end`);
  });

  /** The tracking page of `messageId` for the signed-in staff member, or the 404. */
  async function trackingPage(
    c: Ctx,
    messageId: string,
    extra: {
      notice?: TrackingNotice | 'access-end' | null;
      errors?: Record<string, string>;
      endDate?: { day: string; month: string; year: string };
      status?: 200 | 400;
    },
  ): Promise<Response> {
    const account = staffOf(c);
    const tracked = await trackMessage(deps.mailbox, {
      messageId,
      viewer: account,
      canSeeAll: canSeeAllTracking(account),
    });
    if (!tracked) return notFound(deps, c);
    const sender = await deps.accounts.storage.repos.accounts.findById({
      id: tracked.message.senderId,
    });
    // The sender reads what they sent again: the text and the files (downloadable).
    const content =
      tracked.message.senderId === account.id
        ? await openSentMessage(deps.mailbox, { account, messageId })
        : null;
    const text = content ? await readText(await content.body(), MAX_BODY_BYTES) : null;
    const message: TrackedMessage = {
      messageId: tracked.message.id,
      subject: tracked.subject,
      sentAt: tracked.message.createdAt,
      from: sender ? `${sender.displayName} <${sender.email}>` : '',
      readOnly: tracked.message.readOnly,
      secondFactorRequired: tracked.message.secondFactorRequired,
      classification: tracked.message.classification,
      attachments: content
        ? content.attachments
            .filter((a) => !a.inline)
            .map((a) => ({ id: a.id, name: a.name, size: a.size }))
        : tracked.attachments.map((a) => ({ id: null, name: a.name, size: a.size })),
      // Inline images of a mail sent through the gateway show their alternative text.
      body:
        content && text
          ? bodyView({
              format: tracked.message.bodyFormat,
              content: text.text,
              attachments: content.attachments,
              imageUrl: () => '',
            })
          : null,
      recipients: tracked.recipients.map((r) => ({
        deliveryId: r.deliveryId,
        email: r.email,
        kind: r.kind,
        state: r.state,
        accessEndsAt: r.accessEndsAt,
        notifiedAt: r.notifiedAt,
        registered: r.registered,
        firstOpenedAt: r.firstOpenedAt,
        downloads: r.downloads.map((d) => ({ name: d.name, at: d.at })),
        replies: r.replies.map((reply) => ({ at: reply.at })),
        requests: r.requests.map((q) => ({ kind: q.kind, status: q.status, at: q.createdAt })),
        forwardedFrom: r.forwardedFrom,
      })),
    };
    const latestEnd = Math.max(0, ...message.recipients.map((r) => r.accessEndsAt.getTime()));
    const notice: TrackingNotice | null =
      extra.notice === 'access-end'
        ? { kind: 'access-end', date: new Date(latestEnd) }
        : (extra.notice ?? null);
    return c.html(
      TrackingPage({
        ...(await staffPageProps(deps, c)),
        message,
        canControl: tracked.message.senderId === account.id && canSend(account),
        notice,
        ...(extra.errors ? { errors: extra.errors } : {}),
        ...(extra.endDate ? { endDate: extra.endDate } : {}),
      }),
      extra.status ?? 200,
    );
  }
}

/**
 * Auditors exist to look at what was sent, and admins can read the whole audit trail
 * anyway: both may read the tracking of any message. Senders see their own only.
 */
function canSeeAllTracking(account: StaffAccount): boolean {
  return account.role === 'auditor' || account.role === 'admin';
}
