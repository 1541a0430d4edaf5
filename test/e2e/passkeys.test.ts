import { createHash, createPrivateKey, sign } from 'node:crypto';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction } from '../../core/audit/model.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// Passkeys end to end: the real portal on http://localhost (a WebAuthn relying party
// must be a domain), real Chromium with its virtual authenticator (the DevTools
// protocol's WebAuthn domain). A recipient and a staff member register a passkey from
// their account page, sign in with it as the second step and (where the setting allows)
// on its own, rename and remove it; a second browser without it falls back to the
// password; a counter that went backwards and an assertion made for another origin are
// refused and audited. Audit rows are polled: a commit may land just after the page.

const PASSWORD = 'lantern meadow copper violin';

let browser: Browser;
let portal: TestPortal;
let passwordless: TestPortal;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-passkey-', host: 'localhost' });
  passwordless = await startTestPortal({
    prefix: 'sealpost-e2e-passkey-pl-',
    host: 'localhost',
    env: { PASSKEY_SIGN_IN: 'passwordless' },
  });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await passwordless?.stop();
});

/** A browser context with a virtual platform authenticator that verifies the person. */
async function withAuthenticator(
  page: Page,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

async function audits(p: TestPortal, action: AuditAction) {
  return p.app.storage.repos.audit.list({ filter: { action }, limit: 200 });
}

function helpers(p: TestPortal, page: Page) {
  const url = (path: string) => `${p.origin}${path}`;
  return {
    url,
    heading: (text: string) => page.locator('main h1', { hasText: text }).first().waitFor(),
    async signInWithPassword(email: string) {
      await page.goto(url('/sign-in'));
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    },
    async signOut() {
      await page.getByRole('button', { name: 'Sign out' }).first().click();
      await page.waitForURL(/\/sign-in/);
    },
    async addPasskey(name: string) {
      await page.goto(url('/account/passkeys'));
      await page.locator('main h1', { hasText: 'Passkeys' }).waitFor();
      await page.getByLabel('Name for the passkey').fill(name);
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.locator('.govuk-notification-banner', { hasText: 'Passkey added' }).waitFor();
    },
  };
}

describe('passkeys as a second factor', () => {
  it('a recipient registers one, signs in with it, renames and removes it; another browser falls back', async () => {
    const email = 'passkey-recipient@example.org';
    await portal.addAccount({ email, password: PASSWORD });
    const context = await newContext({ browser, javaScript: true, axe: true });
    let other: BrowserContext | null = null;
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await withAuthenticator(page);
      const h = helpers(portal, page);

      await h.signInWithPassword(email);
      await h.heading('Inbox');
      await page.goto(h.url('/account'));
      await page.getByRole('link', { name: 'Manage your passkeys' }).click();
      await h.heading('Passkeys');
      // The browser supports passkeys: the button is shown, the no-JavaScript note hidden.
      await expect(page.getByRole('button', { name: 'Add a passkey' }).isVisible()).resolves.toBe(
        true,
      );
      await expectAccessible(page, 'passkeys page, none yet');
      await h.addPasskey('My laptop');
      const firstId = await passkeyIdOf(portal, email);
      expect(await page.locator(`#rename-${firstId}`).inputValue()).toBe('My laptop');
      await expectAccessible(page, 'passkeys page, one passkey');
      expect((await portal.account(email))?.passkeyCount).toBe(1);
      await expect.poll(async () => (await audits(portal, 'account.passkey-add')).length).toBe(1);
      expect((await portal.outbox()).map((m) => m.subject)).toContain(
        'A passkey has been added (Barnet Council secure messages)',
      );

      // Signing in now asks for the passkey after the password; it is the only factor.
      await h.signOut();
      await h.signInWithPassword(email);
      await h.heading('Use your passkey');
      await expect(page.getByLabel('Security code').count()).resolves.toBe(0);
      await expectAccessible(page, 'second step with a passkey');
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await h.heading('Inbox');
      await expect
        .poll(async () =>
          (await audits(portal, 'account.signin')).some((e) => e.details.method === 'passkey'),
        )
        .toBe(true);
      const used = await portal.app.storage.repos.passkeys.listForAccount({
        accountId: (await portal.account(email))?.id ?? '',
      });
      expect(used[0]?.lastUsedAt).not.toBeNull();
      expect(used[0]?.counter).toBeGreaterThan(0);

      // A second browser, without the passkey and without JavaScript: the page says
      // what is needed instead of offering a form that cannot work.
      other = await newContext({ browser, javaScript: false });
      const second = await other.newPage();
      second.setDefaultTimeout(10_000);
      const h2 = helpers(portal, second);
      await h2.signInWithPassword(email);
      await h2.heading('Use your passkey');
      await second.getByText('Passkeys need JavaScript').waitFor();

      // Rename, then remove with the password typed again (a wrong one first).
      await page.goto(h.url('/account/passkeys'));
      const id = await passkeyIdOf(portal, email);
      await page.locator(`#rename-${id}`).fill('Work laptop');
      await page.getByRole('button', { name: 'Rename' }).click();
      await page.locator('.govuk-notification-banner', { hasText: 'Passkey renamed' }).waitFor();
      await expect
        .poll(async () => (await audits(portal, 'account.passkey-rename')).length)
        .toBe(1);
      await page.getByLabel('Your password').fill('not the password');
      await page.getByRole('button', { name: 'Remove a passkey' }).click();
      await page
        .locator('.govuk-error-summary', { hasText: 'The password is not right' })
        .waitFor();
      expect((await portal.account(email))?.passkeyCount).toBe(1);
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Remove a passkey' }).click();
      await page.locator('.govuk-notification-banner', { hasText: 'Passkey removed' }).waitFor();
      expect((await portal.account(email))?.passkeyCount).toBe(0);
      await expect
        .poll(async () => (await audits(portal, 'account.passkey-remove')).length)
        .toBe(1);
      expect((await portal.outbox()).map((m) => m.subject)).toContain(
        'A passkey has been removed (Barnet Council secure messages)',
      );

      // With the passkey gone, the second browser signs in with the password alone.
      await second.goto(h2.url('/sign-out-everywhere')).catch(() => undefined);
      await h2.signInWithPassword(email);
      await h2.heading('Inbox');
    } finally {
      await other?.close();
      await context.close();
    }
  });
});

describe('passkeys signing in on their own (PASSKEY_SIGN_IN=passwordless)', () => {
  it('a staff member signs in with a passkey alone and as the second step; a raised counter and another origin are refused', async () => {
    const email = 'passkey.sender@barnet.gov.uk';
    const account = await passwordless.addAccount({
      email,
      password: PASSWORD,
      kind: 'staff',
      role: 'sender',
    });
    const context = await newContext({ browser, javaScript: true, axe: true });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const { cdp, authenticatorId } = await withAuthenticator(page);
      const h = helpers(passwordless, page);

      await h.signInWithPassword(email);
      await page.waitForURL(/\/staff/);
      await h.addPasskey('Desk key');
      await expectAccessible(page, 'staff passkeys page');
      // Staff are emailed of the change too, as recipients are (issue 21).
      await expect
        .poll(async () =>
          (await passwordless.outbox()).filter((m) => m.to === email).map((m) => m.subject),
        )
        .toContain('A passkey has been added (Barnet Council secure messages)');
      await h.signOut();

      // On its own, from the sign-in page.
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.waitForURL(/\/staff\/inbox/);
      const alone = async () =>
        (await audits(passwordless, 'account.signin')).filter(
          (e) => e.details.step === 'passwordless',
        ).length;
      await expect.poll(alone).toBe(1);
      const sessions = await passwordless.app.storage.repos.sessions.listForAccount({
        accountId: account.id,
      });
      expect(sessions.some((s) => s.secondFactorAt !== null && !s.twoFactorPending)).toBe(true);

      // As the second step after the password.
      await h.signOut();
      await h.signInWithPassword(email);
      await h.heading('Use your passkey');
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await page.waitForURL(/\/staff\/inbox/);

      // A stored counter ahead of the authenticator's: a cloned key, perhaps. Refused.
      const [stored] = await passwordless.app.storage.repos.passkeys.listForAccount({
        accountId: account.id,
      });
      if (!stored) throw new Error('no passkey stored');
      await passwordless.app.storage.repos.passkeys.update({
        passkey: { ...stored, counter: 1_000_000 },
      });
      await h.signOut();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.getByText('That passkey did not work').waitFor();
      expect(page.url()).toContain('/sign-in');
      // Polled, not read once: the refusal commits with the server's next group commit,
      // which may land just after the page has shown the answer.
      const refusals = async (reason: string) =>
        (await audits(passwordless, 'account.signin-failed')).filter(
          (e) => e.details.reason === reason,
        ).length;
      await expect.poll(() => refusals('passkey-counter')).toBe(1);
      await passwordless.app.storage.repos.passkeys.update({ passkey: { ...stored, counter: 0 } });

      // An assertion signed with the passkey's own key, but for another origin: refused.
      // The same assertion made for our origin is accepted, so the refusal is the origin's.
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      const credential = credentials[0];
      if (!credential) throw new Error('no credential in the authenticator');
      const csrf = await page
        .locator('[data-passkey-action="authenticate"]')
        .getAttribute('data-passkey-csrf');
      const assertFor = async (origin: string, counter: number) => {
        const options = await postJson(page, csrf ?? '', { step: 'options' });
        const challenge = String(
          (options.body as { options: { challenge: string } }).options.challenge,
        );
        const response = signAssertion({
          credentialId: Buffer.from(credential.credentialId, 'base64').toString('base64url'),
          privateKey: credential.privateKey,
          rpId: 'localhost',
          origin,
          challenge,
          counter,
          userHandle: Buffer.from(account.id, 'utf8').toString('base64url'),
        });
        return postJson(page, csrf ?? '', { step: 'verify', response });
      };
      const evil = await assertFor('http://evil.example', 5_000_000);
      expect(evil.status).toBe(400);
      expect(evil.body).toEqual({ ok: false });
      await expect.poll(() => refusals('passkey-invalid')).toBe(1);
      const genuine = await assertFor(passwordless.origin, 5_000_001);
      expect(genuine.status).toBe(200);
      expect((genuine.body as { redirect?: string }).redirect).toBe('/staff');
    } finally {
      await context.close();
    }
  });
});

/** The id of the account's first passkey. */
async function passkeyIdOf(p: TestPortal, email: string): Promise<string> {
  const account = await p.account(email);
  const [first] = await p.app.storage.repos.passkeys.listForAccount({
    accountId: account?.id ?? '',
  });
  if (!first) throw new Error('no passkey');
  return first.id;
}

/** POSTs JSON to the passkey sign-in endpoint from the page (its origin, its cookies). */
async function postJson(page: Page, csrf: string, body: unknown) {
  return page.evaluate(
    async ([token, payload]) => {
      const res = await fetch('/sign-in/passkey', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token as string },
        body: JSON.stringify(payload),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    },
    [csrf, body] as const,
  );
}

/**
 * A WebAuthn assertion made in node with the credential's private key, as an
 * authenticator would make it, but for whatever origin and counter the test says.
 */
function signAssertion(args: {
  credentialId: string;
  privateKey: string;
  rpId: string;
  origin: string;
  challenge: string;
  counter: number;
  userHandle: string;
}) {
  const clientData = Buffer.from(
    JSON.stringify({
      type: 'webauthn.get',
      challenge: args.challenge,
      origin: args.origin,
      crossOrigin: false,
    }),
  );
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(args.counter);
  const authData = Buffer.concat([
    createHash('sha256').update(args.rpId).digest(),
    Buffer.from([0x05]), // user present, user verified
    counter,
  ]);
  const key = createPrivateKey({
    key: Buffer.from(args.privateKey, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  // Whichever algorithm the authenticator chose from ours: Ed25519 signs the data
  // itself, ECDSA and RSA a SHA-256 of it.
  const signature = sign(
    key.asymmetricKeyType === 'ed25519' ? null : 'sha256',
    Buffer.concat([authData, createHash('sha256').update(clientData).digest()]),
    key,
  );
  return {
    id: args.credentialId,
    rawId: args.credentialId,
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: clientData.toString('base64url'),
      authenticatorData: authData.toString('base64url'),
      signature: signature.toString('base64url'),
      userHandle: args.userHandle,
    },
  };
}
