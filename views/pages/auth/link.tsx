import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { AuthPageProps } from './shared.tsx';

/**
 * What a link in an email opens: a page with one button. Mail scanners fetch every
 * link they see; a GET here shows this page and nothing else, and only the person's
 * press of the button (a POST) goes on.
 */
export function LinkStartPage(props: AuthPageProps & { action: string }) {
  const s = props.strings.auth.link;
  return (
    <Layout {...props} account={null} title={s.title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.body}</p>
          <form method="post" action={linkKeepingLang(props, props.action)}>
            <CsrfField token={props.csrfToken} />
            <Button>{s.button}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/**
 * A link that is unknown, expired or already used: one page for all three, which says
 * what the person can do next. `kind` picks the wording: a message link leads to
 * sign-in, a password link to asking for a new one.
 */
export function LinkInvalidPage(
  props: Omit<AuthPageProps, 'csrfToken'> & { kind: 'message' | 'reset' | 'set-password' },
) {
  const s = props.strings.auth.link;
  return (
    <Layout {...props} account={null} title={s.invalidTitle}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.invalidTitle}</h1>
          {props.kind === 'message' ? (
            <>
              <p class="govuk-body">{s.invalidMessage}</p>
              <Button href={linkKeepingLang(props, '/sign-in')}>
                {props.strings.common.signIn}
              </Button>
            </>
          ) : props.kind === 'reset' ? (
            <>
              <p class="govuk-body">{s.invalidReset}</p>
              <Button href={linkKeepingLang(props, '/reset')}>{s.requestNew}</Button>
            </>
          ) : (
            <p class="govuk-body">{s.invalidSetPassword}</p>
          )}
        </div>
      </div>
    </Layout>
  );
}
