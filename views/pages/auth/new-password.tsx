import type { PasswordProblem } from '../../../core/accounts/password-policy.ts';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { PasswordInput } from '../../components/password-input.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { type AuthPageProps, EmailShown, PasswordAdvice, passwordErrors } from './shared.tsx';

/** Which form: registering from a message link, resetting, or a new staff member's first password. */
export type NewPasswordKind = 'register' | 'reset' | 'set-password';

/**
 * Choosing a password, for all three ways in. The address is shown, not editable (the
 * link was sent to it), the rules are shown before anything is typed, and a password
 * the policy refuses comes back with every problem in the summary and beside the field.
 */
export function NewPasswordPage(
  props: AuthPageProps & {
    kind: NewPasswordKind;
    email: string;
    /** Where the form posts: the link's own path. */
    action: string;
    problems?: readonly PasswordProblem[];
  },
) {
  const s = props.strings.auth[props.kind === 'set-password' ? 'setPassword' : props.kind];
  const errors = passwordErrors(props.strings, props.problems ?? []);
  return (
    <Layout {...props} account={null} title={s.title} hasErrors={errors.summary.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary strings={props.strings} errors={errors.summary} />
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.intro}</p>
          <EmailShown strings={props.strings} email={props.email} />
          <PasswordAdvice strings={props.strings} />
          <form method="post" action={linkKeepingLang(props, props.action)} novalidate>
            <CsrfField token={props.csrfToken} />
            {/* For password managers: the account this new password belongs to. */}
            <input type="hidden" name="username" value={props.email} autocomplete="username" />
            <PasswordInput
              strings={props.strings}
              name="password"
              label={props.strings.auth.newPassword.label}
              autocomplete="new-password"
              error={errors.field}
            />
            <Button>{s.button}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
