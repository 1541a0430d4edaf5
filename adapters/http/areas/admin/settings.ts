import type { Hono } from 'hono';
import { normaliseDomain } from '../../../../core/accounts/email.ts';
import { changeSettings, resetSetting } from '../../../../core/admin/change-settings.ts';
import { SETTING_KEYS, validateSettings } from '../../../../core/settings/effective.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import {
  NUMBER_FIELDS,
  type SettingSources,
  type SettingsForm,
  SettingsPage,
} from '../../../../views/pages/admin/settings.tsx';
import { ADMIN_PATHS } from '../../../../views/pages/admin/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { formOf } from '../staff/context.ts';
import { type AdminAreaDeps, actorOf, adminPageProps } from './context.ts';

const MB = 1024 * 1024;

/** The settings in force as the form shows them. */
export function settingsToForm(settings: Settings): SettingsForm {
  return {
    orgName: settings.orgName,
    orgColour: settings.orgColour,
    emailLanguage: settings.emailLanguage,
    internalDomains: settings.internalDomains.join('\n'),
    allowSubdomains: settings.allowSubdomains,
    maxAttachments: String(settings.maxAttachments),
    maxTotalMb: String(Math.round(settings.maxTotalBytes / MB)),
    accessDays: String(settings.accessDays),
    extensionDays: String(settings.extensionDays),
    retentionDays: String(settings.retentionDays),
    unretrievedNoticeDays: String(settings.unretrievedNoticeDays),
    unretrievedAction: settings.unretrievedAction,
    lockoutMaxFailures: String(settings.lockoutMaxFailures),
    lockoutWindowMinutes: String(settings.lockoutWindowMinutes),
    lockoutMinutes: String(settings.lockoutMinutes),
    subjectKeywords: settings.subjectKeywords.join('\n'),
    forwardOutside: settings.forwardOutside,
    maxRecipients: String(settings.maxRecipients),
    forwardsPerHour: String(settings.forwardsPerHour),
    linkAccessRequests: settings.linkAccessRequests,
    sharedMailboxes: settings.sharedMailboxes,
    staffSecondFactor: settings.staffSecondFactor,
    passkeySignIn: settings.passkeySignIn,
    staffPasswords: settings.staffPasswords,
  };
}

/** The form's fields as posted (each cut to a sane length: nothing here is long). */
function readForm(get: (name: string) => string): SettingsForm {
  const line = (name: string) => get(name).trim().slice(0, 200);
  return {
    orgName: line('orgName'),
    orgColour: line('orgColour'),
    emailLanguage: line('emailLanguage'),
    internalDomains: get('internalDomains').slice(0, 20_000),
    allowSubdomains: get('allowSubdomains') === 'yes',
    maxAttachments: line('maxAttachments'),
    maxTotalMb: line('maxTotalMb'),
    accessDays: line('accessDays'),
    extensionDays: line('extensionDays'),
    retentionDays: line('retentionDays'),
    unretrievedNoticeDays: line('unretrievedNoticeDays'),
    unretrievedAction: line('unretrievedAction'),
    lockoutMaxFailures: line('lockoutMaxFailures'),
    lockoutWindowMinutes: line('lockoutWindowMinutes'),
    lockoutMinutes: line('lockoutMinutes'),
    subjectKeywords: get('subjectKeywords').slice(0, 5_000),
    forwardOutside: line('forwardOutside'),
    maxRecipients: line('maxRecipients'),
    forwardsPerHour: line('forwardsPerHour'),
    linkAccessRequests: get('linkAccessRequests') === 'yes',
    sharedMailboxes: get('sharedMailboxes') === 'yes',
    staffSecondFactor: line('staffSecondFactor'),
    passkeySignIn: line('passkeySignIn'),
    staffPasswords: line('staffPasswords'),
  };
}

/** The lines of a list field, trimmed, without blanks (commas separate too). */
function listOf(text: string): string[] {
  return text
    .split(/[\n\r,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The form field a setting is typed in (only the size differs: megabytes, not bytes). */
const FIELD_OF: Partial<Record<keyof Settings, keyof SettingsForm>> = {
  maxTotalBytes: 'maxTotalMb',
};

/** Every field's message, from the strings, when its value breaks the setting's rule. */
function messageFor(field: keyof SettingsForm, strings: Strings): string {
  const e = strings.admin.settings.errors;
  return field === 'internalDomains' ? e.internalDomainsGeneral : e[field];
}

/**
 * Turns the typed form into settings, checked by the same rules as the config
 * (`validateSettings`), with every problem at once, by field, in the person's language.
 */
export function checkSettingsForm(
  form: SettingsForm,
  strings: Strings,
): { ok: true; settings: Settings } | { ok: false; errors: Record<string, string> } {
  const e = strings.admin.settings.errors;
  const errors: Partial<Record<keyof SettingsForm, string>> = {};
  const numbers: Partial<Record<(typeof NUMBER_FIELDS)[number], number>> = {};
  for (const field of NUMBER_FIELDS) {
    if (/^\d{1,9}$/.test(form[field])) numbers[field] = Number(form[field]);
    else errors[field] = e[field];
  }
  const domains: string[] = [];
  for (const typed of listOf(form.internalDomains)) {
    const domain = normaliseDomain(typed);
    if (domain.ok) domains.push(domain.domain);
    else errors.internalDomains ??= e.internalDomains(typed.slice(0, 100));
  }
  const colour = form.orgColour.toLowerCase();
  const candidate = {
    orgName: form.orgName,
    orgColour: colour.startsWith('#') ? colour : `#${colour}`,
    internalDomains: [...new Set(domains)],
    allowSubdomains: form.allowSubdomains,
    maxAttachments: numbers.maxAttachments,
    maxTotalBytes: numbers.maxTotalMb === undefined ? undefined : numbers.maxTotalMb * MB,
    accessDays: numbers.accessDays,
    extensionDays: numbers.extensionDays,
    retentionDays: numbers.retentionDays,
    unretrievedNoticeDays: numbers.unretrievedNoticeDays,
    unretrievedAction: form.unretrievedAction,
    lockoutMaxFailures: numbers.lockoutMaxFailures,
    lockoutWindowMinutes: numbers.lockoutWindowMinutes,
    lockoutMinutes: numbers.lockoutMinutes,
    subjectKeywords: [...new Set(listOf(form.subjectKeywords))],
    forwardOutside: form.forwardOutside,
    maxRecipients: numbers.maxRecipients,
    forwardsPerHour: numbers.forwardsPerHour,
    linkAccessRequests: form.linkAccessRequests,
    sharedMailboxes: form.sharedMailboxes,
    staffSecondFactor: form.staffSecondFactor,
    passkeySignIn: form.passkeySignIn,
    staffPasswords: form.staffPasswords,
    emailLanguage: form.emailLanguage,
  };
  const checked = Object.fromEntries(
    Object.entries(candidate).filter(([, value]) => value !== undefined),
  ) as Partial<Record<keyof Settings, unknown>>;
  for (const key of Object.keys(validateSettings(checked)) as Array<keyof Settings>) {
    const field = FIELD_OF[key] ?? (key as keyof SettingsForm);
    if (errors[field]) continue;
    errors[field] =
      key === 'retentionDays' &&
      numbers.retentionDays !== undefined &&
      numbers.accessDays !== undefined &&
      numbers.retentionDays < numbers.accessDays
        ? e.retentionShorter
        : messageFor(field, strings);
  }
  // In the order of the form, so the error summary's links go down the page.
  const ordered: Record<string, string> = {};
  for (const field of Object.keys(form) as Array<keyof SettingsForm>) {
    const message = errors[field];
    if (message) ordered[field] = message;
  }
  if (Object.keys(ordered).length > 0) return { ok: false, errors: ordered };
  return { ok: true, settings: candidate as Settings };
}

/**
 * The settings page: the settings in force in a form; saving checks everything, shows
 * every problem beside its field with the typed values kept (400), or saves what
 * changed, records `settings.change`, and comes back with a banner (303).
 */
export function settingsRoutes(area: Hono<AppEnv>, deps: AdminAreaDeps): void {
  /** Which fields hold a value saved on this page, and the configured value of each. */
  const sources = async (): Promise<SettingSources> => {
    const { saved, configured } = await deps.admin.settings.sources();
    const configuredForm = settingsToForm(configured);
    const out: SettingSources = {};
    for (const key of saved) {
      const field = FIELD_OF[key] ?? (key as keyof SettingsForm);
      out[field] = { configured: configuredForm[field], key };
    }
    return out;
  };

  area.get(ADMIN_PATHS.settings, async (c) => {
    const done = c.req.query('done');
    return c.html(
      SettingsPage({
        ...(await adminPageProps(deps, c)),
        values: settingsToForm(await deps.admin.settings.get()),
        sources: await sources(),
        notice: done === 'saved' || done === 'unchanged' || done === 'reset' ? done : null,
      }),
    );
  });

  // "Use the configured value": a button of the settings form, posting here.
  area.post(`${ADMIN_PATHS.settings}/reset`, async (c) => {
    const key = (await formOf(c)).get('reset') as keyof Settings;
    if (SETTING_KEYS.includes(key)) await resetSetting(deps.admin, { key, actor: actorOf(c) });
    return redirectKeepingLang(c, `${ADMIN_PATHS.settings}?done=reset`);
  });

  area.post(ADMIN_PATHS.settings, async (c) => {
    const props = await adminPageProps(deps, c);
    const values = readForm((await formOf(c)).get);
    const checked = checkSettingsForm(values, props.strings);
    // Break-glass leaves only admins a password: without single sign-on configured,
    // every other member of staff would be left with no way in.
    const needsSso = values.staffPasswords === 'break-glass' && !deps.ssoConfigured;
    if (!checked.ok || needsSso) {
      const found = checked.ok ? {} : checked.errors;
      // In the order of the form, so the error summary's links go down the page.
      const errors: Record<string, string> = {};
      for (const field of Object.keys(values) as Array<keyof SettingsForm>) {
        const message =
          field === 'staffPasswords' && needsSso
            ? props.strings.admin.settings.errors.breakGlassNeedsSso
            : found[field];
        if (message) errors[field] = message;
      }
      return c.html(SettingsPage({ ...props, values, errors, sources: await sources() }), 400);
    }
    const result = await changeSettings(deps.admin, {
      changes: checked.settings,
      actor: actorOf(c),
    });
    if (!result.ok) {
      // The service's own check disagreed (settings changed by someone else meanwhile).
      const errors: Record<string, string> = {};
      for (const key of Object.keys(result.problems) as Array<keyof Settings>) {
        const field = FIELD_OF[key] ?? (key as keyof SettingsForm);
        errors[field] = messageFor(field, props.strings);
      }
      return c.html(SettingsPage({ ...props, values, errors, sources: await sources() }), 400);
    }
    const done = result.changed.length > 0 ? 'saved' : 'unchanged';
    return redirectKeepingLang(c, `${ADMIN_PATHS.settings}?done=${done}`);
  });
}
