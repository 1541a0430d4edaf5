import type { Readable } from 'node:stream';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import type { DeliveryReport, MailContent } from '../../core/mail/model.ts';

/**
 * A delivery status notification as RFC 3464 lays it out: `multipart/report;
 * report-type=delivery-status` with the readable text, a `message/delivery-status`
 * part (one block for the report, one per failed recipient) and the original
 * headers as `text/rfc822-headers`, so mail clients show it as a bounce and
 * mail systems can read it. Built as a stream for nodemailer's `raw` option.
 */
export function deliveryReportMessage(args: {
  mail: MailContent;
  report: DeliveryReport;
  from: string;
  messageId: string;
}): Readable {
  const { mail, report } = args;
  const root = new MimeNode('multipart/report; report-type=delivery-status');
  root.setHeader({
    From: args.from,
    To: mail.to,
    Subject: mail.subject,
    'Message-ID': args.messageId,
    ...mail.headers,
  });
  root.createChild('text/plain; charset=utf-8').setContent(mail.text);
  // RFC 6533: addresses that are not ASCII need the global report type.
  const isInternational = report.recipients.some((r) => /[^\x20-\x7e]/.test(r.address));
  root
    .createChild(isInternational ? 'message/global-delivery-status' : 'message/delivery-status')
    .setContent(deliveryStatus(report, isInternational));
  root.createChild('text/rfc822-headers; charset=utf-8').setContent(report.originalHeaders);
  return root.createReadStream();
}

/** One field of a delivery-status block: printable ASCII (or UTF-8 for RFC 6533) on one line. */
function field(name: string, value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return `${name}: ${value.replace(/[\x00-\x1f\x7f]+/g, ' ').trim()}`;
}

/** The `message/delivery-status` body: the per-message fields, then one block per recipient. */
function deliveryStatus(report: DeliveryReport, isInternational: boolean): string {
  const blocks = [
    [
      field('Reporting-MTA', `dns; ${report.reportingMta}`),
      field('Arrival-Date', new Date(report.arrivalDate).toUTCString().replace('GMT', '+0000')),
    ],
    ...report.recipients.map((r) => [
      field('Final-Recipient', `${isInternational ? 'utf-8' : 'rfc822'}; ${r.address}`),
      field('Action', 'failed'),
      field('Status', r.status),
      field('Diagnostic-Code', `smtp; ${r.diagnostic}`),
    ]),
  ];
  return `${blocks.map((lines) => lines.join('\r\n')).join('\r\n\r\n')}\r\n`;
}
