import { emailKey } from '../accounts/email.ts';
import type { Cipher } from '../crypto/ports.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import type { DeliveryReport } from '../mail/model.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Settings } from '../settings/model.ts';
import type { Clock, Ids } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { ReceivedMail, RelayRefusal } from './ports.ts';

/** What queueing a delivery report needs: the outbox and the words of the readable part. */
export type DeliveryReportDeps = {
  storage: Storage;
  cipher: Cipher;
  ids: Ids;
  clock: Clock;
  templates: MailTemplates;
  /** The portal's address: its host name is the reporting MTA. */
  publicUrl: string;
};

/** The most of the original header block a report quotes (RFC 3462 allows headers only). */
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_DIAGNOSTIC = 400;
const ENHANCED_STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;

/** True for a refusal that was only temporary (a 4xx): the recipient may take the mail later. */
export function isTemporaryRefusal(refusal: RelayRefusal): boolean {
  return refusal.code >= 400 && refusal.code < 500;
}

/**
 * The RFC 3463 status of a refusal: the relay's own enhanced code when it gave one of
 * the same class as its reply, else the class alone (`5.0.0`, `4.0.0`).
 */
export function refusalStatus(refusal: RelayRefusal): string {
  const kind = isTemporaryRefusal(refusal) ? '4' : '5';
  const own = refusal.status;
  return own !== null && ENHANCED_STATUS.test(own) && own.startsWith(kind) ? own : `${kind}.0.0`;
}

/**
 * The relay's answer as one line of printable ASCII, as `Diagnostic-Code: smtp;`
 * quotes it: `550 5.1.1 No such user`.
 */
export function refusalReply(refusal: RelayRefusal): string {
  const words = [String(refusal.code), refusal.status ?? '', refusal.text]
    .filter((w) => w !== '')
    .join(' ')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return words.length > MAX_DIAGNOSTIC ? `${words.slice(0, MAX_DIAGNOSTIC - 3)}...` : words;
}

/**
 * The header block of a raw mail: everything before the first empty line, at most
 * 64 KiB (cut at a line end), lines joined with CRLF. Bytes are read as UTF-8, as
 * RFC 6532 headers are; anything else is replaced, which is enough for a person to
 * recognise the mail.
 */
export function headerBlock(raw: readonly Uint8Array[]): string {
  const head: Uint8Array[] = [];
  let size = 0;
  for (const chunk of raw) {
    if (size >= MAX_HEADER_BYTES) break;
    const part = chunk.subarray(0, MAX_HEADER_BYTES - size);
    head.push(part);
    size += part.byteLength;
  }
  const joined = new Uint8Array(size);
  let at = 0;
  for (const part of head) {
    joined.set(part, at);
    at += part.byteLength;
  }
  const text = new TextDecoder('utf-8').decode(joined);
  const end = text.search(/\r?\n\r?\n/);
  const block = end >= 0 ? text.slice(0, end) : text.slice(0, text.lastIndexOf('\n') + 1);
  return `${block
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .join('\r\n')}\r\n`;
}

/** A Message-ID safe to repeat in a header: one `<...>` token, nothing that could break a line. */
function safeMessageId(id: string | null): string | null {
  return id !== null && /^<[\x21-\x3b\x3d\x3f-\x7e]{1,250}>$/.test(id) ? id : null;
}

/**
 * Queues a delivery status notification (RFC 3464) to the envelope sender of `mail`,
 * naming each recipient in `refused` with the relay's answer, in the encrypted outbox
 * like every other email. Returns false, queueing nothing, for the null sender: a
 * report about a bounce would go nowhere, and could loop (RFC 5321, 4.5.5).
 */
export async function queueDeliveryReport(
  deps: DeliveryReportDeps,
  args: {
    mail: ReceivedMail;
    refused: RelayRefusal[];
    arrivedAt: Date;
    /** The council's `emailLanguage`, for a sender who has not chosen a language. */
    emailLanguage?: Settings['emailLanguage'] | undefined;
  },
): Promise<boolean> {
  const { mail, refused } = args;
  if (mail.envelopeFrom === '' || refused.length === 0) return false;
  const recipients = refused.map((refusal) => ({
    address: refusal.address,
    status: refusalStatus(refusal),
    diagnostic: refusalReply(refusal),
  }));
  const report: DeliveryReport = {
    reportingMta: new URL(deps.publicUrl).hostname,
    arrivalDate: args.arrivedAt.toISOString(),
    recipients,
    originalHeaders: headerBlock(mail.raw),
  };
  // The sender is staff (or a system) of the council: their language, else the council's.
  const sender = await deps.storage.repos.accounts.findByEmailKey({
    emailKey: emailKey(mail.envelopeFrom),
  });
  const rendered = deps.templates.deliveryReport(
    {
      subject: mail.inbound.subject,
      arrivalDate: args.arrivedAt,
      recipients: refused.map((refusal) => ({
        address: refusal.address,
        temporary: isTemporaryRefusal(refusal),
        reply: refusalReply(refusal),
      })),
    },
    chooseMailLanguage({ account: sender, setting: args.emailLanguage }),
  );
  const inReplyTo = safeMessageId(mail.messageId);
  const outboxMail = await prepareOutboxMail(deps, {
    kind: 'delivery-report',
    mail: {
      to: mail.envelopeFrom,
      subject: rendered.subject,
      text: rendered.text,
      html: null,
      // RFC 3834: a report is an automatic answer, which other robots must not answer.
      headers: {
        'Auto-Submitted': 'auto-replied',
        ...(inReplyTo ? { 'In-Reply-To': inReplyTo, References: inReplyTo } : {}),
      },
      report,
    },
  });
  await deps.storage.repos.outbox.insert({ mail: outboxMail });
  return true;
}
