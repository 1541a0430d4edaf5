import type { AccessRequestKind } from '../../../core/access/model.ts';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { SummaryList, type SummaryRow } from '../../components/summary-list.tsx';
import { Table, type TableRow } from '../../components/table.tsx';
import { Tag } from '../../components/tag.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDateTime } from '../mailbox/shared.tsx';
import {
  requestPath,
  STAFF_PATHS,
  StaffLayout,
  type StaffPageProps,
  trackingPath,
} from './shared.tsx';

/** One access request as the pages show it. */
export type RequestView = {
  id: string;
  kind: AccessRequestKind;
  status: 'pending' | 'granted' | 'denied';
  requesterEmail: string;
  forwardToEmail: string | null;
  /** For a request made from a passed-on link: the addressee whose link it was, and why they ask. */
  addresseeEmail: string | null;
  reason: string | null;
  messageId: string;
  subject: string;
  createdAt: Date;
  decidedAt: Date | null;
  /** When the requester's own access ends now. */
  accessEndsAt: Date | null;
};

const STATUS_COLOURS = { pending: 'blue', granted: 'green', denied: 'red' } as const;

function StatusTag(props: { status: RequestView['status']; strings: StaffPageProps['strings'] }) {
  const text = props.strings.staff.requests.statuses[props.status];
  const colour = STATUS_COLOURS[props.status];
  return colour === 'blue' ? <Tag text={text} /> : <Tag text={text} colour={colour} />;
}

/**
 * Requests about the sender's messages: more time for an expired copy, or a forward
 * to an address outside the council. Waiting ones first, each with a link to decide.
 */
export function RequestsPage(
  props: StaffPageProps & {
    pending: RequestView[];
    decided: RequestView[];
    notice?: 'granted' | 'denied' | null;
  },
) {
  const s = props.strings.staff.requests;
  const link = (href: string) => linkKeepingLang(props, href);
  const row = (r: RequestView, withAction: boolean): TableRow => ({
    cells: [
      { text: r.requesterEmail, class: 'govuk-!-text-break-word' },
      { text: s.kinds[r.kind] },
      {
        text: (
          <a class="govuk-link govuk-!-text-break-word" href={link(trackingPath(r.messageId))}>
            {r.subject}
          </a>
        ),
      },
      { text: formatDateTime(r.createdAt, props.lang) },
      {
        text: withAction ? (
          <a class="govuk-link" href={link(requestPath(r.id))}>
            {s.view}
            <span class="govuk-visually-hidden"> ({s.viewNamed(r.requesterEmail)})</span>
          </a>
        ) : (
          <StatusTag status={r.status} strings={props.strings} />
        ),
      },
    ],
  });
  const head = [
    { text: s.columns.from },
    { text: s.columns.kind },
    { text: s.columns.message },
    { text: s.columns.made },
    { text: s.columns.status },
  ];
  return (
    <StaffLayout {...props} title={s.title} nav="requests">
      {props.notice ? (
        <NotificationBanner type="success" strings={props.strings} heading={s.done[props.notice]} />
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      <h2 class="govuk-heading-m">{s.pendingCaption}</h2>
      {props.pending.length === 0 ? (
        <p class="govuk-body">{s.empty}</p>
      ) : (
        <Table
          caption={s.pendingCaption}
          captionHidden
          head={head}
          rows={props.pending.map((r) => row(r, true))}
        />
      )}
      <h2 class="govuk-heading-m">{s.decidedCaption}</h2>
      {props.decided.length === 0 ? (
        <p class="govuk-body">{s.noneDecided}</p>
      ) : (
        <Table
          caption={s.decidedCaption}
          captionHidden
          head={head}
          rows={props.decided.map((r) => row(r, false))}
        />
      )}
    </StaffLayout>
  );
}

/** One request, with Grant and Refuse while it waits. */
export function RequestPage(
  props: StaffPageProps & { request: RequestView; extensionDays: number; alreadyDecided?: boolean },
) {
  const s = props.strings.staff.requests;
  const r = props.request;
  const link = (href: string) => linkKeepingLang(props, href);
  const rows: SummaryRow[] = [
    { key: s.requester, value: r.requesterEmail },
    { key: s.kind, value: s.kinds[r.kind] },
    ...(r.kind === 'link' && r.addresseeEmail ? [{ key: s.linkOf, value: r.addresseeEmail }] : []),
    ...(r.kind !== 'link' && r.forwardToEmail
      ? [{ key: s.forwardTo, value: r.forwardToEmail }]
      : []),
    ...(r.kind === 'link' ? [{ key: s.reason, value: r.reason ?? s.noReason }] : []),
    {
      key: s.message,
      value: (
        <a class="govuk-link" href={link(trackingPath(r.messageId))}>
          {r.subject}
        </a>
      ),
    },
    { key: s.made, value: formatDateTime(r.createdAt, props.lang) },
    ...(r.accessEndsAt
      ? [{ key: s.currentEnd, value: formatDateTime(r.accessEndsAt, props.lang) }]
      : []),
    { key: s.status, value: <StatusTag status={r.status} strings={props.strings} /> },
  ];
  return (
    <StaffLayout
      {...props}
      title={s.detailTitle}
      nav="requests"
      before={
        <a href={link(STAFF_PATHS.requests)} class="govuk-back-link">
          {s.back}
        </a>
      }
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {props.alreadyDecided ? (
            <NotificationBanner strings={props.strings} heading={s.alreadyDecided} />
          ) : null}
          <h1 class="govuk-heading-l">{s.detailTitle}</h1>
          <SummaryList rows={rows} />
          {r.status === 'pending' ? (
            <>
              <InsetText>
                {r.kind === 'link' ? s.grantLinkHint : s.grantHint(props.extensionDays)}
              </InsetText>
              <form method="post" action={link(requestPath(r.id))}>
                <CsrfField token={props.csrfToken} />
                <ButtonGroup>
                  <Button name="decision" value="grant">
                    {s.grant}
                  </Button>
                  <Button name="decision" value="deny" variant="warning">
                    {s.deny}
                  </Button>
                </ButtonGroup>
              </form>
            </>
          ) : null}
        </div>
      </div>
    </StaffLayout>
  );
}
