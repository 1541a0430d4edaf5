import { decodeMailFailure, type MailFailure } from '../../../core/mail/failure.ts';
import type { OutboxMail } from '../../../core/mail/model.ts';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Pagination } from '../../components/pagination.tsx';
import { Table } from '../../components/table.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDateTime } from '../mailbox/shared.tsx';
import { ADMIN_PATHS, AdminLayout, type AdminPageProps, retryMailPath } from './shared.tsx';

/** A failed mail as the page shows it: who it was for and why it failed, never its content. */
export type FailedMailView = Pick<
  OutboxMail,
  'id' | 'kind' | 'to' | 'attempts' | 'lastError' | 'createdAt'
>;

type MailStrings = AdminPageProps['strings']['admin']['mail'];

/**
 * Why a mail failed, in the page's language: the stored code worded, the server's
 * reply in it shown as it is. Text an older version stored is shown as it is too.
 */
export function failureText(s: MailStrings, stored: string | null): string {
  if (stored === null) return '';
  const failure = decodeMailFailure(stored);
  return failure ? worded(s, failure) : stored;
}

function worded(s: MailStrings, failure: MailFailure): string {
  if (failure.code === 'gave-up') return s.gaveUp(failure.attempts, worded(s, failure.last));
  const words = s.errors[failure.code];
  return typeof words === 'function' ? words(failure.detail ?? '') : words;
}

/** Emails that gave up, each with its reason and a button to try again. */
export function FailedMailPage(
  props: AdminPageProps & {
    rows: FailedMailView[];
    waiting: number;
    page: number;
    hasMore: boolean;
    notice?: 'retried' | null;
    problem?: 'not-failed' | null;
  },
) {
  const s = props.strings.admin.mail;
  const link = (href: string) => linkKeepingLang(props, href);
  const pageHref = (n: number) => link(`${ADMIN_PATHS.mail}?page=${n}`);
  return (
    <AdminLayout {...props} title={s.title} nav="mail" hasErrors={Boolean(props.problem)}>
      {props.problem ? <ErrorSummary strings={props.strings} errors={{ _: s.notFailed }} /> : null}
      {props.notice ? (
        <NotificationBanner type="success" strings={props.strings} heading={s.retried} />
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      <p class="govuk-body">{s.waiting(props.waiting)}</p>
      {props.rows.length === 0 ? (
        <p class="govuk-body">{s.empty}</p>
      ) : (
        <Table
          caption={s.caption}
          captionHidden
          head={[
            { text: s.columns.to },
            { text: s.columns.kind },
            { text: s.columns.error },
            { text: s.columns.attempts, numeric: true },
            { text: s.columns.created },
            { text: s.columns.action },
          ]}
          rows={props.rows.map((mail) => ({
            cells: [
              { text: mail.to, class: 'govuk-!-text-break-word' },
              { text: s.kinds[mail.kind] },
              { text: failureText(s, mail.lastError), class: 'govuk-!-text-break-word' },
              { text: String(mail.attempts), numeric: true },
              { text: formatDateTime(mail.createdAt, props.lang) },
              {
                text: (
                  <form method="post" action={link(retryMailPath(mail.id))}>
                    <CsrfField token={props.csrfToken} />
                    <Button variant="secondary" class="govuk-!-margin-bottom-0">
                      {s.retry}
                      <span class="govuk-visually-hidden">{s.retryNamed(mail.to)}</span>
                    </Button>
                  </form>
                ),
              },
            ],
          }))}
        />
      )}
      <Pagination
        strings={props.strings}
        previous={props.page > 1 ? pageHref(props.page - 1) : undefined}
        next={props.hasMore ? pageHref(props.page + 1) : undefined}
      />
    </AdminLayout>
  );
}
