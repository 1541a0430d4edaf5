import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createPortal } from '../../adapters/http/portal.ts';
import { type RunningServer, startServer } from '../../adapters/http/server.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { oslojsTotp } from '../../adapters/security/totp.ts';
import { createStaffAccount } from '../../core/accounts/create-staff.ts';
import { TOTP_DIGITS, totpStep } from '../../core/auth/totp.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { freePort, tempDir } from '../support/cli.ts';
import { newestCodeTo } from '../support/email-code.ts';

// The staff side end to end, in real Chromium with JavaScript on (htmx boosting every
// link and form) and off, axe-core on every page: an admin sets a first password and is
// made to set up two-step verification and adds a sender on the accounts page; the sender
// sets a password from the emailed link and signs in with a TOTP code, writes a message with
// an attachment, previews and sends it; the recipient registers from the notification in
// the outbox, opens it and downloads the file; the sender sees both in the tracking,
// revokes, and the recipient then sees "revoked".

const PASSWORD = 'lantern meadow copper violin';
const FILE = randomBytes(120_000);
const totp = oslojsTotp();

let dataDir: string;
let app: Sealpost;
let server: RunningServer;
let origin: string;
let browser: Browser;
let filePath: string;

beforeAll(async () => {
  dataDir = tempDir('sealpost-e2e-staff-');
  filePath = path.join(dataDir, 'Assessment.pdf');
  writeFileSync(filePath, FILE);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
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
    // The sender here has no second factor, as on an installation upgraded from before
    // 0.4; test/e2e/staff-second-factor.test.ts runs the default (all staff).
    STAFF_SECOND_FACTOR: 'admins',
  });
  app = await compose(config, { logger });
  server = await startServer({
    app: createPortal(app),
    host: '127.0.0.1',
    port,
    logger,
  });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop({ graceMs: 1_000 });
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The code an authenticator app shows now, or `offset` steps from now. */
function codeNow(keyText: string, offset = 0): string {
  const key = totp.decodeKey({ text: keyText });
  if (!key) throw new Error('bad key');
  return totp.generate({ key, counter: totpStep(new Date()) + offset, digits: TOTP_DIGITS });
}

/** The decrypted emails waiting in the outbox (left in place for the worker). */
async function outbox() {
  const mails = await app.storage.repos.outbox.claimDue({
    now: new Date('2100-01-01T00:00:00Z'),
    leaseUntil: new Date('2100-01-01T00:01:00Z'),
    limit: 1000,
  });
  for (const mail of mails) {
    await app.storage.repos.outbox.update({
      mail: { ...mail, status: 'pending', leaseUntil: null },
    });
  }
  return Promise.all(
    mails.map(async (mail) => ({ kind: mail.kind, ...(await readOutboxMail(app, mail)) })),
  );
}

/** Page helpers: wait for a heading, run axe and remember what was checked. */
function helpers(page: Page, visited: string[]) {
  return {
    heading: async (text: string | RegExp) => {
      await page.locator('h1', { hasText: text }).first().waitFor();
    },
    check: async (what: string) => {
      visited.push(what);
      await expectAccessible(page, what);
    },
  };
}

describe.each([
  { javaScript: true, label: 'with JavaScript', tag: 'js' },
  { javaScript: false, label: 'without JavaScript', tag: 'nojs' },
])('staff send, track and revoke, $label', ({ javaScript, tag }) => {
  it('works end to end, with no accessibility violations on any page', async () => {
    const adminEmail = `admin-${tag}@barnet.gov.uk`;
    const senderEmail = `sender-${tag}@barnet.gov.uk`;
    const recipientEmail = `citizen-${tag}@example.org`;
    const admin = await createStaffAccount(app, {
      email: adminEmail,
      name: 'Ada Admin',
      role: 'admin',
      actorId: null,
    });
    if (!admin.ok) throw new Error(JSON.stringify(admin.issues));

    const visited: string[] = [];
    const adminContext = await newContext({ browser, javaScript, axe: true });
    const senderContext = await newContext({ browser, javaScript, axe: true });
    const recipientContext = await newContext({ browser, javaScript, axe: true });
    const adminPage = await adminContext.newPage();
    const senderPage = await senderContext.newPage();
    const recipientPage = await recipientContext.newPage();
    for (const p of [adminPage, senderPage, recipientPage]) p.setDefaultTimeout(8_000);
    let current = adminPage;

    try {
      // ---- The admin: first password, then two-step verification is required. ----
      const a = helpers(adminPage, visited);
      await adminPage.goto(`${origin}/set-password/${admin.setPasswordToken}`);
      await a.heading('Set your password');
      await a.check('admin set password');
      await adminPage.getByLabel('Create a password').fill(PASSWORD);
      await adminPage.getByRole('button', { name: 'Set password and sign in' }).click();
      await a.heading('Set up two-step verification');
      expect(await adminPage.locator('main').textContent()).toContain(
        'Administrators must use two-step verification',
      );
      await a.check('admin two-step set-up');
      // Nothing else is open until it is done.
      await adminPage.goto(`${origin}/staff/sent`);
      await a.heading('Set up two-step verification');
      expect(await adminPage.locator('svg[role="img"] path').count()).toBe(1);
      const adminKey =
        (await adminPage.getByTestId('totp-key').textContent())?.replace(/\s/g, '') ?? '';
      await adminPage.getByLabel('Security code').fill(codeNow(adminKey));
      await adminPage.getByRole('button', { name: 'Turn on two-step verification' }).click();
      await a.heading('Two-step verification is on');
      expect(await adminPage.getByTestId('recovery-codes').locator('li').count()).toBe(10);
      await a.check('admin recovery codes');

      // The admin adds a sender on the accounts page; the set-password link goes to the
      // sender by email (the outbox), never onto the admin's screen.
      await adminPage.goto(`${origin}/admin/accounts/new`);
      await a.heading('Add a staff member');
      await a.check('admin adds a staff member');
      await adminPage.getByLabel('Full name').fill('Sam Sender');
      await adminPage.getByLabel('Work email address').fill(senderEmail);
      await adminPage.getByLabel(/^Sender:/).check();
      await adminPage.getByRole('button', { name: 'Add staff member' }).click();
      await adminPage.waitForURL(/\/admin\/accounts\/[^/]+\?done=created$/);
      await a.check('new staff member');
      const invitation = (await outbox()).find(
        (m) => m.kind === 'set-password' && m.to === senderEmail,
      );
      const setPasswordLink = /https?:\/\/\S+\/set-password\/\S+/.exec(invitation?.text ?? '')?.[0];
      expect(setPasswordLink).toBeDefined();

      // ---- The sender: password, optional two-step set-up, then sign in with TOTP. ----
      current = senderPage;
      const s = helpers(senderPage, visited);
      await senderPage.goto(setPasswordLink as string);
      await s.heading('Set your password');
      await senderPage.getByLabel('Create a password').fill(PASSWORD);
      await senderPage.getByRole('button', { name: 'Set password and sign in' }).click();
      await senderPage.waitForURL(/\/inbox$/);
      await senderPage.goto(`${origin}/staff/two-factor`);
      await s.heading('Set up two-step verification');
      await s.check('sender two-step set-up');
      const senderKey =
        (await senderPage.getByTestId('totp-key').textContent())?.replace(/\s/g, '') ?? '';
      await senderPage.getByLabel('Security code').fill(codeNow(senderKey));
      await senderPage.getByRole('button', { name: 'Turn on two-step verification' }).click();
      await s.heading('Two-step verification is on');
      await senderPage.getByRole('button', { name: 'Sign out' }).click();
      await s.heading('Sign in');

      await senderPage.goto(`${origin}/staff/sign-in`);
      await s.heading('Sign in');
      await senderPage.getByLabel('Email address').fill(senderEmail);
      await senderPage.getByLabel('Password').fill(PASSWORD);
      await senderPage.getByRole('button', { name: 'Sign in' }).click();
      await s.heading('Enter your security code');
      await s.check('second step of sign-in');
      // The set-up used this step's code: the next step's is still in the window, and new.
      await senderPage.getByLabel('Security code').fill(codeNow(senderKey, 1));
      await senderPage.getByRole('button', { name: 'Continue' }).click();
      await s.heading('Inbox');
      await s.check('staff inbox');

      // ---- Compose, preview, attach, send. ----
      await senderPage.getByRole('link', { name: 'Send a secure message' }).click();
      await s.heading('Send a secure message');
      await s.check('compose');
      // A problem first: everything typed comes back.
      await senderPage.getByLabel('To', { exact: true }).fill(recipientEmail);
      await senderPage.getByLabel('Message').fill('Dear resident,\n\nYour assessment is attached.');
      await senderPage.getByRole('button', { name: 'Preview', exact: true }).click();
      await senderPage.locator('.govuk-error-summary').waitFor();
      expect(await senderPage.getByLabel('To', { exact: true }).inputValue()).toBe(recipientEmail);
      await s.check('compose with errors');
      await senderPage.getByLabel('Subject').fill('Your assessment');
      await senderPage.getByLabel('OFFICIAL-SENSITIVE').check();
      // The file is chosen on the form itself; the preview lists it.
      await senderPage.getByLabel('Add files (optional)').setInputFiles(filePath);
      await senderPage.getByRole('button', { name: 'Preview', exact: true }).click();
      await s.heading('Check your message before sending');
      expect(await senderPage.locator('main .govuk-summary-list').textContent()).toContain(
        'Assessment.pdf',
      );
      await s.check('preview');
      await senderPage.getByRole('button', { name: 'Send securely' }).click();
      await s.heading('Message sent');
      await s.check('sent confirmation');

      // ---- The recipient registers from the notification, opens, downloads. ----
      current = recipientPage;
      const r = helpers(recipientPage, visited);
      const notification = (await outbox()).find(
        (m) => m.kind === 'notification' && m.to === recipientEmail,
      );
      expect(notification?.text).not.toContain('Your assessment');
      const link = /(http:\/\/\S+\/open\/\S+)/.exec(notification?.text ?? '')?.[1];
      expect(link).toBeDefined();
      await recipientPage.goto(link as string);
      await r.heading('You have a secure message');
      await recipientPage.getByRole('button', { name: 'Continue' }).click();
      await r.heading('Check it is your email address');
      await recipientPage.getByRole('button', { name: 'Email me a code' }).click();
      await r.heading('Create a password');
      await recipientPage
        .getByLabel('Code from the email')
        .fill(newestCodeTo(await outbox(), recipientEmail));
      await recipientPage.getByLabel('Create a password').fill(PASSWORD);
      await recipientPage.getByRole('button', { name: 'Create password and continue' }).click();
      await r.heading('Your assessment');
      const messageUrl = recipientPage.url();
      const [download] = await Promise.all([
        recipientPage.waitForEvent('download'),
        recipientPage.getByRole('link', { name: 'Assessment.pdf' }).click(),
      ]);
      expect(readFileSync(await download.path()).equals(FILE)).toBe(true);

      // ---- The sender sees it opened and downloaded, then revokes. ----
      current = senderPage;
      await senderPage.getByRole('link', { name: 'Sent messages' }).click();
      await s.heading('Sent messages');
      const row = senderPage.locator('tr', { hasText: 'Your assessment' });
      await row.locator('.govuk-tag', { hasText: 'Opened' }).waitFor();
      await s.check('sent list');
      await row.getByRole('link', { name: 'Your assessment' }).click();
      await s.heading('Your assessment');
      const card = senderPage.locator('.govuk-summary-card', { hasText: recipientEmail });
      expect(await card.textContent()).toMatch(/First opened\s*\d+ \w+ \d{4} at \d\d:\d\d/);
      expect(await card.textContent()).toContain('Assessment.pdf, ');
      await s.check('tracking');
      await card.getByRole('button', { name: /Revoke access/ }).click();
      await senderPage
        .locator('.govuk-notification-banner', { hasText: 'Access revoked for 1 recipient' })
        .waitFor();
      expect(await card.textContent()).toContain('Access revoked');
      await s.check('tracking after revoke');

      // ---- The recipient now sees "revoked". ----
      current = recipientPage;
      await recipientPage.goto(messageUrl);
      await r.heading('This message was revoked');
      await r.check('recipient after revoke');
      expect(visited.length).toBeGreaterThanOrEqual(14);
    } catch (error) {
      const main = await current
        .locator('main')
        .innerHTML()
        .catch(() => '(no main)');
      throw new Error(`${(error as Error).message}\nat ${current.url()}\n${main.slice(0, 3000)}`);
    } finally {
      await adminContext.close();
      await senderContext.close();
      await recipientContext.close();
    }
  }, 90_000);
});
