import { createPrivateKey } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { mailFailure } from '../../core/mail/failure.ts';
import { findUnsafeHeader } from '../../core/mail/outbox-worker.ts';
import type { Mailer, SendResult } from '../../core/mail/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import { composeOptions, isSafeMailId, parseSender } from './message.ts';

/** DKIM signing of outgoing mail, for councils whose relay does not sign. */
export type DkimOptions = {
  /** The signing domain (`d=`), normally the domain of MAIL_FROM. */
  domainName: string;
  /** The selector (`s=`): the DNS name is `<selector>._domainkey.<domainName>`. */
  keySelector: string;
  /** The private key, PEM. */
  privateKey: string;
};

/** Options of the SMTP transport. */
export type SmtpMailerOptions = {
  /** `smtp://[user:pass@]host[:587]` (STARTTLS) or `smtps://...:465` (TLS from the start). */
  url: string;
  /**
   * Refuse to send over a connection that is not encrypted: with `smtp://` the server
   * must accept STARTTLS. Defaults to true; false only for a relay on the same host.
   */
  requireTls?: boolean;
  /** The From header, e.g. `Barnet Council <no-reply@barnet.gov.uk>`. */
  from: string;
  dkim?: DkimOptions;
  /**
   * PEM of a private certificate authority the server's certificate chains to (a
   * council's internal CA). Public CAs are trusted anyway; certificates are always checked.
   */
  tlsCa?: string;
  logger?: Logger;
  /** Parallel connections to the server (default 3). */
  maxConnections?: number;
  /**
   * Inactivity limit of one connection, in ms (default 60 s). The outbox lease must
   * be longer than a send can take, so this is kept well under it.
   */
  socketTimeoutMs?: number;
};

// Failures of the connection, the login or TLS concern every mail, not this one:
// whatever code the server gave, they are retried so that fixing SMTP_URL or the
// server delivers the queue instead of failing it.
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EAUTH',
  'ENOAUTH',
  'EPROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
]);

// Commands whose 5xx answer is about this recipient or this message.
const MAIL_COMMANDS = new Set(['RCPT TO', 'DATA']);

type SmtpError = Error & {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
};

/**
 * Sorts an SMTP failure into permanent or temporary. 5xx to RCPT TO or DATA is
 * permanent (no such mailbox, content refused); 4xx and every connection, TLS or
 * login problem is temporary. A 5xx to MAIL FROM (our sender refused, login
 * required) is a configuration problem and is retried too, like a login failure.
 */
export function classifySmtpError(error: unknown): SendResult {
  const e = (error ?? {}) as SmtpError;
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  const reply = typeof e.response === 'string' ? e.response : '';
  // Codes (core/mail/failure.ts); the error code, status and reply are the server's data.
  const detail = `${code || 'error'}${status ? ` ${status}` : ''}`;
  if (CONNECTION_CODES.has(code)) {
    const what =
      code === 'EAUTH' || code === 'ENOAUTH'
        ? 'smtp-login-refused'
        : code === 'ETLS'
          ? 'smtp-tls-failed'
          : 'smtp-unreachable';
    return { ok: false, permanent: false, error: mailFailure(what, detail) };
  }
  if (status === null) {
    // No reply from a server: nodemailer refused the mail itself (no usable recipient
    // or sender), which no retry changes; anything else unknown is retried.
    const permanent = code === 'EENVELOPE' || code === 'EMESSAGE';
    const what = permanent ? 'smtp-unaddressable' : 'smtp-failed';
    return { ok: false, permanent, error: mailFailure(what, detail) };
  }
  const permanent = status >= 500 && status < 600 && MAIL_COMMANDS.has(e.command ?? '');
  return {
    ok: false,
    permanent,
    error: mailFailure(permanent ? 'smtp-refused' : 'smtp-deferred', reply || String(status)),
  };
}

function parseUrl(url: unknown): URL {
  const hint = 'Set SMTP_URL, e.g. SMTP_URL=smtp://mail.council.gov.uk:587';
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ConfigurationError(`The SMTP URL is empty. ${hint}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ConfigurationError(`The SMTP URL is not a valid URL. ${hint}`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigurationError(`The SMTP URL must start with smtp:// or smtps://. ${hint}`);
  }
  if (parsed.hostname === '') {
    throw new ConfigurationError(`The SMTP URL names no host. ${hint}`);
  }
  return parsed;
}

function checkDkim(dkim: DkimOptions): DkimOptions {
  const { domainName, keySelector, privateKey } = dkim;
  if (typeof domainName !== 'string' || !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domainName)) {
    throw new ConfigurationError(
      'DKIM domainName (DKIM_DOMAIN) must be a domain, e.g. barnet.gov.uk.',
    );
  }
  if (typeof keySelector !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(keySelector)) {
    throw new ConfigurationError(
      'DKIM keySelector (DKIM_SELECTOR) must be a DNS label, e.g. sealpost2025.',
    );
  }
  try {
    createPrivateKey(privateKey);
  } catch {
    throw new ConfigurationError(
      'DKIM privateKey (DKIM_PRIVATE_KEY_FILE) is not a PEM private key, e.g. from: openssl genrsa 2048',
    );
  }
  return { domainName, keySelector, privateKey };
}

/**
 * The SMTP transport (nodemailer, pooled connections). Every mail carries the
 * Message-ID of its outbox id, so a repeat after a crash is recognisable. Delivery
 * is at least once: see docs/decisions/0009-outbox-delivery-semantics.md.
 */
export function smtpMailer(options: SmtpMailerOptions): Mailer & SmtpCheck {
  const url = parseUrl(options.url);
  const sender = parseSender(options.from, 'MAIL_FROM');
  const requireTls = options.requireTls ?? true;
  if (typeof requireTls !== 'boolean') {
    throw new ConfigurationError('requireTls must be true or false (SMTP_REQUIRE_TLS).');
  }
  const maxConnections = options.maxConnections ?? 3;
  const socketTimeout = options.socketTimeoutMs ?? 60_000;
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 50) {
    throw new ConfigurationError('maxConnections must be a whole number from 1 to 50.');
  }
  if (!Number.isFinite(socketTimeout) || socketTimeout < 1_000) {
    throw new ConfigurationError('socketTimeoutMs must be at least 1000.');
  }
  const dkim = options.dkim ? checkDkim(options.dkim) : undefined;
  if (options.tlsCa !== undefined && !/-----BEGIN CERTIFICATE-----/.test(options.tlsCa)) {
    throw new ConfigurationError('tlsCa must be a PEM certificate (-----BEGIN CERTIFICATE-----).');
  }
  const isImplicitTls = url.protocol === 'smtps:';
  const logger = options.logger;

  const transportOptions: SMTPPool.Options = {
    pool: true,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : isImplicitTls ? 465 : 587,
    secure: isImplicitTls,
    // With requireTLS nodemailer issues STARTTLS even if the server does not offer it,
    // and gives up rather than continue in clear text.
    requireTLS: requireTls && !isImplicitTls,
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
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(dkim ? { dkim } : {}),
    ...(options.tlsCa ? { tls: { ca: options.tlsCa } } : {}),
  };
  const transport = nodemailer.createTransport(transportOptions);

  return {
    async send({ id, mail }) {
      if (!isSafeMailId(id)) {
        return { ok: false, permanent: true, error: { code: 'bad-id' } };
      }
      const unsafe = findUnsafeHeader(mail);
      if (unsafe) return { ok: false, permanent: true, error: unsafe };
      try {
        const info = await transport.sendMail(composeOptions({ id, mail, sender }));
        // One recipient: nodemailer throws when it is refused, so this is belt and braces.
        if (info.rejected.length > 0 || info.accepted.length === 0) {
          return { ok: false, permanent: true, error: { code: 'smtp-recipient-refused' } };
        }
        return { ok: true };
      } catch (error) {
        const result = classifySmtpError(error);
        logger?.warn({ err: error, outboxId: id }, 'SMTP send failed');
        return result;
      }
    },
    async verify() {
      try {
        await transport.verify();
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** What `sealpost doctor` asks of the SMTP transport beyond the Mailer port. */
export type SmtpCheck = {
  /**
   * Connects, says EHLO, upgrades with STARTTLS when required and logs in when the URL
   * has a user, then quits: nothing is sent.
   */
  verify(): Promise<{ ok: true } | { ok: false; error: string }>;
};
