import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type SmtpGateway,
  type SmtpGatewayOptions,
  startSmtpGateway,
} from '../../adapters/gateway/smtp-gateway.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import type { AcceptOutcome } from '../../core/gateway/accept-mail.ts';
import type { ReceivedMail } from '../../core/gateway/ports.ts';
import { readAll } from '../../core/shared/streams.ts';
import { TLS_CA, TLS_CERT, TLS_KEY } from './support/gateway-app.ts';
import { malformedMail } from './support/malformed.ts';
import { rawClient } from './support/raw-client.ts';

const ACCEPTED: AcceptOutcome = {
  kind: 'accepted',
  action: 'relay',
  stored: [],
  duplicates: 0,
  relayed: 1,
};

type Harness = { gateway: SmtpGateway; mails: ReceivedMail[] };
const open: SmtpGateway[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((g) => g.close()));
});

/** A gateway whose `accept` only records the mail (no database): the SMTP side alone. */
async function start(over: Partial<SmtpGatewayOptions> = {}): Promise<Harness> {
  const mails: ReceivedMail[] = [];
  const gateway = await startSmtpGateway({
    host: '127.0.0.1',
    port: 0,
    tls: null,
    networks: ['127.0.0.1/32'],
    maxBytes: 64 * 1024,
    maxRecipients: 3,
    logger: createLogger({ level: 'silent' }),
    checkSender: async ({ address }) =>
      address.endsWith('@council.test') || address === ''
        ? null
        : { code: 550, message: "Only the council's addresses." },
    authenticate: null,
    accept: async (mail) => {
      mails.push(mail);
      return ACCEPTED;
    },
    ...over,
  });
  open.push(gateway);
  return { gateway, mails };
}

/** MAIL, RCPT and DATA on a raw connection; resolves with the reply to the data. */
async function sendRaw(port: number, data: string | Buffer, to = ['a@example.org']) {
  const c = await rawClient(port);
  expect((await c.command('EHLO client.test')).code).toBe(250);
  expect((await c.command('MAIL FROM:<jo@council.test>')).code).toBe(250);
  for (const r of to) await c.command(`RCPT TO:<${r}>`);
  expect((await c.command('DATA')).code).toBe(354);
  c.write(data);
  const reply = await c.reply();
  return { c, reply };
}

describe('the SMTP conversation', () => {
  it('advertises its size and recipient limits, and no STARTTLS or AUTH without a certificate', async () => {
    const { gateway } = await start();
    const c = await rawClient(gateway.port);
    expect(c.greeting.code).toBe(220);
    expect(c.greeting.lines.join(' ')).toMatch(/at most 3 recipients and 0 MB per message/);
    const ehlo = await c.command('EHLO client.test');
    expect(ehlo.lines).toContain(`SIZE ${64 * 1024}`);
    expect(ehlo.lines.some((l) => /STARTTLS|AUTH/.test(l))).toBe(false);
    expect((await c.command('STARTTLS')).code).toBeGreaterThanOrEqual(500);
    c.close();
  });

  it('refuses clients outside its networks when they cannot log in', async () => {
    const { gateway } = await start({ networks: ['10.0.0.0/8'] });
    const c = await rawClient(gateway.port);
    expect(c.greeting.code).toBe(554);
    expect(c.greeting.lines[0]).toMatch(/only from the council's own mail servers/);
    await c.closed;
  });

  it('checks the sender and the recipients', async () => {
    const { gateway } = await start();
    const c = await rawClient(gateway.port);
    await c.command('EHLO client.test');
    const outsider = await c.command('MAIL FROM:<someone@example.org>');
    expect(outsider.code).toBe(550);
    expect(outsider.lines[0]).toBe("Only the council's addresses.");
    expect((await c.command('MAIL FROM:<jo@council.test>')).code).toBe(250);
    const bad = await c.command('RCPT TO:<"quoted local"@example.org>');
    expect(bad.code).toBeGreaterThanOrEqual(500);
    for (const n of [1, 2, 3])
      expect((await c.command(`RCPT TO:<r${n}@example.org>`)).code).toBe(250);
    expect((await c.command('RCPT TO:<r4@example.org>')).code).toBe(452);
    c.close();
  });

  it('refuses a message over SIZE, declared or not, and stays usable', async () => {
    const { gateway, mails } = await start();
    const c = await rawClient(gateway.port);
    await c.command('EHLO client.test');
    expect((await c.command(`MAIL FROM:<jo@council.test> SIZE=${64 * 1024 + 1}`)).code).toBe(552);
    const big = `Subject: big\r\n\r\n${'x'.repeat(100)}\r\n`.repeat(1000);
    const { c: c2, reply } = await sendRaw(gateway.port, `${big}.\r\n`);
    expect(reply.code).toBe(552);
    expect(reply.lines[0]).toMatch(/larger than the 0 MB this gateway accepts/);
    expect((await c2.command('MAIL FROM:<jo@council.test>')).code).toBe(250);
    c.close();
    c2.close();
    expect(mails).toHaveLength(0);
  });

  it('answers 451 when processing fails, and 5xx with the sentence when refused', async () => {
    let outcome: AcceptOutcome | Error = new Error('database is locked');
    const { gateway } = await start({
      accept: async () => {
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
    });
    const mail = 'Subject: x\r\n\r\nbody\r\n.\r\n';
    const send = async () => {
      const { c, reply } = await sendRaw(gateway.port, mail);
      c.close();
      return reply;
    };
    const failed = await send();
    expect(failed.code).toBe(451);
    expect(failed.lines[0]).not.toMatch(/database/);
    outcome = {
      kind: 'deferred',
      code: 451,
      refusal: { reason: 'relay-unavailable', detail: 'The relay is away.' },
    };
    expect(await send()).toEqual({
      code: 451,
      lines: [
        'The council mail server could not take the mail just now; it will be tried again. The relay is away.',
      ],
    });
    outcome = {
      kind: 'rejected',
      code: 550,
      refusal: {
        reason: 'policy-rejected',
        message: 'Mail to this address is not allowed – sorry.',
      },
    };
    expect(await send()).toEqual({
      code: 550,
      lines: ['Mail to this address is not allowed ? sorry.'],
    });
  });

  it('hands over the envelope, the headers and byte-identical raw mail', async () => {
    const { gateway, mails } = await start();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gateway.port });
    await transport.sendMail({
      envelope: { from: 'jo@council.test', to: ['a@example.org', 'b@example.org'] },
      from: 'Jo <jo@council.test>',
      to: 'a@example.org',
      subject: 'zixencrypt hello',
      text: 'Body',
      attachments: [{ filename: 'x.bin', content: Buffer.from([0, 1, 2, 3]) }],
    });
    const mail = mails[0];
    expect(mail?.envelopeFrom).toBe('jo@council.test');
    expect(mail?.envelopeTo).toEqual(['a@example.org', 'b@example.org']);
    expect(mail?.inbound.subject).toBe('zixencrypt hello');
    expect(mail?.toHeader).toEqual(['a@example.org']);
    expect(mail?.attachments).toEqual([
      { name: 'x.bin', contentType: 'application/octet-stream', size: 4, kind: 'file' },
    ]);
    const opened = mail?.openAttachments();
    expect([...(await readAll(opened?.streams[0] as ReadableStream<Uint8Array>))]).toEqual([
      0, 1, 2, 3,
    ]);
    opened?.cancel();
    const raw = Buffer.concat(mail?.raw ?? []).toString();
    expect(raw).toMatch(/^From: Jo <jo@council.test>\r\n/);
    expect(raw).toContain('\r\nSubject: zixencrypt hello\r\n');
    transport.close();
  });
});

describe('STARTTLS and login', () => {
  it('offers STARTTLS with the configured certificate, and login only over TLS', async () => {
    const logins: string[] = [];
    const { gateway, mails } = await start({
      tls: { key: readFileSync(TLS_KEY), cert: readFileSync(TLS_CERT) },
      networks: ['10.0.0.0/8'],
      authenticate: async ({ username, password }) => {
        logins.push(username);
        return password === 'right' ? { accountId: 'a1', email: username } : null;
      },
    });
    const c = await rawClient(gateway.port);
    const ehlo = await c.command('EHLO client.test');
    expect(ehlo.lines).toContain('STARTTLS');
    // A password is never taken in clear text: AUTH is neither offered nor taken before STARTTLS.
    expect(ehlo.lines.some((l) => /^AUTH/.test(l))).toBe(false);
    const plain = Buffer.from('\0jo@council.test\0right').toString('base64');
    expect((await c.command(`AUTH PLAIN ${plain}`)).code).toBe(500);
    // Not in the networks and not logged in: no mail.
    expect((await c.command('MAIL FROM:<jo@council.test>')).code).toBe(530);
    c.close();

    const client = (pass: string) =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: gateway.port,
        requireTLS: true,
        tls: { ca: TLS_CA(), servername: 'localhost' },
        auth: { user: 'jo@council.test', pass },
      });
    await expect(
      client('wrong').sendMail({ from: 'jo@council.test', to: 'a@example.org', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 535 });
    const info = await client('right').sendMail({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 'over TLS',
      text: 'x',
    });
    expect(info.response).toMatch(/^250 /);
    expect(mails).toHaveLength(1);
    expect(logins).toEqual(['jo@council.test', 'jo@council.test']);
  });
});

describe('SMTP smuggling', () => {
  // Each payload tries to end DATA early with a non-standard end marker and start a
  // second, forged mail. smtp-server ends DATA only at CRLF.CRLF, so it all stays
  // inside the one mail; the gateway also turns the bare line endings into CRLF so
  // the relay cannot be fooled either (see gateway.test.ts).
  const variants = ['\n.\n', '\n.\r\n', '\r\n.\n', '\r.\r\n', '\r\n.\r', '\r.\r', '\n.\r', '\r.\n'];
  for (const marker of variants) {
    it(`keeps ${JSON.stringify(marker)} inside one mail`, async () => {
      const { gateway, mails } = await start();
      const smuggled =
        `Subject: first\r\n\r\nhello${marker}` +
        'MAIL FROM:<ceo@council.test>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n' +
        'Subject: forged\r\n\r\nforged\r\n.\r\n';
      const { c, reply } = await sendRaw(gateway.port, smuggled);
      expect(reply.code).toBe(250);
      // Nothing more comes: the forged commands were message content, not commands.
      await expect(c.reply(300)).rejects.toThrow();
      c.close();
      expect(mails).toHaveLength(1);
      const raw = Buffer.concat(mails[0]?.raw ?? []).toString('latin1');
      expect(raw).toContain('Subject: forged');
      expect(/\r(?!\n)|(?<!\r)\n/.test(raw)).toBe(false);
    });
  }
});

describe('malformed mail over a real socket', () => {
  it('is answered with 250 or a 5xx, never a crash or a dropped connection', async () => {
    const { gateway } = await start({ maxBytes: 1024 * 1024 });
    const c = await rawClient(gateway.port);
    await c.command('EHLO client.test');
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(malformedMail, async (raw) => {
        expect((await c.command('MAIL FROM:<jo@council.test>')).code).toBe(250);
        expect((await c.command('RCPT TO:<a@example.org>')).code).toBe(250);
        expect((await c.command('DATA')).code).toBe(354);
        // Dot-stuffing, as any client does; the mail may not end in a line break.
        const stuffed = Buffer.from(
          raw.toString('latin1').replace(/(^|\r\n)\./g, '$1..'),
          'latin1',
        );
        c.write(Buffer.concat([stuffed, Buffer.from('\r\n.\r\n')]));
        const reply = await c.reply();
        expect([250, 554]).toContain(reply.code);
        answered++;
      }),
      { numRuns: 150 },
    );
    expect(answered).toBe(150);
    expect((await c.command('NOOP')).code).toBe(250);
    c.close();
  });
});
