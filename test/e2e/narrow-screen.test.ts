import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oslojsTotp } from '../../adapters/security/totp.ts';
import type { Account } from '../../core/accounts/model.ts';
import { TOTP_DIGITS, totpStep } from '../../core/auth/totp.ts';
import { saveContact } from '../../core/contacts/address-book.ts';
import { saveGroup } from '../../core/contacts/groups.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { HELP_TOPICS } from '../../views/strings/en/help.ts';
import { hrefWithLang } from '../../views/strings/index.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { expectWelshPage } from '../support/welsh-page.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// The pages the other flows do not reach, on a 320 px screen (WCAG 1.4.10 Reflow) and
// through axe: every admin page, the address book and its groups, and the inbox, sent
// and drafts lists of both sides, all holding long unbroken addresses, subjects and
// file names. Each page gets `expectAccessible` (axe, then no sideways scrolling at
// 320 px, where a stacked list may not scroll inside its box either). The recipient's
// inbox is then checked as a stacked list: every message a block whose expiry and files
// are on screen, labelled by the column headings, with the labels gone from a wide
// screen. And the sign-in form asks for an empty field by name, counting no attempt.
// One browser, no JavaScript (the portal works without it; see the other flows for
// htmx).

const PASSWORD = 'lantern meadow copper violin';
const LONG = 'a-very-long-unbroken-address-that-no-phone-can-fit-on-one-line';
const RECIPIENT = `${LONG}@residents-of-the-borough.example.org`;
const SUBJECT = 'HX2024-0001-2345-6789-housing-assessment-reference-final-version';
const FILE_NAME = 'Housing-assessment-HX2024-0001-2345-6789-final-signed-version.pdf';
const totp = oslojsTotp();

let portal: TestPortal;
let browser: Browser;
let officer: Account;
let recipient: Account;
let groupId: string;

/** Sends through core's sendMessage, as the staff portal would. */
async function send(from: Account, to: string, subject: string) {
  const { app } = portal;
  const result = await sendMessage({ ...app, publicUrl: portal.origin }, await app.settings.get(), {
    senderId: from.id,
    to: [to],
    cc: [],
    subject,
    body: `HX2024\n${LONG}\n\nOlive`,
    bodyFormat: 'text',
    attachments: [
      { name: FILE_NAME, contentType: 'application/pdf', content: streamOf(new Uint8Array(64)) },
    ],
    readOnly: false,
    classification: null,
    source: 'web',
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
}

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-narrow-' });
  const staff = { kind: 'staff', role: 'sender', password: PASSWORD } as const;
  officer = await portal.addAccount({
    ...staff,
    email: 'olive.officer@barnet.gov.uk',
    displayName: 'Olive Officer',
  });
  const colleague = await portal.addAccount({
    ...staff,
    email: `${LONG}@barnet.gov.uk`,
    displayName: LONG,
  });
  recipient = await portal.addAccount({ email: RECIPIENT, password: PASSWORD });
  for (const email of ['ada.admin@barnet.gov.uk', 'ada.js@barnet.gov.uk'])
    await portal.addAccount({ ...staff, role: 'admin', email, displayName: 'Ada Admin' });
  await send(officer, RECIPIENT, SUBJECT);
  await send(officer, RECIPIENT, 'HX2024-0002');
  await send(colleague, officer.email, SUBJECT);
  // An address book with a long address, in a group, for the officer and the recipient.
  for (const owner of [officer, recipient]) {
    const contact = await saveContact(portal.app, {
      ownerId: owner.id,
      name: LONG,
      email: `${LONG}@housing-services.example.org`,
      note: LONG,
    });
    if (!contact.ok) throw new Error(JSON.stringify(contact));
    const group = await saveGroup(portal.app, {
      ownerId: owner.id,
      name: `Group-${LONG}`,
      memberIds: [contact.contact.id],
    });
    if (!group.ok) throw new Error(JSON.stringify(group));
    groupId = group.group.id;
  }
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/**
 * Runs `flow` in a browser profile, without JavaScript unless asked, and closes it; a
 * failure says where the page was and what it showed.
 */
async function inBrowser(flow: (page: Page) => Promise<void>, javaScript = false): Promise<void> {
  const context: BrowserContext = await newContext({ browser, javaScript, axe: true });
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  try {
    await flow(page);
  } catch (error) {
    const main = await page
      .locator('main')
      .innerText()
      .catch(() => '(no main)');
    throw new Error(`${(error as Error).message}\nat ${page.url()}\n${main.slice(0, 1500)}`);
  } finally {
    await context.close();
  }
}

async function signIn(page: Page, email: string) {
  await page.goto(`${portal.origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * Opens each path, waits for its heading and checks it (axe and 320 px), then opens it
 * again in Welsh and checks that too: `<html lang="cy">`, no English of ours, axe at
 * 1280 and 320 px.
 */
async function sweep(page: Page, paths: string[]) {
  for (const path of paths) {
    await page.goto(`${portal.origin}${path}`);
    await page.locator('h1').first().waitFor();
    await expectAccessible(page, path);
    await page.goto(`${portal.origin}${hrefWithLang(path, 'cy')}`);
    await page.locator('h1').first().waitFor();
    await expectWelshPage(page, `${path} in Welsh`);
  }
  // Back to English for the flow that goes on.
  await page.goto(`${portal.origin}${paths.at(-1)}`);
}

/** The recipient's pages: their mail, account, contacts, help and the footer's pages. */
async function recipientPages(page: Page): Promise<string[]> {
  await page.goto(`${portal.origin}/inbox`);
  const message = await page
    .locator('main a[href^="/inbox/"]', { hasText: SUBJECT })
    .first()
    .getAttribute('href');
  const [contact] = await portal.app.storage.repos.contacts.listForOwner({
    ownerId: recipient.id,
  });
  return [
    '/inbox',
    '/inbox?expired=1',
    '/no-such-page',
    `${message}`,
    `${message}/reply`,
    `${message}/forward`,
    `${message}/delete`,
    '/compose',
    '/sent',
    '/drafts',
    '/account',
    '/account/two-factor',
    '/account/passkeys',
    '/account/members',
    '/mailboxes',
    '/contacts',
    `/contacts/${contact?.id}`,
    '/contacts/groups',
    `/contacts/groups/${groupId}`,
    '/help',
    ...HELP_TOPICS.map((topic) => `/help/${topic}`),
    '/privacy',
    '/accessibility',
  ];
}

/** The officer's pages: inbox, a message, sending, tracking, requests, contacts. */
async function staffPages(page: Page): Promise<string[]> {
  await page.goto(`${portal.origin}/staff/sent`);
  const tracking = await page
    .locator('main a[href^="/staff/sent/"]', { hasText: SUBJECT })
    .first()
    .getAttribute('href');
  await page.goto(`${portal.origin}/staff/inbox`);
  const received = await page
    .locator('main a[href^="/staff/inbox/"]', { hasText: SUBJECT })
    .first()
    .getAttribute('href');
  const group = await portal.app.storage.repos.contacts.listGroupsForOwner({
    ownerId: officer.id,
  });
  return [
    '/staff/inbox',
    `${received}`,
    '/staff/compose',
    '/staff/sent',
    `${tracking}`,
    '/staff/drafts',
    '/staff/requests',
    '/staff/two-factor',
    '/staff/mailboxes',
    '/contacts',
    '/contacts/groups',
    `/contacts/groups/${group[0]?.id}`,
  ];
}

const ADMIN_PAGES = [
  '/admin',
  '/admin/settings',
  '/admin/accounts',
  '/admin/accounts/new',
  '/admin/teams',
  '/admin/mail',
  '/admin/keys',
  '/admin/audit',
  '/admin/jobs',
];

/** Signs an admin in for the first time: they must set up their second factor first. */
async function signInAdmin(page: Page, email: string): Promise<void> {
  await signIn(page, email);
  await page.locator('h1', { hasText: 'Set up two-step verification' }).waitFor();
  const keyText = (await page.getByTestId('totp-key').textContent())?.replace(/\s/g, '') ?? '';
  const key = totp.decodeKey({ text: keyText });
  if (!key) throw new Error('no key on the set-up page');
  await page
    .getByLabel('Security code')
    .fill(totp.generate({ key, counter: totpStep(new Date()), digits: TOTP_DIGITS }));
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
  await page.locator('h1', { hasText: 'Two-step verification is on' }).waitFor();
}

describe('on a 320 px screen', () => {
  it('sign-in asks for each empty field, keeps the address and counts no attempt', async () => {
    await inBrowser(async (page) => {
      await page.goto(`${portal.origin}/sign-in`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const summary = page.locator('.govuk-error-summary');
      await summary.waitFor();
      expect(await summary.locator('a').evaluateAll((as) => as.map((a) => a.outerHTML))).toEqual([
        '<a href="#email">Enter your email address</a>',
        '<a href="#password">Enter your password</a>',
      ]);
      expect(await page.locator('#email-error').textContent()).toContain(
        'Enter your email address',
      );
      expect(await page.locator('#password-error').textContent()).toContain('Enter your password');
      expect(await page.title()).toMatch(/^Error: /);
      await expectAccessible(page, 'sign-in, both fields empty');
      // The summary's link moves to its field, without JavaScript.
      await summary.getByRole('link', { name: 'Enter your password' }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');

      await page.getByLabel('Email address').fill(RECIPIENT);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await summary.waitFor();
      expect(await summary.locator('a').allTextContents()).toEqual(['Enter your password']);
      expect(await page.getByLabel('Email address').inputValue()).toBe(RECIPIENT);
      expect(await page.locator('#email-error').count()).toBe(0);
      await expectAccessible(page, 'sign-in, password empty');

      // Neither form was an attempt: nothing against the account or the connection.
      expect((await portal.account(RECIPIENT))?.failedSignIns).toBe(0);
      const hits = await portal.app.storage.repos.rateLimitHits.deleteBefore({
        before: new Date('2100-01-01T00:00:00Z'),
        limit: 1000,
      });
      expect(hits).toBe(0);
    });
  });

  it('the recipient inbox is a stacked list showing every column, labelled', async () => {
    await inBrowser(async (page) => {
      await signIn(page, RECIPIENT);
      await page.locator('h1', { hasText: 'Inbox' }).waitFor();
      await page.setViewportSize({ width: 320, height: 640 });
      const rows = page.locator('.sp-stacked tbody tr');
      expect(await rows.count()).toBe(2);
      const first = rows.filter({ hasText: SUBJECT });
      // Every detail is on screen, after its column's heading.
      for (const [label, value] of [
        ['From', 'Olive Officer'],
        ['Can be read for', /\d+ more days?/],
        ['Files', '1 file'],
      ] as const) {
        const cell = first.locator('td').filter({ hasText: label });
        expect(await cell.locator('.sp-stacked__label').textContent()).toBe(label);
        expect(await cell.textContent()).toMatch(value);
        const box = await cell.boundingBox();
        expect(box, label).not.toBeNull();
        expect((box?.x ?? 0) + (box?.width ?? 0), label).toBeLessThanOrEqual(320);
        expect(await cell.isVisible(), label).toBe(true);
      }
      // The rows are blocks, one under another, not columns cut off on the right.
      const [a, b] = [await rows.nth(0).boundingBox(), await rows.nth(1).boundingBox()];
      expect((b?.y ?? 0) >= (a?.y ?? 0) + (a?.height ?? 0) - 1).toBe(true);
      // The column headings are off screen (kept for screen readers).
      expect((await page.locator('.sp-stacked thead').boundingBox())?.height).toBeLessThanOrEqual(
        1,
      );
      // Screen readers keep the table: its headings are there, and the labels are not.
      expect(await page.getByRole('columnheader', { name: 'Can be read for' }).count()).toBe(1);
      expect(await page.getByRole('table').count()).toBe(1);
      expect(
        await page
          .locator('.sp-stacked__label')
          .evaluateAll((els) => els.every((el) => el.getAttribute('aria-hidden') === 'true')),
      ).toBe(true);
      await expectAccessible(page, 'recipient inbox, stacked');

      // On a wide screen it is the table, and the labels are not there at all.
      await page.setViewportSize({ width: 1024, height: 768 });
      expect((await page.locator('.sp-stacked thead').boundingBox())?.height).toBeGreaterThan(10);
      expect(
        await page
          .locator('.sp-stacked__label')
          .evaluateAll((els) => els.every((el) => getComputedStyle(el).display === 'none')),
      ).toBe(true);

      await sweep(page, await recipientPages(page));
    });
  }, 120_000);

  it('staff pages and every admin page fit, in English and in Welsh', async () => {
    await inBrowser(async (page) => {
      await signIn(page, officer.email);
      await page.waitForURL(/\/staff/);
      await sweep(page, await staffPages(page));
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('h1', { hasText: 'Sign in' }).waitFor();

      // The admin sets up the second factor every admin must have, then sees each page.
      await signInAdmin(page, 'ada.admin@barnet.gov.uk');
      await sweep(page, [
        ...ADMIN_PAGES,
        `/admin/accounts/${officer.id}`,
        `/admin/accounts/${officer.id}/delete`,
      ]);
    });
  }, 180_000);

  it('every page again with JavaScript on, in English and in Welsh', async () => {
    await inBrowser(async (page) => {
      await signIn(page, RECIPIENT);
      await page.locator('h1', { hasText: 'Inbox' }).waitFor();
      await sweep(page, await recipientPages(page));
      await page.getByRole('button', { name: 'Sign out' }).first().click();
      await page.locator('h1', { hasText: 'Sign in' }).waitFor();

      await signIn(page, officer.email);
      await page.waitForURL(/\/staff/);
      await sweep(page, await staffPages(page));
      await page.getByRole('button', { name: 'Sign out' }).first().click();
      await page.locator('h1', { hasText: 'Sign in' }).waitFor();

      await signInAdmin(page, 'ada.js@barnet.gov.uk');
      await sweep(page, ADMIN_PAGES);
    }, true);
  }, 240_000);
});
