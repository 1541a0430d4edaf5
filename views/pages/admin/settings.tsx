import { Button } from '../../components/button.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Radios } from '../../components/radios.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { ADMIN_PATHS, AdminLayout, type AdminPageProps } from './shared.tsx';

/** The settings form as typed: text, kept as it was when the form comes back with errors. */
export type SettingsForm = {
  orgName: string;
  orgColour: string;
  /** One domain a line. */
  internalDomains: string;
  allowSubdomains: boolean;
  maxAttachments: string;
  maxTotalMb: string;
  accessDays: string;
  extensionDays: string;
  retentionDays: string;
  unretrievedNoticeDays: string;
  unretrievedAction: string;
  lockoutMaxFailures: string;
  lockoutWindowMinutes: string;
  lockoutMinutes: string;
  /** One keyword a line. */
  subjectKeywords: string;
  forwardOutside: string;
  maxRecipients: string;
  forwardsPerHour: string;
  linkAccessRequests: boolean;
  sharedMailboxes: boolean;
  /** `all-staff` or `admins`: who on the staff must have a second factor. */
  staffSecondFactor: string;
  /** `second-factor` or `passwordless`: what a passkey may do. */
  passkeySignIn: string;
  /** `on` or `break-glass`: who may still sign in with a password once single sign-on works. */
  staffPasswords: string;
  /** `en`, `cy` or `bilingual`: the language of emails to people who have not chosen one. */
  emailLanguage: string;
};

/**
 * The fields whose value was saved on this page, each with the configured value (from
 * the environment, or the default) that "Use the configured value" brings back.
 */
export type SettingSources = Partial<
  Record<keyof SettingsForm, { configured: string | boolean; key: string }>
>;

/** The fields of `SettingsForm` that hold a whole number. */
export const NUMBER_FIELDS = [
  'maxAttachments',
  'maxTotalMb',
  'accessDays',
  'extensionDays',
  'retentionDays',
  'unretrievedNoticeDays',
  'lockoutMaxFailures',
  'lockoutWindowMinutes',
  'lockoutMinutes',
  'maxRecipients',
  'forwardsPerHour',
] as const;

/**
 * The settings an admin may change while the portal runs, grouped as a council would
 * look for them. Every field is in the error summary's order, so its links go down the
 * page; problems show beside their fields, with what was typed kept.
 */
export function SettingsPage(
  props: AdminPageProps & {
    values: SettingsForm;
    errors?: Record<string, string>;
    notice?: 'saved' | 'unchanged' | 'reset' | null;
    sources?: SettingSources;
  },
) {
  const s = props.strings.admin.settings;
  const v = props.values;
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const text = (
    name: keyof SettingsForm & string,
    label: string,
    extra: { hint?: string; width?: '2' | '3' | '4' | '5' | '10' | '20' | '30' } = {},
  ) => (
    <>
      <TextInput
        name={name}
        label={label}
        value={String(v[name])}
        error={errors[name]}
        strings={props.strings}
        {...(extra.hint ? { hint: extra.hint } : {})}
        width={extra.width ?? '4'}
        {...((NUMBER_FIELDS as readonly string[]).includes(name)
          ? { inputmode: 'numeric' as const, spellcheck: false }
          : {})}
      />
      {source(name)}
    </>
  );
  /**
   * Under a field whose value was saved here: where it comes from, and a button of this
   * form (`formaction`) that goes back to the configured value. Works without script.
   */
  const source = (name: keyof SettingsForm) => {
    const saved = props.sources?.[name];
    if (!saved) return null;
    const configured =
      typeof saved.configured === 'boolean'
        ? saved.configured
          ? s.on
          : s.off
        : saved.configured.replace(/\n/g, ', ') || s.none;
    return (
      <p class="govuk-body-s sp-setting-source">
        {s.savedHere(configured)}{' '}
        <button
          type="submit"
          class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
          formaction={`${ADMIN_PATHS.settings}/reset`}
          name="reset"
          value={saved.key}
          data-module="govuk-button"
        >
          {s.useConfigured}
          <span class="govuk-visually-hidden"> ({s.forField(labelOf(name))})</span>
        </button>
      </p>
    );
  };
  /** The field's label, as the buttons' hidden text names it. */
  const labelOf = (name: keyof SettingsForm) => {
    const label = (s as Record<string, unknown>)[name];
    return typeof label === 'string' ? label : name;
  };
  const section = (heading: string) => (
    <h2 class="govuk-heading-m govuk-!-margin-top-6">{heading}</h2>
  );
  return (
    <AdminLayout {...props} title={s.title} nav="settings" hasErrors={hasErrors}>
      {hasErrors ? <ErrorSummary strings={props.strings} errors={errors} /> : null}
      {props.notice ? (
        <NotificationBanner
          type="success"
          strings={props.strings}
          heading={
            props.notice === 'saved'
              ? s.saved
              : props.notice === 'reset'
                ? s.reset
                : s.nothingChanged
          }
        />
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      <form method="post" action={linkKeepingLang(props, ADMIN_PATHS.settings)} novalidate>
        <CsrfField token={props.csrfToken} />

        {section(s.organisationHeading)}
        {text('orgName', s.orgName, { hint: s.orgNameHint, width: '30' })}
        {text('orgColour', s.orgColour, { hint: s.orgColourHint, width: '10' })}
        <Radios
          name="emailLanguage"
          legend={s.emailLanguage}
          legendSize="s"
          hint={s.emailLanguageHint}
          value={v.emailLanguage}
          error={errors.emailLanguage}
          items={[
            { value: 'en', text: s.emailLanguageOptions.en },
            { value: 'cy', text: s.emailLanguageOptions.cy },
            {
              value: 'bilingual',
              text: s.emailLanguageOptions.bilingual,
              hint: s.emailLanguageOptions.bilingualHint,
            },
          ]}
          strings={props.strings}
        />
        {source('emailLanguage')}

        {section(s.domainsHeading)}
        <Textarea
          name="internalDomains"
          label={s.internalDomains}
          hint={s.internalDomainsHint}
          value={v.internalDomains}
          error={errors.internalDomains}
          rows={4}
          spellcheck={false}
          strings={props.strings}
        />
        {source('internalDomains')}
        <Checkboxes
          name="allowSubdomains"
          items={[{ value: 'yes', text: s.allowSubdomains }]}
          values={v.allowSubdomains ? ['yes'] : []}
          error={errors.allowSubdomains}
          small
          strings={props.strings}
        />
        {source('allowSubdomains')}

        {section(s.limitsHeading)}
        {text('maxAttachments', s.maxAttachments, { width: '3' })}
        {text('maxTotalMb', s.maxTotalMb, { width: '4' })}
        {text('maxRecipients', s.maxRecipients, { hint: s.maxRecipientsHint, width: '4' })}

        {section(s.periodsHeading)}
        {text('accessDays', s.accessDays, { hint: s.accessDaysHint })}
        {text('extensionDays', s.extensionDays)}
        {text('retentionDays', s.retentionDays, { hint: s.retentionDaysHint, width: '5' })}

        {section(s.unretrievedHeading)}
        {text('unretrievedNoticeDays', s.unretrievedNoticeDays)}
        <Radios
          name="unretrievedAction"
          legend={s.unretrievedAction}
          legendSize="s"
          value={v.unretrievedAction}
          error={errors.unretrievedAction}
          items={[
            { value: 'notify', text: s.unretrievedActions.notify },
            { value: 'delete', text: s.unretrievedActions.delete },
          ]}
          strings={props.strings}
        />
        {source('unretrievedAction')}

        {section(s.lockoutHeading)}
        {text('lockoutMaxFailures', s.lockoutMaxFailures, { width: '3' })}
        {text('lockoutWindowMinutes', s.lockoutWindowMinutes)}
        {text('lockoutMinutes', s.lockoutMinutes, { width: '5' })}

        {section(s.gatewayHeading)}
        <Textarea
          name="subjectKeywords"
          label={s.subjectKeywords}
          hint={s.subjectKeywordsHint}
          value={v.subjectKeywords}
          error={errors.subjectKeywords}
          rows={4}
          spellcheck={false}
          strings={props.strings}
        />
        {source('subjectKeywords')}

        {section(s.forwardHeading)}
        <Radios
          name="forwardOutside"
          legend={s.forwardOutside}
          legendSize="s"
          value={v.forwardOutside}
          error={errors.forwardOutside}
          items={[
            { value: 'refuse', text: s.forwardOptions.refuse },
            { value: 'request', text: s.forwardOptions.request },
          ]}
          strings={props.strings}
        />
        {source('forwardOutside')}
        {text('forwardsPerHour', s.forwardsPerHour, { hint: s.forwardsPerHourHint, width: '4' })}
        <Checkboxes
          name="linkAccessRequests"
          hint={s.linkAccessRequestsHint}
          items={[{ value: 'yes', text: s.linkAccessRequests }]}
          values={v.linkAccessRequests ? ['yes'] : []}
          error={errors.linkAccessRequests}
          small
          strings={props.strings}
        />
        {source('linkAccessRequests')}
        <Checkboxes
          name="sharedMailboxes"
          hint={s.sharedMailboxesHint}
          items={[{ value: 'yes', text: s.sharedMailboxes }]}
          values={v.sharedMailboxes ? ['yes'] : []}
          error={errors.sharedMailboxes}
          small
          strings={props.strings}
        />
        {source('sharedMailboxes')}

        {section(s.signInHeading)}
        <Radios
          name="staffSecondFactor"
          legend={s.staffSecondFactor}
          legendSize="s"
          value={v.staffSecondFactor}
          error={errors.staffSecondFactor}
          items={[
            {
              value: 'all-staff',
              text: s.staffSecondFactorOptions.allStaff,
              hint: s.staffSecondFactorOptions.allStaffHint,
            },
            {
              value: 'admins',
              text: s.staffSecondFactorOptions.admins,
              hint: s.staffSecondFactorOptions.adminsHint,
            },
          ]}
          strings={props.strings}
        />
        {source('staffSecondFactor')}
        <Radios
          name="passkeySignIn"
          legend={s.passkeySignIn}
          legendSize="s"
          value={v.passkeySignIn}
          error={errors.passkeySignIn}
          items={[
            {
              value: 'second-factor',
              text: s.passkeySignInOptions.secondFactor,
              hint: s.passkeySignInOptions.secondFactorHint,
            },
            {
              value: 'passwordless',
              text: s.passkeySignInOptions.passwordless,
              hint: s.passkeySignInOptions.passwordlessHint,
            },
          ]}
          strings={props.strings}
        />
        {source('passkeySignIn')}
        <Radios
          name="staffPasswords"
          legend={s.staffPasswords}
          legendSize="s"
          value={v.staffPasswords}
          error={errors.staffPasswords}
          items={[
            { value: 'on', text: s.staffPasswordsOptions.on, hint: s.staffPasswordsOptions.onHint },
            {
              value: 'break-glass',
              text: s.staffPasswordsOptions.breakGlass,
              hint: s.staffPasswordsOptions.breakGlassHint,
            },
          ]}
          strings={props.strings}
        />
        {source('staffPasswords')}

        <Button>{s.save}</Button>
      </form>
    </AdminLayout>
  );
}
