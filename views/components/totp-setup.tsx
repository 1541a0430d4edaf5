import { linkKeepingLang } from '../layout.tsx';
import type { Lang, Strings } from '../strings/index.ts';
import { Button } from './button.tsx';
import { CsrfField } from './csrf-field.tsx';
import { Details } from './details.tsx';
import { NotificationBanner } from './notification-banner.tsx';
import { PasswordInput } from './password-input.tsx';
import { QrCode } from './qr-code.tsx';
import { TextInput } from './text-input.tsx';
import { WarningText } from './warning-text.tsx';

/** What went wrong on the set-up form, as codes the strings name. */
export type TotpSetupErrors = {
  error?: 'wrongCode' | 'missing' | undefined;
  passwordError?: 'wrongPassword' | 'missingPassword' | undefined;
};

/** The error summary's entries for the set-up form (password first, as on the page). */
export function totpSetupErrorMessages(
  strings: Strings,
  props: TotpSetupErrors,
): Record<string, string> {
  const s = strings.staff.setup;
  const errors: Record<string, string> = {};
  if (props.passwordError) errors.password = s[props.passwordError];
  if (props.error) errors.code = s[props.error];
  return errors;
}

/**
 * The three steps of setting up an authenticator app, shared by staff and recipients:
 * get an app, scan the QR code (drawn on the server as SVG, with the same key as text
 * for typing in, so it works without JavaScript and without a camera), and confirm
 * with a code, after the password when `needsPassword`. The key travels in the form,
 * sealed with a MAC, and is stored only once confirmed.
 */
export function TotpSetupSteps(
  props: TotpSetupErrors & {
    strings: Strings;
    lang: Lang;
    carryLang?: boolean | undefined;
    csrfToken: string;
    /** Where the form posts. */
    action: string;
    /** The address the QR code is labelled with. */
    email: string;
    keyText: string;
    uri: string;
    token: string;
    needsPassword: boolean;
    /** Why the password is asked for, when the default (replacing an app) does not fit. */
    passwordHint?: string;
  },
) {
  const s = props.strings.staff.setup;
  const errors = totpSetupErrorMessages(props.strings, props);
  return (
    <>
      <h2 class="govuk-heading-m">{s.step1Heading}</h2>
      <p class="govuk-body">{s.step1}</p>
      <h2 class="govuk-heading-m">{s.step2Heading}</h2>
      <p class="govuk-body">{s.step2}</p>
      <p class="govuk-body">
        <QrCode data={props.uri} label={s.qrLabel(props.email)} />
      </p>
      <Details summary={s.manualSummary}>
        <p class="govuk-body">{s.manual}</p>
        <p class="govuk-body">
          {s.manualKeyLabel}:{' '}
          <strong class="govuk-!-text-break-word" data-testid="totp-key">
            {groupKey(props.keyText)}
          </strong>
        </p>
      </Details>
      <h2 class="govuk-heading-m">{s.step3Heading}</h2>
      <form method="post" action={linkKeepingLang(props, props.action)} novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="token" value={props.token} />
        {props.needsPassword ? (
          <PasswordInput
            strings={props.strings}
            name="password"
            label={s.passwordLabel}
            hint={props.passwordHint ?? s.passwordHint}
            autocomplete="current-password"
            error={errors.password}
          />
        ) : null}
        <TextInput
          strings={props.strings}
          name="code"
          label={s.codeLabel}
          hint={s.codeHint}
          autocomplete="one-time-code"
          inputmode="numeric"
          spellcheck={false}
          width="10"
          error={errors.code}
        />
        <Button>{s.button}</Button>
      </form>
    </>
  );
}

/** The ten recovery codes, shown once right after setting up, with how to keep them. */
export function RecoveryCodeList(props: { strings: Strings; codes: string[] }) {
  const s = props.strings.staff.recoveryCodes;
  return (
    <>
      <h2 class="govuk-heading-m">{s.heading}</h2>
      <WarningText strings={props.strings}>{s.warning}</WarningText>
      <p class="govuk-body">{s.use}</p>
      <ul class="govuk-list govuk-list--bullet" data-testid="recovery-codes">
        {props.codes.map((code) => (
          <li>
            <span class="govuk-!-font-weight-bold">{code}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** A key in groups of four characters, easier to copy by eye. */
function groupKey(key: string): string {
  return key.match(/.{1,4}/g)?.join(' ') ?? key;
}

/**
 * The notices above an app set-up form, the same for staff and recipients: the set-up
 * page had expired (a new key was made), few recovery codes are left, and the message
 * the person goes back to once it is set up (a "second factor required" message).
 */
export function TotpSetupBanners(props: {
  strings: Strings;
  expired?: boolean | undefined;
  codesLeft?: number | null | undefined;
  next?: string | null | undefined;
}) {
  return (
    <>
      {props.expired ? (
        <NotificationBanner strings={props.strings} heading={props.strings.staff.setup.expired} />
      ) : null}
      {props.codesLeft != null ? (
        <NotificationBanner
          strings={props.strings}
          heading={props.strings.staff.twoFactor.lowRecoveryCodes(props.codesLeft)}
        />
      ) : null}
      {props.next ? (
        <NotificationBanner
          strings={props.strings}
          heading={props.strings.mailbox.stepUp.setUpBanner}
        />
      ) : null}
    </>
  );
}
