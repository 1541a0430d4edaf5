import { assetUrl } from '../assets.ts';
import { DEFAULT_LANG, hrefWithLang, type Lang, type Strings } from '../strings/index.ts';
import { Button } from './button.tsx';
import { CsrfField } from './csrf-field.tsx';
import { PasswordInput } from './password-input.tsx';
import { Radios } from './radios.tsx';
import { TextInput } from './text-input.tsx';

/** The paths of the passkey pages and endpoints (the same for staff and recipients). */
export const passkeyPaths = {
  page: '/account/passkeys',
  /** JSON: `{ step: 'options' }`, then `{ step: 'verify', response, name }`. */
  register: '/account/passkeys/register',
  rename: (id: string) => `/account/passkeys/${encodeURIComponent(id)}/rename`,
  remove: '/account/passkeys/remove',
  /** JSON: the second step of signing in, or signing in alone (when allowed). */
  signIn: '/sign-in/passkey',
};

/** One passkey as the list shows it. */
export type PasskeyRow = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null };

/** The sentence for a refused removal, or undefined. */
export function passkeyRemoveError(
  strings: Strings,
  errors: PasskeyFormErrors,
): string | undefined {
  if (!errors.remove) return undefined;
  return errors.remove === 'lastFactor'
    ? strings.passkeys.lastFactor
    : strings.staff.setup[errors.remove];
}

/** What went wrong with a form on the passkeys page, by field. */
export type PasskeyFormErrors = {
  /** The rename form of one passkey: its id and the problem. */
  rename?: { id: string; error: 'emptyName' } | undefined;
  remove?: 'missingPassword' | 'wrongPassword' | 'lastFactor' | undefined;
};

const dateFormats = new Map<Lang, Intl.DateTimeFormat>();
function formatDay(date: Date, lang: Lang): string {
  let format = dateFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'Europe/London',
    });
    dateFormats.set(lang, format);
  }
  return format.format(date);
}

/**
 * A button that runs a passkey ceremony through passkeys.js: rendered `hidden`, and
 * revealed by the script only where the browser has `PublicKeyCredential`, so nobody
 * sees a button that cannot work. The script reads everything from `data-*` (strict
 * CSP: no inline script), posts to `data-passkey-url` with the CSRF token, and follows
 * the redirect it is told; a failure shows the hidden message `data-passkey-error` names.
 */
export function PasskeyButton(props: {
  text: string;
  action: 'register' | 'authenticate';
  url: string;
  csrfToken: string;
  errorId: string;
  /** The id of the input whose value names a new passkey (registration). */
  nameInput?: string;
  variant?: 'primary' | 'secondary';
}) {
  return (
    <button
      type="button"
      class={`govuk-button${props.variant === 'secondary' ? ' govuk-button--secondary' : ''}`}
      data-module="govuk-button"
      hidden
      data-passkey-action={props.action}
      data-passkey-url={props.url}
      data-passkey-csrf={props.csrfToken}
      data-passkey-lib={assetUrl('webauthn.min.js')}
      data-passkey-error={props.errorId}
      data-passkey-name={props.nameInput}
    >
      {props.text}
    </button>
  );
}

/** The message a failed passkey ceremony shows (hidden until then; announced when shown). */
export function PasskeyError(props: { id: string; text: string }) {
  return (
    <p class="govuk-error-message" id={props.id} role="alert" hidden>
      {props.text}
    </p>
  );
}

/**
 * The body of the passkeys page: the list (name, added, last used, rename), adding
 * one (a name field that works without JavaScript and the script's button), and
 * removing one with the password typed again.
 */
export function PasskeyManager(props: {
  strings: Strings;
  lang: Lang;
  csrfToken: string;
  passkeys: PasskeyRow[];
  staff: boolean;
  needsPassword: boolean;
  errors: PasskeyFormErrors;
  /** The value typed into a rename form that came back (kept on error). */
  typed?: string;
}) {
  const s = props.strings.passkeys;
  const removeError = passkeyRemoveError(props.strings, props.errors);
  return (
    <>
      <p class="govuk-body">{s.intro}</p>
      <p class="govuk-body">{s.secondStep}</p>
      <p class="govuk-body">{props.staff ? s.recoveryStaff : s.recoveryRecipient}</p>
      {props.passkeys.length === 0 ? (
        <p class="govuk-body">{s.noneYet}</p>
      ) : (
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--m">{s.tableCaption}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                {s.nameHeading}
              </th>
              <th scope="col" class="govuk-table__header">
                {s.addedHeading}
              </th>
              <th scope="col" class="govuk-table__header">
                {s.lastUsedHeading}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {props.passkeys.map((p) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">
                  <form method="post" action={passkeyPaths.rename(p.id)} novalidate>
                    <CsrfField token={props.csrfToken} />
                    <TextInput
                      strings={props.strings}
                      name="name"
                      id={`rename-${p.id}`}
                      label={s.renameLabel(p.name)}
                      value={props.errors.rename?.id === p.id ? (props.typed ?? '') : p.name}
                      error={props.errors.rename?.id === p.id ? s.emptyName : undefined}
                      width="20"
                      spellcheck={false}
                    />
                    <Button variant="secondary">{s.renameButton}</Button>
                  </form>
                </td>
                <td class="govuk-table__cell">{formatDay(p.createdAt, props.lang)}</td>
                <td class="govuk-table__cell">
                  {p.lastUsedAt ? formatDay(p.lastUsedAt, props.lang) : s.neverUsed}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 class="govuk-heading-m">{s.addHeading}</h2>
      <p class="govuk-body" data-passkey-unsupported>
        {s.needsJavaScript}
      </p>
      <PasskeyError id="passkey-add-error" text={s.failed} />
      <TextInput
        strings={props.strings}
        name="passkey-name"
        label={s.nameLabel}
        hint={s.nameHint}
        width="20"
        spellcheck={false}
      />
      <PasskeyButton
        text={s.addButton}
        action="register"
        url={passkeyPaths.register}
        csrfToken={props.csrfToken}
        errorId="passkey-add-error"
        nameInput="passkey-name"
      />
      {props.passkeys.length === 0 ? null : (
        <>
          <h2 class="govuk-heading-m">{s.removeHeading}</h2>
          <form method="post" action={passkeyPaths.remove} novalidate>
            <CsrfField token={props.csrfToken} />
            <Radios
              strings={props.strings}
              name="passkey"
              legend={s.removeHeading}
              legendSize="s"
              value={props.passkeys[0]?.id}
              items={props.passkeys.map((p, i) => ({
                value: p.id,
                text: p.name,
                id: i === 0 ? 'passkey' : `passkey-${i + 1}`,
              }))}
              error={props.errors.remove === 'lastFactor' ? removeError : undefined}
            />
            {props.needsPassword ? (
              <PasswordInput
                strings={props.strings}
                name="password"
                label={props.strings.staff.setup.passwordLabel}
                hint={s.removePasswordHint}
                autocomplete="current-password"
                error={
                  props.errors.remove && props.errors.remove !== 'lastFactor'
                    ? removeError
                    : undefined
                }
              />
            ) : null}
            <Button variant="warning">{s.removeHeading}</Button>
          </form>
        </>
      )}
    </>
  );
}

/**
 * Where a passkey sign-in posts, carrying the page the person was going to and, for a
 * page in another language than English, that language (the answer's redirect keeps it).
 */
function signInUrl(next: string | null, lang: Lang | undefined): string {
  const url = next
    ? `${passkeyPaths.signIn}?next=${encodeURIComponent(next)}`
    : passkeyPaths.signIn;
  return lang && lang !== DEFAULT_LANG ? hrefWithLang(url, lang) : url;
}

/**
 * "Sign in with a passkey" on the sign-in page (only while passkeys may sign in on
 * their own): hidden as a whole until passkeys.js finds the browser supports them, so
 * without JavaScript the page is the password form alone.
 */
export function PasskeySignIn(props: {
  strings: Strings;
  csrfToken: string;
  next: string | null;
  lang?: Lang;
}) {
  const s = props.strings.passkeys;
  return (
    <div data-passkey-block hidden>
      <p class="govuk-body">{s.or}</p>
      <PasskeyError id="passkey-sign-in-error" text={s.failed} />
      <PasskeyButton
        text={s.signInButton}
        action="authenticate"
        url={signInUrl(props.next, props.lang)}
        csrfToken={props.csrfToken}
        errorId="passkey-sign-in-error"
        variant="secondary"
      />
    </div>
  );
}

/**
 * "Use a passkey" on the second step of signing in, for an account that has one. When
 * it has no authenticator app, a sentence (hidden once the script shows the button)
 * says passkeys need JavaScript, so nobody is left before a code form they cannot use.
 */
export function PasskeySecondStep(props: {
  strings: Strings;
  csrfToken: string;
  next: string | null;
  hasApp: boolean;
  lang?: Lang;
}) {
  const s = props.strings.passkeys;
  return (
    <>
      {props.hasApp ? null : (
        <p class="govuk-body" data-passkey-unsupported>
          {s.onlyPasskeyNoScript}
        </p>
      )}
      <PasskeyError id="passkey-second-step-error" text={s.failed} />
      <PasskeyButton
        text={s.useButton}
        action="authenticate"
        url={signInUrl(props.next, props.lang)}
        csrfToken={props.csrfToken}
        errorId="passkey-second-step-error"
        variant={props.hasApp ? 'secondary' : 'primary'}
      />
    </>
  );
}
