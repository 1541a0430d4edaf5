import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createPortal } from '../../adapters/http/portal.ts';
import { type RunningServer, startServer } from '../../adapters/http/server.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import type { AuditEvent } from '../../core/audit/model.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { freePort, tempDir } from '../support/cli.ts';
import {
  type Spoil,
  startTestOidcProvider,
  type TestOidcProvider,
} from '../support/oidc-provider.ts';

// Staff single sign-on against a real OpenID provider (oidc-provider, OpenID Certified)
// on loopback, driven in real Chromium: the portal discovers it, sends the browser there
// with PKCE, state and nonce, and checks the ID token's signature against the provider's
// published keys. First sign-in makes the account with the mapped role; a role changed
// at the provider is taken at the next sign-in; someone the provider grants no role is
// refused; every spoiled ID token, a replayed state and a callback in another browser are
// refused with a clear page and an audit event; a session whose person was removed at the
// provider ends at its next recheck.

const MINUTE = 60_000;
const ROLE_MAP = 'Sealpost.Admin=admin,Sealpost.Sender=sender,Sealpost.Auditor=auditor';

let dataDir: string;
let app: Sealpost;
let server: RunningServer;
let origin: string;
/** A second portal that proves itself to the provider with a private key, not a secret. */
let keyPort: number;
const clientKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
let browser: Browser;
let idp: TestOidcProvider;
/** Added to the portal's clock: the recheck is tested by moving time, not by waiting. */
let clockOffset = 0;

beforeAll(async () => {
  dataDir = tempDir('sealpost-e2e-sso-');
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  keyPort = await freePort();
  idp = await startTestOidcProvider({
    redirectUri: `${origin}/sign-in/sso/callback`,
    clients: [
      {
        client_id: 'sealpost-with-key',
        redirect_uris: [`http://127.0.0.1:${keyPort}/sign-in/sso/callback`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        jwks: {
          keys: [{ ...clientKey.publicKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' }],
        },
      },
    ],
  });
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const config = parseConfig({
    PUBLIC_URL: origin,
    DATA_DIR: dataDir,
    ORG_NAME: 'Barnet Council',
    INTERNAL_DOMAINS: 'barnet.gov.uk',
    SEALPOST_KEY_PASSPHRASE: 'e2e test passphrase',
    STAFF_SECOND_FACTOR: 'admins',
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_PROVIDER_NAME: 'Barnet ID',
    OIDC_ROLE_MAP: ROLE_MAP,
    OIDC_RECHECK_MINUTES: '10',
  });
  const composed = await compose(config, { logger });
  app = { ...composed, clock: { now: () => new Date(Date.now() + clockOffset) } };
  server = await startServer({ app: createPortal(app), host: '127.0.0.1', port, logger });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop({ graceMs: 1_000 });
  await app?.close();
  await idp?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const accountOf = (email: string): Promise<Account | null> =>
  app.storage.repos.accounts.findByEmailKey({ emailKey: emailKey(email) });

async function events(action: AuditEvent['action']): Promise<AuditEvent[]> {
  return app.storage.repos.audit.list({ filter: { action }, limit: 200 });
}

/** Refusal events with this reason. */
async function refusals(reason: string): Promise<AuditEvent[]> {
  return (await events('account.sso-refused')).filter((e) => e.details.reason === reason);
}

/**
 * From the portal's sign-in page through the provider's own login (and consent) pages,
 * as `login`, until the browser is back at the portal.
 */
async function signInThroughProvider(
  page: Page,
  login: string,
  /** Run once the browser is at the provider, before the login form is sent. */
  atProvider?: () => Promise<void>,
): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByRole('link', { name: 'Sign in with Barnet ID' }).click();
  await page.waitForURL((url) => url.origin === idp.issuer);
  await atProvider?.();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.origin === origin || url.pathname.includes('/interaction/'));
  if (new URL(page.url()).origin !== origin) {
    // oidc-provider's consent page, shown once per browser and client.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === origin);
  }
}

/** The reason code the refusal page shows (the page says it in words; the code is for tests). */
async function refusalOn(page: Page): Promise<string | null> {
  await page.getByRole('heading', { name: 'You could not be signed in' }).waitFor();
  return page.locator('[data-reason]').getAttribute('data-reason');
}

async function withPage<T>(
  javaScript: boolean,
  run: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  // With JavaScript off, scripts are refused but the engine stays on for axe-core.
  const context = await newContext({ browser, javaScript, axe: !javaScript });
  try {
    return await run(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

describe('staff single sign-on against a real OpenID provider', () => {
  it('offers "Sign in with Barnet ID" first, for council staff, above the password form', async () => {
    await withPage(false, async (page) => {
      const response = await page.goto(`${origin}/sign-in`);
      expect(response?.status()).toBe(200);
      const html = await page.content();
      const button = html.indexOf('Sign in with Barnet ID');
      expect(button).toBeGreaterThan(html.indexOf('Council staff'));
      expect(button).toBeLessThan(html.indexOf('name="password"'));
      expect(html.indexOf('Everyone else')).toBeGreaterThan(button);
    });
    await withPage(false, async (page) => {
      await page.goto(`${origin}/sign-in`);
      await expectAccessible(page, 'the sign-in page with single sign-on');
    });
  });

  it('makes the account with the mapped role at first sign-in, and takes a role change at the next', async () => {
    idp.users.set('nia', {
      email: 'nia.patel@barnet.gov.uk',
      name: 'Nia Patel',
      roles: ['Sealpost.Sender', 'Everyone'],
    });
    await withPage(false, async (page) => {
      await signInThroughProvider(page, 'nia');
      expect(new URL(page.url()).pathname).toMatch(/^\/staff/);
    });
    const made = await accountOf('nia.patel@barnet.gov.uk');
    expect(made).toMatchObject({
      kind: 'staff',
      role: 'sender',
      displayName: 'Nia Patel',
      passwordHash: null,
      ssoSubject: `${idp.issuer} nia`,
    });
    expect((await events('account.sso-provisioned')).some((e) => e.targetId === made?.id)).toBe(
      true,
    );

    // At the provider she becomes an auditor (and is still in the senders' group): the
    // most powerful mapped role wins, at her next sign-in.
    idp.users.set('nia', {
      email: 'nia.patel@barnet.gov.uk',
      name: 'Nia Patel-Jones',
      roles: ['Sealpost.Sender', 'Sealpost.Auditor'],
    });
    await withPage(true, async (page) => {
      await signInThroughProvider(page, 'nia');
      expect(new URL(page.url()).pathname).toMatch(/^\/staff/);
    });
    const changed = await accountOf('nia.patel@barnet.gov.uk');
    expect(changed).toMatchObject({
      id: made?.id,
      role: 'auditor',
      displayName: 'Nia Patel-Jones',
    });
    const change = (await events('account.sso-role-change')).find((e) => e.targetId === made?.id);
    expect(change?.details).toMatchObject({ from: 'sender', to: 'auditor' });
  });

  it('refuses someone the provider no longer grants a role, and ends their sessions', async () => {
    idp.users.set('owen', {
      email: 'owen.price@barnet.gov.uk',
      name: 'Owen Price',
      roles: ['Sealpost.Sender'],
    });
    await withPage(true, async (kept) => {
      await signInThroughProvider(kept, 'owen');
      expect(new URL(kept.url()).pathname).toMatch(/^\/staff/);
      const owen = await accountOf('owen.price@barnet.gov.uk');
      expect(
        await app.storage.repos.sessions.listForAccount({ accountId: owen?.id ?? '' }),
      ).toHaveLength(1);

      // He leaves: removed from every Sealpost group at the provider.
      idp.users.set('owen', {
        email: 'owen.price@barnet.gov.uk',
        name: 'Owen Price',
        roles: ['Everyone'],
      });
      await withPage(false, async (page) => {
        await signInThroughProvider(page, 'owen');
        expect(await refusalOn(page)).toBe('no-role');
      });
      expect(
        await app.storage.repos.sessions.listForAccount({ accountId: owen?.id ?? '' }),
      ).toHaveLength(0);
      expect((await refusals('no-role')).some((e) => e.targetId === owen?.id)).toBe(true);
      // The browser he had signed in with is signed out.
      await kept.goto(`${origin}/staff`);
      expect(new URL(kept.url()).pathname).toBe('/sign-in');
    });
  });

  const spoils: Array<[Spoil, string]> = [
    ['wrong-issuer', 'wrong-issuer'],
    ['wrong-audience', 'wrong-audience'],
    ['expired', 'expired'],
    ['no-nonce', 'nonce-missing'],
    ['tampered', 'id-token-invalid'],
    ['foreign-key', 'id-token-invalid'],
  ];
  it.each(spoils)(
    'refuses an ID token spoiled as %s (%s), with a clear page and an audit event',
    async (spoil, reason) => {
      const login = `spoil-${spoil}`;
      idp.users.set(login, {
        email: `${login}@barnet.gov.uk`,
        name: 'Spoil Test',
        roles: ['Sealpost.Sender'],
      });
      const before = (await refusals(reason)).length;
      idp.spoilNext(spoil);
      await withPage(false, async (page) => {
        const statuses: number[] = [];
        page.on('response', (r) => {
          if (r.url().includes('/sign-in/sso/callback')) statuses.push(r.status());
        });
        await signInThroughProvider(page, login);
        expect(await refusalOn(page)).toBe(reason);
        expect(statuses).toEqual([403]);
        await expectAccessible(page, `the refusal page (${reason})`);
      });
      expect((await refusals(reason)).length).toBe(before + 1);
      // Nothing was made for the person: a spoiled token signs no one in.
      expect(await accountOf(`${login}@barnet.gov.uk`)).toBeNull();
    },
  );

  it('refuses a replayed callback, and a callback carried to another browser', async () => {
    idp.users.set('rhys', {
      email: 'rhys.evans@barnet.gov.uk',
      name: 'Rhys Evans',
      roles: ['Sealpost.Sender'],
    });
    let callback = '';
    await withPage(false, async (page) => {
      page.on('request', (r) => {
        if (r.url().startsWith(`${origin}/sign-in/sso/callback`)) callback = r.url();
      });
      await signInThroughProvider(page, 'rhys');
      expect(new URL(page.url()).pathname).toMatch(/^\/staff/);
      expect(callback).toContain('state=');
      // The same callback URL again, in the same browser: the state is spent.
      const again = await page.goto(callback);
      expect(again?.status()).toBe(400);
      expect(await refusalOn(page)).toBe('state-replayed');
    });
    expect((await refusals('state-replayed')).length).toBeGreaterThan(0);

    // A callback that arrives without the cookie of the browser that started it (the
    // cookie gone on the way, as in a browser that never started it) is refused, and so
    // is the same callback URL opened in a second browser.
    let carried = '';
    await withPage(false, async (page, context) => {
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/sign-in/sso/callback') carried = r.url();
      });
      await signInThroughProvider(page, 'rhys', () =>
        context.clearCookies({ name: 'sealpost_sso' }),
      );
      expect(await refusalOn(page)).toBe('other-browser');
    });
    expect(carried).toContain('state=');
    await withPage(false, async (page) => {
      const response = await page.goto(carried);
      expect(response?.status()).toBe(400);
      expect(await refusalOn(page)).toBe('other-browser');
    });
    expect((await refusals('other-browser')).length).toBe(2);
  });

  it('ends a session at its next recheck once the person is removed at the provider', async () => {
    idp.users.set('sian', {
      email: 'sian.hughes@barnet.gov.uk',
      name: 'Sian Hughes',
      roles: ['Sealpost.Sender'],
    });
    await withPage(true, async (page) => {
      await signInThroughProvider(page, 'sian');
      const sian = await accountOf('sian.hughes@barnet.gov.uk');
      const [session] = await app.storage.repos.sessions.listForAccount({
        accountId: sian?.id ?? '',
      });
      expect(session?.ssoRefreshEnc).not.toBeNull();
      const checkedAt = session?.ssoCheckedAt?.getTime() ?? 0;

      // Eleven minutes on, still at the provider: the recheck confirms her, the page opens.
      clockOffset += 11 * MINUTE;
      await page.goto(`${origin}/staff`);
      expect(new URL(page.url()).pathname).toMatch(/^\/staff/);
      const [rechecked] = await app.storage.repos.sessions.listForAccount({
        accountId: sian?.id ?? '',
      });
      expect(rechecked?.ssoCheckedAt?.getTime()).toBeGreaterThan(checkedAt);

      // She leaves the council: her account at the provider is deleted. Before the next
      // recheck is due nothing is asked; when it is, the session ends.
      idp.users.delete('sian');
      clockOffset += 5 * MINUTE;
      await page.goto(`${origin}/staff`);
      expect(new URL(page.url()).pathname).toMatch(/^\/staff/);
      clockOffset += 6 * MINUTE;
      await page.goto(`${origin}/staff`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await page.getByText('no longer confirms your access').waitFor();
      expect(
        await app.storage.repos.sessions.listForAccount({ accountId: sian?.id ?? '' }),
      ).toHaveLength(0);
      const ended = (await refusals('refresh-failed')).find((e) => e.targetId === sian?.id);
      expect(ended?.details).toMatchObject({ recheck: true });
    });
  });

  it('signs in with a private key JWT instead of a client secret', async () => {
    const keyFile = path.join(dataDir, 'sso-client.pem');
    writeFileSync(keyFile, clientKey.privateKey.export({ format: 'pem', type: 'pkcs8' }), {
      mode: 0o600,
    });
    const keyOrigin = `http://127.0.0.1:${keyPort}`;
    const keyDir = tempDir('sealpost-e2e-sso-key-');
    const logger = createLogger({
      level: 'silent',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    });
    const keyed = await compose(
      parseConfig({
        PUBLIC_URL: keyOrigin,
        DATA_DIR: keyDir,
        INTERNAL_DOMAINS: 'barnet.gov.uk',
        SEALPOST_KEY_PASSPHRASE: 'e2e test passphrase',
        STAFF_SECOND_FACTOR: 'admins',
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: 'sealpost-with-key',
        OIDC_PRIVATE_KEY_FILE: keyFile,
        OIDC_PROVIDER_NAME: 'Barnet ID',
        OIDC_ROLE_MAP: ROLE_MAP,
      }),
      { logger },
    );
    const keyedServer = await startServer({
      app: createPortal(keyed),
      host: '127.0.0.1',
      port: keyPort,
      logger,
    });
    try {
      idp.users.set('gwen', {
        email: 'gwen.morgan@barnet.gov.uk',
        name: 'Gwen Morgan',
        roles: ['Sealpost.Sender'],
      });
      await withPage(false, async (page) => {
        await page.goto(`${keyOrigin}/sign-in`);
        await page.getByRole('link', { name: 'Sign in with Barnet ID' }).click();
        await page.waitForURL((url) => url.origin === idp.issuer);
        await page.locator('input[name="login"]').fill('gwen');
        await page.locator('input[name="password"]').fill('any password');
        await page.locator('button[type="submit"]').click();
        await page.waitForURL(
          (url) => url.origin === keyOrigin || url.pathname.includes('/interaction/'),
        );
        if (new URL(page.url()).origin !== keyOrigin) {
          await page.getByRole('button', { name: 'Continue' }).click();
          await page.waitForURL((url) => url.origin === keyOrigin);
        }
        expect(new URL(page.url()).pathname).toMatch(/^\/staff/);
      });
      const gwen = await keyed.storage.repos.accounts.findByEmailKey({
        emailKey: 'gwen.morgan@barnet.gov.uk',
      });
      expect(gwen).toMatchObject({ kind: 'staff', role: 'sender' });
    } finally {
      await keyedServer.stop({ graceMs: 1_000 });
      await keyed.close();
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});
