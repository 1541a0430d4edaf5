import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { signIn } from '../../core/accounts/sign-in.ts';
import { DEFAULT_SESSION_POLICY } from '../../core/auth/sessions.ts';
import { makeStaff } from '../factories.ts';
import {
  type GatewayApp,
  openGatewayApp,
  TLS_CA,
  TLS_CERT,
  TLS_KEY,
} from './support/gateway-app.ts';
import { rawClient } from './support/raw-client.ts';
import { startRelaySink } from './support/relay-sink.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PASSWORD = 'a long and unusual passphrase 7';

/** Single sign-on configured; the provider is never reached by the gateway. */
const SSO_ENV = {
  OIDC_ISSUER: 'http://127.0.0.1:9',
  OIDC_CLIENT_ID: 'sealpost',
  OIDC_CLIENT_SECRET: 'gateway-test-client-secret',
  OIDC_ROLE_MAP: 'Sealpost.Sender=sender',
};

/** A gateway with a certificate (so AUTH is possible) that trusts no client network. */
async function setup(env: Record<string, string> = {}): Promise<GatewayApp> {
  const sink = await startRelaySink();
  cleanups.push(() => sink.close());
  const gw = await openGatewayApp({
    RELAY_SMTP_URL: sink.url,
    GATEWAY_TLS_CERT: TLS_CERT,
    GATEWAY_TLS_KEY: TLS_KEY,
    GATEWAY_NETWORKS: '10.0.0.0/8',
    ...env,
  });
  cleanups.push(() => gw.close());
  return gw;
}

/** A staff account with `PASSWORD`. */
async function addStaff(gw: GatewayApp, over: Partial<Account>): Promise<Account> {
  const now = gw.app.clock.now();
  const account = makeStaff({
    passwordHash: await gw.app.hasher.hash({ password: normalisePassword(PASSWORD) }),
    createdAt: now,
    updatedAt: now,
    ...over,
  });
  await gw.app.storage.repos.accounts.insert({ account });
  return account;
}

/** Connects from `localAddress`, does STARTTLS and logs in; resolves true when the login is taken. */
async function logIn(
  gw: GatewayApp,
  user: string,
  pass: string,
  localAddress = '127.0.0.1',
): Promise<boolean> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: gw.port,
    localAddress,
    requireTLS: true,
    tls: { ca: TLS_CA(), servername: 'localhost' },
    auth: { user, pass },
  });
  try {
    await transport.verify();
    return true;
  } catch (error) {
    expect(error).toMatchObject({ code: 'EAUTH', responseCode: 535 });
    return false;
  } finally {
    transport.close();
  }
}

async function auditOf(
  gw: GatewayApp,
  account: Account,
  action: 'account.signin' | 'account.signin-failed' | 'account.lockout',
) {
  return gw.app.storage.repos.audit.list({
    filter: { action, targetId: account.id },
    limit: 100,
    order: 'asc',
  });
}

/** The EHLO reply after STARTTLS, on a hand-driven connection. */
async function ehloAfterStartTls(port: number): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  let buffer = '';
  const lines = () =>
    new Promise<string[]>((resolve) => {
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString('latin1');
        const all = buffer.split('\r\n');
        const done = all.findIndex((l) => /^\d{3} /.test(l));
        if (done === -1) return;
        socket.off('data', onData);
        buffer = all.slice(done + 1).join('\r\n');
        resolve(all.slice(0, done + 1));
      };
      socket.on('data', onData);
    });
  await lines();
  socket.write('EHLO client.test\r\n');
  await lines();
  socket.write('STARTTLS\r\n');
  expect((await lines())[0]).toMatch(/^220 /);
  const secure = tlsConnect({ socket, ca: TLS_CA(), servername: 'localhost' });
  await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
  const reply = new Promise<string[]>((resolve) => {
    let text = '';
    secure.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const all = text.split('\r\n');
      const done = all.findIndex((l) => /^\d{3} /.test(l));
      if (done !== -1) resolve(all.slice(0, done + 1).map((l) => l.slice(4)));
    });
  });
  secure.write('EHLO client.test\r\n');
  const ehlo = await reply;
  secure.destroy();
  return ehlo;
}

describe('AUTH only after STARTTLS', () => {
  it('lists STARTTLS but not AUTH in clear, refuses AUTH there unread, and lists it once encrypted', async () => {
    const gw = await setup();
    const jo = await addStaff(gw, { email: 'jo@council.test', emailKey: 'jo@council.test' });
    const c = await rawClient(gw.port);
    const ehlo = await c.command('EHLO client.test');
    expect(ehlo.lines).toContain('STARTTLS');
    expect(ehlo.lines.some((l) => /^AUTH/.test(l))).toBe(false);
    // A client that sends its password anyway is refused, and nothing reads it.
    const plain = Buffer.from(`\0jo@council.test\0${PASSWORD}`).toString('base64');
    const refused = await c.command(`AUTH PLAIN ${plain}`);
    expect(refused.code).toBeGreaterThanOrEqual(500);
    expect((await c.command('AUTH LOGIN')).code).toBeGreaterThanOrEqual(500);
    c.close();
    expect(await auditOf(gw, jo, 'account.signin')).toEqual([]);
    expect(await auditOf(gw, jo, 'account.signin-failed')).toEqual([]);

    const secure = await ehloAfterStartTls(gw.port);
    expect(secure).toContain('AUTH PLAIN LOGIN');
    expect(secure).not.toContain('STARTTLS');
  });
});

describe('SMTP AUTH and the account lockout', () => {
  it('locks the account after wrong passwords from several addresses, as the sign-in form does', async () => {
    const gw = await setup();
    const jo = await addStaff(gw, { email: 'jo@council.test', emailKey: 'jo@council.test' });

    // 12 wrong passwords, 4 from each of 3 client addresses (under the per-address limit).
    for (const ip of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) {
      for (let i = 0; i < 4; i++) {
        expect(await logIn(gw, 'jo@council.test', `wrong ${ip} ${i}`, ip)).toBe(false);
      }
    }
    // The right password, from a fourth address, is refused: the account is locked.
    expect(await logIn(gw, 'jo@council.test', PASSWORD, '127.0.0.4')).toBe(false);

    const locked = await gw.account('jo@council.test');
    expect(locked?.failedSignIns).toBe(3);
    expect(locked?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());

    // Every attempt is in the audit trail, with where it came from and how.
    const failed = await auditOf(gw, jo, 'account.signin-failed');
    expect(failed).toHaveLength(13);
    expect(failed.every((e) => e.details.channel === 'smtp')).toBe(true);
    expect(failed.map((e) => e.details.reason)).toEqual([
      ...Array(3).fill('password'),
      ...Array(10).fill('locked'),
    ]);
    expect(new Set(failed.map((e) => e.ip))).toEqual(
      new Set(['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']),
    );
    const lockouts = await auditOf(gw, jo, 'account.lockout');
    expect(lockouts.map((e) => [e.details.scope, e.details.channel])).toEqual([
      ['account', 'smtp'],
    ]);
    expect(await auditOf(gw, jo, 'account.signin')).toEqual([]);

    // The owner is emailed a reset link, as after failed sign-ins on the form.
    const due = await gw.app.storage.repos.outbox.claimDue({
      now: new Date(Date.now() + 1000),
      leaseUntil: new Date(Date.now() + 60_000),
      limit: 10,
    });
    expect(due.map((m) => [m.kind, m.to])).toEqual([['lockout', 'jo@council.test']]);

    // One lock: the sign-in form refuses the right password too.
    const web = await signIn(
      {
        ...gw.app,
        publicUrl: gw.app.config.publicUrl,
        settings: gw.app.settings,
        policy: DEFAULT_SESSION_POLICY,
        ssoConfigured: false,
      },
      {
        email: 'jo@council.test',
        password: PASSWORD,
        rememberMe: false,
        deviceToken: null,
        ip: '192.0.2.1',
        userAgent: null,
      },
    );
    expect(web.ok).toBe(false);
  });

  it('counts wrong passwords typed on the sign-in form against SMTP logins too', async () => {
    const gw = await setup();
    await addStaff(gw, { email: 'jo@council.test', emailKey: 'jo@council.test' });
    const deps = {
      ...gw.app,
      publicUrl: gw.app.config.publicUrl,
      settings: gw.app.settings,
      policy: DEFAULT_SESSION_POLICY,
      ssoConfigured: false,
    };
    for (let i = 0; i < 3; i++) {
      const web = await signIn(deps, {
        email: 'jo@council.test',
        password: `wrong ${i}`,
        rememberMe: false,
        deviceToken: null,
        ip: '192.0.2.1',
        userAgent: null,
      });
      expect(web.ok).toBe(false);
    }
    expect(await logIn(gw, 'jo@council.test', PASSWORD)).toBe(false);
  });

  it('audits a login, clears the count of earlier failures, and lets the mail through', async () => {
    const gw = await setup();
    const jo = await addStaff(gw, { email: 'jo@council.test', emailKey: 'jo@council.test' });
    expect(await logIn(gw, 'jo@council.test', 'wrong', '127.0.0.2')).toBe(false);
    expect((await gw.account('jo@council.test'))?.failedSignIns).toBe(1);
    expect(await logIn(gw, 'jo@council.test', PASSWORD, '127.0.0.3')).toBe(true);

    const after = await gw.account('jo@council.test');
    expect(after?.failedSignIns).toBe(0);
    // An SMTP login is not a portal sign-in: the portal's own record is untouched.
    expect(after?.lastSignInAt).toBeNull();
    const signins = await auditOf(gw, jo, 'account.signin');
    expect(signins.map((e) => [e.actorId, e.ip, e.details.channel])).toEqual([
      [jo.id, '127.0.0.3', 'smtp'],
    ]);

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: gw.port,
      requireTLS: true,
      tls: { ca: TLS_CA(), servername: 'localhost' },
      auth: { user: 'jo@council.test', pass: PASSWORD },
    });
    cleanups.push(async () => transport.close());
    const info = await transport.sendMail({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 'hello',
      text: 'x',
    });
    expect(info.response).toMatch(/^250 /);
  });

  it('refuses an account that may not send, without counting a right password as a guess', async () => {
    const gw = await setup();
    const auditor = await addStaff(gw, {
      email: 'auditor@council.test',
      emailKey: 'auditor@council.test',
      role: 'auditor',
    });
    expect(await logIn(gw, 'auditor@council.test', PASSWORD)).toBe(false);
    expect((await gw.account('auditor@council.test'))?.failedSignIns).toBe(0);
    const failed = await auditOf(gw, auditor, 'account.signin-failed');
    expect(failed.map((e) => e.details.reason)).toEqual(['not-sender']);
  });

  it('refuses staff who must set up a second factor first (all staff, the default), not as a guess', async () => {
    // STAFF_SECOND_FACTOR unset, as on a new installation: every sender needs one.
    const gw = await setup({ STAFF_SECOND_FACTOR: '' });
    const sender = await addStaff(gw, {
      email: 'sender@council.test',
      emailKey: 'sender@council.test',
      role: 'sender',
    });
    expect(await logIn(gw, 'sender@council.test', PASSWORD)).toBe(false);
    expect((await gw.account('sender@council.test'))?.failedSignIns).toBe(0);
    const failed = await auditOf(gw, sender, 'account.signin-failed');
    expect(failed.map((e) => e.details.reason)).toEqual(['second-factor-missing']);
    // Once it is set up in the portal, the mail client's password login works again
    // (SMTP AUTH cannot carry the second factor itself: docs/admin/second-factor.md).
    await gw.app.storage.repos.accounts.update({
      account: { ...sender, totpKeyEnc: new Uint8Array([1]) },
    });
    expect(await logIn(gw, 'sender@council.test', PASSWORD)).toBe(true);
  });

  it('refuses staff the provider manages while single sign-on is configured (sso-only), not as a guess', async () => {
    const gw = await setup(SSO_ENV);
    const nia = await addStaff(gw, {
      email: 'nia@council.test',
      emailKey: 'nia@council.test',
      role: 'sender',
      ssoSubject: 'https://login.example/v2.0 nia',
    });
    expect(await logIn(gw, 'nia@council.test', PASSWORD)).toBe(false);
    expect((await gw.account('nia@council.test'))?.failedSignIns).toBe(0);
    const failed = await auditOf(gw, nia, 'account.signin-failed');
    expect(failed.map((e) => e.details.reason)).toEqual(['sso-only']);
    // Not linked to the provider, the same account logs in: the link is what refused.
    await gw.app.storage.repos.accounts.update({ account: { ...nia, ssoSubject: null } });
    expect(await logIn(gw, 'nia@council.test', PASSWORD)).toBe(true);
  });

  it('refuses staff passwords under break-glass, except a local admin with a second factor', async () => {
    const gw = await setup({ ...SSO_ENV, STAFF_PASSWORDS: 'break-glass' });
    const sender = await addStaff(gw, {
      email: 'sender@council.test',
      emailKey: 'sender@council.test',
      role: 'sender',
      totpKeyEnc: new Uint8Array([1]),
    });
    await addStaff(gw, {
      email: 'admin@council.test',
      emailKey: 'admin@council.test',
      role: 'admin',
      totpKeyEnc: new Uint8Array([1]),
    });
    expect(await logIn(gw, 'sender@council.test', PASSWORD)).toBe(false);
    const failed = await auditOf(gw, sender, 'account.signin-failed');
    expect(failed.map((e) => e.details.reason)).toEqual(['password-sign-in-off']);
    expect(await logIn(gw, 'admin@council.test', PASSWORD)).toBe(true);
  });

  it('keeps the per-address limit: a sixth try from one address is refused unchecked', async () => {
    const gw = await setup();
    const sam = await addStaff(gw, { email: 'sam@council.test', emailKey: 'sam@council.test' });
    // Five failures for addresses that have no account, from one client address.
    for (let i = 0; i < 5; i++) {
      expect(await logIn(gw, `nobody${i}@council.test`, 'x', '127.0.0.5')).toBe(false);
    }
    expect(await logIn(gw, 'sam@council.test', PASSWORD, '127.0.0.5')).toBe(false);
    // Refused before the password was looked at: no trace against sam's account.
    expect(await auditOf(gw, sam, 'account.signin-failed')).toEqual([]);
    expect(await logIn(gw, 'sam@council.test', PASSWORD, '127.0.0.6')).toBe(true);
  });
});
