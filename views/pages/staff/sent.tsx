import type { Child } from 'hono/jsx';
import type { AccessRequestKind } from '../../../core/access/model.ts';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Pagination } from '../../components/pagination.tsx';
import type { BodyView } from '../../components/safe-html-body.ts';
import { SummaryList, type SummaryRow } from '../../components/summary-list.tsx';
import { Table, type TableRow } from '../../components/table.tsx';
import { Tag, type TagColour } from '../../components/tag.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDateTime, formatSize, paginationItems } from '../mailbox/shared.tsx';
import { MessageBody } from './inbox.tsx';
import {
  canAct,
  DateInput,
  type DateParts,
  STAFF_PATHS,
  StaffLayout,
  type StaffPageProps,
  sentFilePath,
  trackingPath,
} from './shared.tsx';

/** One sent message in the list: what it is and how many have opened it. */
export type SentRow = {
  messageId: string;
  subject: string;
  sentAt: Date;
  recipients: number;
  opened: number;
};

/** The at-a-glance tracking tag: "Not opened", "Opened by 2 of 3" or "Opened". */
export function OpenedTag(props: {
  opened: number;
  total: number;
  strings: StaffPageProps['strings'];
}) {
  const s = props.strings.staff.sent;
  if (props.opened === 0) return <Tag text={s.notOpened} colour="grey" />;
  if (props.opened >= props.total) return <Tag text={s.openedAll} colour="green" />;
  return <Tag text={s.openedBy(props.opened, props.total)} colour="yellow" />;
}

/** The sender's sent messages, newest first, each tagged with who has opened it. */
export function SentPage(props: StaffPageProps & { rows: SentRow[]; page: number; pages: number }) {
  const s = props.strings.staff.sent;
  const link = (href: string) => linkKeepingLang(props, href);
  const rows: TableRow[] = props.rows.map((row) => ({
    cells: [
      {
        text: (
          <a class="govuk-link govuk-!-text-break-word" href={link(trackingPath(row.messageId))}>
            {row.subject}
          </a>
        ),
      },
      { text: formatDateTime(row.sentAt, props.lang) },
      { text: String(row.recipients), numeric: true },
      { text: <OpenedTag opened={row.opened} total={row.recipients} strings={props.strings} /> },
    ],
  }));
  const pageHref = (n: number) => link(`${STAFF_PATHS.sent}?page=${n}`);
  return (
    <StaffLayout {...props} title={s.title} nav="sent">
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      {props.rows.length === 0 ? (
        <p class="govuk-body">{s.empty}</p>
      ) : (
        <Table
          caption={s.caption}
          captionHidden
          stacked
          head={[
            { text: s.columns.subject },
            { text: s.columns.sent },
            { text: s.columns.recipients, numeric: true },
            { text: s.columns.status },
          ]}
          rows={rows}
        />
      )}
      <Pagination
        strings={props.strings}
        previous={props.page > 1 ? pageHref(props.page - 1) : undefined}
        next={props.page < props.pages ? pageHref(props.page + 1) : undefined}
        items={paginationItems(props.page, props.pages, pageHref)}
      />
    </StaffLayout>
  );
}

/** One recipient's copy as the tracking page shows it. */
export type TrackedRecipient = {
  deliveryId: string;
  email: string;
  kind: 'to' | 'cc';
  state: 'active' | 'expired' | 'revoked';
  accessEndsAt: Date;
  notifiedAt: Date | null;
  registered: boolean;
  firstOpenedAt: Date | null;
  downloads: Array<{ name: string; at: Date }>;
  replies: Array<{ at: Date }>;
  requests: Array<{
    kind: AccessRequestKind;
    status: 'pending' | 'granted' | 'denied';
    at: Date;
  }>;
  /** For a copy the sender did not address: where it came from and who forwarded it. */
  forwardedFrom: { email: string; byEmail: string | null } | null;
};

/** A sent message with everything its tracking page shows. */
export type TrackedMessage = {
  messageId: string;
  /** Null for anyone but the sender: auditors and admins see tracking, not content. */
  subject: string | null;
  sentAt: Date;
  from: string;
  readOnly: boolean;
  /** Recipients must prove a second factor before it opens. */
  secondFactorRequired: boolean;
  classification: string | null;
  /** Files listed (inline images of a body are not); ids only for the sender, who may download. */
  attachments: Array<{ id: string | null; name: string; size: number }>;
  recipients: TrackedRecipient[];
  /** The text, decrypted for the sender only; null for anyone else. */
  body: BodyView | null;
};

/** Which change just happened, for the banner at the top. */
export type TrackingNotice =
  | { kind: 'revoked' | 'restored'; count: number }
  | { kind: 'access-end'; date: Date };

const STATE_COLOURS: Record<TrackedRecipient['state'], TagColour> = {
  active: 'green',
  revoked: 'red',
  expired: 'grey',
};

/**
 * One sent message: per recipient when they were notified, whether they have an
 * account, when they first opened it, each download, their replies and requests.
 * The sender (only) also gets the controls: revoke or restore for one or all, and a
 * new end of access. An auditor sees the same facts and no control.
 */
export function TrackingPage(
  props: StaffPageProps & {
    message: TrackedMessage;
    /** True for the message's own sender; false for an auditor or admin looking on. */
    canControl: boolean;
    notice?: TrackingNotice | null;
    errors?: Record<string, string>;
    endDate?: DateParts;
  },
) {
  const s = props.strings.staff.tracking;
  const m = props.message;
  const link = (href: string) => linkKeepingLang(props, href);
  const when = (date: Date | null, otherwise: string) =>
    date ? formatDateTime(date, props.lang) : otherwise;
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const control = props.canControl && canAct(props.viewer);
  const base = trackingPath(m.messageId);
  const form = (action: string, children: Child) => (
    <form method="post" action={link(`${base}/${action}`)} class="govuk-!-display-inline-block">
      <CsrfField token={props.csrfToken} />
      {children}
    </form>
  );
  const summary: SummaryRow[] = [
    { key: s.sent, value: formatDateTime(m.sentAt, props.lang) },
    { key: s.from, value: m.from },
    { key: s.readOnly, value: m.readOnly ? s.yes : s.no },
    { key: s.secondFactorRequired, value: m.secondFactorRequired ? s.yes : s.no },
    { key: s.classification, value: m.classification ?? s.none },
    {
      key: s.attachments,
      value:
        m.attachments.length === 0 ? (
          s.none
        ) : (
          <ul class="govuk-list">
            {m.attachments.map((a) => (
              <li class="govuk-!-text-break-word">
                {a.id ? (
                  <a
                    class="govuk-link"
                    href={link(sentFilePath(m.messageId, a.id))}
                    download
                    hx-boost="false"
                  >
                    {a.name}
                  </a>
                ) : (
                  a.name || s.fileNameHidden
                )}{' '}
                ({formatSize(a.size, props.strings)})
              </li>
            ))}
          </ul>
        ),
    },
  ];
  return (
    <StaffLayout
      {...props}
      title={m.subject ?? s.contentHiddenTitle}
      nav="sent"
      hasErrors={hasErrors}
      before={
        <a href={link(STAFF_PATHS.sent)} class="govuk-back-link">
          {s.back}
        </a>
      }
    >
      {hasErrors ? <ErrorSummary strings={props.strings} errors={errors} /> : null}
      {props.notice ? (
        <NotificationBanner
          type="success"
          strings={props.strings}
          heading={
            props.notice.kind === 'access-end'
              ? s.done['access-end'](formatDateTime(props.notice.date, props.lang))
              : s.done[props.notice.kind](props.notice.count)
          }
        />
      ) : null}
      <h1 class="govuk-heading-l govuk-!-text-break-word">{m.subject ?? s.contentHiddenTitle}</h1>
      {!props.canControl ? <InsetText>{s.auditorNote}</InsetText> : null}
      {m.subject === null ? <p class="govuk-body">{s.contentHidden}</p> : null}
      <SummaryList rows={summary} />
      {m.body ? (
        <>
          <h2 class="govuk-heading-m">{s.messageHeading}</h2>
          <div class="govuk-inset-text">
            <MessageBody body={m.body} />
          </div>
        </>
      ) : null}
      <h2 class="govuk-heading-m">{s.recipientsHeading}</h2>
      {m.recipients.map((r) => (
        <div class="govuk-summary-card">
          <div class="govuk-summary-card__title-wrapper">
            <h3 class="govuk-summary-card__title govuk-!-text-break-word">{r.email}</h3>
          </div>
          <div class="govuk-summary-card__content">
            <SummaryList
              rows={[
                {
                  key: s.status,
                  value: <Tag text={s.states[r.state]} colour={STATE_COLOURS[r.state]} />,
                },
                ...(r.forwardedFrom
                  ? [
                      {
                        key: s.forwardedFrom,
                        value: r.forwardedFrom.byEmail
                          ? s.forwardedBy(r.forwardedFrom.byEmail)
                          : s.grantedFromLink(r.forwardedFrom.email),
                      },
                    ]
                  : []),
                { key: s.accessEnds, value: formatDateTime(r.accessEndsAt, props.lang) },
                { key: s.notified, value: when(r.notifiedAt, s.notYet) },
                { key: s.registered, value: r.registered ? s.yes : s.no },
                { key: s.firstOpened, value: when(r.firstOpenedAt, s.notOpened) },
                {
                  key: s.downloads,
                  value: list(
                    r.downloads.map((d) =>
                      s.downloadedAt(d.name || s.fileNameHidden, formatDateTime(d.at, props.lang)),
                    ),
                    s.noDownloads,
                  ),
                },
                {
                  key: s.replies,
                  value: list(
                    r.replies.map((reply) => formatDateTime(reply.at, props.lang)),
                    s.noReplies,
                  ),
                },
                {
                  key: s.requests,
                  value: list(
                    r.requests.map((q) =>
                      s.requestLine(
                        props.strings.staff.requests.kinds[q.kind],
                        props.strings.staff.requests.statuses[q.status],
                        formatDateTime(q.at, props.lang),
                      ),
                    ),
                    s.noRequests,
                  ),
                },
              ]}
            />
            {control
              ? r.state === 'revoked'
                ? form(
                    'restore',
                    <>
                      <input type="hidden" name="deliveryId" value={r.deliveryId} />
                      <Button variant="secondary">
                        {s.restoreOne}
                        <span class="govuk-visually-hidden">{s.forRecipient(r.email)}</span>
                      </Button>
                    </>,
                  )
                : form(
                    'revoke',
                    <>
                      <input type="hidden" name="deliveryId" value={r.deliveryId} />
                      <Button variant="warning">
                        {s.revokeOne}
                        <span class="govuk-visually-hidden">{s.forRecipient(r.email)}</span>
                      </Button>
                    </>,
                  )
              : null}
          </div>
        </div>
      ))}
      {control ? (
        <>
          <h2 class="govuk-heading-m">{s.controlHeading}</h2>
          <div class="govuk-button-group">
            {form('revoke', <Button variant="warning">{s.revokeAll}</Button>)}
            {form('restore', <Button variant="secondary">{s.restoreAll}</Button>)}
          </div>
          <h2 class="govuk-heading-m">{s.changeEndHeading}</h2>
          <form method="post" action={link(`${base}/access-end`)} novalidate>
            <CsrfField token={props.csrfToken} />
            <DateInput
              strings={props.strings}
              name="endDate"
              legend={s.endDate}
              hint={s.changeEndHint}
              value={props.endDate ?? { day: '', month: '', year: '' }}
              error={errors.endDate}
            />
            <Button variant="secondary">{s.changeEnd}</Button>
          </form>
        </>
      ) : null}
    </StaffLayout>
  );
}

function list(items: string[], empty: string): Child {
  if (items.length === 0) return empty;
  return (
    <ul class="govuk-list">
      {items.map((item) => (
        <li>{item}</li>
      ))}
    </ul>
  );
}
