// Every built-in mail transport, and the in-memory mailer tests use, keeps the Mailer
// contract: SMTP against a real SMTP server on loopback, the outbox folder through the
// .eml files it writes, and the fake through what it kept.

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { expect } from 'vitest';
import { createLogger } from '../../adapters/logging/logger.ts';
import { outboxFolderMailer } from '../../adapters/mail/outbox-folder.ts';
import { smtpMailer } from '../../adapters/mail/smtp.ts';
import { memoryMailer } from '../lifecycle/support.ts';
import { type RcptVerdict, startSmtpSink } from '../mail/support/smtp-sink.ts';
import { freePort, tempDir } from '../support/cli.ts';
import { type DeliveredMail, type MailerUnderTest, mailerContract } from './mailer-contract.ts';

const FROM = 'Cyngor Sir Gâr – Barnet <no-reply@barnet.gov.uk>';
const logger = createLogger({ level: 'silent' });

/**
 * An RFC 2047 header value decoded (mailparser leaves headers it does not know
 * encoded). Adjacent encoded words are joined before decoding, as RFC 2047 says.
 */
function decodeWords(value: string): string {
  return value.replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=\s*)+/g, (run) => {
    const parts = [...run.matchAll(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g)].map(([, , kind, data]) =>
      kind?.toUpperCase() === 'B'
        ? Buffer.from(data ?? '', 'base64')
        : Buffer.from(
            (data ?? '')
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          ),
    );
    const trailing = /\s*$/.exec(run)?.[0] ?? '';
    return Buffer.concat(parts).toString('utf8') + trailing;
  });
}

/** What a real mail client reads from the bytes a transport produced. */
async function parse(raw: string | Buffer, envelopeFrom?: string): Promise<DeliveredMail> {
  const parsed = await simpleParser(raw);
  const headers: Record<string, string> = {};
  for (const [name, value] of parsed.headers) {
    if (typeof value === 'string') headers[name] = decodeWords(value);
  }
  const contentType = parsed.headers.get('content-type') as { value?: string } | undefined;
  return {
    messageId: parsed.messageId ?? null,
    to: (Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.value[0]?.address ?? '',
    ...(envelopeFrom === undefined ? {} : { envelopeFrom }),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html === false ? null : (parsed.html ?? null),
    headers,
    report: contentType?.value === 'multipart/report',
  };
}

async function smtp(rcpt?: (address: string) => RcptVerdict): Promise<MailerUnderTest> {
  const sink = await startSmtpSink(rcpt ? { rcpt } : {});
  const mailer = smtpMailer({
    url: `smtp://127.0.0.1:${sink.port}`,
    from: FROM,
    requireTls: false,
    logger,
  });
  return {
    mailer,
    received: () =>
      Promise.all(
        sink.received.map(async (r) => {
          const got = await parse(r.raw, r.from);
          // The envelope is what counts for where SMTP mail goes.
          expect(r.to).toHaveLength(1);
          return { ...got, to: r.to[0] ?? '' };
        }),
      ),
    dispose: () => sink.close(),
  };
}

mailerContract('smtpMailer (real SMTP server on loopback)', () => smtp(), {
  permanent: () => smtp(() => ({ code: 550, message: '5.1.1 No such user' })),
  temporary: () => smtp(() => ({ code: 451, message: '4.3.0 Try again later' })),
  unreachable: async () => {
    const port = await freePort();
    return {
      mailer: smtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM, requireTls: false }),
      received: async () => [],
    };
  },
});

function folder(): MailerUnderTest & { dir: string } {
  const dir = path.join(tempDir('sealpost-mailer-contract-'), 'outbox');
  const mailer = outboxFolderMailer({ dir, from: FROM, logger });
  return {
    dir,
    mailer,
    received: async () => {
      const files = readdirSync(dir).filter((name) => name.endsWith('.eml'));
      // Nothing but whole mails: no temporary file is left behind.
      expect(readdirSync(dir).filter((name) => !name.endsWith('.eml'))).toEqual([]);
      return Promise.all(files.map((name) => parse(readFileSync(path.join(dir, name)))));
    },
    dispose: async () => rmSync(path.dirname(dir), { recursive: true, force: true }),
  };
}

mailerContract('outboxFolderMailer (.eml files)', async () => folder(), {
  temporary: async () => {
    // The folder vanished (a disk unmounted): nothing can be written until it is back.
    const m = folder();
    rmSync(m.dir, { recursive: true, force: true });
    return { ...m, received: async () => [] };
  },
});

mailerContract('memoryMailer (lifecycle tests)', async () => {
  const mailer = memoryMailer();
  return {
    mailer,
    received: async () =>
      mailer.sent.map((mail) => ({
        messageId: null,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: Object.fromEntries(
          Object.entries(mail.headers).map(([name, value]) => [name.toLowerCase(), value]),
        ),
        report: mail.report !== undefined,
      })),
  };
});
