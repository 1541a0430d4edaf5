import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Pagination } from '../../components/pagination.tsx';
import { Table, type TableRow } from '../../components/table.tsx';
import { Tag } from '../../components/tag.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { formatDate, type MailboxPageProps, mailboxPaths, paginationItems } from './shared.tsx';

/** One row of the inbox as the page shows it. */
export type InboxRowView = {
  deliveryId: string;
  /** The sender's name, or address when they have no name. */
  from: string;
  subject: string;
  receivedAt: Date;
  /** Whole days of access left; null once expired. */
  daysLeft: number | null;
  attachmentCount: number;
  isUnread: boolean;
  state: 'active' | 'expired' | 'revoked';
  readOnly: boolean;
  /** Marked "second factor required" and this session has not proved one yet. */
  secondFactorNeeded?: boolean;
  /** Expired list only: a request for more time is waiting for the sender. */
  requestPending?: boolean;
};

/** The banners the inbox shows after an action redirected here. */
export type InboxNotice = 'deleted' | 'access-requested';

/**
 * The recipient's inbox: messages they can still read, newest first, 25 a page; or,
 * with `view: 'expired'`, those whose access has ended, each with a button to ask
 * for more time. Unread rows are bold and say "Unread" to screen readers.
 */
export function InboxPage(
  props: MailboxPageProps & {
    view: 'active' | 'expired';
    rows: InboxRowView[];
    page: number;
    pages: number;
    notice?: InboxNotice | null;
  },
) {
  const s = props.strings.mailbox.inbox;
  const link = (href: string) => linkKeepingLang(props, href);
  const isExpired = props.view === 'expired';
  const title = isExpired ? s.expiredTitle : s.title;
  const pageHref = (n: number) =>
    link(isExpired ? `/inbox?expired=1&page=${n}` : `/inbox?page=${n}`);
  const subjectLink = (row: InboxRowView) => (
    <a class="govuk-link" href={link(mailboxPaths.message(row.deliveryId))}>
      {row.isUnread && !isExpired ? <span class="govuk-visually-hidden">{s.unread} </span> : null}
      {row.subject || s.noSubject}
    </a>
  );

  const rows: TableRow[] = props.rows.map((row) =>
    isExpired
      ? {
          cells: [
            { text: row.from, class: 'govuk-!-text-break-word' },
            { text: subjectLink(row), class: 'govuk-!-text-break-word' },
            {
              text: (
                <time datetime={row.receivedAt.toISOString()}>
                  {formatDate(row.receivedAt, props.lang)}
                </time>
              ),
            },
            {
              text:
                row.state === 'revoked' ? (
                  <Tag text={s.revoked} colour="red" />
                ) : (
                  <Tag text={s.accessExpired} colour="grey" />
                ),
            },
            {
              // A revoked copy cannot be asked back: the sender chose to end it.
              text:
                row.state === 'revoked' ? (
                  s.revokedNoRequest
                ) : row.requestPending ? (
                  s.requested
                ) : (
                  <form method="post" action={link(mailboxPaths.requestAccess(row.deliveryId))}>
                    <CsrfField token={props.csrfToken} />
                    <input type="hidden" name="from" value="expired" />
                    <Button variant="secondary" class="govuk-!-margin-bottom-0">
                      {s.requestAccess}
                      <span class="govuk-visually-hidden">
                        {s.requestAccessFor(row.subject || s.noSubject)}
                      </span>
                    </Button>
                  </form>
                ),
            },
          ],
        }
      : {
          class: row.isUnread ? 'sp-unread' : undefined,
          cells: [
            { text: row.from, class: 'govuk-!-text-break-word' },
            {
              text: (
                <>
                  {subjectLink(row)}
                  {row.state === 'revoked' ? (
                    <>
                      {' '}
                      <Tag text={s.revoked} colour="red" />
                    </>
                  ) : row.readOnly ? (
                    <>
                      {' '}
                      <Tag text={s.readOnly} colour="grey" />
                    </>
                  ) : null}
                  {row.secondFactorNeeded ? (
                    <>
                      {' '}
                      <Tag text={props.strings.mailbox.stepUp.inboxMarker} colour="yellow" />
                    </>
                  ) : null}
                </>
              ),
              class: 'govuk-!-text-break-word',
            },
            {
              text: (
                <time datetime={row.receivedAt.toISOString()}>
                  {formatDate(row.receivedAt, props.lang)}
                </time>
              ),
            },
            { text: row.daysLeft === null ? s.accessExpired : s.daysLeft(row.daysLeft) },
            { text: s.attachmentCount(row.attachmentCount), numeric: true },
          ],
        },
  );
  const c = s.columns;
  const head = isExpired
    ? [
        { text: c.from },
        { text: c.subject },
        { text: c.date },
        { text: c.status },
        { text: c.action },
      ]
    : [
        { text: c.from },
        { text: c.subject },
        { text: c.date },
        { text: c.access },
        { text: c.attachments, numeric: true },
      ];

  return (
    <Layout {...props} title={title} nav="inbox">
      {props.notice ? (
        <NotificationBanner
          type="success"
          strings={props.strings}
          heading={s.notices[props.notice]}
        />
      ) : null}
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">{isExpired ? s.expiredIntro : s.intro}</p>
      {props.rows.length === 0 ? (
        <>
          <p class="govuk-body govuk-!-font-weight-bold">{isExpired ? s.expiredEmpty : s.empty}</p>
          {isExpired ? null : <p class="govuk-body">{s.emptyHint}</p>}
        </>
      ) : (
        <>
          <Table
            caption={`${isExpired ? s.expiredCaption : s.caption}${props.pages > 1 ? ` (${s.pageOf(props.page, props.pages)})` : ''}`}
            captionHidden
            stacked
            head={head}
            rows={rows}
          />
          <Pagination
            strings={props.strings}
            previous={props.page > 1 ? pageHref(props.page - 1) : undefined}
            next={props.page < props.pages ? pageHref(props.page + 1) : undefined}
            items={paginationItems(props.page, props.pages, pageHref)}
          />
        </>
      )}
      <ul class="govuk-list">
        <li>
          <a class="govuk-link" href={link(isExpired ? mailboxPaths.inbox : mailboxPaths.expired)}>
            {isExpired ? s.backToInbox : s.viewExpired}
          </a>
        </li>
        <li>
          <a class="govuk-link" href={link(mailboxPaths.account)}>
            {s.account}
          </a>
        </li>
      </ul>
    </Layout>
  );
}
