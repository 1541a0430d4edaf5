import { Button } from '../../components/button.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { Pagination } from '../../components/pagination.tsx';
import { type BodyView, safeHtmlWithImages } from '../../components/safe-html-body.ts';
import { SummaryList, type SummaryRow } from '../../components/summary-list.tsx';
import { Table, type TableRow } from '../../components/table.tsx';
import { Tag } from '../../components/tag.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import {
  formatDate,
  formatDateTime,
  formatSize,
  formatTime,
  paginationItems,
} from '../mailbox/shared.tsx';
import {
  canAct,
  STAFF_PATHS,
  StaffLayout,
  type StaffPageProps,
  staffMessagePath,
} from './shared.tsx';

/** One row of the staff inbox. */
export type StaffInboxRow = {
  deliveryId: string;
  from: string;
  subject: string;
  receivedAt: Date;
  isUnread: boolean;
  state: 'active' | 'expired' | 'revoked';
  attachmentCount: number;
  /** In a team mailbox: the member who opened it first, or null. */
  openedBy?: string | null;
};

/** Replies and messages sent to a staff member through the portal, newest first. */
export function StaffInboxPage(
  props: StaffPageProps & {
    rows: StaffInboxRow[];
    page: number;
    pages: number;
    /** The team mailbox this inbox is, or null for the staff member's own. */
    teamEmail?: string | null;
  },
) {
  const s = props.strings.staff.inbox;
  const link = (href: string) => linkKeepingLang(props, href);
  const rows: TableRow[] = props.rows.map((row) => ({
    class: row.isUnread ? 'sp-unread' : undefined,
    cells: [
      { text: row.from },
      {
        text: (
          <>
            <a class="govuk-link" href={link(staffMessagePath(row.deliveryId))}>
              {row.isUnread ? <span class="govuk-visually-hidden">{s.unread}: </span> : null}
              {row.subject}
            </a>
            {row.attachmentCount > 0 ? (
              <span class="govuk-body-s govuk-!-display-block">
                {s.attachments(row.attachmentCount)}
              </span>
            ) : null}
            {row.openedBy ? (
              <span class="govuk-body-s govuk-!-display-block" data-testid="opened-by">
                {s.openedBy(row.openedBy)}
              </span>
            ) : null}
          </>
        ),
      },
      { text: formatDateTime(row.receivedAt, props.lang) },
      {
        text:
          row.state === 'revoked' ? (
            <Tag text={s.revoked} colour="red" />
          ) : row.state === 'expired' ? (
            <Tag text={s.expired} colour="grey" />
          ) : row.isUnread ? (
            <Tag text={s.unread} />
          ) : (
            ''
          ),
      },
    ],
  }));
  return (
    <StaffLayout {...props} title={s.title} nav="inbox">
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{props.teamEmail ? s.teamIntro(props.teamEmail) : s.intro}</p>
      {props.rows.length === 0 ? (
        <p class="govuk-body">{s.empty}</p>
      ) : (
        <Table
          caption={s.caption}
          captionHidden
          stacked
          head={[
            { text: s.columns.from },
            { text: s.columns.subject },
            { text: s.columns.received },
            { text: s.columns.status },
          ]}
          rows={rows}
        />
      )}
      <Pagination
        strings={props.strings}
        previous={props.page > 1 ? link(`${STAFF_PATHS.inbox}?page=${props.page - 1}`) : undefined}
        next={
          props.page < props.pages ? link(`${STAFF_PATHS.inbox}?page=${props.page + 1}`) : undefined
        }
        items={paginationItems(props.page, props.pages, (n) =>
          link(`${STAFF_PATHS.inbox}?page=${n}`),
        )}
      />
    </StaffLayout>
  );
}

/** What the staff message page shows of a delivered message. */
export type StaffMessageView = {
  deliveryId: string;
  subject: string;
  from: { name: string; email: string };
  to: string[];
  cc: string[];
  receivedAt: Date;
  accessEndsAt: Date;
  classification: string | null;
  readOnly: boolean;
  body: BodyView;
  /** The files listed under the message (inline images of the body are not among them). */
  attachments: Array<{ id: string; name: string; size: number }>;
};

/** One line of "who on the team opened or answered it". */
export type StaffTeamActivity = { kind: 'opened' | 'replied'; by: string; at: Date };

/**
 * One message in the staff inbox: who, when, the body, the files, and a secure reply;
 * in a team mailbox, also who on the team opened or answered it.
 */
export function StaffMessagePage(
  props: StaffPageProps & {
    message: StaffMessageView;
    teamActivity?: StaffTeamActivity[] | null;
  },
) {
  const s = props.strings.staff.message;
  const m = props.message;
  const link = (href: string) => linkKeepingLang(props, href);
  const rows: SummaryRow[] = [
    { key: s.from, value: `${m.from.name} <${m.from.email}>` },
    { key: s.to, value: m.to.join(', ') },
    ...(m.cc.length > 0 ? [{ key: s.cc, value: m.cc.join(', ') }] : []),
    { key: s.received, value: formatDateTime(m.receivedAt, props.lang) },
    { key: s.accessEnds, value: formatDateTime(m.accessEndsAt, props.lang) },
  ];
  return (
    <StaffLayout
      {...props}
      title={m.subject}
      nav="inbox"
      before={
        <a href={link(STAFF_PATHS.inbox)} class="govuk-back-link">
          {s.backToInbox}
        </a>
      }
    >
      {m.classification ? (
        <p class="govuk-body">
          <Tag text={m.classification} colour="orange" />
        </p>
      ) : null}
      <h1 class="govuk-heading-l govuk-!-text-break-word">{m.subject}</h1>
      <SummaryList rows={rows} />
      {props.teamActivity && props.teamActivity.length > 0 ? (
        <>
          <h2 class="govuk-heading-s">{s.teamActivity}</h2>
          <ul class="govuk-list govuk-body-s" data-testid="team-activity">
            {props.teamActivity.map((a) => (
              <li>
                {(a.kind === 'opened' ? s.openedBy : s.repliedBy)(
                  a.by,
                  formatTime(a.at, props.lang),
                  formatDate(a.at, props.lang),
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <MessageBody body={m.body} />
      {m.attachments.length > 0 ? (
        <>
          <h2 class="govuk-heading-m">{s.attachmentsHeading}</h2>
          {m.readOnly ? (
            <InsetText>{s.readOnly}</InsetText>
          ) : (
            <ul class="govuk-list">
              {m.attachments.map((a) => (
                <li>
                  <a
                    class="govuk-link"
                    href={link(
                      `${staffMessagePath(m.deliveryId)}/attachments/${encodeURIComponent(a.id)}`,
                    )}
                    download
                    hx-boost="false"
                  >
                    {s.downloadNamed(a.name)}
                  </a>{' '}
                  <span class="govuk-body-s">({formatSize(a.size, props.strings)})</span>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
      {canAct(props.viewer) ? (
        <Button
          href={link(`${STAFF_PATHS.compose}?replyTo=${encodeURIComponent(m.deliveryId)}`)}
          variant="secondary"
        >
          {s.reply}
        </Button>
      ) : null}
    </StaffLayout>
  );
}

/** A withdrawn or expired message: says so, and nothing of its content. */
export function StaffMessageGonePage(
  props: StaffPageProps & { state: 'revoked' | 'expired'; subject: string },
) {
  const s = props.strings.staff.message;
  const title = props.state === 'revoked' ? s.revokedTitle : s.expiredTitle;
  return (
    <StaffLayout {...props} title={title} nav="inbox">
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">{props.state === 'revoked' ? s.revoked : s.expired}</p>
      <p class="govuk-body">
        <a class="govuk-link" href={linkKeepingLang(props, STAFF_PATHS.inbox)}>
          {s.backToInbox}
        </a>
      </p>
    </StaffLayout>
  );
}

/**
 * A message body: plain text as paragraphs with its line breaks kept, or HTML made
 * safe by the allowlist sanitiser when the message was stored (never on a page view),
 * with its inline images in place.
 */
export function MessageBody(props: { body: BodyView }) {
  if (props.body.format === 'safe-html') {
    return <div class="govuk-body">{safeHtmlWithImages(props.body)}</div>;
  }
  const paragraphs = props.body.content.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  return (
    <div>
      {paragraphs.map((paragraph) => (
        <p class="govuk-body govuk-!-text-break-word">
          {paragraph.split('\n').map((line, i) => (
            <>
              {i > 0 ? <br /> : null}
              {line}
            </>
          ))}
        </p>
      ))}
    </div>
  );
}
