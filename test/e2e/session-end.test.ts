import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { checkAxe, launchBrowser, newContext } from '../support/browser.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// The session line on every signed-in page ("You will be signed out at 14:32 if you do
// nothing") and its "Stay signed in" form, in real Chromium against the real portal:
// a plain form without JavaScript (WCAG 2.2.1 with no script at all), sent in the
// background with it, so nothing typed on the page is lost.

const PASSWORD = 'lantern meadow copper violin';
const MINUTE = 60_000;
const IDLE_MINUTES = 15; // the recipients' default

let portal: TestPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-session-end-' });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const ukTime = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

async function onlySession(account: Account) {
  const sessions = await portal.app.storage.repos.sessions.listForAccount({
    accountId: account.id,
  });
  expect(sessions).toHaveLength(1);
  const [session] = sessions;
  if (!session) throw new Error('no session');
  return session;
}

/** Moves the account's only session's last activity to `msAgo` before now. */
async function lastSeenAgo(account: Account, msAgo: number): Promise<Date> {
  const session = await onlySession(account);
  const lastSeenAt = new Date(Date.now() - msAgo);
  await portal.app.storage.repos.sessions.update({ session: { ...session, lastSeenAt } });
  return lastSeenAt;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${portal.origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('main h1', { hasText: 'Inbox' }).waitFor();
}

describe('the session line', () => {
  it('without JavaScript: says when the session ends, and "Stay signed in" keeps it and comes back', async () => {
    const account = await portal.addAccount({ email: 'nojs-line@example.org', password: PASSWORD });
    const context = await newContext({ browser, javaScript: false, axe: true });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await signIn(page, account.email);

    await page.goto(`${portal.origin}/inbox?expired=1`);
    const line = page.locator('.sp-session-end__text');
    const loaded = await onlySession(account);
    const endsAt = new Date(loaded.lastSeenAt.getTime() + IDLE_MINUTES * MINUTE);
    expect(await line.innerText()).toBe(
      `You will be signed out at ${ukTime.format(endsAt)} if you do nothing. Stay signed in`,
    );
    expect((await checkAxe(page)).join('\n\n')).toBe('');

    // Ten minutes of nothing (moved on in the database), then "Stay signed in".
    const idleSince = await lastSeenAgo(account, 10 * MINUTE);
    const before = { url: page.url(), heading: await page.locator('main h1').innerText() };
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await page.waitForLoadState('load');
    // The same page again, and the session's idle timer moved on in the database.
    expect(page.url()).toBe(before.url);
    expect(await page.locator('main h1').innerText()).toBe(before.heading);
    const stayed = await onlySession(account);
    expect(stayed.lastSeenAt.getTime()).toBeGreaterThan(idleSince.getTime() + 9 * MINUTE);
    expect(Date.now() - stayed.lastSeenAt.getTime()).toBeLessThan(10_000);
    const newEnd = new Date(stayed.lastSeenAt.getTime() + IDLE_MINUTES * MINUTE);
    expect(await line.innerText()).toContain(`signed out at ${ukTime.format(newEnd)} if`);
    await context.close();
  }, 60_000);

  it('with JavaScript: "Stay signed in" is sent in the background, keeping what is typed, and the time follows', async () => {
    const account = await portal.addAccount({ email: 'js-line@example.org', password: PASSWORD });
    const context = await newContext({ browser, javaScript: true });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await signIn(page, account.email);

    // 45 seconds since the last request: too soon for the next page to count as
    // activity, so the line it shows ends 45 seconds before a fresh one would.
    await lastSeenAgo(account, 45_000);
    await page.goto(`${portal.origin}/compose`);
    await page.locator('main h1', { hasText: 'Write a message' }).waitFor();
    await page.waitForLoadState('networkidle');
    const time = page.locator('.sp-session-end time');
    const shown = Date.parse((await time.getAttribute('datetime')) ?? '');
    await page.getByLabel('Message').fill('Half a letter, not saved anywhere yet.');

    let navigated = false;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigated = true;
    });
    const extended = page.waitForResponse((r) => r.url().endsWith('/session/extend'));
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    expect((await extended).status()).toBe(200);
    // No page load: the text is still there, and no dialog interrupted.
    expect(navigated).toBe(false);
    expect(await page.getByLabel('Message').inputValue()).toBe(
      'Half a letter, not saved anywhere yet.',
    );
    expect(await page.getByRole('dialog').count()).toBe(0);
    const stayed = await onlySession(account);
    expect(Date.now() - stayed.lastSeenAt.getTime()).toBeLessThan(10_000);
    // The line now says the new end (to the second the script can know it).
    const newEnd = stayed.lastSeenAt.getTime() + IDLE_MINUTES * MINUTE;
    await expect
      .poll(async () => Date.parse((await time.getAttribute('datetime')) ?? ''))
      .toBeGreaterThan(shown + 30_000);
    const updated = Date.parse((await time.getAttribute('datetime')) ?? '');
    expect(Math.abs(updated - newEnd)).toBeLessThan(5_000);
    expect(await time.innerText()).toBe(ukTime.format(new Date(updated)));
    expect((await checkAxe(page)).join('\n\n')).toBe('');
    await context.close();
  }, 60_000);
});
