import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oslojsTotp } from '../../adapters/security/totp.ts';
import { TOTP_DIGITS, totpStep } from '../../core/auth/totp.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// A second factor for everyone who should have one, end to end in real Chromium with
// JavaScript on and off, axe-core on each new page. The portal runs as a new
// installation does (STAFF_SECOND_FACTOR unset: all staff). A new sender signs in, is
// made to set up an app before anything else, then sends a message marked "second
// factor required". The recipient, who has no second factor, signs in, sees why the
// message does not open, sets up an app (the code computed as the app would), and is
// returned to the message, which opens.

const PASSWORD = 'lantern meadow copper violin';
const totp = oslojsTotp();

let portal: TestPortal;
let browser: Browser;

beforeAll(async () => {
  // The configuration a new installation has: no STAFF_SECOND_FACTOR at all.
  portal = await startTestPortal({
    prefix: 'sealpost-e2e-all-staff-',
    env: { STAFF_SECOND_FACTOR: '' },
  });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/** The code an authenticator app shows now, or `offset` steps from now. */
function codeNow(keyText: string, offset = 0): string {
  const key = totp.decodeKey({ text: keyText });
  if (!key) throw new Error(`not a key: ${keyText}`);
  return totp.generate({ key, counter: totpStep(new Date()) + offset, digits: TOTP_DIGITS });
}

/** The key the set-up page shows as text (what someone without a camera types). */
async function keyOf(page: Page): Promise<string> {
  return (await page.getByTestId('totp-key').textContent())?.replace(/\s/g, '') ?? '';
}

describe.each([
  { javaScript: true, label: 'with JavaScript', tag: 'js' },
  { javaScript: false, label: 'without JavaScript', tag: 'nojs' },
])(
  'a second factor for all staff, and a message that asks for one, $label',
  ({ javaScript, tag }) => {
    it('makes a new sender set up an app, then send; the recipient steps up to read', async () => {
      const senderEmail = `sender-${tag}@barnet.gov.uk`;
      const recipientEmail = `resident-${tag}@example.org`;
      const subject = `Your child protection plan (${tag})`;
      const body = 'The plan agreed at the conference is below.';
      await portal.addAccount({
        email: senderEmail,
        password: PASSWORD,
        kind: 'staff',
        role: 'sender',
        displayName: 'Sam Sender',
      });
      await portal.addAccount({ email: recipientEmail, password: PASSWORD });

      const context = await newContext({ browser, javaScript, axe: true });
      const page = await context.newPage();
      page.setDefaultTimeout(8_000);
      const url = (path: string) => `${portal.origin}${path}`;
      const heading = (text: string) =>
        page.locator('main h1', { hasText: text }).first().waitFor();
      const check = (what: string) => expectAccessible(page, `${what} (${tag})`);
      const signIn = async (email: string) => {
        await page.goto(url('/sign-in'));
        await page.getByLabel('Email address').fill(email);
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      };
      try {
        // ---- The sender: nothing opens before an app is set up. ----
        await signIn(senderEmail);
        await heading('Set up two-step verification');
        expect(await page.locator('main').textContent()).toContain(
          'Your organisation asks all staff to use two-step verification',
        );
        await check('sender made to set up two-step verification');
        await page.goto(url('/staff/compose'));
        await heading('Set up two-step verification');
        expect(new URL(page.url()).pathname).toBe('/staff/two-factor');
        await page.getByLabel('Security code').fill(codeNow(await keyOf(page)));
        await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
        await heading('Two-step verification is on');
        expect((await portal.account(senderEmail))?.totpKeyEnc).not.toBeNull();

        // ---- Now they can send, with the mark. ----
        await page.goto(url('/staff/compose'));
        await heading('Send a secure message');
        await check('compose with the second-factor option');
        await page.getByLabel('To', { exact: true }).fill(recipientEmail);
        await page.getByLabel('Subject').fill(subject);
        await page.getByLabel('Message').fill(body);
        await page.getByLabel('Second factor required').check();
        await page.getByRole('button', { name: 'Preview', exact: true }).click();
        await heading('Check your message before sending');
        expect(await page.locator('main .govuk-summary-list').textContent()).toContain(
          'Second factor requiredYes',
        );
        await page.getByRole('button', { name: 'Send securely' }).click();
        await heading('Message sent');
        await page.goto(url('/staff/sent'));
        await page.getByRole('link', { name: subject }).click();
        await heading(subject);
        expect(await page.locator('main').textContent()).toContain('Second factor requiredYes');
        await check('tracking of a message that asks for a second factor');
        await page.getByRole('button', { name: 'Sign out' }).click();
        await heading('Sign in');

        // ---- The recipient: no second factor yet. ----
        await signIn(recipientEmail);
        await heading('Inbox');
        const row = page.locator('main tr', { hasText: subject });
        expect(await row.textContent()).toContain('Second step needed');
        const href = await row.locator('a.govuk-link').first().getAttribute('href');
        await page.goto(url(href ?? '/inbox'));
        await heading('This message needs a second step');
        const explanation = (await page.locator('main').textContent()) ?? '';
        expect(explanation).toContain('The sender asked for a second step to protect this message');
        expect(explanation).toContain(subject);
        expect(explanation).not.toContain(body);
        await check('step-up explanation');
        const messagePath = new URL(page.url()).pathname;

        await page.getByRole('link', { name: 'Set up two-step verification' }).click();
        await heading('Set up two-step verification');
        expect(await page.locator('main').textContent()).toContain(
          'you go back to the message you were opening',
        );
        await check('set-up on the way to a message');
        await page.getByLabel('Your password').fill(PASSWORD);
        await page.getByLabel('Security code').fill(codeNow(await keyOf(page)));
        await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
        await heading('Two-step verification is on');
        await page.getByRole('link', { name: 'Continue to the message' }).click();
        await heading(subject);
        expect(new URL(page.url()).pathname).toBe(messagePath);
        expect(await page.locator('main').textContent()).toContain(body);
        await check('the message, opened after the second step');
      } catch (error) {
        const main = await page
          .locator('main')
          .innerHTML()
          .catch(() => '(no main)');
        throw new Error(`${(error as Error).message}\nat ${page.url()}\n${main.slice(0, 3000)}`);
      } finally {
        await context.close();
      }
    }, 90_000);
  },
);
