import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringsFor } from '../../views/strings/index.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// Signing in, being locked out and resetting a password, end to end: the real portal on
// a free port over a temp DATA_DIR, real Chromium with JavaScript on (htmx boosting the
// forms) and off, and axe-core (WCAG 2.2 A/AA) on every page visited. Each flow has a
// browser profile of its own, so no device cookie from one flow helps another: a browser
// that signed in before is exempt from the account lock (OWASP's device cookies).

const PASSWORD = 'lantern meadow copper violin';
const NEW_PASSWORD = 'orchard thimble sapphire kettle';
const WRONG = ['lantern meadow copper viola', 'lantern meadow', 'violin copper meadow lantern'];
const s = stringsFor('en');

let portal: TestPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-auth-' });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/** A fresh browser profile and the steps every flow uses on it. */
async function openBrowser(javaScript: boolean) {
  const context = await newContext({ browser, javaScript, axe: true });
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const visited: string[] = [];
  const url = (path: string) => `${portal.origin}${path}`;

  const check = async (what: string) => {
    visited.push(what);
    await expectAccessible(page, what);
  };
  const heading = async (text: string) => {
    await page.locator('main h1', { hasText: text }).first().waitFor();
  };
  /**
   * Presses a form's button and waits for the page that answers, whether it arrives as
   * a page load (no JavaScript) or an htmx swap of the body: the old `<main>` is marked
   * first, so a page that looks the same as the last one is still told apart from it.
   * Returns the status of the POST's first answer (303 for a redirect).
   */
  const submit = async (button: string): Promise<number> => {
    await page.locator('main').evaluate((main) => main.setAttribute('data-stale', ''));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    await page.locator('main:not([data-stale])').waitFor();
    return response.status();
  };
  const signIn = async (email: string, password: string) => {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    return submit('Sign in');
  };
  /** The error summary's messages, and the whole of `<main>` as a person reads it. */
  const failure = async () => ({
    summary: await page.locator('.govuk-error-summary li').allTextContents(),
    main: await page.locator('main').innerText(),
  });
  const signOut = async () => {
    await submit('Sign out');
    await page.locator('.govuk-notification-banner', { hasText: 'You have signed out.' }).waitFor();
    await check('signed out');
  };

  /** Runs a flow, and on failure says where the browser was and what it showed. */
  const run = async (flow: () => Promise<void>) => {
    try {
      await flow();
    } catch (error) {
      const main = await page
        .locator('main')
        .innerHTML()
        .catch(() => '(no main)');
      throw new Error(`${(error as Error).message}\nat ${page.url()}\n${main.slice(0, 3000)}`);
    } finally {
      await context.close();
    }
  };

  return { page, url, visited, check, heading, submit, signIn, failure, signOut, run };
}

/** The link in an email's text that leads to `/reset/<token>`. */
function resetLinkIn(text: string | undefined): string {
  const link = /(http:\/\/\S+\/reset\/\S+)/.exec(text ?? '')?.[1];
  if (!link) throw new Error(`no reset link in:\n${text}`);
  return link;
}

describe.each([
  { javaScript: true, label: 'with JavaScript', tag: 'js' },
  { javaScript: false, label: 'without JavaScript', tag: 'nojs' },
])('signing in, $label', ({ javaScript, tag }) => {
  it('a registered recipient signs in and out', async () => {
    const email = `signin-${tag}@example.org`;
    await portal.addAccount({ email, password: PASSWORD });
    const b = await openBrowser(javaScript);
    await b.run(async () => {
      await b.page.goto(b.url('/inbox'));
      await b.heading('You need to sign in');
      await b.check('sign-in required');
      await b.page.goto(b.url('/sign-in'));
      await b.heading('Sign in');
      await b.check('sign-in');
      expect(await b.page.evaluate(() => 'htmx' in window)).toBe(javaScript);

      expect(await b.signIn(email, PASSWORD)).toBe(303);
      await b.heading('Inbox');
      expect(new URL(b.page.url()).pathname).toBe('/inbox');
      await b.check('inbox');

      await b.signOut();
      await b.page.goto(b.url('/inbox'));
      await b.heading('You need to sign in');
      await b.check('sign-in required after signing out');
    });
  });

  it('three wrong passwords lock the account; the emailed link unlocks it', async () => {
    const email = `locked-${tag}@example.org`;
    const account = await portal.addAccount({ email, password: PASSWORD });
    // A profile that has never signed in: it has no device cookie, so the lock holds it.
    const b = await openBrowser(javaScript);
    await b.run(async () => {
      await b.page.goto(b.url('/sign-in'));
      await b.heading('Sign in');
      await b.check('sign-in');

      const answers: { status: number; summary: string[]; main: string }[] = [];
      for (const wrong of WRONG) {
        const status = await b.signIn(email, wrong);
        answers.push({ status, ...(await b.failure()) });
      }
      await b.check('sign-in refused');
      const locked = await portal.account(email);
      expect(locked?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());

      // The right password, while locked: refused, with the very same words.
      const status = await b.signIn(email, PASSWORD);
      answers.push({ status, ...(await b.failure()) });
      await b.check('sign-in refused while locked');
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(answer.summary.map((t) => t.trim())).toEqual([s.auth.signIn.failed]);
        expect(answer.main).toBe(answers[0]?.main);
      }
      expect(await b.page.getByLabel('Email address').inputValue()).toBe(email);
      expect((await portal.account(email))?.lastSignInAt).toBeNull();
      await b.page.goto(b.url('/inbox'));
      await b.heading('You need to sign in');
      await b.check('sign-in required while locked');

      // One lockout email, with a link to choose a new password.
      const mails = (await portal.outbox()).filter((m) => m.to === email);
      expect(mails.map((m) => m.kind)).toEqual(['lockout']);
      expect(mails[0]?.text).toContain('so we have locked it for 30 minutes');
      const link = resetLinkIn(mails[0]?.text);

      // Opening the link (twice, as a mail scanner might) spends nothing: only the POST does.
      const live = () =>
        portal.app.storage.repos.tokens.listLive({
          accountId: account.id,
          purpose: 'reset',
          now: new Date(),
        });
      for (const _ of [1, 2]) {
        await b.page.goto(link);
        await b.heading(s.auth.reset.title);
        expect(await b.page.locator('main').innerText()).toContain(email);
        expect(await live()).toHaveLength(1);
      }
      await b.check('new password (from the lockout email)');
      await b.page.getByLabel(s.auth.newPassword.label).fill(NEW_PASSWORD);
      expect(await b.submit(s.auth.reset.button)).toBe(303);
      await b.heading('Inbox');
      await b.check('inbox after reset');
      const unlocked = await portal.account(email);
      expect(unlocked?.lockedUntil).toBeNull();
      expect(unlocked?.failedSignIns).toBe(0);
      expect(await live()).toHaveLength(0);

      // The link is spent.
      await b.page.goto(link);
      await b.heading(s.auth.link.invalidTitle);
      await b.check('spent link');
      await b.page.goto(b.url('/inbox'));
      await b.heading('Inbox');
      await b.check('inbox after the spent link');
      await b.signOut();
    });

    // Unlocked for everyone: another browser, never seen before, signs in with the new password.
    const other = await openBrowser(javaScript);
    await other.run(async () => {
      await other.page.goto(other.url('/sign-in'));
      await other.heading('Sign in');
      await other.check('sign-in, another browser');
      expect(await other.signIn(email, PASSWORD)).toBe(400);
      await other.check('old password refused, another browser');
      expect(await other.signIn(email, NEW_PASSWORD)).toBe(303);
      await other.heading('Inbox');
      await other.check('inbox, another browser');
    });
  });

  it('a forgotten password is reset from the emailed link', async () => {
    const email = `forgot-${tag}@example.org`;
    const unknown = `nobody-${tag}@example.org`;
    await portal.addAccount({ email, password: PASSWORD });
    const b = await openBrowser(javaScript);
    await b.run(async () => {
      await b.page.goto(b.url('/sign-in'));
      await b.heading('Sign in');
      await b.check('sign-in');
      await b.page.getByRole('link', { name: s.auth.signIn.forgotten }).click();
      await b.heading(s.auth.reset.requestTitle);
      await b.check('reset request');

      // The same answer whether or not the address has an account.
      const answerFor = async (address: string) => {
        await b.page.goto(b.url('/reset'));
        await b.heading(s.auth.reset.requestTitle);
        await b.check(`reset request for ${address}`);
        await b.page.getByLabel('Email address').fill(address);
        expect(await b.submit(s.auth.reset.requestButton)).toBe(200);
        await b.heading(s.auth.reset.sentTitle);
        return (await b.page.locator('main').innerText()).replaceAll(address, '<address>');
      };
      const forUnknown = await answerFor(unknown);
      await b.check('reset sent (unknown address)');
      const forKnown = await answerFor(email);
      await b.check('reset sent');
      expect(forKnown).toBe(forUnknown);
      expect(forKnown).toContain('If <address> has an account');

      const mails = await portal.outbox();
      expect(mails.filter((m) => m.to === unknown)).toEqual([]);
      const resets = mails.filter((m) => m.to === email);
      expect(resets.map((m) => m.kind)).toEqual(['reset']);

      await b.page.goto(resetLinkIn(resets[0]?.text));
      await b.heading(s.auth.reset.title);
      await b.check('new password');
      await b.page.getByLabel(s.auth.newPassword.label).fill(NEW_PASSWORD);
      expect(await b.submit(s.auth.reset.button)).toBe(303);
      await b.heading('Inbox');
      await b.check('inbox after reset');

      // The old password no longer works; the new one does.
      await b.signOut();
      expect(await b.signIn(email, PASSWORD)).toBe(400);
      expect((await b.failure()).summary.map((t) => t.trim())).toEqual([s.auth.signIn.failed]);
      await b.check('old password refused');
      expect(await b.signIn(email, NEW_PASSWORD)).toBe(303);
      await b.heading('Inbox');
      await b.check('inbox, new password');
      await b.signOut();
    });
  });
});
