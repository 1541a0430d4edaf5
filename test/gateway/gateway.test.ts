import { createHash, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpGateway } from '../../adapters/gateway/smtp-gateway.ts';
import { createPortal } from '../../adapters/http/portal.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { register, sendRegistrationCode } from '../../core/accounts/register.ts';
import { DEFAULT_SESSION_POLICY } from '../../core/auth/sessions.ts';
import { acceptMail } from '../../core/gateway/accept-mail.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import { downloadAttachment } from '../../core/messages/download-attachment.ts';
import { decryptText, openMessage } from '../../core/messages/open-message.ts';
import { readAll } from '../../core/shared/streams.ts';
import { codeIn } from '../support/email-code.ts';
import { type GatewayApp, openGatewayApp } from './support/gateway-app.ts';
import { type LenientSink, startLenientSink } from './support/lenient-sink.ts';
import { rawClient } from './support/raw-client.ts';
import { type RelaySink, startRelaySink } from './support/relay-sink.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  over: Record<string, string> = {},
): Promise<{ gw: GatewayApp; sink: RelaySink }> {
  const sink = await startRelaySink();
  cleanups.push(() => sink.close());
  const gw = await openGatewayApp({ RELAY_SMTP_URL: sink.url, ...over });
  cleanups.push(() => gw.close());
  return { gw, sink };
}

/** A nodemailer client of the gateway, closed after the test. */
function client(port: number) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port });
  cleanups.push(async () => transport.close());
  return transport;
}

function build(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(mail).compile().build();
}

const deps = (gw: GatewayApp) => ({ ...gw.app, publicUrl: gw.app.config.publicUrl });

describe('a mail with the keyword, from a real SMTP client', () => {
  it('becomes a secure message the recipient registers for and reads, attachments byte-identical', async () => {
    const { gw, sink } = await setup();
    const pdf = randomBytes(3 * 1024 * 1024 + 17);
    const logo = randomBytes(4096);
    const info = await client(gw.port).sendMail({
      from: 'Jo Bloggs <jo.bloggs@council.test>',
      to: 'Citizen <citizen@example.org>',
      subject: 'ZixEncrypt Your housing application',
      text: 'Please find your documents attached.',
      html: '<p>Please find your documents attached.</p><img src="cid:logo@council">',
      attachments: [
        { filename: 'application.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'logo.png', content: logo, cid: 'logo@council', contentType: 'image/png' },
      ],
    });
    expect(info.response).toBe('250 Accepted: stored as a secure message.');
    expect(sink.received).toHaveLength(0);

    // The staff sender was created on first use, without a password, as a sender.
    const sender = await gw.account('jo.bloggs@council.test');
    expect(sender).toMatchObject({
      kind: 'staff',
      role: 'sender',
      passwordHash: null,
      displayName: 'Jo Bloggs',
    });
    // The trail says the gateway made it, not an admin at the command line.
    const created = await gw.app.storage.repos.audit.list({
      filter: { action: 'account.create', targetId: sender?.id ?? '' },
      limit: 10,
    });
    expect(created.map((e) => [e.actorId, e.actorLabel])).toEqual([[null, 'gateway']]);
    const [message] = await gw.sentBy('jo.bloggs@council.test');
    expect(message?.source).toBe('gateway');
    expect(message?.bodyFormat).toBe('safe-html');
    expect(message?.dedupeKey).toMatch(/^[0-9a-f]{64}$/);

    // The notification waits in the outbox; its link lets the recipient register.
    const due = await gw.app.storage.repos.outbox.claimDue({
      now: new Date(),
      leaseUntil: new Date(Date.now() + 60_000),
      limit: 10,
    });
    expect(due.map((m) => m.to)).toEqual(['citizen@example.org']);
    const notice = await readOutboxMail(gw.app, due[0] as (typeof due)[number]);
    expect(notice.text).not.toContain('housing');
    const link = /\/open\/([A-Za-z0-9._-]+)/.exec(notice.text)?.[1] ?? '';
    const accountDeps = {
      ...deps(gw),
      settings: gw.app.settings,
      policy: DEFAULT_SESSION_POLICY,
      ssoConfigured: false,
    };
    // The link alone registers nobody: the code emailed to the address comes with it.
    expect((await sendRegistrationCode(accountDeps, { token: link }))?.ok).toBe(true);
    const [codeMail] = await gw.app.storage.repos.outbox.claimDue({
      now: new Date(),
      leaseUntil: new Date(Date.now() + 60_000),
      limit: 10,
    });
    if (!codeMail) throw new Error('no code email');
    const code = codeIn((await readOutboxMail(gw.app, codeMail)).text);
    const registered = await register(accountDeps, {
      token: link,
      code,
      password: 'a long and unusual passphrase 7',
      ip: null,
      userAgent: null,
    });
    if (!registered.ok) throw new Error(`registration failed: ${registered.reason}`);

    const opened = await openMessage(deps(gw), {
      account: registered.account,
      deliveryId: registered.deliveryId ?? '',
      ip: null,
    });
    if (!opened.ok) throw new Error(`could not open: ${opened.reason}`);
    expect(opened.opened.subject).toBe('Your housing application');
    expect(new TextDecoder().decode(await readAll(await opened.opened.body()))).toContain(
      'Please find your documents attached.',
    );
    // In MIME order: the inline image sits with the HTML body, before the file.
    expect(opened.opened.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ['logo.png', 'image/png', logo.length],
      ['application.pdf', 'application/pdf', pdf.length],
    ]);
    for (const [i, expected] of [logo, pdf].entries()) {
      const download = await downloadAttachment(deps(gw), {
        account: registered.account,
        deliveryId: registered.deliveryId ?? '',
        attachmentId: opened.opened.attachments[i]?.id ?? '',
        ip: null,
      });
      expect(Buffer.from(await readAll(download?.content as ReadableStream)).equals(expected)).toBe(
        true,
      );
    }
  });

  it('is read through the portal pages: link, registration, message, files', async () => {
    const { gw } = await setup();
    const pdf = randomBytes(40_000);
    const info = await client(gw.port).sendMail({
      from: 'Jo Bloggs <jo.bloggs@council.test>',
      to: 'tenant@example.org',
      subject: '[secure] Your tenancy agreement',
      text: 'Your agreement is attached. Sign page 4.',
      attachments: [{ filename: 'agreement.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    expect(info.response).toBe('250 Accepted: stored as a secure message.');
    const [mail] = await gw.app.storage.repos.outbox.claimDue({
      now: new Date(),
      leaseUntil: new Date(Date.now() + 60_000),
      limit: 10,
    });
    const notice = await readOutboxMail(gw.app, mail as NonNullable<typeof mail>);
    const link = /https?:\/\/[^/\s]+(\/open\/[A-Za-z0-9._-]+)/.exec(notice.text)?.[1] ?? '';
    expect(link).not.toBe('');

    // The portal as `sealpost serve` builds it, asked over HTTP as a browser would.
    const portal = createPortal(gw.app);
    const base = gw.app.config.publicUrl;
    let cookie = '';
    const request = async (path: string, init: { form?: Record<string, string> } = {}) => {
      const headers: Record<string, string> = { origin: base };
      if (cookie) headers.cookie = cookie;
      if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await portal.request(`${base}${path}`, {
        method: init.form ? 'POST' : 'GET',
        headers,
        ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      });
      const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
      if (set.length > 0) cookie = set.join('; ');
      return res;
    };
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

    // A GET of the link shows only a button (mail scanners stop there).
    const start = await request(link);
    expect(start.status).toBe(200);
    const form = await request(link, { form: { _csrf: csrf(await start.text()) } });
    expect(form.status).toBe(200);
    const startPage = await form.text();
    expect(startPage).toContain('tenant@example.org');
    // The page emails a code to the address: the link alone registers nobody.
    const codeAction = /action="(\/register\/[^"]+\/code)"/.exec(startPage)?.[1] ?? '';
    const codeSent = await request(codeAction, { form: { _csrf: csrf(startPage) } });
    expect(codeSent.status).toBe(200);
    const registerPage = await codeSent.text();
    const codeMails = await gw.app.storage.repos.outbox.claimDue({
      now: new Date('2100-01-01T00:00:00Z'),
      leaseUntil: new Date('2000-01-01T00:00:00Z'),
      limit: 100,
    });
    const codeMail = codeMails.filter((m) => m.kind === 'email-code').at(-1);
    if (!codeMail) throw new Error('no code email');
    const code = codeIn((await readOutboxMail(gw.app, codeMail)).text);
    const action = /action="(\/register\/[^"/]+)"/.exec(registerPage)?.[1] ?? '';
    const registered = await request(action, {
      form: { _csrf: csrf(registerPage), password: 'copper lantern meadow violin 9', code },
    });
    expect(registered.status).toBe(303);
    const messagePath = registered.headers.get('location') ?? '';
    expect(messagePath).toMatch(/^\/inbox\/[A-Za-z0-9_-]+$/);

    const page = await request(messagePath);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Your tenancy agreement');
    expect(html).toContain('Sign page 4.');
    expect(html).toContain('Jo Bloggs');
    const file = /href="(\/inbox\/[^"]+\/attachments\/[^"]+)"/.exec(html)?.[1] ?? '';
    const download = await request(file.replaceAll('&amp;', '&'));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;.*agreement\.pdf/);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('takes a 60 MB attachment (an 82 MB mail) holding the mail in memory once', async () => {
    const { gw } = await setup();
    const file = randomBytes(60 * 1024 * 1024);
    const raw = await build({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 'zixencrypt big',
      text: 'big',
      attachments: [{ filename: 'scan.tiff', content: file }],
    });
    const before = process.memoryUsage().rss;
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss - before);
    }, 10);
    try {
      const info = await client(gw.port).sendMail({
        envelope: { from: 'jo@council.test', to: ['a@example.org'] },
        raw,
      });
      expect(info.response).toBe('250 Accepted: stored as a secure message.');
    } finally {
      clearInterval(sampler);
    }
    // One copy of the mail, plus working space; a second copy (or the decoded
    // attachment held whole) would need at least 1.7 times the mail.
    expect(peak).toBeLessThan(1.5 * raw.length);
    const [message] = await gw.sentBy('jo@council.test');
    const [stored] = await gw.app.storage.repos.attachments.listForMessage({
      messageId: message?.id ?? '',
    });
    expect(stored?.size).toBe(file.length);
    const blob = await gw.app.blobs.get({ id: stored?.blobId ?? '' });
    const hash = createHash('sha256');
    for await (const chunk of await gw.app.cipher.decryptStream({
      ciphertext: blob as ReadableStream<Uint8Array>,
    }))
      hash.update(chunk);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(file).digest('hex'));
  }, 120_000);

  it('stores a resent copy (same Message-ID, sender and recipients) only once', async () => {
    const { gw } = await setup();
    const raw = await build({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 'zixencrypt twice',
      text: 'once',
      messageId: '<resend-1@council.test>',
    });
    const envelope = { from: 'jo@council.test', to: ['a@example.org'] };
    const first = await client(gw.port).sendMail({ envelope, raw });
    const second = await client(gw.port).sendMail({ envelope, raw });
    expect(first.response).toBe('250 Accepted: stored as a secure message.');
    expect(second.response).toBe('250 Accepted: this mail was already stored as a secure message.');
    expect(await gw.sentBy('jo@council.test')).toHaveLength(1);

    // Two copies at the same moment on two connections: still one.
    const race = await build({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 'zixencrypt race',
      text: 'race',
      messageId: '<race-1@council.test>',
    });
    const replies = await Promise.all(
      [1, 2, 3].map(() => client(gw.port).sendMail({ envelope, raw: race })),
    );
    expect(replies.every((r) => r.response.startsWith('250 '))).toBe(true);
    expect(await gw.sentBy('jo@council.test')).toHaveLength(2);

    // Another recipient set is another mail: one message to a (named in To), and
    // one of its own for b (a blind copy, not named in the headers).
    await client(gw.port).sendMail({
      envelope: { from: 'jo@council.test', to: ['a@example.org', 'b@example.org'] },
      raw,
    });
    expect(await gw.sentBy('jo@council.test')).toHaveLength(4);
  });

  it('relays to recipients inside the council, and gives each blind copy its own message', async () => {
    const { gw, sink } = await setup();
    const raw = await build({
      from: 'jo@council.test',
      to: 'a@example.org, colleague@council.test',
      cc: 'c@example.org',
      subject: '[secure] mixed',
      text: 'mixed',
    });
    const envelope = {
      from: 'jo@council.test',
      to: ['a@example.org', 'colleague@council.test', 'c@example.org', 'hidden@example.net'],
    };
    const info = await client(gw.port).sendMail({ envelope, raw });
    expect(info.response).toBe('250 Accepted: stored as a secure message.');
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.to).toEqual(['colleague@council.test']);
    expect(sink.received[0]?.raw.equals(raw)).toBe(true);

    const messages = await gw.sentBy('jo@council.test');
    expect(messages).toHaveLength(2);
    const recipients = await Promise.all(
      messages.map(async (m) =>
        (await gw.app.storage.repos.deliveries.listForMessage({ messageId: m.id }))
          .map((d) => `${d.kind}:${d.recipientEmail}`)
          .sort(),
      ),
    );
    expect(recipients.sort()).toEqual([
      ['cc:c@example.org', 'to:a@example.org'],
      ['to:hidden@example.net'],
    ]);
    expect(await decryptText(gw.app, messages[0]?.subjectEnc ?? new Uint8Array())).toBe('mixed');
  });

  it('refuses what sendMessage refuses, with its sentence', async () => {
    const { gw } = await setup({ MAX_ATTACHMENTS: '1' });
    const error = await client(gw.port)
      .sendMail({
        from: 'jo@council.test',
        to: 'a@example.org',
        subject: 'zixencrypt files',
        text: 'x',
        attachments: [
          { filename: 'a.txt', content: 'a' },
          { filename: 'b.txt', content: 'b' },
        ],
      })
      .catch((e: { responseCode: number; response: string }) => e);
    expect(error).toMatchObject({ responseCode: 552 });
    expect((error as { response: string }).response).toMatch(/You can attach up to 1 files/);
    expect(await gw.sentBy('jo@council.test')).toHaveLength(0);
  });
});

describe('relaying mail that needs no protection', () => {
  it('passes it on byte for byte with the envelope as given', async () => {
    const { gw, sink } = await setup();
    // Latin-1 bytes and a long line: nothing may be re-encoded on the way.
    const raw = Buffer.concat([
      Buffer.from(
        'From: jo@council.test\r\nTo: a@example.org\r\nSubject: lunch\r\nMessage-ID: <r1@council.test>\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf',
      ),
      Buffer.from([0xe9, 0x0d, 0x0a]),
      Buffer.from(`.leading dot\r\n${'x'.repeat(900)}\r\n`),
    ]);
    const envelope = { from: 'jo@council.test', to: ['a@example.org', 'b@example.org'] };
    const info = await client(gw.port).sendMail({ envelope, raw });
    expect(info.response).toBe('250 Accepted: passed on to the council mail server.');
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.from).toBe('jo@council.test');
    expect(sink.received[0]?.to).toEqual(['a@example.org', 'b@example.org']);
    expect(sink.received[0]?.raw.equals(raw)).toBe(true);
    expect(await gw.sentBy('jo@council.test')).toHaveLength(0);
  });

  it('answers 451 while the relay is down or deferring, so the client retries', async () => {
    const { gw, sink } = await setup();
    const raw = await build({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 'hi',
      text: 'x',
    });
    const envelope = { from: 'jo@council.test', to: ['a@example.org'] };
    sink.refuse = { code: 421, message: 'try later' };
    await expect(client(gw.port).sendMail({ envelope, raw })).rejects.toMatchObject({
      responseCode: 451,
    });
    sink.refuse = null;
    await sink.close();
    await expect(client(gw.port).sendMail({ envelope, raw })).rejects.toMatchObject({
      responseCode: 451,
    });
    expect(sink.received).toHaveLength(0);
  });

  it('passes a relay refusal on as a 5xx', async () => {
    const { gw, sink } = await setup();
    sink.refuse = { code: 554, message: 'no such mailbox here' };
    const raw = await build({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 'hi',
      text: 'x',
    });
    const error = await client(gw.port)
      .sendMail({ envelope: { from: 'jo@council.test', to: ['a@example.org'] }, raw })
      .catch((e: { responseCode: number; response: string }) => e);
    expect(error).toMatchObject({ responseCode: 550 });
    expect((error as { response: string }).response).toMatch(/refused the mail/);
  });
});

describe('SMTP smuggling towards the relay', () => {
  const markers = ['\n.\n', '\n.\r\n', '\r\n.\n', '\r.\r\n', '\r\n.\r', '\r.\r', '\n.\r', '\r.\n'];
  it('never lets a careless relay target see a second mail', async () => {
    const lenient: LenientSink = await startLenientSink();
    cleanups.push(() => lenient.close());
    const gw = await openGatewayApp({ RELAY_SMTP_URL: lenient.url });
    cleanups.push(() => gw.close());
    for (const [i, marker] of markers.entries()) {
      const c = await rawClient(gw.port);
      await c.command('EHLO client.test');
      await c.command('MAIL FROM:<jo@council.test>');
      await c.command('RCPT TO:<a@example.org>');
      await c.command('DATA');
      c.write(
        `Subject: mail ${i}\r\n\r\nhello${marker}` +
          'MAIL FROM:<ceo@council.test>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n' +
          `Subject: forged ${i}\r\n\r\nforged\r\n.\r\n`,
      );
      expect((await c.reply()).code).toBe(250);
      c.close();
      // The lenient target saw exactly one more mail, holding the smuggled text.
      expect(lenient.messages).toHaveLength(i + 1);
      expect(lenient.messages[i]?.toString('latin1')).toContain(`forged ${i}`);
    }
  });
});

describe('senders and policies', () => {
  it('takes mail only from the council domains, and not from disabled staff', async () => {
    const { gw } = await setup();
    const c = await rawClient(gw.port);
    await c.command('EHLO client.test');
    expect((await c.command('MAIL FROM:<someone@example.org>')).code).toBe(550);
    c.close();

    await client(gw.port).sendMail({
      from: 'gone@council.test',
      to: 'a@example.org',
      subject: 'zixencrypt first',
      text: 'x',
    });
    const account = await gw.account('gone@council.test');
    if (!account) throw new Error('no account');
    await gw.app.storage.repos.accounts.update({ account: { ...account, status: 'disabled' } });
    const error = await client(gw.port)
      .sendMail({
        from: 'gone@council.test',
        to: 'a@example.org',
        subject: 'zixencrypt 2',
        text: 'x',
      })
      .catch((e: { responseCode: number; response: string }) => e);
    expect(error).toMatchObject({ responseCode: 550 });
    expect((error as { response: string }).response).toMatch(/cannot send secure messages/);
  });

  it('refuses with the policy sentence when a policy says reject', async () => {
    const { gw } = await setup();
    const rejecting = await startSmtpGateway({
      host: '127.0.0.1',
      port: 0,
      tls: null,
      networks: ['127.0.0.1/32'],
      maxBytes: 1024 * 1024,
      maxRecipients: 10,
      logger: createLogger({ level: 'silent' }),
      checkSender: async () => null,
      authenticate: null,
      accept: async (mail) =>
        acceptMail(
          {
            ...deps(gw),
            relay: null,
            policy: {
              name: 'test',
              evaluate: async () => ({
                action: 'reject',
                reasons: ['test rule'],
                message: 'Card numbers may not be sent by email.',
              }),
            },
          },
          await gw.app.settings.get(),
          mail,
        ),
    });
    cleanups.push(() => rejecting.close());
    const error = await client(rejecting.port)
      .sendMail({ from: 'jo@council.test', to: 'a@example.org', subject: 'x', text: 'x' })
      .catch((e: { responseCode: number; response: string }) => e);
    expect(error).toMatchObject({ responseCode: 550 });
    expect((error as { response: string }).response).toBe(
      '550 Card numbers may not be sent by email.',
    );
    const events = await gw.app.storage.repos.audit.list({
      filter: { action: 'gateway.decision' },
      limit: 10,
    });
    expect(events.map((e) => e.details.action)).toEqual(['reject']);
  });
});
