import type { MailTemplates } from '../../core/mail/ports.ts';
import { cleanLineMax } from '../../core/shared/clean-text.ts';
import type { Lang, Strings } from '../strings/index.ts';
import type { MailBlock } from './templates.ts';

/** Subject text on one line (the one rule, cleanLine), so it can never add a header; cut at 200. */
function subjectLine(subject: string): string {
  return cleanLineMax(subject, 200);
}

/** "3 March 2025 at 14:30" in UK time, in the language's own words (Intl). */
function arrivedIn(lang: Lang, date: Date): string {
  return new Intl.DateTimeFormat(`${lang}-GB`, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/London',
  }).format(date);
}

/**
 * The readable part of a delivery report in one language (its words in
 * `views/strings/en/delivery-report.ts` and the catalogues): plain text only, as the
 * report's first part; the machine-readable parts are added by the mail transport.
 */
export function deliveryReportBlock(
  strings: Strings,
  lang: Lang,
  { subject, arrivalDate, recipients }: Parameters<MailTemplates['deliveryReport']>[0],
): MailBlock {
  const s = strings.deliveryReport;
  const text = [
    s.intro(arrivedIn(lang, arrivalDate)),
    '',
    ...recipients.flatMap((r) => [
      r.address,
      `  ${r.temporary ? s.temporary : s.permanent}`,
      `  ${s.reply(r.reply)}`,
      '',
    ]),
    s.footer,
  ];
  const line = subjectLine(subject);
  return { subject: line === '' ? s.subjectNone : s.subject(line), text, html: [] };
}
