import type { PasswordProblem } from '../../../core/accounts/password-policy.ts';
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

/** One of core's password problems in the reader's language. */
export function passwordProblemText(strings: Strings, problem: PasswordProblem): string {
  const p = strings.auth.passwordProblems;
  switch (problem.code) {
    case 'too-short':
      return p['too-short'](problem.min, problem.length);
    case 'too-long':
      return p['too-long'](problem.max);
    case 'contains-word':
      return p['contains-word'](problem.word);
    default:
      return p[problem.code];
  }
}

/** Field errors from a list of password problems: every problem in the summary, all beside the field. */
export function passwordErrors(
  strings: Strings,
  problems: readonly PasswordProblem[],
): {
  summary: Array<{ text: string; href: string }>;
  field: string | undefined;
} {
  const texts = problems.map((problem) => passwordProblemText(strings, problem));
  return {
    summary: texts.map((text) => ({ text, href: '#password' })),
    field: texts.length > 0 ? texts.join(' ') : undefined,
  };
}
