import { Button } from '../../components/button.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Table } from '../../components/table.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { SignedInPageProps } from '../compose/shared.tsx';

/** A group as the list shows it. */
export type GroupItem = { id: string; name: string; count: number };

/** What the group form holds (kept when it comes back with problems). */
export type GroupValues = { name: string; memberIds: string[] };

/** Why the groups page shows a banner. */
export type GroupsNotice = 'created' | 'saved' | 'deleted';

/** The person's groups, and a form to create one from their contacts. */
export function GroupsPage(
  props: SignedInPageProps & {
    groups: GroupItem[];
    contacts: Array<{ id: string; name: string; email: string }>;
    values: GroupValues;
    /** Problems by field (`name`, `members`). */
    issues: Record<string, string>;
    notice?: GroupsNotice | null;
  },
) {
  const s = props.strings.compose.groups;
  const link = (path: string) => linkKeepingLang(props, path);
  const hasErrors = Object.keys(props.issues).length > 0;
  return (
    <Layout {...props} title={s.title} nav="contacts" hasErrors={hasErrors}>
      {hasErrors ? (
        <ErrorSummary strings={props.strings} errors={errorItems(props.issues)} />
      ) : null}
      {props.notice ? (
        <NotificationBanner
          type="success"
          strings={props.strings}
          heading={s.notices[props.notice]}
        />
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      <p class="govuk-body">
        <a class="govuk-link" href={link('/contacts')}>
          {props.strings.compose.contacts.backToContacts}
        </a>
      </p>
      {props.groups.length === 0 ? (
        <p class="govuk-body">{s.none}</p>
      ) : (
        <Table
          caption={s.title}
          captionHidden
          head={[{ text: s.name }, { text: s.members }, { text: s.actions }]}
          rows={props.groups.map((g) => ({
            cells: [
              { header: true, text: g.name, class: 'govuk-!-text-break-word' },
              { text: s.membersCount(g.count) },
              {
                text: (
                  <ul class="govuk-list">
                    <li>
                      <a
                        class="govuk-link"
                        href={link(`/contacts/groups/${encodeURIComponent(g.id)}`)}
                      >
                        {s.change}
                        <span class="govuk-visually-hidden"> {s.changeHidden(g.name)}</span>
                      </a>
                    </li>
                    <li>
                      <a
                        class="govuk-link"
                        href={link(`/compose?group=${encodeURIComponent(g.id)}`)}
                      >
                        {s.send}
                        <span class="govuk-visually-hidden"> {s.sendHidden(g.name)}</span>
                      </a>
                    </li>
                  </ul>
                ),
              },
            ],
          }))}
        />
      )}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h2 class="govuk-heading-m">{s.createHeading}</h2>
          {props.contacts.length === 0 ? (
            <p class="govuk-body">{s.noContacts}</p>
          ) : (
            <form method="post" action={link('/contacts/groups')} novalidate>
              <CsrfField token={props.csrfToken} />
              <GroupFields {...props} />
              <Button>{s.create}</Button>
            </form>
          )}
        </div>
      </div>
    </Layout>
  );
}

/** The name and member fields, shared by the create and change forms. */
export function GroupFields(
  props: Pick<SignedInPageProps, 'strings'> & {
    contacts: Array<{ id: string; name: string; email: string }>;
    values: GroupValues;
    issues: Record<string, string>;
  },
) {
  const s = props.strings.compose.groups;
  return (
    <>
      <TextInput
        strings={props.strings}
        name="name"
        label={s.name}
        value={props.values.name}
        error={props.issues.name}
        autocomplete="off"
        width="20"
      />
      <Checkboxes
        strings={props.strings}
        name="members"
        legend={s.chooseMembers}
        legendSize="s"
        small
        error={props.issues.members}
        values={props.values.memberIds}
        items={props.contacts.map((c) => ({ value: c.id, text: c.name, hint: c.email }))}
      />
    </>
  );
}
