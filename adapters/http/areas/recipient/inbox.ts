import type { Hono } from 'hono';
import { listExpired } from '../../../../core/messages/list-expired.ts';
import { listInbox } from '../../../../core/messages/mailbox.ts';
import {
  type InboxNotice,
  InboxPage,
  type InboxRowView,
} from '../../../../views/pages/mailbox/inbox.tsx';
import type { AppEnv } from '../../env.ts';
import { pageProps, type RecipientAreaDeps, render, signedIn } from './context.ts';

/** The inbox, and the list of messages whose time to read has ended (`?expired=1`). */
export function inboxRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  area.get('/inbox', async (c) => {
    const account = signedIn(c);
    const props = await pageProps(deps, c);
    const isExpired = c.req.query('expired') === '1';
    const requested = Number.parseInt(c.req.query('page') ?? '1', 10);
    const page = Number.isSafeInteger(requested) && requested > 0 ? requested : 1;
    const notice = c.req.query('notice');

    let rows: InboxRowView[];
    let pages: number;
    let current: number;
    if (isExpired) {
      const list = await listExpired(deps.mailbox, { account, page });
      rows = list.rows.map((row) => ({ ...toRowView(row), requestPending: row.requestPending }));
      pages = list.pages;
      current = list.page;
    } else {
      let list = await listInbox(deps.mailbox, { account, page });
      // A page past the end (a bookmark, or the last message deleted) shows the last page.
      if (list.rows.length === 0 && list.page > list.pages) {
        list = await listInbox(deps.mailbox, { account, page: list.pages });
      }
      // The subject is not content: a marked message is listed, with a marker while
      // this session has not proved a second factor (opening it explains the step).
      const proved = c.get('session')?.secondFactorAt != null;
      rows = list.rows.map((row) => ({
        ...toRowView(row),
        secondFactorNeeded: row.message.secondFactorRequired && !proved,
      }));
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
