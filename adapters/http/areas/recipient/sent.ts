import type { Hono } from 'hono';
import { downloadAttachment } from '../../../../core/messages/download-attachment.ts';
import { isAddressed } from '../../../../core/messages/model.ts';
import { openSentMessage } from '../../../../core/messages/open-sent.ts';
import { listSent } from '../../../../core/messages/tracking.ts';
import { SentPage } from '../../../../views/pages/compose/sent.tsx';
import { SentMessagePage } from '../../../../views/pages/compose/sent-message.tsx';
import { formatDateTime, paginationItems } from '../../../../views/pages/mailbox/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { bodyView } from '../../message-body.ts';
import {
  composePageProps,
  MAX_ID_LENGTH,
  notFoundFor,
  type RecipientAreaDeps,
  render,
  signInRequired,
} from './context.ts';
import { attachmentHeaders } from './download-headers.ts';
import { readText } from './message.ts';

/** Sent messages listed per page. */
const SENT_PAGE_SIZE = 25;
/** The most of a sent message's text the page shows. */
const MAX_SHOWN_BODY = 1024 * 1024;

/**
 * What a person has sent: the list, one message with its files, for its sender alone;
 * anyone else gets the one 404.
 */
export function sentRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const { app, mailbox } = deps;

  area.get('/sent', async (c) => {
    const account = c.get('account');
    if (!account) return signInRequired(deps, c);
    const { props, lang } = await composePageProps(deps, c, account);
    const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
    const { rows, total } = await listSent(mailbox, {
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
    if (!account) return signInRequired(deps, c);
    const id = c.req.param('id');
    const opened =
      id.length > 0 && id.length <= MAX_ID_LENGTH
        ? await openSentMessage(mailbox, { account, messageId: id })
        : null;
    if (!opened) return notFoundFor(deps, c, account);
    const { props } = await composePageProps(deps, c, account);
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
    if (!account) return signInRequired(deps, c);
    const id = c.req.param('id');
    const attachmentId = c.req.param('attachmentId');
    if (
      id.length === 0 ||
      id.length > MAX_ID_LENGTH ||
      attachmentId.length === 0 ||
      attachmentId.length > MAX_ID_LENGTH
    ) {
      return notFoundFor(deps, c, account);
    }
    // Null for anything but a file of a message this person sent: one answer for all.
    const download = await downloadAttachment(mailbox, {
      account,
      messageId: id,
      attachmentId,
      ip: c.get('clientIp'),
    });
    if (!download) return notFoundFor(deps, c, account);
    return c.body(download.content, 200, attachmentHeaders(download));
  });
}
