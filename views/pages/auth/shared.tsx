import { InsetText } from '../../components/inset-text.tsx';
import type { LayoutProps } from '../../layout.tsx';
import type { Strings } from '../../strings/index.ts';

/** What every signed-out page gives the layout, plus the form's anti-CSRF token. */
export type AuthPageProps = Omit<
  LayoutProps,
  'title' | 'children' | 'nav' | 'hasErrors' | 'account' | 'csrfToken'
> & {
  /** The token for this page's form (see adapters/http/middleware/csrf.ts). */
  csrfToken: string;
};

/**
 * The password rules, shown before the person types (not only after a failure), as
 * GOV.UK and the NCSC advise: three random words make a long password easy to remember.
 */
export function PasswordAdvice(props: { strings: Strings }) {
  const s = props.strings.auth.newPassword;
  return (
    <>
      <h2 class="govuk-heading-s">{s.adviceHeading}</h2>
      <InsetText>
        <p class="govuk-body">{s.advice}</p>
        <p class="govuk-body">{s.example}</p>
      </InsetText>
    </>
  );
}

/** The address being set up, shown as text: it is not the person's to change here. */
export function EmailShown(props: { strings: Strings; email: string }) {
  return (
    <p class="govuk-body">
      {props.strings.auth.yourEmail} <strong class="govuk-!-text-break-word">{props.email}</strong>
    </p>
  );
}

/** Field errors from a list of password problems: every problem in the summary, all beside the field. */
export function passwordErrors(problems: readonly string[]): {
  summary: Array<{ text: string; href: string }>;
  field: string | undefined;
} {
  return {
    summary: problems.map((text) => ({ text, href: '#password' })),
    field: problems.length > 0 ? problems.join(' ') : undefined,
  };
}
