import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { Table, type TableRow } from '../../components/table.tsx';
import { Tag } from '../../components/tag.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { STAFF_PATHS, StaffLayout, type StaffPageProps } from './shared.tsx';

/** A mailbox the staff member can work from: their own, or a team's. */
export type StaffMailboxChoice = {
  id: string;
  email: string;
  name: string;
  own: boolean;
  /** True for the mailbox the session works in now. */
  current: boolean;
};

/**
 * The switcher: the staff member's own mailbox and every team mailbox they are on,
 * each with a real form (a POST with the CSRF token) to work from it. No script needed.
 */
export function StaffMailboxesPage(props: StaffPageProps & { choices: StaffMailboxChoice[] }) {
  const s = props.strings.staff.mailboxes;
  const teams = props.choices.filter((c) => !c.own);
  const rows: TableRow[] = props.choices.map((choice) => ({
    cells: [
      {
        header: true,
        class: 'govuk-!-text-break-word',
        text: (
          <>
            {choice.email}
            {choice.own ? <span class="govuk-body-s govuk-!-display-block">{s.own}</span> : null}
          </>
        ),
      },
      { text: choice.name, class: 'govuk-!-text-break-word' },
      {
        text: choice.current ? (
          <Tag text={s.current} colour="green" />
        ) : (
          <form
            method="post"
            action={linkKeepingLang(props, STAFF_PATHS.actAs)}
            class="govuk-!-margin-0"
          >
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="mailboxId" value={choice.id} />
            <Button variant="secondary" class="govuk-!-margin-bottom-0">
              {choice.own ? (
                s.backToOwn
              ) : (
                <>
                  {s.workFrom}
                  <span class="govuk-visually-hidden"> ({choice.email})</span>
                </>
              )}
            </Button>
          </form>
        ),
      },
    ],
  }));
  return (
    <StaffLayout {...props} title={s.title} nav="mailboxes">
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      {teams.length === 0 ? <p class="govuk-body">{s.none}</p> : null}
      <Table
        caption={s.caption}
        captionHidden
        head={[{ text: s.columns.mailbox }, { text: s.columns.name }, { text: s.columns.action }]}
        rows={rows}
      />
    </StaffLayout>
  );
}
