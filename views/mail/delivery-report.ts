import type { MailTemplates } from '../../core/mail/ports.ts';
import { en } from '../strings/en.ts';

/** Subject text on one line, so it can never add a header; long subjects are cut. */
function subjectLine(subject: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const line = subject.replace(/[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * The readable part of a delivery report in English (its words in
 * `views/strings/en/delivery-report.ts`): plain text only, as the report's first part;
 * the machine-readable parts are added by the mail transport.
 */
export const englishDeliveryReport: MailTemplates['deliveryReport'] = ({
  subject,
  arrivalDate,
  recipients,
}) => {
  const s = en.deliveryReport;
  const text = [
    s.intro(arrivalDate.toUTCString()),
    '',
    ...recipients.flatMap((r) => [
      r.address,
      `  ${r.temporary ? s.temporary : s.permanent}`,
      `  ${s.reply(r.reply)}`,
      '',
    ]),
    s.footer,
  ].join('\n');
  return { subject: s.subject(subjectLine(subject)), text, html: '' };
};
