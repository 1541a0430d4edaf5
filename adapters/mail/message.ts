import addressparser from 'nodemailer/lib/addressparser/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { MailContent } from '../../core/mail/model.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { deliveryReportMessage } from './delivery-report.ts';

/** The sender every transport writes, parsed once when the transport is built. */
export type Sender = {
  /** The From header as configured, e.g. `Barnet Council <no-reply@barnet.gov.uk>`. */
  header: string;
  /** The bare address, e.g. `no-reply@barnet.gov.uk`. */
  address: string;
  /** The domain of the address, which also names our Message-IDs. */
  domain: string;
};

const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * Parses MAIL_FROM: one address, optionally with a display name. Throws
 * `ConfigurationError` naming `setting` when it is anything else.
 */
export function parseSender(from: unknown, setting = 'from'): Sender {
  if (typeof from !== 'string' || from.trim() === '' || /[\r\n]/.test(from)) {
    throw new ConfigurationError(
      `${setting} must be one email address, e.g. "Barnet Council <no-reply@barnet.gov.uk>".`,
    );
  }
  const parsed = addressparser(from.trim(), { flatten: true });
  const only = parsed.length === 1 ? parsed[0] : undefined;
  const address = only?.address ?? '';
  const at = address.lastIndexOf('@');
  const domain = at > 0 ? address.slice(at + 1) : '';
  if (!only || at <= 0 || !DOMAIN.test(domain)) {
    throw new ConfigurationError(
      `${setting} "${from}" is not one email address, e.g. "Barnet Council <no-reply@barnet.gov.uk>".`,
    );
  }
  return { header: from.trim(), address, domain: domain.toLowerCase() };
}

// Outbox ids are URL-safe random strings; anything else could escape the outbox
// folder as a file name or break the angle brackets of a Message-ID.
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** True when `id` can name a file and a Message-ID as it is. */
export function isSafeMailId(id: string): boolean {
  return SAFE_ID.test(id);
}

/**
 * The Message-ID of outbox mail `id`: the same on every attempt, so a receiver (and
 * our tests) can recognise a repeat of one mail.
 */
export function messageIdFor(id: string, sender: Sender): string {
  return `<${id}@${sender.domain}>`;
}

/** The nodemailer options of one mail; file and URL access are off, so content stays content. */
export function composeOptions(args: {
  id: string;
  mail: MailContent;
  sender: Sender;
}): Mail.Options {
  const { id, mail, sender } = args;
  if (mail.report) {
    // RFC 3464 / RFC 5321 4.5.5: a delivery report goes from the null sender, so a
    // report that cannot be delivered is dropped rather than answered with another.
    return {
      envelope: { from: '', to: mail.to },
      raw: deliveryReportMessage({
        mail,
        report: mail.report,
        from: sender.header,
        messageId: messageIdFor(id, sender),
      }),
      disableFileAccess: true,
      disableUrlAccess: true,
    };
  }
  return {
    from: sender.header,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html === null ? {} : { html: mail.html }),
    headers: mail.headers,
    messageId: messageIdFor(id, sender),
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** The first http(s) link in a plain-text body, or null. */
export function firstLink(text: string): string | null {
  const match = /https?:\/\/[^\s<>"]+/.exec(text);
  return match ? match[0] : null;
}
