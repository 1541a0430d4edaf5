import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { addressHash } from '../../adapters/gateway/smtp-relay.ts';
import { startGateway } from '../../adapters/gateway/start-gateway.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import type { MailContent, OutboxMail } from '../../core/mail/model.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import { runOutboxOnce } from '../../core/mail/outbox-worker.ts';
import { tempDir } from '../support/cli.ts';
import { gatewayEnv, openGatewayApp } from './support/gateway-app.ts';
import { rawClient } from './support/raw-client.ts';
import { startRelaySink } from './support/relay-sink.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The application with a running gateway whose relay is `relay`, whose outbox sends
 * through real SMTP to `notices` (so the delivery report's envelope can be seen), and
 * whose log lines are kept.
 */
async function setup() {
  const relay = await startRelaySink();
  cleanups.push(() => relay.close());
  const notices = await startRelaySink();
  cleanups.push(() => notices.close());
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const config = parseConfig(
    gatewayEnv(tempDir('sealpost-relay-refusals-'), {
      RELAY_SMTP_URL: relay.url,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: notices.url,
      SMTP_REQUIRE_TLS: 'false',
      MAIL_FROM: 'Council secure mail <no-reply@council.test>',
    }),
  );
  const app = await compose(config, { logger: createLogger({ level: 'info', destination }) });
  const gateway = await startGateway(app, { port: 0 });
  cleanups.push(async () => {
    await gateway.close();
    await app.close();
  });
  const outbox = async (): Promise<OutboxMail[]> =>
    app.storage.repos.outbox.claimDue({
      now: new Date(Date.now() + 1000),
      leaseUntil: new Date(Date.now() + 1000),
      limit: 100,
    });
  const sendOutbox = () =>
    runOutboxOnce({
      storage: app.storage,
      cipher: app.cipher,
      mailer: app.mailer,
      clock: app.clock,
      limit: 10,
      leaseMs: 60_000,
    });
  return { app, gateway, relay, notices, logLines, outbox, sendOutbox };
}

function client(port: number) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port });
  cleanups.push(async () => transport.close());
  return transport;
}

function build(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(mail).compile().build();
}

const ordinary = () =>
  build({
    from: 'Jo <jo@council.test>',
    to: 'a@example.org, b@example.org, c@example.org',
    subject: 'Minutes of Tuesday',
    messageId: '<minutes-1@council.test>',
    text: 'Attached are the minutes.',
  });

const everyone = ['a@example.org', 'b@example.org', 'c@example.org'];

/** The one delivery report waiting in the outbox, decrypted. */
async function onlyReport(
  app: Awaited<ReturnType<typeof setup>>['app'],
  rows: OutboxMail[],
): Promise<MailContent> {
  expect(rows.map((r) => [r.kind, r.to])).toEqual([['delivery-report', 'jo@council.test']]);
  const content = await readOutboxMail(app, rows[0] as OutboxMail);
  if (!content.report) throw new Error('the outbox mail is not a report');
  return content;
}

describe('a relay that refuses one recipient', () => {
  it('with 550: the others get the mail, the sender gets an RFC 3464 report, the 250 says so', async () => {
    const { app, gateway, relay, notices, logLines, outbox, sendOutbox } = await setup();
    relay.refuseRecipients.set('b@example.org', { code: 550, message: '5.1.1 No such user here' });
    const raw = await ordinary();
    const info = await client(gateway.port).sendMail({
      envelope: { from: 'jo@council.test', to: everyone },
      raw,
    });
    expect(info.response).toBe(
      '250 Accepted: passed on to the council mail server. But the council mail server refused 1 recipient: a delivery report was sent to the sender.',
    );
    expect(relay.received).toHaveLength(1);
    expect(relay.received[0]?.to).toEqual(['a@example.org', 'c@example.org']);
    expect(relay.received[0]?.raw.equals(raw)).toBe(true);

    // Durable before the 250: the report waits in the outbox, encrypted like the rest.
    const [row] = await outbox();
    expect(Buffer.from(row?.payloadEnc ?? []).toString('latin1')).not.toContain('b@example.org');
    const content = await onlyReport(app, row ? [row] : []);
    expect(content.report?.recipients).toEqual([
      {
        address: 'b@example.org',
        status: '5.1.1',
        diagnostic: '550 5.1.1 No such user here',
      },
    ]);
    expect(content.text).toContain('b@example.org');
    expect(content.text).toContain('Check the address');
    expect(content.subject).toBe('Not delivered to everyone: Minutes of Tuesday');

    // The log names the recipient only by its hash, with the code.
    const refusals = logLines.filter((l) => l.includes('relay refused a recipient'));
    expect(refusals).toHaveLength(1);
    expect(JSON.parse(refusals[0] ?? '{}')).toMatchObject({
      recipientHash: addressHash('b@example.org'),
      code: 550,
      status: '5.1.1',
      temporary: false,
    });
    expect(logLines.join('\n')).not.toContain('b@example.org');

    // Sent: a multipart/report from the null sender, readable by mail systems.
    await app.storage.repos.outbox.update({
      mail: { ...(row as OutboxMail), status: 'pending', leaseUntil: null },
    });
    expect((await sendOutbox()).sent).toBe(1);
    expect(notices.received).toHaveLength(1);
    const dsn = notices.received[0];
    expect(dsn?.from).toBe('');
    expect(dsn?.to).toEqual(['jo@council.test']);
    const text = dsn?.raw.toString('utf8') ?? '';
    expect(text).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status;/m);
    expect(text).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(text).toMatch(/^In-Reply-To: <minutes-1@council\.test>\r$/m);
    const status = /Content-Type: message\/delivery-status\r\n\r\n([\s\S]*?)\r\n----/.exec(
      text,
    )?.[1];
    expect(
      status
        ?.trim()
        .split('\r\n\r\n')
        .map((block) => block.split('\r\n')),
    ).toEqual([
      [
        'Reporting-MTA: dns; sealpost.council.test',
        expect.stringMatching(/^Arrival-Date: \w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000$/),
      ],
      [
        'Final-Recipient: rfc822; b@example.org',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 No such user here',
      ],
    ]);
    expect(text).toMatch(/Content-Type: text\/rfc822-headers/);
    expect(text).toContain('Minutes of Tuesday');
    expect(text).not.toContain('Attached are the minutes');
  });

  it('with 451: a report too, telling the sender to send it to that person again', async () => {
    const { app, gateway, relay, outbox, logLines } = await setup();
    relay.refuseRecipients.set('c@example.org', {
      code: 451,
      message: '4.2.2 Mailbox full, try later',
    });
    const info = await client(gateway.port).sendMail({
      envelope: { from: 'jo@council.test', to: everyone },
      raw: await ordinary(),
    });
    expect(info.response).toMatch(/^250 .*refused 1 recipient: a delivery report was sent/);
    // Not a 4xx for the whole mail: a retry would send it again to a and b.
    expect(relay.received).toHaveLength(1);
    expect(relay.received[0]?.to).toEqual(['a@example.org', 'b@example.org']);
    const content = await onlyReport(app, await outbox());
    expect(content.report?.recipients).toEqual([
      {
        address: 'c@example.org',
        status: '4.2.2',
        diagnostic: '451 4.2.2 Mailbox full, try later',
      },
    ]);
    expect(content.text).toContain('Send the email to this person again later');
    expect(logLines.some((l) => l.includes('"code":451') && l.includes('"temporary":true'))).toBe(
      true,
    );
  });

  it('sends no report for a mail from the null sender, and says so', async () => {
    const { gateway, relay, outbox } = await setup();
    relay.refuseRecipients.set('b@example.org', { code: 550, message: 'No such user here' });
    const info = await client(gateway.port).sendMail({
      envelope: { from: '', to: everyone },
      raw: await ordinary(),
    });
    expect(info.response).toMatch(/refused 1 recipient, and the mail has no return address/);
    expect(relay.received[0]?.from).toBe('');
    expect(await outbox()).toEqual([]);
  });

  it('reports the refused inside recipients of a secure mail after storing it', async () => {
    const { app, gateway, relay, outbox } = await setup();
    relay.refuseRecipients.set('gone@council.test', { code: 550, message: '5.1.1 Gone' });
    const info = await client(gateway.port).sendMail({
      envelope: {
        from: 'jo@council.test',
        to: ['citizen@example.org', 'colleague@council.test', 'gone@council.test'],
      },
      raw: await build({
        from: 'jo@council.test',
        to: 'citizen@example.org, colleague@council.test, gone@council.test',
        subject: 'zixencrypt case notes',
        text: 'notes',
      }),
    });
    expect(info.response).toBe(
      '250 Accepted: stored as a secure message. But the council mail server refused 1 recipient: a delivery report was sent to the sender.',
    );
    expect(relay.received[0]?.to).toEqual(['colleague@council.test']);
    const rows = await outbox();
    expect(rows.map((r) => r.kind).sort()).toEqual(['delivery-report', 'notification']);
    const report = await readOutboxMail(
      app,
      rows.find((r) => r.kind === 'delivery-report') as OutboxMail,
    );
    expect(report.report?.recipients.map((r) => r.address)).toEqual(['gone@council.test']);
  });
});

describe('a relay that refuses every recipient', () => {
  it('answers 550 when every refusal is permanent, and queues no report', async () => {
    const { gateway, relay, outbox } = await setup();
    for (const r of everyone) relay.refuseRecipients.set(r, { code: 550, message: 'No such user' });
    const error = await client(gateway.port)
      .sendMail({ envelope: { from: 'jo@council.test', to: everyone }, raw: await ordinary() })
      .catch((e: { responseCode: number; response: string }) => e);
    expect(error).toMatchObject({ responseCode: 550 });
    expect((error as { response: string }).response).toMatch(
      /refused every recipient \(550 No such user\)/,
    );
    expect(relay.received).toHaveLength(0);
    expect(await outbox()).toEqual([]);
  });

  it('answers 451 when any refusal is temporary, so the client tries again', async () => {
    const { gateway, relay, outbox } = await setup();
    relay.refuseRecipients.set('a@example.org', { code: 550, message: 'No such user' });
    relay.refuseRecipients.set('b@example.org', { code: 451, message: 'Try later' });
    relay.refuseRecipients.set('c@example.org', { code: 550, message: 'No such user' });
    await expect(
      client(gateway.port).sendMail({
        envelope: { from: 'jo@council.test', to: everyone },
        raw: await ordinary(),
      }),
    ).rejects.toMatchObject({ responseCode: 451 });
    expect(await outbox()).toEqual([]);
  });
});

describe('MAIL FROM parameters', () => {
  /** Sends one small mail by hand, with `params` after MAIL FROM. */
  async function sendWith(port: number, params: string, body: Buffer): Promise<number> {
    const c = await rawClient(port);
    expect((await c.command('EHLO client.test')).code).toBe(250);
    expect((await c.command(`MAIL FROM:<jo@council.test>${params}`)).code).toBe(250);
    expect((await c.command('RCPT TO:<a@example.org>')).code).toBe(250);
    expect((await c.command('DATA')).code).toBe(354);
    c.write(Buffer.concat([body, Buffer.from('\r\n.\r\n')]));
    const reply = await c.reply();
    c.close();
    return reply.code;
  }

  it('passes BODY=8BITMIME and SMTPUTF8 on to the relay, byte for byte', async () => {
    const { gateway, relay } = await setup();
    const body = Buffer.from(
      'From: Jö <jo@council.test>\r\nTo: a@example.org\r\nSubject: Café ünd straße\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n',
      'utf8',
    );
    expect(await sendWith(gateway.port, ' BODY=8BITMIME SMTPUTF8', body)).toBe(250);
    expect(relay.received[0]?.params).toEqual({ body: '8bitmime', smtpUtf8: true });
    // The UTF-8 header and 8-bit body reach the relay unchanged.
    expect(relay.received[0]?.raw.subarray(0, body.length).equals(body)).toBe(true);

    expect(await sendWith(gateway.port, ' BODY=8BITMIME', body)).toBe(250);
    expect(relay.received[1]?.params).toEqual({ body: '8bitmime', smtpUtf8: false });

    const plain = Buffer.from(
      'From: jo@council.test\r\nTo: a@example.org\r\nSubject: hi\r\n\r\nhi\r\n',
    );
    expect(await sendWith(gateway.port, '', plain)).toBe(250);
    expect(relay.received[2]?.params).toEqual({ body: '7bit', smtpUtf8: false });
  });

  it('no longer advertises DSN, whose NOTIFY and RET it would not honour', async () => {
    const { gateway } = await setup();
    const c = await rawClient(gateway.port);
    const ehlo = await c.command('EHLO client.test');
    expect(ehlo.lines).toEqual(expect.arrayContaining(['8BITMIME', 'SMTPUTF8']));
    expect(ehlo.lines).not.toContain('DSN');
    c.close();
  });
});

describe('the delivery report through the outbox folder', () => {
  it('is written as a multipart/report .eml', async () => {
    const relay = await startRelaySink();
    cleanups.push(() => relay.close());
    const gw = await openGatewayApp({ RELAY_SMTP_URL: relay.url });
    cleanups.push(() => gw.close());
    relay.refuseRecipients.set('b@example.org', { code: 550, message: 'No such user here' });
    await client(gw.port).sendMail({
      envelope: { from: 'jo@council.test', to: everyone },
      raw: await ordinary(),
    });
    const result = await runOutboxOnce({
      storage: gw.app.storage,
      cipher: gw.app.cipher,
      mailer: gw.app.mailer,
      clock: gw.app.clock,
      limit: 10,
      leaseMs: 60_000,
    });
    expect(result.sent).toBe(1);
    const folder = path.join(gw.dir, 'outbox');
    const files = readdirSync(folder).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const eml = readFileSync(path.join(folder, files[0] as string), 'utf8');
    expect(eml).toMatch(/^To: jo@council\.test\r$/m);
    expect(eml).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status;/m);
    expect(eml).toContain('Final-Recipient: rfc822; b@example.org');
    expect(eml).toContain('Diagnostic-Code: smtp; 550 No such user here');
  });
});
