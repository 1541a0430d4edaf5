import { isAllowedAddress } from '../../../../core/access/allowed-domains.ts';
import { emailKey, normaliseEmail } from '../../../../core/accounts/email.ts';
import { latestAllowedAccessEnd, MAX_ACCESS_DAYS } from '../../../../core/lifecycle/rules.ts';
import type { Classification, DraftContent } from '../../../../core/messages/model.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import { addDays } from '../../../../core/shared/time.ts';
import { formatLongDate } from '../../../../views/pages/mailbox/shared.tsx';
import type { ComposeValues, PreviewFacts } from '../../../../views/pages/staff/compose.tsx';
import type { Lang, Strings } from '../../../../views/strings/index.ts';
import { endOfDayFrom } from './params.ts';

/** The longest subject `sendMessage` accepts. */
const MAX_SUBJECT = 300;
/** Access periods a person may type, in days (as the CLI allows). */

/** Reads the compose form's fields, from any source of named text values. */
export function readComposeValues(get: (name: string) => string): ComposeValues {
  const classification = get('classification');
  return {
    to: get('to').slice(0, 20_000),
    cc: get('cc').slice(0, 20_000),
    subject: get('subject').slice(0, 2_000),
    body: get('body'),
    readOnly: get('readOnly') === 'yes',
    secondFactorRequired: get('secondFactorRequired') === 'yes',
    accessDays: get('accessDays').trim().slice(0, 10),
    accessDate: {
      day: get('accessDate-day').trim().slice(0, 10),
      month: get('accessDate-month').trim().slice(0, 10),
      year: get('accessDate-year').trim().slice(0, 10),
    },
    classification:
      classification === 'OFFICIAL' || classification === 'OFFICIAL-SENSITIVE'
        ? classification
        : '',
    replyTo: get('replyTo').slice(0, 128),
    draftId: get('draftId').slice(0, 128),
  };
}

/** What a staff draft keeps of the form: everything typed (the files are the draft's own). */
export function draftContentOf(values: ComposeValues, savedOnTimeout: boolean): DraftContent {
  const split = (text: string) =>
    text
      .split(/[,;\n\r]+/)
      .map((part) => part.trim())
      .filter((part) => part !== '');
  return {
    to: split(values.to),
    cc: split(values.cc),
    subject: values.subject,
    body: values.body,
    inReplyToId: null,
    savedOnTimeout,
    staff: {
      readOnly: values.readOnly,
      secondFactorRequired: values.secondFactorRequired,
      accessDays: values.accessDays,
      accessDate: values.accessDate,
      classification: values.classification,
      replyTo: values.replyTo,
    },
  };
}

/** The form as a saved draft left it. */
export function valuesOfDraft(
  draftId: string,
  content: DraftContent,
  settings: Settings,
): ComposeValues {
  const options = content.staff;
  return {
    ...emptyComposeValues(settings),
    to: content.to.join(', '),
    cc: content.cc.join(', '),
    subject: content.subject,
    body: content.body,
    ...(options
      ? {
          readOnly: options.readOnly,
          // Drafts saved before the option existed do not have it: off.
          secondFactorRequired: options.secondFactorRequired ?? false,
          accessDays: options.accessDays,
          accessDate: options.accessDate,
          classification: options.classification,
          replyTo: options.replyTo,
        }
      : {}),
    draftId,
  };
}

/** The form as `sendMessage` wants it, once every field is right. */
export type CheckedCompose = {
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  readOnly: boolean;
  secondFactorRequired: boolean;
  accessEndsAt: Date;
  classification: Classification | null;
  facts: PreviewFacts;
};

/**
 * Checks the compose form before the preview (and again before sending, since the
 * hidden fields come back from the browser): every problem at once, by field, in the
 * person's language. Addresses are split on commas, semicolons and line breaks.
 */
export function checkCompose(
  values: ComposeValues,
  settings: Settings,
  strings: Strings,
  now: Date,
  lang: Lang,
): { ok: true; checked: CheckedCompose } | { ok: false; errors: Record<string, string> } {
  const s = strings.staff.compose.errors;
  const errors: Record<string, string> = {};
  const seen = new Set<string>();
  const addresses = (field: 'to' | 'cc'): string[] => {
    const out: string[] = [];
    for (const raw of values[field].split(/[,;\n\r]+/)) {
      const typed = raw.trim();
      if (typed === '') continue;
      const result = normaliseEmail(typed);
      if (!result.ok) {
        errors[field] ??= s.invalidAddress(typed);
        continue;
      }
      const key = emailKey(result.email);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(result.email);
    }
    return out;
  };
  const to = addresses('to');
  const cc = addresses('cc');
  if (to.length === 0 && !errors.to) errors.to = s.to;
  if (to.length + cc.length > settings.maxRecipients) errors.to = s.tooManyRecipients;

  const subject = values.subject.trim();
  if (subject === '') errors.subject = s.subject;
  else if (subject.length > MAX_SUBJECT) errors.subject = s.subjectTooLong(MAX_SUBJECT);
  else if (/[\r\n]/.test(subject)) errors.subject = s.subjectLines;

  // The text is bounded by the form's field limit; the size limit counts files only.
  if (values.body.trim() === '') errors.body = s.body;

  let accessEndsAt: Date | null = null;
  // Access may not outlast the council's retention, nor ten years, however it is given.
  const latest = latestAllowedAccessEnd({ sentAt: now, settings });
  const maxDays = Math.min(MAX_ACCESS_DAYS, settings.retentionDays);
  const dateTyped = Object.values(values.accessDate).some((part) => part !== '');
  if (dateTyped) {
    const date = endOfDayFrom(values.accessDate);
    if (!date || date.getTime() <= now.getTime()) errors.accessDate = s.accessDate;
    else if (date.getTime() > latest.getTime()) {
      errors.accessDate = s.accessDateTooLate(formatLongDate(latest, lang));
    } else accessEndsAt = date;
  } else {
    const days = values.accessDays === '' ? settings.accessDays : Number(values.accessDays);
    if (!Number.isInteger(days) || days < 1 || days > maxDays)
      errors.accessDays = s.accessDaysRange(maxDays);
    else accessEndsAt = addDays(now, days);
  }

  if (Object.keys(errors).length > 0 || !accessEndsAt) return { ok: false, errors };
  const isInternal = (email: string) =>
    isAllowedAddress({
      email,
      allowedDomains: settings.internalDomains,
      allowSubdomains: settings.allowSubdomains,
    });
  return {
    ok: true,
    checked: {
      to,
      cc,
      subject,
      body: values.body,
      readOnly: values.readOnly,
      secondFactorRequired: values.secondFactorRequired,
      accessEndsAt,
      classification: values.classification === '' ? null : values.classification,
      facts: {
        to,
        cc,
        accessEndsAt,
        external: [...to, ...cc].filter((email) => !isInternal(email)).length,
        maxAttachments: settings.maxAttachments,
        maxMegabytes: Math.round(settings.maxTotalBytes / (1024 * 1024)),
      },
    },
  };
}

/** The compose form empty, with the settings' default access period. */
export function emptyComposeValues(settings: Settings): ComposeValues {
  return {
    to: '',
    cc: '',
    subject: '',
    body: '',
    readOnly: false,
    secondFactorRequired: false,
    accessDays: String(settings.accessDays),
    accessDate: { day: '', month: '', year: '' },
    classification: '',
    replyTo: '',
    draftId: '',
  };
}
