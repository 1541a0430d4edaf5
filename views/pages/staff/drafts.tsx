import { CsrfField } from '../../components/csrf-field.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Table, type TableRow } from '../../components/table.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDateTime } from '../mailbox/shared.tsx';
import { StaffLayout, type StaffPageProps, staffDraftPath } from './shared.tsx';

/** One draft in the list. */
export type StaffDraftRow = {
  id: string;
  subject: string;
  to: string[];
  files: number;
  savedAt: Date;
};

/**
 * A staff member's drafts, most recently saved first: each opens in the compose form
 * with its files, and can be deleted (its files with it).
 */
export function StaffDraftsPage(
  props: StaffPageProps & { rows: StaffDraftRow[]; notice?: 'deleted' | null },
) {
  const s = props.strings.staff.drafts;
  const rows: TableRow[] = props.rows.map((row) => {
    const subject = row.subject.trim() === '' ? s.noSubject : row.subject;
    return {
      cells: [
        {
          text: (
            <a
              class="govuk-link govuk-!-text-break-word"
              href={linkKeepingLang(props, staffDraftPath(row.id))}
            >
              {subject}
            </a>
          ),
        },
        { text: <span class="govuk-!-text-break-word">{row.to.join(', ')}</span> },
        { text: String(row.files), numeric: true },
        { text: formatDateTime(row.savedAt, props.lang) },
        {
          text: (
            <form
              method="post"
              action={linkKeepingLang(props, `${staffDraftPath(row.id)}/delete`)}
              class="govuk-!-margin-bottom-0"
            >
              <CsrfField token={props.csrfToken} />
              <button
                type="submit"
                class="govuk-button govuk-button--warning govuk-!-margin-bottom-0"
                data-module="govuk-button"
              >
                {s.delete}
                <span class="govuk-visually-hidden">{s.deleteHidden(subject)}</span>
              </button>
            </form>
          ),
        },
      ],
    };
  });
  return (
    <StaffLayout {...props} title={s.title} nav="drafts">
      {props.notice === 'deleted' ? (
        <NotificationBanner type="success" strings={props.strings} heading={s.deleted} />
      ) : null}
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
            { text: s.columns.to },
            { text: s.columns.files, numeric: true },
            { text: s.columns.saved },
            { text: s.columns.actions },
          ]}
          rows={rows}
        />
      )}
    </StaffLayout>
  );
}
