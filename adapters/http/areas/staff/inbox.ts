import type { Hono } from 'hono';
import { firstOpeners, teamActivity } from '../../../../core/mailboxes/team-activity.ts';
import { downloadAttachment } from '../../../../core/messages/download-attachment.ts';
import { openInlineImage } from '../../../../core/messages/inline-image.ts';
import { listInbox } from '../../../../core/messages/mailbox.ts';
import { openMessage } from '../../../../core/messages/open-message.ts';
import {
  StaffInboxPage,
  StaffMessageGonePage,
  StaffMessagePage,
} from '../../../../views/pages/staff/inbox.tsx';
import { STAFF_PATHS } from '../../../../views/pages/staff/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { bodyView, inlineImageHeaders } from '../../message-body.ts';
import { attachmentHeaders } from '../recipient/download-headers.ts';
import { MAX_BODY_BYTES } from '../recipient/message.ts';
import { notFound, type StaffAreaDeps, staffOf, staffPageProps } from './context.ts';
import { idParam, pageParam, readText } from './params.ts';

/**
 * The staff inbox: replies (and anything else sent to a staff member through the
 * portal), opened with core's `openMessage`, so opening is tracked and audited as for
 * any recipient, and a withdrawn or expired message says so.
 */
export function inboxRoutes(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  area.get(STAFF_PATHS.inbox, async (c) => {
    const account = staffOf(c);
    let list = await listInbox(deps.mailbox, { account, page: pageParam(c) });
    if (list.rows.length === 0 && list.page > list.pages) {
      list = await listInbox(deps.mailbox, { account, page: list.pages });
    }
    // A team's inbox says who opened each message first: one indexed read of the audit
    // trail per opened row of this page (at most a page's worth), and only for teams.
    const team = c.get('actingFor');
    const openers =
      team && team.id === account.id
        ? await firstOpeners(deps.mailbox.storage.repos, {
            mailboxId: team.id,
            deliveryIds: list.rows.filter((r) => !r.isUnread).map((r) => r.delivery.id),
          })
        : new Map<string, string>();
    return c.html(
      StaffInboxPage({
        ...(await staffPageProps(deps, c)),
        teamEmail: team && team.id === account.id ? team.email : null,
        page: list.page,
        pages: list.pages,
        rows: list.rows.map((row) => ({
          deliveryId: row.delivery.id,
          from: row.senderName || row.senderEmail,
          subject: row.subject,
          receivedAt: row.message.createdAt,
          isUnread: row.isUnread,
          state: row.state,
          attachmentCount: row.attachmentCount,
          openedBy: openers.get(row.delivery.id) ?? null,
        })),
      }),
    );
  });

  area.get(`${STAFF_PATHS.inbox}/:deliveryId`, async (c) => {
    const id = idParam(c, 'deliveryId');
    if (!id) return notFound(deps, c);
    const account = staffOf(c);
    const result = await openMessage(deps.mailbox, {
      account,
      deliveryId: id,
      ip: c.get('clientIp'),
    });
    if (!result.ok && result.reason === 'not-found') return notFound(deps, c);
    const props = await staffPageProps(deps, c);
    if (!result.ok) {
      return c.html(
        StaffMessageGonePage({ ...props, state: result.reason, subject: result.subject }),
      );
    }
    const opened = result.opened;
    const body = await readText(await opened.body(), MAX_BODY_BYTES);
    // In a team mailbox: who on the team opened or answered it, from the audit trail.
    const team = c.get('actingFor');
    const activity =
      team && team.id === account.id
        ? await teamActivity(deps.mailbox.storage.repos, {
            mailboxId: team.id,
            deliveryId: opened.delivery.id,
            messageId: opened.message.id,
          })
        : null;
    const from = opened.participants.find((p) => p.kind === 'from');
    return c.html(
      StaffMessagePage({
        ...props,
        message: {
          deliveryId: opened.delivery.id,
          subject: opened.subject,
          from: { name: from?.name ?? '', email: from?.email ?? '' },
          to: opened.participants.filter((p) => p.kind === 'to').map((p) => p.email),
          cc: opened.participants.filter((p) => p.kind === 'cc').map((p) => p.email),
          receivedAt: opened.message.createdAt,
          accessEndsAt: opened.delivery.accessEndsAt,
          classification: opened.message.classification,
          readOnly: opened.message.readOnly,
          body: bodyView({
            format: opened.message.bodyFormat,
            content: body.text,
            attachments: opened.attachments,
            imageUrl: (attachmentId) => `${STAFF_PATHS.inbox}/${id}/images/${attachmentId}`,
          }),
          attachments: opened.attachments
            .filter((a) => !a.inline)
            .map((a) => ({ id: a.id, name: a.name, size: a.size })),
        },
        teamActivity: activity,
      }),
    );
  });

  area.get(`${STAFF_PATHS.inbox}/:deliveryId/images/:attachmentId`, async (c) => {
    const deliveryId = idParam(c, 'deliveryId');
    const attachmentId = idParam(c, 'attachmentId');
    if (!deliveryId || !attachmentId) return notFound(deps, c);
    const image = await openInlineImage(deps.mailbox, {
      account: staffOf(c),
      deliveryId,
      attachmentId,
    });
    if (!image) return notFound(deps, c);
    return new Response(image.content, { status: 200, headers: inlineImageHeaders(image) });
  });

  area.get(`${STAFF_PATHS.inbox}/:deliveryId/attachments/:attachmentId`, async (c) => {
    const deliveryId = idParam(c, 'deliveryId');
    const attachmentId = idParam(c, 'attachmentId');
    if (!deliveryId || !attachmentId) return notFound(deps, c);
    const download = await downloadAttachment(deps.mailbox, {
      account: staffOf(c),
      deliveryId,
      attachmentId,
      ip: c.get('clientIp'),
    });
    if (!download) return notFound(deps, c);
    return new Response(download.content, { status: 200, headers: attachmentHeaders(download) });
  });
}
