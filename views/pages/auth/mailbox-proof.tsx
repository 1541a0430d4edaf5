import type { LinkRequestProblem } from '../../../core/access/link-requests.ts';
import type { PasswordProblem } from '../../../core/accounts/password-policy.ts';
import type { CodeProblem } from '../../../core/auth/email-codes.ts';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { PasswordInput } from '../../components/password-input.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { Strings } from '../../strings/index.ts';
import { type AuthPageProps, EmailShown, PasswordAdvice, passwordErrors } from './shared.tsx';

/** A form's target with the anti-CSRF token for that path (signed-out tokens are per path). */
export type FormTarget = { action: string; csrfToken: string };

/** The problems a typed code can have (core's codes, worded by the strings). */
export type CodeProblemCode = CodeProblem | TooManyTries;

/** Refused before the code was even looked at: too many tries from one connection. */
export type TooManyTries = 'too-many-tries';

/** The field for the emailed code, the same on every form that asks for one. */
function CodeInput(props: { strings: Strings; value: string; error: string | undefined }) {
  const s = props.strings.auth.proof;
  return (
    <TextInput
      strings={props.strings}
      name="code"
      label={s.codeLabel}
      hint={s.codeHint}
      value={props.value}
      inputmode="numeric"
      autocomplete="one-time-code"
      spellcheck={false}
      width="10"
      error={props.error}
    />
  );
}

/** Who to contact when people given a link may not ask for access themselves. */
export type SenderContact = { name: string; email: string };

/**
 * The section for someone who holds a link that was not sent to them: ask the sender
 * (when the council allows it), or whom to contact instead.
 */
export function NotForYou(props: {
  strings: Strings;
  askHref: string | null;
  contact: SenderContact | null;
}) {
  const s = props.strings.auth.proof;
  if (!props.askHref && !props.contact) return null;
  return (
    <>
      <h2 class="govuk-heading-m">{s.notYouHeading}</h2>
      {props.askHref ? (
        <>
          <p class="govuk-body">{s.notYouBody}</p>
          <p class="govuk-body">
            <a class="govuk-link" href={props.askHref}>
              {s.askLink}
            </a>
          </p>
        </>
      ) : props.contact ? (
        <p class="govuk-body">
          {props.contact.email
            ? s.notYouContact(props.contact.name, props.contact.email)
            : s.notYouContactName(props.contact.name)}
        </p>
      ) : null}
    </>
  );
}

/**
 * The first page of a link for an address without a password: who it was sent to, why
 * a code is emailed before a password can be chosen, a button that sends it, and the
 * way out for someone it was forwarded to.
 */
export function RegisterStartPage(
  props: Omit<AuthPageProps, 'csrfToken'> & {
    email: string;
    sendCode: FormTarget;
    askHref: string | null;
    contact: SenderContact | null;
    /** Set when the address has been sent the most codes an hour allows. */
    tooManyCodes?: boolean;
  },
) {
  const s = props.strings.auth.proof;
  const errors = props.tooManyCodes ? [{ text: s.tooManyCodes, href: '#main-content' }] : [];
  return (
    <Layout {...props} account={null} title={s.startTitle} hasErrors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary strings={props.strings} errors={errors} />
          <h1 class="govuk-heading-l">{s.startTitle}</h1>
          <p class="govuk-body">
            {s.sentTo} <strong class="govuk-!-text-break-word">{props.email}</strong>
          </p>
          <p class="govuk-body">{s.why}</p>
          <form method="post" action={linkKeepingLang(props, props.sendCode.action)}>
            <CsrfField token={props.sendCode.csrfToken} />
            <Button>{s.sendCode}</Button>
          </form>
          <NotForYou strings={props.strings} askHref={props.askHref} contact={props.contact} />
        </div>
      </div>
    </Layout>
  );
}

/**
 * Creating a password with the emailed code: the code and the password on one form,
 * every problem at once, the typed code kept when the form comes back; a second form
 * sends a new code.
 */
export function RegisterWithCodePage(
  props: Omit<AuthPageProps, 'csrfToken'> & {
    email: string;
    register: FormTarget;
    resend: FormTarget;
    code: string;
    codeProblem: CodeProblemCode | null;
    passwordProblems: readonly PasswordProblem[];
    /** True right after a code was sent: says where to find it. */
    codeSent: boolean;
  },
) {
  const s = props.strings.auth.proof;
  const codeError = props.codeProblem ? s.codeProblems[props.codeProblem] : undefined;
  const passwordProblems = passwordErrors(props.strings, props.passwordProblems);
  const passwordError = passwordProblems.field;
  const summary = [
    ...(codeError ? [{ text: codeError, href: '#code' }] : []),
    ...passwordProblems.summary,
  ];
  const r = props.strings.auth.register;
  return (
    <Layout {...props} account={null} title={r.title} hasErrors={summary.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary strings={props.strings} errors={summary} />
          {props.codeSent ? (
            <NotificationBanner
              type="success"
              strings={props.strings}
              heading={s.codeSent(props.email)}
            />
          ) : null}
          <h1 class="govuk-heading-l">{r.title}</h1>
          <p class="govuk-body">{r.intro}</p>
          <EmailShown strings={props.strings} email={props.email} />
          <InsetText>{s.codeWhy}</InsetText>
          <PasswordAdvice strings={props.strings} />
          <form method="post" action={linkKeepingLang(props, props.register.action)} novalidate>
            <CsrfField token={props.register.csrfToken} />
            <input type="hidden" name="username" value={props.email} autocomplete="username" />
            <CodeInput strings={props.strings} value={props.code} error={codeError} />
            <PasswordInput
              strings={props.strings}
              name="password"
              label={props.strings.auth.newPassword.label}
              autocomplete="new-password"
              error={passwordError}
            />
            <Button>{r.button}</Button>
          </form>
          <h2 class="govuk-heading-s">{s.noCodeHeading}</h2>
          <p class="govuk-body">{s.noCode}</p>
          <form method="post" action={linkKeepingLang(props, props.resend.action)}>
            <CsrfField token={props.resend.csrfToken} />
            <Button variant="secondary">{s.resend}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The problems of the "ask the sender" forms (core's codes, worded by the strings). */
export type AskProblemCode = LinkRequestProblem | TooManyTries;

/** Which field each problem belongs to (for the error summary's links). */
const ASK_FIELD: Record<AskProblemCode, 'email' | 'reason' | 'code'> = {
  'email-missing': 'email',
  'email-invalid': 'email',
  'own-address': 'email',
  'too-many-codes': 'email',
  'rate-limited': 'email',
  'reason-too-long': 'reason',
  'code-missing': 'code',
  'code-wrong': 'code',
  'code-expired': 'code',
  'too-many-tries': 'code',
};

/**
 * "This message was sent to someone else": the person gives their own address and,
 * if they like, why they need it. Step one emails them a code (`step: 'email'`); step
 * two (`step: 'code'`) takes the code and sends the request to the sender. Everything
 * typed comes back with every problem when a form is refused.
 */
export function AskAccessPage(
  props: Omit<AuthPageProps, 'csrfToken'> & {
    step: 'email' | 'code';
    senderName: string;
    email: string;
    reason: string;
    code: string;
    problems: readonly AskProblemCode[];
    submit: FormTarget;
    /** Step two: a form that starts again with another address or a new code. */
    resend?: FormTarget;
    maxReason: number;
  },
) {
  const s = props.strings.auth.proof.ask;
  const fieldError = (field: 'email' | 'reason' | 'code') => {
    const texts = props.problems.filter((p) => ASK_FIELD[p] === field).map((p) => s.problems[p]);
    return texts.length > 0 ? texts.join(' ') : undefined;
  };
  const summary = props.problems.map((p) => ({ text: s.problems[p], href: `#${ASK_FIELD[p]}` }));
  return (
    <Layout {...props} account={null} title={s.title} hasErrors={summary.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary strings={props.strings} errors={summary} />
          {props.step === 'code' && summary.length === 0 ? (
            <NotificationBanner
              type="success"
              strings={props.strings}
              heading={props.strings.auth.proof.codeSent(props.email)}
            />
          ) : null}
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.intro(props.senderName)}</p>
          <p class="govuk-body">{s.codeWhy}</p>
          <form method="post" action={linkKeepingLang(props, props.submit.action)} novalidate>
            <CsrfField token={props.submit.csrfToken} />
            {props.step === 'email' ? (
              <TextInput
                strings={props.strings}
                name="email"
                type="email"
                label={s.email}
                hint={s.emailHint}
                value={props.email}
                autocomplete="email"
                spellcheck={false}
                width="30"
                error={fieldError('email')}
              />
            ) : (
              <>
                <input type="hidden" name="email" value={props.email} />
                <EmailShown strings={props.strings} email={props.email} />
                <CodeInput
                  strings={props.strings}
                  value={props.code}
                  error={fieldError('code') ?? fieldError('email')}
                />
              </>
            )}
            <Textarea
              strings={props.strings}
              name="reason"
              label={s.reason}
              hint={s.reasonHint}
              value={props.reason}
              rows={4}
              maxLength={props.maxReason}
              error={fieldError('reason')}
            />
            <Button>{props.step === 'email' ? s.sendCode : s.send}</Button>
          </form>
          {props.step === 'code' && props.resend ? (
            <form method="post" action={linkKeepingLang(props, props.resend.action)}>
              <CsrfField token={props.resend.csrfToken} />
              <input type="hidden" name="email" value={props.email} />
              <input type="hidden" name="reason" value={props.reason} />
              <Button variant="secondary">{props.strings.auth.proof.resend}</Button>
            </form>
          ) : null}
        </div>
      </div>
    </Layout>
  );
}

/** Where a request from a link stands after it was made (or merged into an earlier one). */
export function AskDonePage(
  props: Omit<AuthPageProps, 'csrfToken'> & {
    status: 'pending' | 'granted' | 'denied';
    merged: boolean;
    senderName: string;
  },
) {
  const s = props.strings.auth.proof.ask;
  const body =
    props.status === 'pending'
      ? props.merged
        ? s.alreadyAsked(props.senderName)
        : s.asked(props.senderName)
      : props.status === 'granted'
        ? s.alreadyGranted
        : s.alreadyDenied(props.senderName);
  return (
    <Layout {...props} account={null} title={s.doneTitle}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.doneTitle}</h1>
          <p class="govuk-body">{body}</p>
        </div>
      </div>
    </Layout>
  );
}

/** When the council does not let people given a link ask: whom to contact instead. */
export function AskOffPage(props: Omit<AuthPageProps, 'csrfToken'> & { contact: SenderContact }) {
  const s = props.strings.auth.proof;
  return (
    <Layout {...props} account={null} title={s.ask.title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.ask.title}</h1>
          <p class="govuk-body">
            {props.contact.email
              ? s.notYouContact(props.contact.name, props.contact.email)
              : s.notYouContactName(props.contact.name)}
          </p>
        </div>
      </div>
    </Layout>
  );
}
