import { BackLink } from '../../components/back-link.tsx';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { SignedInPageProps } from '../compose/shared.tsx';
import { GroupFields, type GroupValues } from './groups.tsx';

/** One group: rename it, change who is in it, write to it, or delete it. */
export function GroupPage(
  props: SignedInPageProps & {
    groupId: string;
    /** The name as stored, for the heading (the form may hold a changed one). */
    storedName: string;
    contacts: Array<{ id: string; name: string; email: string }>;
    values: GroupValues;
    issues: Record<string, string>;
  },
) {
  const s = props.strings.compose.groups;
  const link = (path: string) => linkKeepingLang(props, path);
  const base = `/contacts/groups/${encodeURIComponent(props.groupId)}`;
  const hasErrors = Object.keys(props.issues).length > 0;
  const title = s.editTitle(props.storedName);
  return (
    <Layout
      {...props}
      title={title}
      nav="contacts"
      hasErrors={hasErrors}
      beforeContent={
        <BackLink strings={props.strings} href={link('/contacts/groups')} text={s.backToGroups} />
      }
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {hasErrors ? (
            <ErrorSummary strings={props.strings} errors={errorItems(props.issues)} />
          ) : null}
          <h1 class="govuk-heading-l govuk-!-text-break-word">{title}</h1>
          <p class="govuk-body">
            <a
              class="govuk-link"
              href={link(`/compose?group=${encodeURIComponent(props.groupId)}`)}
            >
              {s.writeTo}
            </a>
          </p>
          <form method="post" action={link(base)} novalidate>
            <CsrfField token={props.csrfToken} />
            <GroupFields
              strings={props.strings}
              contacts={props.contacts}
              values={props.values}
              issues={props.issues}
            />
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
