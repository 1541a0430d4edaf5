import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { Panel } from '../../components/panel.tsx';
import { PasskeySecondStep, passkeyPaths } from '../../components/passkeys.tsx';
import { TextInput } from '../../components/text-input.tsx';
import {
  RecoveryCodeList,
  TotpSetupBanners,
  type TotpSetupErrors,
  TotpSetupSteps,
  totpSetupErrorMessages,
} from '../../components/totp-setup.tsx';
import { WarningText } from '../../components/warning-text.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { AuthPageProps } from '../auth/shared.tsx';
import { STAFF_PATHS, StaffLayout, type StaffPageProps } from './shared.tsx';

/**
 * The second step of signing in: the code from the authenticator app, or a recovery
 * code. The person is not signed in yet, so the page has no menu; the only other way
 * out is signing out (which ends the half-finished session).
 */
export function TwoFactorPage(
  props: AuthPageProps & {
    next: string | null;
    error?: 'failed' | 'missing' | undefined;
    /**
     * Set when the account has passkeys: "Use a passkey" is offered (shown by the
     * script), and the code form only when it has an authenticator app too.
     */
    passkey?: { hasApp: boolean } | null;
  },
) {
  const s = props.strings.staff.twoFactor;
  const error = props.error ? s[props.error] : undefined;
  const codeForm = !props.passkey || props.passkey.hasApp;
  // The heading names what the account can use: an app, passkeys, or either.
  const title = !props.passkey ? s.title : props.passkey.hasApp ? s.titleBoth : s.titlePasskey;
  const passkeyIntro = props.passkey ? (props.passkey.hasApp ? s.introBoth : s.introPasskey) : null;
  return (
    <Layout {...props} account={null} title={title} hasErrors={error !== undefined}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {error ? <ErrorSummary strings={props.strings} errors={{ code: error }} /> : null}
          <h1 class="govuk-heading-l">{title}</h1>
          {passkeyIntro ? <p class="govuk-body">{passkeyIntro}</p> : null}
          {props.passkey ? (
            <PasskeySecondStep
              strings={props.strings}
              csrfToken={props.csrfToken}
              next={props.next}
              hasApp={props.passkey.hasApp}
              lang={props.lang}
            />
          ) : null}
          {codeForm ? <p class="govuk-body">{s.intro}</p> : null}
          {codeForm ? (
            <form method="post" action={linkKeepingLang(props, STAFF_PATHS.signIn2fa)} novalidate>
              <CsrfField token={props.csrfToken} />
              {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
              <TextInput
                strings={props.strings}
                name="code"
                label={s.codeLabel}
                hint={s.codeHint}
                autocomplete="one-time-code"
                spellcheck={false}
                width="20"
                error={error}
              />
              <Button>{s.button}</Button>
            </form>
          ) : null}
          <form method="post" action={linkKeepingLang(props, STAFF_PATHS.signOut)}>
            <CsrfField token={props.csrfToken} />
            <Button variant="secondary">{s.signOut}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Too many wrong codes: the half-finished sign-in has ended; start again. */
export function TwoFactorEndedPage(
  props: Omit<AuthPageProps, 'csrfToken'> & {
    /** What was guessed too often: codes (the default) or the password. */
    guessed?: 'codes' | 'password';
  },
) {
  const s = props.strings.staff.twoFactor;
  const why = props.guessed === 'password' ? s.tooManyPasswords : s.tooMany;
  return (
    <Layout {...props} account={null} title={s.title} hasErrors>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary strings={props.strings} errors={[{ text: why }]} />
          <h1 class="govuk-heading-l">{s.title}</h1>
          <Button href={linkKeepingLang(props, '/sign-in')}>{props.strings.common.signIn}</Button>
        </div>
      </div>
    </Layout>
  );
}

/**
 * Setting up an authenticator app: the QR code (drawn on the server as SVG), the same
 * key as text for typing in, and the code that proves the app has it. The key travels
 * in the form (sealed with a MAC) and is stored only once confirmed.
 */
export function TotpSetupPage(
  props: StaffPageProps &
    TotpSetupErrors & {
      required: boolean;
      alreadyEnrolled: boolean;
      keyText: string;
      uri: string;
      token: string;
      expired?: boolean;
      /** Set right after signing in with a recovery code: how many are left. */
      codesLeft?: number | null;
      /** A safe local path to go on to once set up (a message that asked for it). */
      next?: string | null;
    },
) {
  const s = props.strings.staff.setup;
  const errors = totpSetupErrorMessages(props.strings, props);
  return (
    <StaffLayout
      {...props}
      title={s.title}
      nav="twoFactor"
      menu={!props.required}
      hasErrors={Object.keys(errors).length > 0}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary strings={props.strings} errors={errors} />
          <TotpSetupBanners
            strings={props.strings}
            expired={props.expired}
            codesLeft={props.codesLeft}
            next={props.next}
          />
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">
            {props.required
              ? props.viewer.role === 'admin'
                ? s.requiredIntro
                : s.requiredIntroStaff
              : s.optionalIntro}
          </p>
          {props.alreadyEnrolled ? (
            <WarningText strings={props.strings}>{s.replaceWarning}</WarningText>
          ) : null}
          <p class="govuk-body">
            {props.strings.passkeys.accountBody}{' '}
            <a class="govuk-link" href={linkKeepingLang(props, passkeyPaths.page)}>
              {props.strings.passkeys.manageLink}
            </a>
          </p>
          <TotpSetupSteps
            {...props}
            action={
              props.next
                ? `${STAFF_PATHS.twoFactor}?next=${encodeURIComponent(props.next)}`
                : STAFF_PATHS.twoFactor
            }
            email={props.viewer.email}
            needsPassword={props.alreadyEnrolled}
          />
        </div>
      </div>
    </StaffLayout>
  );
}

/** Shown once, right after setting up: the ten recovery codes. */
export function RecoveryCodesPage(
  props: StaffPageProps & { codes: string[]; next?: string | null },
) {
  const s = props.strings.staff.recoveryCodes;
  return (
    <StaffLayout {...props} title={s.title} nav="twoFactor">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <Panel title={s.title}>{s.intro}</Panel>
          <RecoveryCodeList strings={props.strings} codes={props.codes} />
          <Button href={linkKeepingLang(props, props.next ?? STAFF_PATHS.home)}>
            {props.next ? props.strings.mailbox.stepUp.continueToMessage : s.continue}
          </Button>
        </div>
      </div>
    </StaffLayout>
  );
}
