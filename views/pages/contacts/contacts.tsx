import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Table } from '../../components/table.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { SignedInPageProps } from '../compose/shared.tsx';

/** A contact as the pages show it; `canWrite` when its address may be written to. */
export type ContactItem = {
  id: string;
  name: string;
  email: string;
  note: string;
  canWrite: boolean;
};

/** What the contact form holds (kept when it comes back with problems). */
export type ContactValues = { name: string; email: string; note: string };

/** Why the contacts page shows a banner. */
export type ContactsNotice = 'added' | 'saved' | 'deleted';

/** The address book: everyone in it, and a form to add someone. */
export function ContactsPage(
  props: SignedInPageProps & {
    contacts: ContactItem[];
    /** The add form's values and problems by field (`name`, `email`, `note`). */
    values: ContactValues;
    issues: Record<string, string>;
    notice?: ContactsNotice | null;
  },
) {
  const s = props.strings.compose.contacts;
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
        <a class="govuk-link" href={link('/contacts/groups')}>
          {s.groupsLink}
        </a>
      </p>
      {props.contacts.length === 0 ? (
        <p class="govuk-body">{s.none}</p>
      ) : (
        <Table
          caption={s.title}
          captionHidden
          head={[{ text: s.name }, { text: s.email }, { text: s.actions }]}
          rows={props.contacts.map((c) => ({
            cells: [
              { header: true, text: c.name, class: 'govuk-!-text-break-word' },
              { text: c.email, class: 'govuk-!-text-break-word' },
              {
                text: (
                  <ul class="govuk-list">
                    <li>
                      <a class="govuk-link" href={link(`/contacts/${encodeURIComponent(c.id)}`)}>
                        {s.change}
                        <span class="govuk-visually-hidden"> {s.changeHidden(c.name)}</span>
                      </a>
                    </li>
                    {c.canWrite ? (
                      <li>
                        <a
                          class="govuk-link"
                          href={link(`/compose?contact=${encodeURIComponent(c.id)}`)}
                        >
                          {s.write}
                          <span class="govuk-visually-hidden"> {s.writeHidden(c.name)}</span>
                        </a>
                      </li>
                    ) : null}
                  </ul>
                ),
              },
            ],
          }))}
        />
      )}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h2 class="govuk-heading-m">{s.addHeading}</h2>
          <form method="post" action={link('/contacts')} novalidate>
            <CsrfField token={props.csrfToken} />
            <ContactFields {...props} />
            <Button>{s.add}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The name, address and note fields, shared by the add and change forms. */
export function ContactFields(
  props: Pick<SignedInPageProps, 'strings'> & {
    values: ContactValues;
    issues: Record<string, string>;
  },
) {
  const s = props.strings.compose.contacts;
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
      <TextInput
        strings={props.strings}
        name="email"
        type="email"
        label={s.email}
        value={props.values.email}
        error={props.issues.email}
        autocomplete="off"
        spellcheck={false}
        width="30"
      />
      <Textarea
        strings={props.strings}
        name="note"
        label={s.note}
        hint={s.noteHint}
        value={props.values.note}
        error={props.issues.note}
        rows={3}
      />
    </>
  );
}
