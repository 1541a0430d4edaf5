import { type ErrorItem, ErrorSummary } from '../components/error-summary.tsx';
import { NotificationBanner } from '../components/notification-banner.tsx';
import {
  type PasskeyFormErrors,
  PasskeyManager,
  type PasskeyRow,
  passkeyRemoveError,
} from '../components/passkeys.tsx';
import { Layout, linkKeepingLang } from '../layout.tsx';
import type { MailboxPageProps } from './mailbox/shared.tsx';
import { StaffLayout, type StaffPageProps } from './staff/shared.tsx';

/** What both versions of the passkeys page show. */
type PasskeysProps = {
  passkeys: PasskeyRow[];
  needsPassword: boolean;
  errors?: PasskeyFormErrors;
  typed?: string;
  /** Set after a change, from the query: what was just done. */
  done?: 'added' | 'renamed' | 'removed' | null;
};

function errorItems(props: PasskeysProps & { strings: MailboxPageProps['strings'] }): ErrorItem[] {
  const errors = props.errors ?? {};
  const items: ErrorItem[] = [];
  if (errors.rename) {
    items.push({ text: props.strings.passkeys.emptyName, href: `#rename-${errors.rename.id}` });
  }
  const remove = passkeyRemoveError(props.strings, errors);
  if (remove) {
    items.push({ text: remove, href: errors.remove === 'lastFactor' ? '#passkey' : '#password' });
  }
  return items;
}

function Body(
  props: PasskeysProps & {
    strings: MailboxPageProps['strings'];
    lang: MailboxPageProps['lang'];
    csrfToken: string;
    staff: boolean;
  },
) {
  const s = props.strings.passkeys;
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary strings={props.strings} errors={errorItems(props)} />
        {props.done ? (
          <NotificationBanner strings={props.strings} heading={s[props.done]} type="success" />
        ) : null}
        <h1 class="govuk-heading-l">{s.title}</h1>
        <PasskeyManager
          strings={props.strings}
          lang={props.lang}
          csrfToken={props.csrfToken}
          passkeys={props.passkeys}
          staff={props.staff}
          needsPassword={props.needsPassword}
          errors={props.errors ?? {}}
          typed={props.typed}
        />
      </div>
    </div>
  );
}

/** A recipient's passkeys, under their account page. */
export function RecipientPasskeysPage(props: MailboxPageProps & PasskeysProps) {
  const hasErrors = errorItems(props).length > 0;
  return (
    <Layout {...props} title={props.strings.passkeys.title} hasErrors={hasErrors}>
      <Body {...props} staff={false} />
      <p class="govuk-body">
        <a class="govuk-link" href={linkKeepingLang(props, '/account')}>
          {props.strings.mailbox.twoFactor.backToAccount}
        </a>
      </p>
    </Layout>
  );
}

/** A staff member's passkeys, beside their authenticator app in the staff menu. */
export function StaffPasskeysPage(props: StaffPageProps & PasskeysProps & { required: boolean }) {
  const hasErrors = errorItems(props).length > 0;
  return (
    <StaffLayout
      {...props}
      title={props.strings.passkeys.title}
      nav="twoFactor"
      menu={!props.required}
      hasErrors={hasErrors}
    >
      <Body {...props} staff />
    </StaffLayout>
  );
}
