import type { Settings } from './model.ts';

type Validator = (value: unknown) => string | null;

const wholeNumber =
  (min: number, max: number): Validator =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? null
      : `must be a whole number from ${min} to ${max}`;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

// Every setting an admin may change, with the rule its value must meet.
const RULES: { [K in keyof Settings]: Validator } = {
  orgName: (v) =>
    typeof v === 'string' && v.trim() !== '' && v.length <= 100
      ? null
      : 'must be 1 to 100 characters',
  orgColour: (v) =>
    typeof v === 'string' && /^#[0-9a-f]{6}$/i.test(v) ? null : 'must be a colour like #1d70b8',
  internalDomains: (v) =>
    Array.isArray(v) && v.every((d) => typeof d === 'string' && DOMAIN.test(d))
      ? null
      : 'must be a list of domains such as barnet.gov.uk',
  allowSubdomains: (v) => (typeof v === 'boolean' ? null : 'must be on or off'),
  accessDays: wholeNumber(1, 3650),
  extensionDays: wholeNumber(1, 3650),
  retentionDays: wholeNumber(1, 36500),
  unretrievedNoticeDays: wholeNumber(1, 3650),
  unretrievedAction: (v) => (v === 'notify' || v === 'delete' ? null : 'must be notify or delete'),
  lockoutMaxFailures: wholeNumber(1, 100),
  lockoutWindowMinutes: wholeNumber(1, 1440),
  lockoutMinutes: wholeNumber(1, 10080),
  maxAttachments: wholeNumber(0, 100),
  maxTotalBytes: wholeNumber(1, 2048 * 1024 * 1024),
  subjectKeywords: (v) =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((k) => typeof k === 'string' && k.trim().length >= 3 && !/\s/.test(k))
      ? null
      : 'must be a list of keywords of at least 3 characters, without spaces',
  forwardOutside: (v) => (v === 'refuse' || v === 'request' ? null : 'must be refuse or request'),
  maxRecipients: wholeNumber(1, 500),
  forwardsPerHour: wholeNumber(1, 1000),
  linkAccessRequests: (v) => (typeof v === 'boolean' ? null : 'must be on or off'),
  sharedMailboxes: (v) => (typeof v === 'boolean' ? null : 'must be on or off'),
  staffSecondFactor: (v) =>
    v === 'all-staff' || v === 'admins' ? null : 'must be all-staff or admins',
  passkeySignIn: (v) =>
    v === 'second-factor' || v === 'passwordless' ? null : 'must be second-factor or passwordless',
  staffPasswords: (v) => (v === 'on' || v === 'break-glass' ? null : 'must be on or break-glass'),
  emailLanguage: (v) =>
    v === 'en' || v === 'cy' || v === 'bilingual' ? null : 'must be en, cy or bilingual',
};

/** The names of the settings an admin may change. */
export const SETTING_KEYS = Object.keys(RULES) as Array<keyof Settings>;

/** Checks a set of changes; returns problems by key (empty when all are valid). */
export function validateSettings(
  changes: Partial<Record<keyof Settings, unknown>>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const [key, value] of Object.entries(changes)) {
    const rule = RULES[key as keyof Settings];
    if (!rule) {
      problems[key] = 'is not a setting';
      continue;
    }
    const problem = rule(value);
    if (problem) problems[key] = problem;
  }
  if (
    typeof changes.accessDays === 'number' &&
    typeof changes.retentionDays === 'number' &&
    changes.retentionDays < changes.accessDays
  ) {
    problems.retentionDays =
      'must be at least the access period, or messages would be deleted while still readable';
  }
  return problems;
}

/**
 * The settings in force: the stored values that are still valid over the configured
 * defaults. A stored value that no longer passes its rule is ignored, never trusted.
 */
export function effectiveSettings(defaults: Settings, stored: Record<string, unknown>): Settings {
  const out: Settings = { ...defaults };
  for (const key of SETTING_KEYS) {
    if (!(key in stored)) continue;
    const value = stored[key];
    if (RULES[key](value) === null) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
