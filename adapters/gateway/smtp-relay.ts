import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type MimeNode from 'nodemailer/lib/mime-node/index.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { isTemporaryRefusal, refusalReply } from '../../core/gateway/delivery-report.ts';
import type { EnvelopeParams, Relay, RelayRefusal } from '../../core/gateway/ports.ts';
import { failureDetail } from '../../core/mail/failure.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import { classifySmtpError } from '../mail/smtp.ts';
import { SMTP_REPLIES } from './smtp-replies.ts';

/** Options of the relay: where mail that needs no protection goes. */
export type SmtpRelayOptions = {
  /**
   * `smtp://[user:pass@]host[:25]` (STARTTLS when the server offers it) or
   * `smtps://...:465` (TLS from the start). Certificates are always checked.
   */
  url: string;
  logger?: Logger;
  /** Parallel connections to the relay (default 5). */
  maxConnections?: number;
};

/**
 * The relay (nodemailer, pooled): sends the received bytes with nodemailer's `raw`
 * and `envelope` options, so nothing is rebuilt or added: the council's server gets
 * the headers and body byte for byte and the envelope as the client gave it.
 * nodemailer only dot-stuffs the data, which the SMTP protocol requires.
 */
export function smtpRelay(options: SmtpRelayOptions): Relay {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ConfigurationError(
      'RELAY_SMTP_URL is not a valid URL, e.g. RELAY_SMTP_URL=smtp://mail.council.gov.uk:25',
    );
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new ConfigurationError(
      'RELAY_SMTP_URL must be smtp://host[:port] or smtps://host[:port], e.g. smtp://mail.council.gov.uk:25',
    );
  }
  const maxConnections = options.maxConnections ?? 5;
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 50) {
    throw new ConfigurationError('The relay maxConnections must be a whole number from 1 to 50.');
  }
  const secure = url.protocol === 'smtps:';
  const transportOptions: SMTPPool.Options = {
    pool: true,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 25,
    secure,
    ...(url.username
      ? {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }
      : {}),
    maxConnections,
    maxMessages: 100,
    // Well inside the time an SMTP client waits for our answer to DATA (10 minutes
    // by RFC 5321), so a dead relay becomes a 4xx rather than a dropped connection.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  const transport = nodemailer.createTransport(transportOptions);
  const logger = options.logger;

  passSmtpUtf8();

  return {
    async send({ from, to, raw, params }) {
      try {
        const info = await transport.sendMail({
          envelope: relayEnvelope(from, to, params),
          raw: Readable.from(raw),
        });
        const refused = refusalsOf(info.rejectedErrors, info.rejected);
        logRefusals(logger, refused);
        if (info.accepted.length === 0) {
          return {
            ok: false,
            permanent: refused.every((r) => !isTemporaryRefusal(r)),
            reason: everyRecipientRefused(refused),
            refused,
          };
        }
        return { ok: true, refused };
      } catch (error) {
        const refusedAll = refusalsOf((error as { rejectedErrors?: unknown }).rejectedErrors, []);
        if (refusedAll.length > 0) {
          // Every recipient refused at RCPT TO: 550 when every refusal was permanent,
          // else 451 so the client tries again later.
          logRefusals(logger, refusedAll);
          return {
            ok: false,
            permanent: refusedAll.every((r) => !isTemporaryRefusal(r)),
            reason: everyRecipientRefused(refusedAll),
            refused: refusedAll,
          };
        }
        const result = classifySmtpError(error);
        logger?.warn({ err: error }, 'relay failed');
        return result.ok
          ? { ok: true, refused: [] }
          : {
              ok: false,
              permanent: result.permanent,
              reason: failureDetail(result.error),
              refused: [],
            };
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * The envelope for nodemailer: the addresses as given, and the client's BODY=8BITMIME
 * (`use8BitMime`, which nodemailer sends when the relay offers 8BITMIME) and SMTPUTF8
 * (our `smtpUtf8` key, see `passSmtpUtf8`). nodemailer copies keys it does not know
 * from the mail's envelope to the connection's, which is how `smtpUtf8` reaches it.
 */
function relayEnvelope(
  from: string,
  to: string[],
  params: EnvelopeParams | undefined,
): MimeNode.Envelope {
  const envelope: MimeNode.Envelope & { use8BitMime?: boolean; smtpUtf8?: boolean } = {
    from,
    to,
  };
  if (params?.body === '8BITMIME') envelope.use8BitMime = true;
  if (params?.smtpUtf8) envelope.smtpUtf8 = true;
  return envelope;
}

/** One reply line as nodemailer gives it: `550 5.1.1 text` or a multi-line reply joined by LF. */
const REPLY_LINE = /^(\d{3})[ -]?(?:([245]\.\d{1,3}\.\d{1,3})\s)?\s*(.*)$/;

/** The relay's per-recipient refusals, from nodemailer's `rejectedErrors`. */
function refusalsOf(errors: unknown, rejected: readonly string[]): RelayRefusal[] {
  const list = Array.isArray(errors) ? (errors as Array<Record<string, unknown>>) : [];
  const refusals = list.map((error): RelayRefusal => {
    const response = typeof error.response === 'string' ? error.response : '';
    const lines = response.split(/\r?\n/).filter((line) => line.trim() !== '');
    const first = REPLY_LINE.exec(lines[0] ?? '');
    const code =
      typeof error.responseCode === 'number' ? error.responseCode : Number(first?.[1] ?? 0);
    const text = lines
      .map((line) => REPLY_LINE.exec(line)?.[3] ?? line)
      .join(' ')
      .trim();
    return {
      address: typeof error.recipient === 'string' ? error.recipient : '',
      code: code >= 400 && code < 600 ? code : 550,
      status: first?.[2] ?? null,
      text,
    };
  });
  // A refusal nodemailer gave no error for (never seen): still a recipient the mail missed.
  const named = new Set(refusals.map((r) => r.address));
  for (const address of rejected) {
    if (!named.has(address)) refusals.push({ address, code: 550, status: null, text: '' });
  }
  return refusals;
}

/** The sentence for a mail the relay refused for every recipient: the first answer it gave. */
function everyRecipientRefused(refused: readonly RelayRefusal[]): string {
  const first = refused[0];
  return SMTP_REPLIES.everyRecipientRefused(first ? refusalReply(first) : null);
}

/**
 * A short hash of an address for the log: SHA-256 of the address in lower case, first
 * 16 hex digits. Logs are read by more people than the mail, so they never name who;
 * an admin who knows an address finds its lines with
 * `printf '%s' name@example.org | sha256sum | cut -c1-16`.
 */
export function addressHash(address: string): string {
  return createHash('sha256')
    .update(address.trim().toLowerCase(), 'utf8')
    .digest('hex')
    .slice(0, 16);
}

function logRefusals(logger: Logger | undefined, refused: readonly RelayRefusal[]): void {
  for (const refusal of refused) {
    logger?.warn(
      {
        recipientHash: addressHash(refusal.address),
        code: refusal.code,
        status: refusal.status,
        temporary: isTemporaryRefusal(refusal),
      },
      'relay refused a recipient',
    );
  }
}

/** The parts of nodemailer's SMTPConnection that `passSmtpUtf8` wraps. */
type ConnectionInternals = {
  _supportedExtensions: string[];
  _usingSmtpUtf8: boolean;
  _sendCommand(command: string): void;
  _setEnvelope(envelope: { smtpUtf8?: unknown } | undefined, callback: unknown): void;
};

let isSmtpUtf8Passed = false;

/**
 * Makes nodemailer pass a client's SMTPUTF8 on. nodemailer adds SMTPUTF8 to MAIL FROM
 * only when an envelope address is not ASCII, but a client also gives it for UTF-8
 * headers (RFC 6531, 6532), and a relay that is not told may mangle or refuse them.
 * While an envelope that carries our `smtpUtf8: true` is set on a connection whose
 * server offers SMTPUTF8, its MAIL FROM gets the keyword. Envelopes without the key
 * (every other mail nodemailer sends, the outbox's included) are untouched.
 *
 * This wraps two methods that nodemailer does not document (it has no option for
 * this); the relay tests check that the keyword arrives, so an upgrade that renames
 * them fails there, and until then the mail is still relayed, without the keyword.
 */
function passSmtpUtf8(): void {
  if (isSmtpUtf8Passed) return;
  isSmtpUtf8Passed = true;
  const proto = SMTPConnection.prototype as unknown as ConnectionInternals;
  const setEnvelope = proto._setEnvelope;
  const sendCommand = proto._sendCommand;
  if (typeof setEnvelope !== 'function' || typeof sendCommand !== 'function') return;
  proto._setEnvelope = function (this: ConnectionInternals, envelope, callback) {
    if (envelope?.smtpUtf8 !== true || !this._supportedExtensions.includes('SMTPUTF8')) {
      return setEnvelope.call(this, envelope, callback);
    }
    // _setEnvelope writes MAIL FROM synchronously, so the override lives only for this call.
    this._sendCommand = (command: string) => {
      const isMailFrom = /^MAIL FROM:<[^>]*>/i.test(command);
      if (isMailFrom && !/\sSMTPUTF8(\s|$)/i.test(command)) {
        this._usingSmtpUtf8 = true;
        return sendCommand.call(this, command.replace(/^(MAIL FROM:<[^>]*>)/i, '$1 SMTPUTF8'));
      }
      return sendCommand.call(this, command);
    };
    try {
      return setEnvelope.call(this, envelope, callback);
    } finally {
      delete (this as Partial<ConnectionInternals>)._sendCommand;
    }
  };
}
