import { Button } from '../../components/button.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { PasskeySignIn } from '../../components/passkeys.tsx';
import { PasswordInput } from '../../components/password-input.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { NotForYou, type SenderContact } from './mailbox-proof.tsx';
import type { AuthPageProps } from './shared.tsx';

/** Why the sign-in page is shown with a message above the form. */
export type SignInNotice =
  | 'signed-out'
  | 'signed-out-everywhere'
  | 'password-changed'
  /** A recheck at the council's provider ended the session (single sign-on). */
  | 'sso-ended';

/** The fields a sign-in form was sent without; each is asked for by name. */
export type SignInMissing = { email: boolean; password: boolean };

/**
 * The sign-in form. A field left empty is asked for on its own (GOV.UK pattern), before
 * anything is checked. On failure it says one thing for every reason (wrong password,
 * unknown address, locked account), so it never tells anyone whether an account
 * exists; the typed address is kept, the password never is.
 */
export function SignInPage(
  props: AuthPageProps & {
    email: string;
    /** Where to go after signing in (already checked to be a local path). */
    next: string | null;
    failed?: boolean;
    /** Fields sent empty: each gets its own message, linked from the summary. */
    missing?: SignInMissing | null;
    /** Minutes to wait when this connection made too many attempts. */
    waitMinutes?: number | null;
    rememberMe?: boolean;
    rememberMeDays: number;
    notice?: SignInNotice | null;
    /**
     * Set when the person came from a message's link: the way for someone it was passed
     * on to (ask the sender, or whom to contact).
     */
    notForYou?: { askHref: string | null; contact: SenderContact | null } | null;
    /** The message link the person came from, carried through the form (see `notForYou`). */
    link?: string | null;
    /**
     * Set when single sign-on is configured: the provider's name for the button that
     * comes first, under a "Council staff" heading so a recipient is not confused.
     */
    sso?: { providerName: string } | null;
    /**
     * Set when passkeys may sign in on their own (`passkeySignIn: passwordless`): the
     * signed-out CSRF token for the passkey endpoint. The button shows only where the
     * browser supports passkeys (passkeys.js reveals it).
     */
    passkey?: { csrfToken: string } | null;
  },
) {
  const s = props.strings.auth.signIn;
  const error = props.waitMinutes
    ? s.tooMany(props.waitMinutes)
    : props.failed
      ? s.failed
      : undefined;
  const emailError = error ?? (props.missing?.email ? s.emailMissing : undefined);
  const passwordError = !error && props.missing?.password ? s.passwordMissing : undefined;
  const summary = [
    ...(emailError ? [{ text: emailError, href: '#email' }] : []),
    ...(passwordError ? [{ text: passwordError, href: '#password' }] : []),
  ];
  return (
    <Layout {...props} account={null} title={s.title} hasErrors={summary.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {summary.length > 0 ? <ErrorSummary strings={props.strings} errors={summary} /> : null}
          {props.notice ? (
            <NotificationBanner
              type="success"
              strings={props.strings}
              heading={s.notices[props.notice]}
            />
          ) : null}
          <h1 class="govuk-heading-l">{s.title}</h1>
          {props.sso ? <SsoStart {...props} providerName={props.sso.providerName} /> : null}
          <p class="govuk-body">{s.intro}</p>
          <form method="post" action={linkKeepingLang(props, '/sign-in')} novalidate>
            <CsrfField token={props.csrfToken} />
            {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
            {props.link ? <input type="hidden" name="link" value={props.link} /> : null}
            <TextInput
              strings={props.strings}
              name="email"
              type="email"
              label={props.strings.auth.email}
              value={props.email}
              autocomplete="email"
              spellcheck={false}
              width="30"
              error={emailError}
            />
            <PasswordInput
              strings={props.strings}
              name="password"
              label={props.strings.auth.password}
              autocomplete="current-password"
              error={passwordError}
            />
            <Checkboxes
              strings={props.strings}
              name="remember"
              small
              values={props.rememberMe ? ['yes'] : []}
              items={[
                {
                  value: 'yes',
                  text: s.rememberMe(props.rememberMeDays),
                  hint: s.rememberMeHint,
                },
              ]}
            />
            <Button>{s.button}</Button>
          </form>
          {props.passkey ? (
            <PasskeySignIn
              strings={props.strings}
              csrfToken={props.passkey.csrfToken}
              next={props.next}
              lang={props.lang}
            />
          ) : null}
          <p class="govuk-body">
            <a class="govuk-link" href={linkKeepingLang(props, '/reset')}>
              {s.forgotten}
            </a>
          </p>
          {props.notForYou ? (
            <NotForYou strings={props.strings} {...props.notForYou} />
          ) : (
            <>
              <h2 class="govuk-heading-m">{s.firstTimeHeading}</h2>
              <p class="govuk-body">{s.firstTime}</p>
            </>
          )}
        </div>
      </div>
    </Layout>
  );
}

/**
 * The council staff's way in through their provider: a plain link styled as a button
 * (a GET that starts the sign-in; nothing changes until the provider answers), so it
 * works with JavaScript off. Shown above the password form, which follows under its
 * own heading for everyone else.
 */
function SsoStart(props: AuthPageProps & { providerName: string }) {
  const s = props.strings.sso;
  // The link leaves for the provider's site: a full navigation, never an htmx request.
  return (
    <>
      <h2 class="govuk-heading-m">{s.staffHeading}</h2>
      <p class="govuk-body">{s.staffHint}</p>
      <a
        href={linkKeepingLang(props, '/sign-in/sso')}
        draggable="false"
        class="govuk-button"
        id="sso-start"
        hx-boost="false"
      >
        {s.button(props.providerName)}
      </a>
      <h2 class="govuk-heading-m">{s.othersHeading}</h2>
      <p class="govuk-body">{s.othersHint}</p>
    </>
  );
}
