import { BackLink } from '../../components/back-link.tsx';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { SignedInPageProps } from '../compose/shared.tsx';
import { ContactFields, type ContactValues } from './contacts.tsx';

/** One contact: change their details, write to them, or delete them. */
export function ContactPage(
  props: SignedInPageProps & {
    contactId: string;
    /** The name as stored, for the heading (the form may hold a changed one). */
    storedName: string;
    canWrite: boolean;
    values: ContactValues;
    issues: Record<string, string>;
  },
) {
  const s = props.strings.compose.contacts;
  const link = (path: string) => linkKeepingLang(props, path);
  const base = `/contacts/${encodeURIComponent(props.contactId)}`;
  const hasErrors = Object.keys(props.issues).length > 0;
  const title = s.editTitle(props.storedName);
  return (
    <Layout
      {...props}
      title={title}
      nav="contacts"
      hasErrors={hasErrors}
      beforeContent={
        <BackLink strings={props.strings} href={link('/contacts')} text={s.backToContacts} />
      }
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {hasErrors ? (
            <ErrorSummary strings={props.strings} errors={errorItems(props.issues)} />
          ) : null}
          <h1 class="govuk-heading-l govuk-!-text-break-word">{title}</h1>
          {props.canWrite ? (
            <p class="govuk-body">
              <a
                class="govuk-link"
                href={link(`/compose?contact=${encodeURIComponent(props.contactId)}`)}
              >
                {s.writeTo}
              </a>
            </p>
          ) : (
            <p class="govuk-body">{s.outsideNote}</p>
          )}
          <form method="post" action={link(base)} novalidate>
            <CsrfField token={props.csrfToken} />
            <ContactFields strings={props.strings} values={props.values} issues={props.issues} />
            <Button>{s.save}</Button>
          </form>
          <form method="post" action={link(`${base}/delete`)}>
            <CsrfField token={props.csrfToken} />
            <p class="govuk-body">{s.deleteHint}</p>
            <Button variant="warning">{s.delete}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
