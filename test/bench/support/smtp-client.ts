// The SMTP load for the gateway benchmark, run as its own process:
//   node --import tsx test/bench/support/smtp-client.ts '{"port":2525,"count":1000,...}'
// It builds every message before the clock starts, sends them all through a nodemailer
// pool (connections opened once and reused for every message, as Exchange's send
// connector does), and prints one JSON line: the seconds from the first MAIL FROM to
// the last 250, and how many were accepted.

import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';

/** What the parent asks for. */
export type SmtpLoad = {
  port: number;
  count: number;
  connections: number;
  /** Bytes of each message as sent (headers, text and a base64 attachment). */
  size: number;
  /** Goes into every Message-ID and subject, so no run repeats another's mail. */
  tag: string;
  from: string;
  /** Recipients are spread over this many addresses at example.org. */
  recipients: number;
};

/** What the client prints. */
export type SmtpLoadResult = { seconds: number; accepted: number; failed: number; error?: string };

/** One raw message of about `size` bytes: a letter and a scanned form, keyword in the subject. */
export function buildMessage(load: SmtpLoad, i: number): { to: string; raw: string } {
  const to = `resident${i % load.recipients}@example.org`;
  const boundary = `----=_bench_${load.tag}_${i}`;
  const text =
    'Dear resident,\r\n\r\nPlease find attached the assessment we discussed. ' +
    `Reference ${load.tag}-${i}.\r\n\r\nAdult Social Care\r\n`;
  const head = [
    `From: Adult Social Care <${load.from}>`,
    `To: <${to}>`,
    `Subject: ZixEncrypt Care assessment ${load.tag}-${i}`,
    `Message-ID: <${load.tag}.${i}@council.test>`,
    'Date: Mon, 3 Mar 2025 09:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    'Content-Type: application/pdf; name="assessment.pdf"',
    'Content-Disposition: attachment; filename="assessment.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  const tail = `\r\n--${boundary}--\r\n`;
  // base64 lines of 76 characters (78 bytes with CRLF) carry 57 bytes each.
  const room = Math.max(0, load.size - head.length - tail.length);
  const binary = randomBytes(Math.floor((room / 78) * 57));
  const lines = binary.toString('base64').match(/.{1,76}/g) ?? [];
  return { to, raw: `${head}${lines.join('\r\n')}${tail}` };
}

async function main(load: SmtpLoad): Promise<SmtpLoadResult> {
  const messages = Array.from({ length: load.count }, (_, i) => buildMessage(load, i));
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: load.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: load.connections,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  let accepted = 0;
  let failed = 0;
  let error: string | undefined;
  const started = performance.now();
  await Promise.all(
    messages.map(async (message) => {
      try {
        const info = await transport.sendMail({
          envelope: { from: load.from, to: [message.to] },
          raw: message.raw,
        });
        if (info.accepted.length > 0) accepted++;
        else failed++;
      } catch (e) {
        failed++;
        error ??= e instanceof Error ? e.message : String(e);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return { seconds, accepted, failed, ...(error ? { error } : {}) };
}

const arg = process.argv[2];
if (arg) {
  const result = await main(JSON.parse(arg) as SmtpLoad);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
