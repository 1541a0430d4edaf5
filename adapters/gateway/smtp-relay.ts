import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Relay } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import { classifySmtpError } from '../mail/smtp.ts';

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

  return {
    async send({ from, to, raw }) {
      try {
        const info = await transport.sendMail({
          envelope: { from, to },
          raw: Readable.from(raw),
        });
        if (info.accepted.length === 0) {
          return { ok: false, permanent: true, reason: 'It refused every recipient.' };
        }
        if (info.rejected.length > 0) {
          logger?.warn({ rejected: info.rejected.length }, 'relay refused some recipients');
        }
        return { ok: true };
      } catch (error) {
        const result = classifySmtpError(error);
        logger?.warn({ err: error }, 'relay failed');
        return result.ok
          ? { ok: true }
          : { ok: false, permanent: result.permanent, reason: result.error };
      }
    },
    async close() {
      transport.close();
    },
  };
}
