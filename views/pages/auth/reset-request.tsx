import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { AuthPageProps } from './shared.tsx';

/** "Forgotten your password?": asks for the address to send a reset link to. */
export function ResetRequestPage(
  props: AuthPageProps & { email: string; error?: string | undefined },
) {
  const s = props.strings.auth.reset;
  return (
    <Layout {...props} account={null} title={s.requestTitle} hasErrors={props.error !== undefined}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {props.error ? (
            <ErrorSummary strings={props.strings} errors={{ email: props.error }} />
          ) : null}
          <h1 class="govuk-heading-l">{s.requestTitle}</h1>
          <p class="govuk-body">{s.requestIntro}</p>
          <form method="post" action={linkKeepingLang(props, '/reset')} novalidate>
            <CsrfField token={props.csrfToken} />
            <TextInput
              strings={props.strings}
              name="email"
              type="email"
              label={props.strings.auth.email}
              value={props.email}
              autocomplete="email"
              spellcheck={false}
              width="30"
              error={props.error}
            />
            <Button>{s.requestButton}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/**
 * After a reset request: the same page whether or not the address has an account, so
 * the form cannot be used to find out who does.
 */
export function ResetSentPage(props: Omit<AuthPageProps, 'csrfToken'> & { email: string }) {
  const s = props.strings.auth.reset;
  return (
    <Layout {...props} account={null} title={s.sentTitle}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.sentTitle}</h1>
          <p class="govuk-body">{s.sent(props.email)}</p>
          <p class="govuk-body">{s.notArrived}</p>
          <p class="govuk-body">
            <a class="govuk-link" href={linkKeepingLang(props, '/sign-in')}>
              {props.strings.common.signIn}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
