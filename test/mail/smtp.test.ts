import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseMailer } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { classifySmtpError, smtpMailer } from '../../adapters/mail/smtp.ts';
import type { MailContent } from '../../core/mail/model.ts';
import type { Mailer } from '../../core/mail/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { freePort, tempDir } from '../support/cli.ts';
import { verifyDkim } from './support/dkim-verify.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

const FROM = 'Barnet Council <no-reply@barnet.gov.uk>';

const mail = (over: Partial<MailContent> = {}): MailContent => ({
  to: 'jane@example.org',
  subject: 'Secure message from Barnet Council',
  text: 'Open https://portal.example/r/abc.def to read it.',
  html: '<p>Open <a href="https://portal.example/r/abc.def">the message</a>.</p>',
  headers: { 'Auto-Submitted': 'auto-generated' },
  ...over,
});

const silentLogger = () =>
  createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

let sinks: SmtpSink[] = [];
let mailers: Mailer[] = [];

async function sink(options: Parameters<typeof startSmtpSink>[0] = {}): Promise<SmtpSink> {
  const s = await startSmtpSink(options);
  sinks.push(s);
  return s;
}

function mailer(options: Partial<Parameters<typeof smtpMailer>[0]> & { port: number }): Mailer {
  const { port, ...rest } = options;
  const m = smtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM, requireTls: false, ...rest });
  mailers.push(m);
  return m;
}

afterEach(async () => {
  await Promise.all(mailers.map((m) => m.close()));
  await Promise.all(sinks.map((s) => s.close()));
  mailers = [];
  sinks = [];
});

describe('smtpMailer against a real SMTP server', () => {
  it('delivers text and html as alternatives, with the Message-ID of the outbox id', async () => {
    const server = await sink();
    const result = await mailer({ port: server.port }).send({ id: 'abc123', mail: mail() });
    expect(result).toEqual({ ok: true });
    expect(server.received).toHaveLength(1);
    const [got] = server.received;
    expect(got?.messageId).toBe('<abc123@barnet.gov.uk>');
    expect(got?.to).toEqual(['jane@example.org']);
    const parsed = await simpleParser(got?.raw ?? '');
    expect(parsed.from?.value).toEqual([
      { name: 'Barnet Council', address: 'no-reply@barnet.gov.uk' },
    ]);
    expect(parsed.subject).toBe('Secure message from Barnet Council');
    expect(parsed.text?.trim()).toBe('Open https://portal.example/r/abc.def to read it.');
    expect(parsed.html).toContain('<a href="https://portal.example/r/abc.def">');
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('sends text only when there is no html', async () => {
    const server = await sink();
    await mailer({ port: server.port }).send({ id: 'plain1', mail: mail({ html: null }) });
    const parsed = await simpleParser(server.received[0]?.raw ?? '');
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'text/plain' });
  });

  it('signs with DKIM when configured', async () => {
    const server = await sink();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const m = mailer({
      port: server.port,
      dkim: {
        domainName: 'barnet.gov.uk',
        keySelector: 'sealpost1',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    expect(await m.send({ id: 'signed1', mail: mail() })).toEqual({ ok: true });
    const raw = server.received[0]?.raw ?? '';
    const signature = /^DKIM-Signature:[\s\S]*?(?=\r\n\S)/im.exec(raw)?.[0] ?? '';
    expect(signature).toMatch(/\bd=barnet\.gov\.uk;/);
    expect(signature).toMatch(/\bs=sealpost1;/);
    expect(signature).toMatch(/\bb=[A-Za-z0-9+/=\s]{40,}/);
    // And it verifies, as a receiving server would check it against the DNS key.
    expect(verifyDkim(raw, publicKey)).toMatchObject({ d: 'barnet.gov.uk', s: 'sealpost1' });
    // The oracle is not vacuous: one changed body character breaks it.
    expect(() => verifyDkim(raw.replace('Open https', 'Open http'), publicKey)).toThrow(
      /body hash mismatch/,
    );
  });

  it('maps 5xx to a recipient to permanent, 4xx to temporary', async () => {
    const server = await sink({
      rcpt: (address) =>
        address.startsWith('gone')
          ? { code: 550, message: '5.1.1 Mailbox unknown' }
          : address.startsWith('busy')
            ? { code: 450, message: '4.2.1 Mailbox busy, try later' }
            : null,
    });
    const m = mailer({ port: server.port });
    const gone = await m.send({ id: 'g1', mail: mail({ to: 'gone@example.org' }) });
    expect(gone).toMatchObject({ ok: false, permanent: true });
    expect(!gone.ok && gone.error).toMatchObject({
      code: 'smtp-refused',
      detail: expect.stringMatching(/^550 5\.1\.1 Mailbox unknown/),
    });
    const busy = await m.send({ id: 'b1', mail: mail({ to: 'busy@example.org' }) });
    expect(busy).toMatchObject({ ok: false, permanent: false });
    expect(!busy.ok && busy.error).toMatchObject({
      code: 'smtp-deferred',
      detail: expect.stringMatching(/^450/),
    });
    // The pooled connection survives refusals: the next mail goes through.
    expect(await m.send({ id: 'ok1', mail: mail() })).toEqual({ ok: true });
    expect(server.received.map((r) => r.messageId)).toEqual(['<ok1@barnet.gov.uk>']);
  });

  it('maps a 5xx to the message itself to permanent', async () => {
    const server = await sink({ data: () => ({ code: 554, message: '5.7.1 Content refused' }) });
    const result = await mailer({ port: server.port }).send({ id: 'd1', mail: mail() });
    expect(result).toMatchObject({ ok: false, permanent: true });
  });

  it('treats a server that is not there as temporary', async () => {
    const port = await freePort();
    const result = await mailer({ port }).send({ id: 'down1', mail: mail() });
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(!result.ok && result.error).toMatchObject({ code: 'smtp-unreachable' });
  });

  it('will not send in clear text when TLS is required and the server lacks STARTTLS', async () => {
    const server = await sink();
    const result = await mailer({ port: server.port, requireTls: true }).send({
      id: 'tls1',
      mail: mail(),
    });
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(!result.ok && result.error).toMatchObject({ code: 'smtp-tls-failed' });
    expect(server.received).toHaveLength(0);
  });

  it('uses STARTTLS and checks the certificate when TLS is required', async () => {
    const dir = tempDir('sealpost-tls-');
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    expect(made.status, String(made.stderr)).toBe(0);
    const tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    const server = await sink({ tls });

    // A certificate nobody vouches for is refused, not waved through.
    const untrusted = await mailer({ port: server.port, requireTls: true }).send({
      id: 'tls2',
      mail: mail(),
    });
    expect(untrusted).toMatchObject({ ok: false, permanent: false });
    expect(server.received).toHaveLength(0);

    const trusted = await mailer({ port: server.port, requireTls: true, tlsCa: tls.cert }).send({
      id: 'tls3',
      mail: mail(),
    });
    expect(trusted).toEqual({ ok: true });
    expect(server.received.map((r) => r.messageId)).toEqual(['<tls3@barnet.gov.uk>']);
  });

  it('refuses header injection without talking to the server', async () => {
    const server = await sink();
    const m = mailer({ port: server.port });
    const r1 = await m.send({ id: 'h1', mail: mail({ subject: 'Hi\r\nBcc: x@evil.example' }) });
    const r2 = await m.send({
      id: 'h2',
      mail: mail({ headers: { 'X-A': 'b\nBcc: x@evil.example' } }),
    });
    const r3 = await m.send({ id: 'bad id!', mail: mail() });
    for (const r of [r1, r2, r3]) expect(r).toMatchObject({ ok: false, permanent: true });
    expect(server.received).toHaveLength(0);
  });
});

describe('chooseMailer with the DKIM settings', () => {
  it('signs every notification with the key from DKIM_PRIVATE_KEY_FILE, and refuses a key that is not one', async () => {
    const server = await sink();
    const dir = tempDir('sealpost-dkim-');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'dkim.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const env = {
      DATA_DIR: dir,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: `smtp://127.0.0.1:${server.port}`,
      SMTP_REQUIRE_TLS: 'off',
      MAIL_FROM: 'no-reply@barnet.gov.uk',
      DKIM_DOMAIN: 'barnet.gov.uk',
      DKIM_SELECTOR: 'sealpost2026',
      DKIM_PRIVATE_KEY_FILE: keyFile,
    };
    const m = chooseMailer(parseConfig(env), silentLogger());
    mailers.push(m);
    expect(await m.send({ id: 'chosen1', mail: mail() })).toEqual({ ok: true });
    expect(verifyDkim(server.received[0]?.raw ?? '', publicKey)).toMatchObject({
      d: 'barnet.gov.uk',
      s: 'sealpost2026',
    });

    writeFileSync(keyFile, 'not a key\n');
    expect(() => chooseMailer(parseConfig(env), silentLogger())).toThrow(
      /DKIM_PRIVATE_KEY_FILE\) is not a PEM private key/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('smtpMailer options', () => {
  const build = (over: Record<string, unknown>) => () =>
    smtpMailer({ url: 'smtp://mail.example:587', from: FROM, ...over } as Parameters<
      typeof smtpMailer
    >[0]);

  it('throws ConfigurationError for unusable options', () => {
    for (const over of [
      { url: '' },
      { url: 'not a url' },
      { url: 'http://mail.example' },
      { from: '' },
      { from: 'nobody' },
      { from: 'a@x.example, b@x.example' },
      { requireTls: 'yes' },
      { maxConnections: 0 },
      { socketTimeoutMs: 5 },
      { dkim: { domainName: 'barnet.gov.uk', keySelector: 's1', privateKey: 'nope' } },
      { dkim: { domainName: 'not a domain', keySelector: 's1', privateKey: 'x' } },
      { tlsCa: 'not pem' },
    ]) {
      expect(build(over), JSON.stringify(over)).toThrow(ConfigurationError);
    }
  });

  it('does not repeat the password of SMTP_URL in its errors', () => {
    try {
      smtpMailer({ url: 'smtp://user:s3cret@', from: FROM });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });

  it('builds with valid options, including smtps and credentials', async () => {
    const m = smtpMailer({ url: 'smtps://user:p%40ss@mail.example', from: FROM });
    await m.close();
  });
});

describe('classifySmtpError', () => {
  const err = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

  it('retries what is about the connection, the login or our sender', () => {
    for (const e of [
      err({ code: 'ECONNECTION' }),
      err({ code: 'ETIMEDOUT' }),
      err({ code: 'EAUTH', responseCode: 535, response: '535 bad credentials' }),
      err({ code: 'ETLS', responseCode: 502, response: '502 no STARTTLS' }),
      err({ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM', response: '550 no relay' }),
      err({ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', response: '451 later' }),
      err({ code: 'ESTREAM' }),
      new Error('unknown'),
    ]) {
      expect(classifySmtpError(e), JSON.stringify(e)).toMatchObject({
        ok: false,
        permanent: false,
      });
    }
  });

  it("says why as a code, with the server's own words as data", () => {
    const said = (fields: Record<string, unknown>) => {
      const result = classifySmtpError(err(fields));
      return result.ok ? null : result.error;
    };
    expect(said({ code: 'EAUTH', responseCode: 535, response: '535 bad credentials' })).toEqual({
      code: 'smtp-login-refused',
      detail: 'EAUTH 535',
    });
    expect(said({ code: 'ETLS' })).toEqual({ code: 'smtp-tls-failed', detail: 'ETLS' });
    expect(said({ code: 'ECONNREFUSED' })).toEqual({
      code: 'smtp-unreachable',
      detail: 'ECONNREFUSED',
    });
    expect(said({ code: 'EENVELOPE', command: 'API' })).toEqual({
      code: 'smtp-unaddressable',
      detail: 'EENVELOPE',
    });
    expect(said({ code: 'ESTREAM' })).toEqual({ code: 'smtp-failed', detail: 'ESTREAM' });
    expect(
      said({ responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 unknown\r\nuser' }),
    ).toEqual({ code: 'smtp-refused', detail: '550 5.1.1 unknown user' });
    expect(said({ responseCode: 421, command: 'DATA' })).toEqual({
      code: 'smtp-deferred',
      detail: '421',
    });
  });

  it('gives up on what is about this recipient or this message', () => {
    for (const e of [
      err({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 unknown' }),
      err({ code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 spam' }),
      err({ code: 'EENVELOPE', command: 'API' }),
    ]) {
      expect(classifySmtpError(e), JSON.stringify(e)).toMatchObject({ ok: false, permanent: true });
    }
  });
});
