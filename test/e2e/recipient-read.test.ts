import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createPortal } from '../../adapters/http/portal.ts';
import { type RunningServer, startServer } from '../../adapters/http/server.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { addDays } from '../../core/shared/time.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { freePort, tempDir } from '../support/cli.ts';
import { newestCodeTo } from '../support/email-code.ts';

// The recipient's reading flows end to end: the real server on a free port over a temp
// DATA_DIR (SQLite, OpenPGP keys, blob folder, outbox), real Chromium with JavaScript on
// (htmx boosting every link and form) and off, and axe-core on every page visited.

const PASSWORD = 'lantern meadow copper violin';
const FILE = randomBytes(150_000);

let dataDir: string;
let app: Sealpost;
let server: RunningServer;
let origin: string;
let browser: Browser;
let officer: Account;

beforeAll(async () => {
  dataDir = tempDir('sealpost-e2e-read-');
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
  });
  app = await compose(config, { logger });
  server = await startServer({
    app: createPortal(app),
    host: '127.0.0.1',
    port,
    logger,
  });
  officer = await addStaff('officer@barnet.gov.uk', 'Olive Officer');
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop({ graceMs: 1_000 });
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function addStaff(email: string, name: string): Promise<Account> {
  const now = new Date();
  const account: Account = {
    id: app.ids.newId(),
    email,
    emailKey: emailKey(email),
    displayName: name,
    kind: 'staff',
    role: 'sender',
    passwordHash: null,
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
    passwordChangedAt: null,
    sharedMailbox: false,
    ssoSubject: null,
    passkeyCount: 0,
    language: null,
  };
  await app.storage.repos.accounts.insert({ account });
  return account;
}

/** Sends through core's sendMessage, as the staff portal or gateway would. */
async function send(args: {
  to: string;
  subject: string;
  body?: string;
  withFile?: boolean;
  readOnly?: boolean;
}) {
  const settings = await app.settings.get();
  const result = await sendMessage(
    {
      storage: app.storage,
      cipher: app.cipher,
      blobs: app.blobs,
      ids: app.ids,
      clock: app.clock,
      secrets: app.secrets,
      templates: app.templates,
      publicUrl: origin,
    },
    settings,
    {
      senderId: officer.id,
      to: [args.to],
      cc: [],
      subject: args.subject,
      body: args.body ?? 'Hello,\nyour plan is attached.\n\nOlive',
      bodyFormat: 'text',
      attachments: args.withFile
        ? [{ name: 'Care plan.pdf', contentType: 'application/pdf', content: streamOf(FILE) }]
        : [],
      readOnly: args.readOnly ?? false,
      classification: 'OFFICIAL-SENSITIVE',
      source: 'web',
    },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.deliveryIds[0] as string;
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

describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('a recipient reads, downloads, replies and forwards, $label', ({ javaScript }) => {
  it('works end to end, with no accessibility violations on any page', async () => {
    const reader = `reader-${javaScript ? 'js' : 'nojs'}@example.org`;
    const deliveryId = await send({ to: reader, subject: 'Your care plan', withFile: true });

    const context = await newContext({ browser, javaScript, axe: true });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    const visited: string[] = [];
    const check = async (what: string) => {
      visited.push(what);
      await expectAccessible(page, what);
    };
    const heading = async (text: string | RegExp) => {
      await page.locator('h1', { hasText: text }).first().waitFor();
    };
    const banner = async (text: string) => {
      await page.locator('.govuk-notification-banner', { hasText: text }).waitFor();
    };
    const isBoosted = async () =>
      page.evaluate(() => typeof (window as { htmx?: unknown }).htmx === 'object');

    try {
      // The notification email carries the link; it has none of the message.
      const notification = (await outbox()).find(
        (m) => m.kind === 'notification' && m.to === reader,
      );
      expect(notification?.text).not.toContain('Your care plan');
      const link = /(http:\/\/\S+\/open\/\S+)/.exec(notification?.text ?? '')?.[1];
      expect(link).toBeDefined();

      // Follow the link, register, land on the message.
      await page.goto(link as string);
      await heading('You have a secure message');
      await check('link page');
      expect(await isBoosted()).toBe(javaScript);
      await page.getByRole('button', { name: 'Continue' }).click();
      // The link alone is not enough: a code goes to the address first.
      await heading('Check it is your email address');
      await check('proof of mailbox');
      await page.getByRole('button', { name: 'Email me a code' }).click();
      await heading('Create a password');
      await check('registration');
      await page.getByLabel('Code from the email').fill(newestCodeTo(await outbox(), reader));
      await page.getByLabel('Create a password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create password and continue' }).click();
      await heading('Your care plan');
      await check('message page');
      expect(await page.locator('.sp-message-body').textContent()).toContain(
        'your plan is attached.',
      );
      expect(await page.locator('.govuk-tag', { hasText: 'OFFICIAL-SENSITIVE' }).count()).toBe(1);

      // Download the file: the same bytes.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Care plan.pdf' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('Care plan.pdf');
      expect(readFileSync(await download.path()).equals(FILE)).toBe(true);

      // Reply to the sender.
      await page.getByRole('link', { name: 'Reply', exact: true }).click();
      await heading('Reply');
      await check('reply form');
      await page.getByLabel('Your reply').fill('Thank you, I have read it.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await banner('Your reply was sent.');
      await check('message page after reply');
      const reader_ = await app.storage.repos.accounts.findByEmailKey({ emailKey: reader });
      const replies = await app.storage.repos.messages.listSent({
        senderId: reader_?.id ?? '',
        limit: 5,
        offset: 0,
      });
      expect(replies.map((m) => m.inReplyToId)).toEqual([
        (await app.storage.repos.deliveries.findById({ id: deliveryId }))?.messageId,
      ]);

      // Forward: refused outside the council, allowed inside.
      await page.getByRole('link', { name: 'Forward' }).click();
      await heading('Forward this message');
      await check('forward form');
      await page.getByLabel('Email addresses').fill('friend@gmail.com');
      await page.getByRole('button', { name: 'Forward message' }).click();
      await page.locator('.govuk-error-summary').waitFor();
      expect(await page.locator('.govuk-error-summary').textContent()).toContain(
        'friend@gmail.com is outside',
      );
      expect(await page.getByLabel('Email addresses').inputValue()).toBe('friend@gmail.com');
      await check('forward refused');
      await page
        .getByLabel('Email addresses')
        .fill(`colleague-${javaScript ? 'js' : 'nojs'}@barnet.gov.uk`);
      await page.getByRole('button', { name: 'Forward message' }).click();
      await banner('The message was forwarded.');
      await check('message page after forward');

      // The inbox lists it, read now.
      await page.getByRole('link', { name: 'Inbox' }).first().click();
      await heading('Inbox');
      expect(await page.locator('.sp-unread').count()).toBe(0);
      await check('inbox');

      // A read-only message: watermark, no forward, no download.
      const readOnlyId = await send({
        to: reader,
        subject: 'Read-only letter',
        withFile: true,
        readOnly: true,
      });
      await page.goto(`${origin}/inbox/${readOnlyId}`);
      await heading('Read-only letter');
      expect(await page.locator('.sp-watermark').getAttribute('data-watermark')).toContain(reader);
      expect(await page.getByRole('link', { name: 'Forward' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Care plan.pdf' }).count()).toBe(0);
      await check('read-only message');

      // Delete asks first.
      await page.getByRole('link', { name: 'Delete' }).click();
      await heading('Delete this message?');
      await check('delete confirmation');
      await page.getByRole('button', { name: 'Yes, delete it' }).click();
      await banner('The message was deleted from your inbox.');
      await check('inbox after delete');

      // An expired message, and a request for more time that emails the originator.
      const expiredId = await send({ to: reader, subject: 'Old letter' });
      const expired = await app.storage.repos.deliveries.findById({ id: expiredId });
      if (!expired) throw new Error('no delivery');
      await app.storage.repos.deliveries.update({
        delivery: { ...expired, accessEndsAt: addDays(new Date(), -1) },
      });
      await page.getByRole('link', { name: 'View messages you can no longer read' }).click();
      await heading('Messages you can no longer read');
      await check('expired list');
      await page.getByRole('link', { name: 'Old letter' }).click();
      await heading('Access expired');
      await check('expired message');
      await page.getByRole('button', { name: 'Request more access' }).click();
      await banner('We have asked the sender for more time.');
      await check('expired message after request');
      const requests = (await outbox()).filter(
        (m) => m.kind === 'access-request' && m.to === officer.email,
      );
      expect(requests.some((m) => m.text.includes(`${reader} has asked for more time`))).toBe(true);

      // Help and the account page.
      await page.getByRole('link', { name: 'Help' }).first().click();
      await heading('Help');
      await check('help');
      await page.getByRole('link', { name: 'If something goes wrong' }).click();
      await heading('If something goes wrong');
      await check('help topic');
      await page.goto(`${origin}/account`);
      await heading('Your account');
      await check('account');

      // Sign out: the inbox then asks to sign in.
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await banner('You have signed out.');
      await check('signed out');
      await page.goto(`${origin}/inbox`);
      await heading('You need to sign in');
      await check('sign-in required');
      expect(visited.length).toBeGreaterThan(15);
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
