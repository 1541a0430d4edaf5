import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { tempDir } from '../support/cli.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// Staff attach files on the compose page itself, in real Chromium with JavaScript on
// (htmx boosting the forms) and off, axe-core on each new page: two files attached on
// the form, listed and kept by the preview, sent; the recipient sees both; the sender
// re-reads the text on the tracking page and downloads a file; another staff member
// gets the 404 for both; a session that times out while writing keeps the draft (and
// its file), and signing in again leads back to it.

const PASSWORD = 'lantern meadow copper violin';
const SCAN_A = randomBytes(90_000);
const SCAN_B = randomBytes(40_000);
const MINUTE = 60_000;

let portal: TestPortal;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-staff-files-' });
  browser = await launchBrowser();
  dir = tempDir('sealpost-e2e-staff-files-in-');
  writeFileSync(path.join(dir, 'scan-a.pdf'), SCAN_A);
  writeFileSync(path.join(dir, 'scan-b.pdf'), SCAN_B);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * Moves the account's session into the past, as if nothing had happened for `msAgo`
 * (the sign-in and the password were before that: after either, an old cookie saves nothing).
 */
async function idleFor(account: Account, msAgo: number): Promise<void> {
  const fresh = await portal.app.storage.repos.accounts.findById({ id: account.id });
  if (fresh) {
    await portal.app.storage.repos.accounts.update({
      account: {
        ...fresh,
        lastSignInAt: new Date(Date.now() - msAgo - MINUTE),
        passwordChangedAt: new Date(Date.now() - msAgo - MINUTE),
      },
    });
  }
  const sessions = await portal.app.storage.repos.sessions.listForAccount({
    accountId: account.id,
  });
  for (const session of sessions) {
    await portal.app.storage.repos.sessions.update({
      session: { ...session, lastSeenAt: new Date(Date.now() - msAgo) },
    });
  }
}

describe.each([
  { javaScript: true, tag: 'js' },
  { javaScript: false, tag: 'nojs' },
])('staff compose with files, JavaScript $javaScript', ({ javaScript, tag }) => {
  it('attaches, previews, sends, re-reads, refuses others, and survives a timeout', async () => {
    const sender = await portal.addAccount({
      email: `sam-${tag}@barnet.gov.uk`,
      password: PASSWORD,
      kind: 'staff',
      role: 'sender',
      displayName: 'Sam Sender',
    });
    await portal.addAccount({
      email: `sara-${tag}@barnet.gov.uk`,
      password: PASSWORD,
      kind: 'staff',
      role: 'sender',
      displayName: 'Sara Sender',
    });
    const recipient = `resident-${tag}@example.org`;
    await portal.addAccount({ email: recipient, password: PASSWORD });

    const contexts: BrowserContext[] = [];
    const open = async () => {
      const context = await newContext({ browser, javaScript, axe: true });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(8_000);
      return page;
    };
    const heading = (page: Page, text: string | RegExp) =>
      page.locator('main h1', { hasText: text }).first().waitFor();
    let current: Page | null = null;

    try {
      // ---- Two files on the compose page, a preview that lists them, Send. ----
      const sam = await open();
      current = sam;
      await sam.goto(`${portal.origin}/sign-in?next=${encodeURIComponent('/staff/compose')}`);
      await signIn(sam, sender.email);
      await heading(sam, 'Send a secure message');
      await sam.getByLabel('To', { exact: true }).fill(recipient);
      await sam.getByLabel('Subject').fill('Your two scans');
      await sam.getByLabel('Message').fill('Dear resident,\n\nPlease see the two scans.');
      await sam
        .getByLabel('Add files (optional)')
        .setInputFiles([path.join(dir, 'scan-a.pdf'), path.join(dir, 'scan-b.pdf')]);
      await expectAccessible(sam, 'compose with a file field');
      await sam.getByRole('button', { name: 'Preview', exact: true }).click();
      await heading(sam, 'Check your message before sending');
      const summary = (await sam.locator('main .govuk-summary-list').textContent()) ?? '';
      expect(summary).toContain('scan-a.pdf');
      expect(summary).toContain('scan-b.pdf');
      await expectAccessible(sam, 'preview listing the files');
      // Change and back: the files are still attached.
      await sam.getByRole('button', { name: 'Change the message' }).click();
      await heading(sam, 'Send a secure message');
      expect(await sam.getByRole('button', { name: /Remove\s+scan-a\.pdf/ }).count()).toBe(1);
      await expectAccessible(sam, 'compose with files attached');
      await sam.getByRole('button', { name: 'Preview', exact: true }).click();
      await heading(sam, 'Check your message before sending');
      await sam.getByRole('button', { name: 'Send securely' }).click();
      await heading(sam, 'Message sent');

      // ---- The recipient sees both files. ----
      const resident = await open();
      current = resident;
      await resident.goto(`${portal.origin}/sign-in`);
      await signIn(resident, recipient);
      const inboxLink = resident.getByRole('link', { name: /Your two scans/ }).first();
      await resident.goto(
        new URL((await inboxLink.getAttribute('href')) ?? '', portal.origin).href,
      );
      await heading(resident, 'Your two scans');
      expect(await resident.getByRole('link', { name: /scan-a\.pdf/ }).count()).toBe(1);
      expect(await resident.getByRole('link', { name: /scan-b\.pdf/ }).count()).toBe(1);

      // ---- The sender re-reads the text and downloads a file. ----
      current = sam;
      await sam.getByRole('link', { name: 'Sent messages' }).click();
      await heading(sam, 'Sent messages');
      await sam.getByRole('link', { name: 'Your two scans' }).click();
      await heading(sam, 'Your two scans');
      const trackingUrl = sam.url();
      expect(await sam.locator('main').textContent()).toContain('Please see the two scans.');
      await expectAccessible(sam, 'tracking with the text and files');
      const fileLink = sam.getByRole('link', { name: 'scan-b.pdf' });
      expect(await fileLink.getAttribute('hx-boost')).toBe('false');
      const fileUrl = new URL((await fileLink.getAttribute('href')) ?? '', portal.origin).href;
      const [download] = await Promise.all([sam.waitForEvent('download'), fileLink.click()]);
      expect(readFileSync(await download.path()).equals(SCAN_B)).toBe(true);

      // ---- Another staff member: the same 404 for the tracking page and the file. ----
      const sara = await open();
      current = sara;
      await sara.goto(`${portal.origin}/sign-in?next=${encodeURIComponent('/staff/sent')}`);
      await signIn(sara, `sara-${tag}@barnet.gov.uk`);
      await heading(sara, 'Sent messages');
      expect((await sara.goto(trackingUrl))?.status()).toBe(404);
      const missingFile = fileUrl.replace(/attachments\/[^/?]+/, 'attachments/nosuchfile');
      const notFoundText = await (await sara.request.get(missingFile)).text();
      const theirs = await sara.request.get(fileUrl);
      expect(theirs.status()).toBe(404);
      const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
      expect(title(await theirs.text())).toBe(title(notFoundText));

      // ---- A draft with a file; Enter previews (not Remove); a timeout keeps it. ----
      current = sam;
      await sam.goto(`${portal.origin}/staff/compose`);
      await heading(sam, 'Send a secure message');
      await sam.getByLabel('To', { exact: true }).fill(recipient);
      await sam.getByLabel('Subject').fill('Forms to sign');
      await sam.getByLabel('Message').fill('First part.');
      await sam.getByLabel('Add files (optional)').setInputFiles(path.join(dir, 'scan-a.pdf'));
      await sam.getByRole('button', { name: 'Save as draft' }).click();
      await sam.locator('.govuk-notification-banner', { hasText: 'Draft saved' }).waitFor();
      expect(await sam.getByRole('button', { name: /Remove\s+scan-a\.pdf/ }).count()).toBe(1);
      // With JavaScript, the save was an htmx swap whose settle moves focus to the
      // heading: wait for it, or the Enter could land on the heading instead.
      await sam.waitForFunction(
        () => document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') === null,
      );
      await sam.getByLabel('Subject').press('Enter');
      await heading(sam, 'Check your message before sending');
      expect(await sam.locator('main .govuk-summary-list').textContent()).toContain('scan-a.pdf');
      await sam.getByRole('button', { name: 'Change the message' }).click();
      await heading(sam, 'Send a secure message');
      await sam
        .getByLabel('Message')
        .fill('First part.\n\nWritten slowly, then the session ended.');
      await idleFor(sender, 31 * MINUTE);
      await sam.getByRole('button', { name: 'Preview', exact: true }).click();
      await heading(sam, 'You have been signed out');
      await expectAccessible(sam, 'staff signed out, draft saved');
      await sam.getByRole('link', { name: 'Sign in to finish your message' }).click();
      await heading(sam, 'Sign in');
      await signIn(sam, sender.email);
      await sam
        .locator('.govuk-notification-banner', {
          hasText: 'This message was saved when you were signed out',
        })
        .waitFor();
      expect(await sam.getByLabel('Message').inputValue()).toContain(
        'Written slowly, then the session ended.',
      );
      expect(await sam.getByLabel('Subject').inputValue()).toBe('Forms to sign');
      expect(await sam.getByRole('button', { name: /Remove\s+scan-a\.pdf/ }).count()).toBe(1);
      await expectAccessible(sam, 'draft reopened after a timeout');
      // The drafts list has it; Remove takes the file off.
      await sam.getByRole('button', { name: /Remove\s+scan-a\.pdf/ }).click();
      await sam.locator('.govuk-notification-banner', { hasText: 'File removed' }).waitFor();
      expect(await sam.getByRole('button', { name: /Remove/ }).count()).toBe(0);
      await sam.getByRole('link', { name: 'Drafts' }).click();
      await heading(sam, 'Drafts');
      expect(await sam.locator('main').textContent()).toContain('Forms to sign');
      await expectAccessible(sam, 'staff drafts');
    } catch (error) {
      const main = await current
        ?.locator('main')
        .innerHTML()
        .catch(() => '(no main)');
      throw new Error(
        `${(error as Error).message}\nat ${current?.url()}\n${(main ?? '').slice(0, 3000)}`,
      );
    } finally {
      for (const context of contexts) await context.close();
    }
  }, 120_000);
});
