import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Panel } from '../../components/panel.tsx';
import { PasswordInput } from '../../components/password-input.tsx';
import {
  RecoveryCodeList,
  TotpSetupBanners,
  type TotpSetupErrors,
  TotpSetupSteps,
  totpSetupErrorMessages,
} from '../../components/totp-setup.tsx';
import { WarningText } from '../../components/warning-text.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { MailboxPageProps } from './shared.tsx';

/** The paths of a recipient's own two-step verification pages (personal, never a mailbox's). */
export const accountTwoFactorPaths = {
  page: '/account/two-factor',
  /** The set-up page even when an app is set up already (a new phone). */
  replace: '/account/two-factor?replace=1',
  remove: '/account/two-factor/remove',
};

/**
 * A recipient's two-step verification while it is on: recovery codes left, setting up
 * a new app, and turning it off with the password typed again.
 */
export function RecipientTwoFactorPage(
  props: MailboxPageProps & {
    codesLeft: number;
    passwordError?: 'wrongPassword' | 'missingPassword' | undefined;
  },
) {
  const s = props.strings.mailbox.twoFactor;
  const passwordError = props.passwordError
    ? props.strings.staff.setup[props.passwordError]
    : undefined;
  const link = (href: string) => linkKeepingLang(props, href);
  return (
    <Layout {...props} title={s.title} hasErrors={passwordError !== undefined}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary
            strings={props.strings}
            errors={passwordError ? { password: passwordError } : {}}
          />
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.on}</p>
          <p class="govuk-body">{s.codesLeft(props.codesLeft)}</p>
          <h2 class="govuk-heading-m">{s.replaceHeading}</h2>
          <p class="govuk-body">{s.replaceBody}</p>
          <p class="govuk-body">
            <a class="govuk-link" href={link(accountTwoFactorPaths.replace)}>
              {s.replaceLink}
            </a>
          </p>
          <h2 class="govuk-heading-m">{s.removeHeading}</h2>
          <p class="govuk-body">{s.removeBody}</p>
          <form method="post" action={link(accountTwoFactorPaths.remove)} novalidate>
            <CsrfField token={props.csrfToken} />
            <PasswordInput
              strings={props.strings}
              name="password"
              label={props.strings.staff.setup.passwordLabel}
              hint={s.passwordHint}
              autocomplete="current-password"
              error={passwordError}
            />
            <Button variant="warning">{s.removeButton}</Button>
          </form>
          <p class="govuk-body">
            <a class="govuk-link" href={link('/account')}>
              {s.backToAccount}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

/**
 * Setting up an authenticator app, for a recipient who chooses to: the staff page's
 * three steps, always behind the password (recipients may stay signed in for days).
 */
export function RecipientTotpSetupPage(
  props: MailboxPageProps &
    TotpSetupErrors & {
      alreadyEnrolled: boolean;
      keyText: string;
      uri: string;
      token: string;
      expired?: boolean;
      /** Set right after signing in with a recovery code: how many are left. */
      codesLeft?: number | null;
      /** Set right after turning it off. */
      removed?: boolean;
      /** Where to go once it is set up (a message that asked for a second step), or null. */
      next?: string | null;
    },
) {
  const setup = props.strings.staff.setup;
  const s = props.strings.mailbox.twoFactor;
  const errors = totpSetupErrorMessages(props.strings, props);
  return (
    <Layout {...props} title={setup.title} hasErrors={Object.keys(errors).length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary strings={props.strings} errors={errors} />
          {props.removed ? (
            <NotificationBanner strings={props.strings} heading={s.removed} type="success" />
          ) : null}
          <TotpSetupBanners
            strings={props.strings}
            expired={props.expired}
            codesLeft={props.codesLeft}
            next={props.next}
          />
          <h1 class="govuk-heading-l">{setup.title}</h1>
          <p class="govuk-body">{setup.optionalIntro}</p>
          <p class="govuk-body">{s.optional}</p>
          {props.alreadyEnrolled ? (
            <WarningText strings={props.strings}>{setup.replaceWarning}</WarningText>
          ) : null}
          <TotpSetupSteps
            {...props}
            action={
              props.next
                ? `${accountTwoFactorPaths.page}?next=${encodeURIComponent(props.next)}`
                : accountTwoFactorPaths.page
            }
            email={props.account.email}
            needsPassword
            passwordHint={s.passwordHint}
          />
        </div>
      </div>
    </Layout>
  );
}

/** Shown once, right after setting up: the ten recovery codes. */
export function RecipientRecoveryCodesPage(
  props: MailboxPageProps & { codes: string[]; next?: string | null },
) {
  const s = props.strings.staff.recoveryCodes;
  return (
    <Layout {...props} title={s.title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <Panel title={s.title}>{s.intro}</Panel>
          <RecoveryCodeList strings={props.strings} codes={props.codes} />
          <Button href={linkKeepingLang(props, props.next ?? '/account')}>
            {props.next ? props.strings.mailbox.stepUp.continueToMessage : s.continue}
          </Button>
        </div>
      </div>
    </Layout>
  );
}
