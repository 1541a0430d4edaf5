import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createPortal } from '../../adapters/http/portal.ts';
import { type RunningServer, startServer } from '../../adapters/http/server.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { argon2Hasher } from '../../adapters/security/argon2-hasher.ts';
import { emailKey } from '../../core/accounts/email.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';

// Writing to the council in real Chromium, with JavaScript on (htmx boosts the forms and
// autosaves) and off (plain forms): the address book, a group, a message with files, a
// refused outside address, and a draft saved when the session timed out. Every page
// visited is checked with axe (WCAG 2.2 A/AA) and against the real CSP.

const MINUTE = 60_000;

let browser: Browser;
let server: RunningServer;
let origin: string;
let app: Sealpost;
let dataDir: string;
/** Moves the server's clock forward, as if time had passed (the idle timeout). */
let clockOffset = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sealpost-e2e-compose-'));
  const config = parseConfig({
    // The host answers on a free port; the origin check also accepts the request's own.
    PUBLIC_URL: 'http://127.0.0.1',
    DATA_DIR: dataDir,
    INTERNAL_DOMAINS: 'barnet.gov.uk',
    SEALPOST_KEY_PASSPHRASE: 'e2e compose passphrase, long enough',
    SESSION_IDLE_MINUTES: '15',
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const composed = await compose(config, { logger });
  app = {
    ...composed,
    clock: { now: () => new Date(Date.now() + clockOffset) },
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
  };
  for (const email of ['js@example.org', 'nojs@example.org']) {
    const now = app.clock.now();
    await app.storage.repos.accounts.insert({
      account: {
        id: app.ids.newId(),
        email,
        emailKey: emailKey(email),
        displayName: email,
        kind: 'external',
        role: 'recipient',
        passwordHash: await app.hasher.hash({ password: normalisePassword(GOOD_PASSWORD) }),
        status: 'active',
        failedSignIns: 0,
        failureWindowStartedAt: null,
        lockedUntil: null,
        totpKeyEnc: null,
        recoveryCodeHashes: [],
        legalHold: false,
        createdAt: now,
        updatedAt: now,
        lastSignInAt: null,
        passwordChangedAt: now,
        sharedMailbox: false,
        ssoSubject: null,
        passkeyCount: 0,
        language: null,
      },
    });
  }
  server = await startServer({ app: createPortal(app), host: '127.0.0.1', port: 0, logger });
  origin = `http://127.0.0.1:${server.port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop({ graceMs: 1_000 });
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.each([
  { javaScript: true, email: 'js@example.org' },
  { javaScript: false, email: 'nojs@example.org' },
])('writing to the council, JavaScript $javaScript', ({ javaScript, email }) => {
  let page: Page;
  const refused: string[] = [];
  const visited: string[] = [];

  /** Checks the page as it stands: axe finds nothing and the CSP refused nothing. */
  async function check(label: string) {
    visited.push(label);
    await expectAccessible(page, label);
    expect(refused, label).toEqual([]);
  }

  /** Waits until the page's heading reads `text` (a full load or an htmx swap). */
  async function headingIs(text: string | RegExp) {
    await expect
      .poll(() => page.locator('main h1').first().textContent(), { timeout: 10_000 })
      .toMatch(text);
  }

  async function signIn() {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/sign-in', { timeout: 10_000 });
  }

  beforeAll(async () => {
    const context = await newContext({ browser, javaScript, axe: true });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${origin}/sign-in`);
    await check('sign-in');
    await signIn();
  });

  afterAll(async () => {
    await page?.context().close();
  });

  it('adds contacts, makes a group, and sends it a message with files', async () => {
    await page.goto(`${origin}/contacts`);
    await headingIs('Contacts');
    await check('contacts');
    for (const [name, address] of [
      ['Priya Shah', 'priya@barnet.gov.uk'],
      ['Tom Reed', 'tom@barnet.gov.uk'],
    ] as const) {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Email address').fill(address);
      await page.getByRole('button', { name: 'Add contact' }).click();
      await expect.poll(() => page.getByText('The contact has been added').count()).toBe(1);
    }
    await check('contacts after adding');
    // A mistake comes back with the typed values and an error summary.
    await page.getByLabel('Name', { exact: true }).fill('Someone');
    await page.getByLabel('Email address').fill('not an address');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await expect.poll(() => page.getByText('There is a problem').count()).toBe(1);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Someone');
    await check('contacts with an error');

    await page.getByRole('link', { name: 'Your groups' }).click();
    await headingIs('Groups');
    await check('groups');
    await page.getByLabel('Group name').fill('Housing team');
    await page.getByLabel('Priya Shah').check();
    await page.getByLabel('Tom Reed').check();
    await page.getByRole('button', { name: 'Create group' }).click();
    await expect.poll(() => page.getByText('The group has been created').count()).toBe(1);
    await check('groups after creating');

    await page.getByRole('link', { name: 'Send to group Housing team' }).click();
    await headingIs('Write a message');
    await check('compose for a group');
    if (javaScript) {
      // htmx offers address-book suggestions for the address being typed.
      await page.getByLabel('Copy to (optional)').pressSequentially('pri');
      await expect
        .poll(() => page.locator('#cc-suggestions option').first().getAttribute('value'))
        .toBe('priya@barnet.gov.uk');
      await page.getByLabel('Copy to (optional)').fill('');
    }
    await page.getByLabel('Subject').fill('Damp in flat 4');
    await page.getByLabel('Message').fill('Photos attached. Please call me on Tuesday.');
    await page.locator('#attachments').setInputFiles([
      { name: 'kitchen.txt', mimeType: 'text/plain', buffer: Buffer.from('kitchen wall') },
      { name: 'bedroom.txt', mimeType: 'text/plain', buffer: Buffer.from('bedroom ceiling') },
    ]);
    await page.getByRole('button', { name: 'Send message' }).click();
    await headingIs('Sent');
    await check('sent');
    const row = page.locator('tbody tr', { hasText: 'Damp in flat 4' });
    await expect.poll(() => row.textContent()).toContain('priya@barnet.gov.uk');
    expect(await row.textContent()).toContain('tom@barnet.gov.uk');
    expect(await row.locator('td').last().textContent()).toBe('2');
    expect(await page.getByText('Your message has been sent').count()).toBe(1);
  });

  it('refuses an outside address, keeping what was typed', async () => {
    await page.goto(`${origin}/compose`);
    await headingIs('Write a message');
    await page.getByLabel('To', { exact: true }).fill('friend@gmail.com');
    await page.getByLabel('Subject').fill('Outside');
    await page.getByLabel('Message').fill('This should not leave.');
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect.poll(() => page.getByText('There is a problem').count()).toBe(1);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'friend@gmail.com is outside',
    );
    expect(await page.getByLabel('Message').inputValue()).toBe('This should not leave.');
    await check('compose with an outside address');
  });

  it('keeps files in a draft: saved, reopened, one removed, sent with a new one', async () => {
    const staged = (name: string) => page.locator('.govuk-summary-list__key', { hasText: name });
    await page.goto(`${origin}/compose`);
    await headingIs('Write a message');
    await page.getByLabel('To', { exact: true }).fill('priya@barnet.gov.uk');
    await page.getByLabel('Subject').fill('Signed tenancy form');
    await page.getByLabel('Message').fill('The signed pages are attached.');
    await page.locator('#attachments').setInputFiles([
      { name: 'page-1.txt', mimeType: 'text/plain', buffer: Buffer.from('page one') },
      { name: 'wrong.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') },
    ]);
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await expect.poll(() => page.getByText('Your draft has been saved').count()).toBe(1);
    expect(await staged('page-1.txt').count()).toBe(1);
    expect(await staged('wrong.txt').count()).toBe(1);
    await check('draft saved with files');

    // Reopened from Drafts: the text and both files are there.
    await page.goto(`${origin}/drafts`);
    await headingIs('Drafts');
    await page.getByRole('link', { name: 'Signed tenancy form' }).click();
    await headingIs('Write a message');
    expect(await page.getByLabel('Message').inputValue()).toBe('The signed pages are attached.');
    expect(await staged('page-1.txt').count()).toBe(1);
    await check('draft reopened with files');

    // Remove one (a plain form button, text edits saved with it).
    await page.getByLabel('Message').fill('The signed pages are attached, and a letter.');
    await page.getByRole('button', { name: 'Remove wrong.txt' }).click();
    await expect.poll(() => page.getByText('The file has been removed').count()).toBe(1);
    expect(await staged('wrong.txt').count()).toBe(0);
    expect(await staged('page-1.txt').count()).toBe(1);
    expect(await page.getByLabel('Message').inputValue()).toBe(
      'The signed pages are attached, and a letter.',
    );
    await check('draft after removing a file');

    // Send: the kept file and one chosen now.
    await page
      .locator('#attachments')
      .setInputFiles([
        { name: 'letter.txt', mimeType: 'text/plain', buffer: Buffer.from('a letter') },
      ]);
    await page.getByRole('button', { name: 'Send message' }).click();
    await headingIs('Sent');
    const row = page.locator('tbody tr', { hasText: 'Signed tenancy form' });
    await expect.poll(() => row.locator('td').last().textContent()).toBe('2');
    await page.goto(`${origin}/drafts`);
    await headingIs('Drafts');
    expect(await page.getByRole('link', { name: 'Signed tenancy form' }).count()).toBe(0);
  }, 45_000);

  it('saves the message in Drafts when the session timed out before Send', async () => {
    await page.goto(`${origin}/compose`);
    await headingIs('Write a message');
    await check('compose');
    await page.getByLabel('To', { exact: true }).fill('priya@barnet.gov.uk');
    await page.getByLabel('Subject').fill('Written over a long lunch');
    await page.getByLabel('Message').fill('I started this before lunch.');
    if (javaScript) {
      // htmx saves a few seconds after typing stops, under the strict CSP.
      await expect
        .poll(() => page.locator('#autosave').textContent(), { timeout: 9_000 })
        .toMatch(/Draft saved at/);
      await check('compose after autosave');
    }
    clockOffset += 16 * MINUTE;
    await page.getByRole('button', { name: 'Send message' }).click();
    await headingIs('You have been signed out');
    expect(await page.getByText('It has been saved in Drafts.').count()).toBe(1);
    await check('signed out, message saved');
    await page.getByRole('link', { name: 'Sign in to finish your message' }).click();
    await headingIs('Sign in');
    await check('sign-in after timeout');
    await signIn();
    // Straight back to the message, with a notice saying it was saved then.
    await headingIs('Write a message');
    expect(new URL(page.url()).pathname).toMatch(/^\/drafts\/[^/]+$/);
    expect(await page.getByLabel('Message').inputValue()).toBe('I started this before lunch.');
    expect(await page.getByText('This message was saved when you were signed out').count()).toBe(1);
    await check('draft reopened');
    await page.goto(`${origin}/drafts`);
    await headingIs('Drafts');
    await check('drafts after timeout');
    expect(visited.length).toBeGreaterThan(10);
  }, 45_000);
});
