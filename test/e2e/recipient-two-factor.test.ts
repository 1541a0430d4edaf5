import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oslojsTotp } from '../../adapters/security/totp.ts';
import { TOTP_DIGITS, totpStep } from '../../core/auth/totp.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// A recipient chooses two-step verification, end to end: the real portal, real
// Chromium with JavaScript on (htmx) and off, axe-core on every page visited. They set
// it up from their account page (reading the key as text, as someone without a camera
// would, and computing the code as their app would), sign in again with a code, and
// turn it off.

const PASSWORD = 'lantern meadow copper violin';
const totp = oslojsTotp();

let portal: TestPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-2fa-' });
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

describe.each([
  { javaScript: true, label: 'with JavaScript', tag: 'js' },
  { javaScript: false, label: 'without JavaScript', tag: 'nojs' },
])('recipient two-step verification, $label', ({ javaScript, tag }) => {
  it('sets it up from the account page, signs in with a code, and turns it off', async () => {
    const email = `two-step-${tag}@example.org`;
    await portal.addAccount({ email, password: PASSWORD });
    const context = await newContext({ browser, javaScript, axe: true });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    const url = (path: string) => `${portal.origin}${path}`;
    const heading = (text: string) => page.locator('main h1', { hasText: text }).first().waitFor();
    const check = (what: string) => expectAccessible(page, `${what} (${tag})`);
    const signIn = async () => {
      await page.goto(url('/sign-in'));
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    try {
      await signIn();
      await heading('Inbox');
      await page.goto(url('/account'));
      await heading('Your account');
      await page.getByRole('link', { name: 'Set up two-step verification' }).click();
      await heading('Set up two-step verification');
      await check('two-step set-up');
      expect(await page.evaluate(() => 'htmx' in window)).toBe(javaScript);
      const keyText = (await page.getByTestId('totp-key').textContent())?.replace(/\s/g, '') ?? '';
      expect(keyText).toMatch(/^[A-Z2-7]{32}$/);

      // The password is asked again; a wrong one is refused with the form kept.
      await page.getByLabel('Your password').fill('not the password');
      await page.getByLabel('Security code').fill(codeNow(keyText));
      await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
      await page
        .locator('.govuk-error-summary', { hasText: 'The password is not right' })
        .waitFor();
      await check('two-step set-up, wrong password');
      expect((await portal.account(email))?.totpKeyEnc).toBeNull();

      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByLabel('Security code').fill(codeNow(keyText));
      await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
      await heading('Two-step verification is on');
      await check('recovery codes');
      expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
      const notice = (await portal.outbox()).filter(
        (m) => m.kind === 'second-factor' && m.to === email,
      );
      expect(notice.map((m) => m.subject)).toEqual([
        'Two-step verification has been turned on (Barnet Council secure messages)',
      ]);

      // Signing in again asks for the code; the set-up used this step's, so the next.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await heading('Sign in');
      await signIn();
      await heading('Enter your security code');
      await check('second step of sign-in');
      await page.getByLabel('Security code').fill(codeNow(keyText, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      await heading('Inbox');
      expect(new URL(page.url()).pathname).toBe('/inbox');

      // Turned off with the password again: back to the set-up page, saying so.
      await page.goto(url('/account/two-factor'));
      await heading('Two-step verification');
      await check('two-step status');
      await page.getByLabel('Your password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
      await page
        .locator('.govuk-notification-banner', { hasText: 'Two-step verification is off' })
        .waitFor();
      expect((await portal.account(email))?.totpKeyEnc).toBeNull();
    } catch (error) {
      const main = await page
        .locator('main')
        .innerHTML()
        .catch(() => '(no main)');
      throw new Error(`${(error as Error).message}\nat ${page.url()}\n${main.slice(0, 3000)}`);
    } finally {
      await context.close();
    }
  }, 60_000);
});
