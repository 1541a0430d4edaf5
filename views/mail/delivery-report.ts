import type { MailTemplates } from '../../core/mail/ports.ts';
import { cleanLineMax } from '../../core/shared/clean-text.ts';
import { en } from '../strings/en.ts';

/** Subject text on one line (the one rule, cleanLine), so it can never add a header; cut at 200. */
function subjectLine(subject: string): string {
  return cleanLineMax(subject, 200);
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
