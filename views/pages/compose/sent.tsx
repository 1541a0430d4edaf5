import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Pagination, type PaginationItem } from '../../components/pagination.tsx';
import { Table } from '../../components/table.tsx';
import { Layout } from '../../layout.tsx';
import { sentPaths } from './sent-message.tsx';
import type { SignedInPageProps } from './shared.tsx';

/** One sent message as the list shows it. */
export type SentRow = {
  /** The message's id: its row opens it. */
  id: string;
  subject: string;
  to: string[];
  /** When it was sent, formatted for the reader. */
  sentAt: string;
  sentAtIso: string;
  attachments: number;
};

/** What the person has sent from the portal: when, to whom, what about. */
export function SentPage(
  props: SignedInPageProps & {
    rows: SentRow[];
    justSent: boolean;
    pagination: { previous?: string; next?: string; items: PaginationItem[] };
  },
) {
  const s = props.strings.compose.sent;
  return (
    <Layout {...props} title={s.title} nav="sent">
      {props.justSent ? (
        <NotificationBanner type="success" strings={props.strings} heading={s.notice}>
          <p class="govuk-body">{s.noticeBody}</p>
        </NotificationBanner>
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      {props.rows.length === 0 ? (
        <p class="govuk-body">{s.none}</p>
      ) : (
        <Table
          caption={s.title}
          captionHidden
          head={[
            { text: s.sentAt },
            { text: s.to },
            { text: s.subject },
            { text: s.files, numeric: true },
          ]}
          rows={props.rows.map((row) => ({
            cells: [
              { text: <time datetime={row.sentAtIso}>{row.sentAt}</time> },
              { text: row.to.join(', '), class: 'govuk-!-text-break-word' },
              {
                text: (
                  <a class="govuk-link" href={sentPaths.message(row.id)}>
                    {row.subject || props.strings.mailbox.inbox.noSubject}
                  </a>
                ),
                header: true,
              },
              { text: String(row.attachments), numeric: true },
            ],
          }))}
        />
      )}
      <Pagination strings={props.strings} {...props.pagination} />
    </Layout>
  );
}
