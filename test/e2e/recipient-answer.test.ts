import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';

// A resident answering the council in real Chromium, JavaScript on and off: a reply
// with a file that the officer then opens, a forward carrying the original's file, a
// Sent item opened and its file downloaded, and a reply written past the idle timeout
// that comes back after signing in and, sent from there, is still a reply. axe checks
// every page visited.

const MINUTE = 60_000;
const encoder = new TextEncoder();

let browser: Browser;
let server: RunningServer;
let origin: string;
let app: Sealpost;
let dataDir: string;
let officer: Account;
/** Moves the server's clock forward, as if time had passed (the idle timeout). */
let clockOffset = 0;

async function addAccount(email: string, extra: Partial<Account> = {}): Promise<Account> {
  const now = app.clock.now();
  const account: Account = {
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
    ...extra,
  };
  await app.storage.repos.accounts.insert({ account });
  return account;
}

/** A message from the officer to `to`, with one file. */
async function sendFromOfficer(to: string, subject: string) {
  const result = await sendMessage({ ...app, publicUrl: origin }, await app.settings.get(), {
    senderId: officer.id,
    to: [to],
    cc: [],
    subject,
    body: 'Please sign and return the form.',
    bodyFormat: 'text',
    attachments: [
      {
        name: 'Form.pdf',
        contentType: 'application/pdf',
        content: streamOf(encoder.encode('%PDF-1.4 form')),
      },
    ],
    readOnly: false,
    classification: null,
    source: 'web',
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const [deliveryId] = result.deliveryIds;
  return { messageId: result.messageId, deliveryId: deliveryId as string };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sealpost-e2e-answer-'));
  const config = parseConfig({
    PUBLIC_URL: 'http://127.0.0.1',
    DATA_DIR: dataDir,
    INTERNAL_DOMAINS: 'barnet.gov.uk',
    SEALPOST_KEY_PASSPHRASE: 'e2e answer passphrase, long enough',
    SESSION_IDLE_MINUTES: '15',
    LOG_LEVEL: 'silent',
    // The officer here has no second factor (as after an upgrade from before 0.4);
    // test/e2e/staff-second-factor.test.ts runs the default (all staff).
    STAFF_SECOND_FACTOR: 'admins',
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
  officer = await addAccount('olive@barnet.gov.uk', {
    kind: 'staff',
    role: 'sender',
    displayName: 'Olive Officer',
  });
  for (const email of ['js@example.org', 'nojs@example.org']) await addAccount(email);
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
])('answering with files, JavaScript $javaScript', ({ javaScript, email }) => {
  let page: Page;
  const refused: string[] = [];

  async function check(label: string) {
    await expectAccessible(page, label);
    expect(refused, label).toEqual([]);
  }

  async function headingIs(text: string | RegExp) {
    await expect
      .poll(() => page.locator('main h1').first().textContent(), { timeout: 10_000 })
      .toMatch(text);
  }

  async function signIn(as = email) {
    await page.getByLabel('Email address').fill(as);
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
    await signIn();
  });

  afterAll(async () => {
    await page?.context().close();
  });

  it('replies with a file, opens it in Sent, and the officer sees the file', async () => {
    const subject = `Tenancy form ${javaScript ? 'A' : 'B'}`;
    const { deliveryId } = await sendFromOfficer(email, subject);
    await page.goto(`${origin}/inbox/${deliveryId}`);
    await headingIs(subject);
    await page.getByRole('link', { name: 'Reply', exact: true }).click();
    await headingIs('Reply');
    await check('reply form with a file field');
    await page.getByLabel('Your reply').fill('The signed form is attached.');
    await page.locator('#attachments').setInputFiles([
      {
        name: 'signed-form.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF signed'),
      },
    ]);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => page.getByText('Your reply was sent.').count()).toBe(1);

    // Sent: the row opens the message, and its file downloads.
    await page.goto(`${origin}/sent`);
    await headingIs('Sent');
    await page.getByRole('link', { name: `Re: ${subject}` }).click();
    await headingIs(`Re: ${subject}`);
    expect(await page.locator('main').innerText()).toContain('The signed form is attached.');
    await check('a sent message');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'signed-form.pdf' }).click(),
    ]);
    expect(readFileSync((await download.path()) as string, 'utf8')).toBe('%PDF signed');

    // The officer, in another browser, finds the reply with its file.
    const context = await newContext({ browser, javaScript, axe: true });
    const staff = await context.newPage();
    try {
      await staff.goto(`${origin}/sign-in`);
      await staff.getByLabel('Email address').fill(officer.email);
      await staff.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
      await Promise.all([
        staff.waitForResponse(
          (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-in',
        ),
        staff.getByRole('button', { name: 'Sign in', exact: true }).click(),
      ]);
      await staff.goto(`${origin}/staff/inbox`);
      // The row's link, followed by address (the inbox may hide a duplicate for small screens).
      const href = await staff
        .locator('main a', { hasText: `Re: ${subject}` })
        .first()
        .getAttribute('href');
      expect(href).toMatch(/^\/staff\/inbox\//);
      await staff.goto(`${origin}${href}`);
      await expect
        .poll(() => staff.locator('main').innerText(), { timeout: 10_000 })
        .toContain('signed-form.pdf');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('forwards the message with its file and one more', async () => {
    const subject = `Repair quote ${javaScript ? 'A' : 'B'}`;
    const { deliveryId } = await sendFromOfficer(email, subject);
    await page.goto(`${origin}/inbox/${deliveryId}/forward`);
    await headingIs('Forward this message');
    expect(await page.getByLabel('Form.pdf').isChecked()).toBe(true);
    await check('forward form with the original’s files');
    await page.getByLabel('Email addresses').fill('repairs@barnet.gov.uk');
    await page
      .locator('#attachments')
      .setInputFiles([
        { name: 'photo.txt', mimeType: 'text/plain', buffer: Buffer.from('a photo') },
      ]);
    await page.getByRole('button', { name: 'Forward message' }).click();
    await expect.poll(() => page.getByText('The message was forwarded.').count()).toBe(1);
    await page.goto(`${origin}/sent`);
    await page.getByRole('link', { name: `Fwd: ${subject}` }).click();
    await headingIs(`Fwd: ${subject}`);
    const main = await page.locator('main').innerText();
    expect(main).toContain('Form.pdf');
    expect(main).toContain('photo.txt');
    expect(main).toContain('Please sign and return the form.');
    expect(main).toContain('repairs@barnet.gov.uk');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Form.pdf' }).click(),
    ]);
    expect(readFileSync((await download.path()) as string, 'utf8')).toBe('%PDF-1.4 form');
  }, 45_000);

  it('keeps a reply typed past the timeout, and sends it as a reply after signing in', async () => {
    const subject = `Late reply ${javaScript ? 'A' : 'B'}`;
    const { deliveryId, messageId } = await sendFromOfficer(email, subject);
    await page.goto(`${origin}/inbox/${deliveryId}/reply`);
    await headingIs('Reply');
    await page.getByLabel('Your reply').fill('Written over a long lunch.');
    await page
      .locator('#attachments')
      .setInputFiles([
        { name: 'lost.txt', mimeType: 'text/plain', buffer: Buffer.from('not kept') },
      ]);
    clockOffset += 16 * MINUTE;
    await page.getByRole('button', { name: 'Send reply' }).click();
    await headingIs('You have been signed out');
    const main = await page.locator('main').innerText();
    expect(main).toContain('It has been saved in Drafts.');
    expect(main).toContain('Files you attached were not saved.');
    await check('signed out, reply saved');
    await page.getByRole('link', { name: 'Sign in to finish your message' }).click();
    await headingIs('Sign in');
    await signIn();
    await headingIs('Reply');
    expect(await page.getByLabel('Your reply').inputValue()).toBe('Written over a long lunch.');
    expect(await page.getByText('This message was saved when you were signed out').count()).toBe(1);
    await check('reply draft reopened');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => page.getByText('Your reply was sent.').count()).toBe(1);
    const account = await app.storage.repos.accounts.findByEmailKey({ emailKey: emailKey(email) });
    const [reply] = await app.storage.repos.messages.listSent({
      senderId: account?.id ?? '',
      limit: 1,
      offset: 0,
    });
    expect(reply?.inReplyToId).toBe(messageId);
    expect(reply?.threadId).toBe(messageId);
    const drafts = await app.storage.repos.drafts.listForAccount({
      accountId: account?.id ?? '',
      limit: 10,
      offset: 0,
    });
    expect(drafts).toEqual([]);
  }, 60_000);
});
