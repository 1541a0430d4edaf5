import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { checkAxe, launchBrowser, newContext } from '../support/browser.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// The warning before an idle sign-out (WCAG 2.2.1), in real Chromium against the real
// portal. The page's timers run on Playwright's fake clock, and the session's idle time
// is moved on in the database, so minutes pass in milliseconds on both sides.

const PASSWORD = 'lantern meadow copper violin';
const MINUTE = 60_000;
const IDLE_MINUTES = 15; // the recipients' default

let portal: TestPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-timeout-' });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/** Moves the account's only session `msAgo` into the past, as if nothing had happened since. */
async function idleFor(account: Account, msAgo: number): Promise<void> {
  const sessions = await portal.app.storage.repos.sessions.listForAccount({
    accountId: account.id,
  });
  expect(sessions).toHaveLength(1);
  const [session] = sessions;
  if (!session) return;
  await portal.app.storage.repos.sessions.update({
    session: { ...session, lastSeenAt: new Date(Date.now() - msAgo) },
  });
}

async function lastSeenAgo(account: Account): Promise<number> {
  const [session] = await portal.app.storage.repos.sessions.listForAccount({
    accountId: account.id,
  });
  return Date.now() - (session?.lastSeenAt.getTime() ?? 0);
}

async function signedInPage(email: string): Promise<{ page: Page; account: Account }> {
  const account = await portal.addAccount({ email, password: PASSWORD });
  const context = await newContext({ browser, javaScript: true });
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  await page.clock.install();
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/session/status')) asked.push(r.url());
  });
  await page.goto(`${portal.origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('main h1', { hasText: 'Inbox' }).waitFor();
  await page.waitForLoadState('networkidle');
  // Signed in through a boosted form: the inbox's answer said how long is left (in its
  // X-Sealpost-Session header), so the script had nothing to ask.
  expect(asked).toEqual([]);
  return { page, account };
}

describe('the warning before an idle sign-out', () => {
  it('warns two minutes before, keeps the session on "Stay signed in", and says when it has ended', async () => {
    const { page, account } = await signedInPage('idle@example.org');
    const dialog = page.getByRole('dialog', { name: 'You are about to be signed out' });
    expect(await dialog.count()).toBe(0);

    // 13 minutes 10 seconds of nothing: the next look finds 110 seconds left.
    await idleFor(account, 13 * MINUTE + 10_000);
    const asked = page.waitForResponse((r) => r.url().endsWith('/session/status'));
    await page.clock.fastForward(13 * MINUTE);
    await asked;
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/we will sign you out at \d\d:\d\d unless/);
    // Focus is in the dialog, on the way to stay; the page behind is inert.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Stay signed in');
    expect((await checkAxe(page)).join('\n\n')).toBe('');
    // Asking did not count as activity.
    expect(await lastSeenAgo(account)).toBeGreaterThan(13 * MINUTE);

    const extended = page.waitForResponse((r) => r.url().endsWith('/session/extend'));
    // The dialog's button (the session line at the top has one too, inert behind it).
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    expect((await extended).status()).toBe(200);
    await dialog.waitFor({ state: 'detached' });
    expect(await lastSeenAgo(account)).toBeLessThan(MINUTE);

    // Escape is "stay" too.
    await idleFor(account, 13 * MINUTE + 10_000);
    await page.clock.fastForward(13 * MINUTE);
    await dialog.waitFor();
    const escaped = page.waitForResponse((r) => r.url().endsWith('/session/extend'));
    await page.keyboard.press('Escape');
    await escaped;
    await dialog.waitFor({ state: 'detached' });

    // Then the whole idle limit passes: the dialog says so and offers the way back.
    await idleFor(account, IDLE_MINUTES * MINUTE + 1_000);
    await page.clock.fastForward(IDLE_MINUTES * MINUTE);
    const ended = page.getByRole('dialog', { name: 'You have been signed out' });
    await ended.waitFor();
    const signIn = ended.getByRole('link', { name: 'Sign in again' });
    expect(await signIn.getAttribute('href')).toBe('/sign-in?next=%2Finbox');
    expect((await checkAxe(page)).join('\n\n')).toBe('');
    // "Close" leaves the page as it was (a message being written can still be sent).
    await ended.getByRole('button', { name: 'Close' }).click();
    await ended.waitFor({ state: 'detached' });
    await page.locator('main h1', { hasText: 'Inbox' }).waitFor();
    await page.context().close();
  }, 60_000);

  it('sees activity in another tab and does not warn', async () => {
    const { page, account } = await signedInPage('two-tabs@example.org');
    // Another tab was used a minute ago: 14 minutes are left when this one looks.
    await idleFor(account, MINUTE);
    const asked = page.waitForResponse((r) => r.url().endsWith('/session/status'));
    await page.clock.fastForward(13 * MINUTE);
    await asked;
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.context().close();
  }, 60_000);
});
