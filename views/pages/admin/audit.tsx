import type { AuditAction, AuditEvent } from '../../../core/audit/model.ts';
import { Button } from '../../components/button.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { Pagination } from '../../components/pagination.tsx';
import { Select } from '../../components/select.tsx';
import { Table } from '../../components/table.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDateTime } from '../mailbox/shared.tsx';
import { ADMIN_PATHS, AdminLayout, type AdminPageProps } from './shared.tsx';

/** The audit search as typed (kept in the form, the paging links and the CSV link). */
export type AuditSearchForm = {
  actor: string;
  target: string;
  action: string;
  from: string;
  to: string;
};

/** The query string of a search, for links that keep it. */
export function auditQuery(search: AuditSearchForm, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...search, ...extra })) {
    if (value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** An event's details as one line: `key: value`, in the order recorded. */
function detailsLine(event: AuditEvent): string {
  return Object.entries(event.details)
    .map(([key, value]) => `${key}: ${value === null ? '-' : String(value)}`)
    .join(', ');
}

/**
 * The audit log: a search by who, what, which action and when, newest events first,
 * a page at a time, and the same search as a CSV download.
 */
export function AuditPage(
  props: AdminPageProps & {
    search: AuditSearchForm;
    errors?: Record<string, string>;
    events: AuditEvent[];
    /** The cursor of the next (older) page; null on the last. */
    olderThan: number | null;
    /** The cursor of the previous (newer) page; null on the first. */
    newerThan: number | null;
  },
) {
  const s = props.strings.admin.audit;
  const link = (href: string) => linkKeepingLang(props, href);
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const actions = Object.entries(s.actions) as Array<[AuditAction, string]>;
  return (
    <AdminLayout {...props} title={s.title} nav="audit" hasErrors={hasErrors}>
      {hasErrors ? <ErrorSummary strings={props.strings} errors={errors} /> : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      <form method="get" action={link(ADMIN_PATHS.audit)} novalidate>
        <h2 class="govuk-heading-m">{s.filtersHeading}</h2>
        <TextInput
          name="actor"
          label={s.actor}
          hint={s.actorHint}
          value={props.search.actor}
          error={errors.actor}
          spellcheck={false}
          width="30"
          strings={props.strings}
        />
        <TextInput
          name="target"
          label={s.target}
          hint={s.targetHint}
          value={props.search.target}
          error={errors.target}
          spellcheck={false}
          width="30"
          strings={props.strings}
        />
        <Select
          name="action"
          label={s.action}
          value={props.search.action}
          error={errors.action}
          items={[
            { value: '', text: s.anyAction },
            ...actions.map(([value, text]) => ({ value, text })),
          ]}
          strings={props.strings}
        />
        <TextInput
          name="from"
          label={s.from}
          hint={s.fromHint}
          value={props.search.from}
          error={errors.from}
          spellcheck={false}
          width="10"
          strings={props.strings}
        />
        <TextInput
          name="to"
          label={s.to}
          hint={s.toHint}
          value={props.search.to}
          error={errors.to}
          spellcheck={false}
          width="10"
          strings={props.strings}
        />
        <div class="govuk-button-group">
          <Button variant="secondary">{s.search}</Button>
          <a class="govuk-link" href={link(ADMIN_PATHS.audit)}>
            {s.clear}
          </a>
        </div>
      </form>
      {hasErrors ? null : (
        <>
          <p class="govuk-body">
            <a
              class="govuk-link"
              href={link(`${ADMIN_PATHS.auditCsv}${auditQuery(props.search)}`)}
              download
              hx-boost="false"
            >
              {s.download}
            </a>{' '}
            <span class="govuk-hint">{s.downloadHint}</span>
          </p>
          {props.events.length === 0 ? (
            <p class="govuk-body">{s.empty}</p>
          ) : (
            <Table
              caption={s.caption}
              captionHidden
              class="sp-audit-table"
              head={[
                { text: s.columns.at },
                { text: s.columns.action },
                { text: s.columns.actor },
                { text: s.columns.target },
                { text: s.columns.ip },
                { text: s.columns.details },
              ]}
              rows={props.events.map((event) => ({
                cells: [
                  { text: formatDateTime(event.at, props.lang) },
                  { text: s.actions[event.action] ?? event.action },
                  {
                    text: event.actorLabel ?? event.actorId ?? s.nobody,
                    class: 'govuk-!-text-break-word',
                  },
                  {
                    text: event.targetId
                      ? `${event.targetType ?? ''}${event.targetType ? ': ' : ''}${event.targetId}`
                      : '',
                    class: 'govuk-!-text-break-word',
                  },
                  { text: event.ip ?? '' },
                  {
                    // Recorded field names and values, as the CSV export has them: data in
                    // English whatever the page's language, so marked for screen readers.
                    text: <span lang="en">{detailsLine(event)}</span>,
                    class: 'govuk-!-text-break-word',
                  },
                ],
              }))}
            />
          )}
          <Pagination
            strings={props.strings}
            previous={
              props.newerThan === null
                ? undefined
                : link(
                    `${ADMIN_PATHS.audit}${auditQuery(props.search, { newer: String(props.newerThan) })}`,
                  )
            }
            next={
              props.olderThan === null
                ? undefined
                : link(
                    `${ADMIN_PATHS.audit}${auditQuery(props.search, { older: String(props.olderThan) })}`,
                  )
            }
          />
        </>
      )}
    </AdminLayout>
  );
}
