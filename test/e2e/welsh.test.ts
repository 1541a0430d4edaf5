import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { stringsFor } from '../../views/strings/index.ts';
import { launchBrowser, newContext } from '../support/browser.ts';
import { englishOnPage, expectWelshPage } from '../support/welsh-page.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// The main flows in Welsh, end to end in real Chromium with JavaScript on and off: a
// sender signs in from `/staff/sign-in?lang=cy` and sends a message; the recipient gets
// a bilingual first notification, follows its Welsh link, registers, reads, replies,
// finds the inbox in Welsh without `?lang=` (the choice is on the account), signs out,
// and resets the password from Welsh email; and the idle warning speaks Welsh. Every
// page is checked: `<html lang="cy">`, no English string of ours, axe at 1280 and 320 px,
// and no sideways scrolling at 320 px.

const PASSWORD = 'tegell graean perllan stamp';
const NEW_PASSWORD = 'afon derwen copr ffidil';
const cy = stringsFor('cy');
const SUBJECT = 'Eich asesiad treth gyngor';

let portal: TestPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal({
    prefix: 'sealpost-e2e-welsh-',
    env: { ORG_NAME: 'Cyngor Gwynedd', INTERNAL_DOMAINS: 'gwynedd.llyw.cymru' },
  });
  // A Welsh council's setting: a new recipient's first notification is in both languages.
  await portal.app.settings.update({ emailLanguage: 'bilingual' });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/** Presses a button and waits for the page that answers, loaded or swapped in by htmx. */
async function submit(page: Page, button: string): Promise<number> {
  await page.locator('main').evaluate((main) => main.setAttribute('data-stale', ''));
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: button, exact: true }).first().click(),
  ]);
  await page.locator('main:not([data-stale])').waitFor();
  return response.status();
}

async function heading(page: Page, text: string) {
  await page.locator('main h1', { hasText: text }).first().waitFor();
}

/** A Welsh link in an email's text leading to `path`: `lang=cy` is on it. */
function welshLinkIn(text: string | undefined, path: string): string {
  const links = [...(text ?? '').matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
  const link = links.find((l) => l.includes(path) && /[?&]lang=cy\b/.test(l));
  if (!link) throw new Error(`no Welsh ${path} link in:\n${text}`);
  return link;
}

describe.each([
  { javaScript: true, tag: 'js' },
  { javaScript: false, tag: 'nojs' },
])('the main flows in Welsh ($tag)', ({ javaScript, tag }) => {
  it('send, register, read, reply, sign out and reset, all in Welsh', async () => {
    const senderEmail = `anfonwr-${tag}@gwynedd.llyw.cymru`;
    const recipientEmail = `dinesydd-${tag}@enghraifft.cymru`;
    await portal.addAccount({
      email: senderEmail,
      password: PASSWORD,
      kind: 'staff',
      role: 'sender',
      displayName: 'Siân Owen',
    });
    const senderContext = await newContext({ browser, javaScript, axe: true, width: 1280 });
    const recipientContext = await newContext({ browser, javaScript, axe: true, width: 1280 });
    const sender = await senderContext.newPage();
    const recipient = await recipientContext.newPage();
    for (const p of [sender, recipient]) p.setDefaultTimeout(8_000);
    let current = sender;
    const visited: string[] = [];
    const check = async (page: Page, what: string) => {
      visited.push(what);
      await expectWelshPage(page, what);
    };

    try {
      // ---- The sender: a Welsh sign-in from the URL, kept through the redirect. ----
      await sender.goto(`${portal.origin}/staff/sign-in?lang=cy`);
      await heading(sender, cy.auth.signIn.title);
      await check(sender, 'staff sign-in');
      // Both fields empty: asked for, in Welsh.
      expect(await submit(sender, cy.auth.signIn.button)).toBe(400);
      expect(
        (await sender.locator('.govuk-error-summary li').allTextContents()).map((t) => t.trim()),
      ).toEqual([cy.auth.signIn.emailMissing, cy.auth.signIn.passwordMissing]);
      await check(sender, 'staff sign-in, empty');
      await sender.getByLabel(cy.auth.email).fill(senderEmail);
      await sender.getByLabel(cy.auth.password, { exact: true }).fill(PASSWORD);
      expect(await submit(sender, cy.auth.signIn.button)).toBe(303);
      await heading(sender, cy.staff.inbox.title);
      await check(sender, 'staff inbox');

      // ---- Compose, preview, send. ----
      await sender.getByRole('link', { name: cy.staff.nav.compose }).first().click();
      await heading(sender, cy.staff.compose.title);
      await check(sender, 'compose');
      await sender.getByLabel(cy.staff.compose.to, { exact: true }).fill(recipientEmail);
      await sender.getByLabel(cy.staff.compose.subject, { exact: true }).fill(SUBJECT);
      await sender
        .getByLabel(cy.staff.compose.body, { exact: true })
        .fill('Annwyl breswylydd,\n\nMae eich asesiad wedi’i atodi.');
      await submit(sender, cy.staff.compose.preview);
      await heading(sender, cy.staff.preview.title);
      await check(sender, 'preview');
      await submit(sender, cy.staff.preview.send);
      await heading(sender, cy.staff.sentConfirmation.title);
      await check(sender, 'sent');

      // ---- The recipient: a bilingual first notification, Welsh first. ----
      current = recipient;
      const notification = (await portal.outbox()).find(
        (m) => m.kind === 'notification' && m.to === recipientEmail,
      );
      expect(notification?.subject).toMatch(/ \/ /);
      expect(notification?.text.indexOf('Cyngor Gwynedd')).toBeGreaterThanOrEqual(0);
      await recipient.goto(welshLinkIn(notification?.text, '/open/'));
      await heading(recipient, cy.auth.link.title);
      await check(recipient, 'message link');
      await submit(recipient, cy.auth.link.button);
      await heading(recipient, cy.auth.proof.startTitle);
      await check(recipient, 'proof start');
      await submit(recipient, cy.auth.proof.sendCode);
      await heading(recipient, cy.auth.register.title);
      await check(recipient, 'register');
      const codeMail = (await portal.outbox())
        .filter((m) => m.kind === 'email-code' && m.to === recipientEmail)
        .at(-1);
      const code = /\b(\d{8})\b/.exec(codeMail?.text ?? '')?.[1] ?? '';
      expect(code, `code email:\n${codeMail?.text}`).toMatch(/^\d{8}$/);
      await recipient.getByLabel(cy.auth.proof.codeLabel).fill(code);
      await recipient.getByLabel(cy.auth.newPassword.label).fill(PASSWORD);
      await submit(recipient, cy.auth.register.button);
      await heading(recipient, SUBJECT);
      await check(recipient, 'message');
      expect((await portal.account(recipientEmail))?.language).toBe('cy');

      // ---- Reply. ----
      await recipient.getByRole('link', { name: cy.mailbox.message.reply, exact: true }).click();
      await heading(recipient, cy.mailbox.reply.title);
      await check(recipient, 'reply');
      await recipient.getByLabel(cy.mailbox.reply.body).fill('Diolch, fe wna i ei ddarllen.');
      await submit(recipient, cy.mailbox.reply.send);
      await recipient
        .locator('.govuk-notification-banner', { hasText: cy.mailbox.message.notices.replied })
        .waitFor();
      await check(recipient, 'reply sent');

      // ---- The inbox without ?lang=: the account remembers Welsh. ----
      await recipient.goto(`${portal.origin}/inbox`);
      await heading(recipient, cy.mailbox.inbox.title);
      await check(recipient, 'inbox');

      // ---- Sign out, then reset the password from the Welsh email. ----
      await submit(recipient, cy.layout.signOut);
      await recipient
        .locator('.govuk-notification-banner', { hasText: cy.auth.signIn.notices['signed-out'] })
        .waitFor();
      await check(recipient, 'signed out');
      await recipient.getByRole('link', { name: cy.auth.signIn.forgotten }).click();
      await heading(recipient, cy.auth.reset.requestTitle);
      await check(recipient, 'reset request');
      await recipient.getByLabel(cy.auth.email).fill(recipientEmail);
      expect(await submit(recipient, cy.auth.reset.requestButton)).toBe(200);
      await heading(recipient, cy.auth.reset.sentTitle);
      await check(recipient, 'reset sent');
      const reset = (await portal.outbox()).filter(
        (m) => m.kind === 'reset' && m.to === recipientEmail,
      );
      expect(reset).toHaveLength(1);
      expect(reset[0]?.subject).not.toMatch(/ \/ /); // Welsh only: the person chose it.
      await recipient.goto(welshLinkIn(reset[0]?.text, '/reset/'));
      await heading(recipient, cy.auth.reset.title);
      await check(recipient, 'new password');
      await recipient.getByLabel(cy.auth.newPassword.label).fill(NEW_PASSWORD);
      expect(await submit(recipient, cy.auth.reset.button)).toBe(303);
      await heading(recipient, cy.mailbox.inbox.title);
      await check(recipient, 'inbox after reset');
      expect(visited.length).toBeGreaterThanOrEqual(18);
    } catch (error) {
      const main = await current
        .locator('main')
        .innerHTML()
        .catch(() => '(no main)');
      throw new Error(`${(error as Error).message}\nat ${current.url()}\n${main.slice(0, 3000)}`);
    } finally {
      await senderContext.close();
      await recipientContext.close();
    }
  }, 120_000);
});

describe('the English detector', () => {
  it('finds our English on an English page, and English slipped into a Welsh one', async () => {
    const en = stringsFor('en');
    const context = await newContext({ browser, javaScript: true });
    const page = await context.newPage();
    try {
      await page.goto(`${portal.origin}/sign-in?lang=en`);
      expect(await englishOnPage(page)).toEqual(
        expect.arrayContaining([en.auth.signIn.intro.replace(/\.$/, ''), en.auth.password]),
      );
      await page.goto(`${portal.origin}/sign-in?lang=cy`);
      expect(await englishOnPage(page)).toEqual([]);
      // One untranslated sentence, as a missing key would show it.
      await page.locator('main').evaluate((main, text) => {
        const p = document.createElement('p');
        p.textContent = text;
        main.append(p);
      }, en.auth.signIn.firstTime);
      expect(await englishOnPage(page)).toEqual(
        expect.arrayContaining([en.auth.signIn.firstTime.replace(/\.$/, '')]),
      );
      // Marked as English (the language switch's "English"), it is allowed.
      await page
        .locator('main p')
        .last()
        .evaluate((p) => p.setAttribute('lang', 'en'));
      expect(await englishOnPage(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the idle warning in Welsh', () => {
  const MINUTE = 60_000;

  async function idleFor(account: Account, msAgo: number): Promise<void> {
    const [session] = await portal.app.storage.repos.sessions.listForAccount({
      accountId: account.id,
    });
    if (!session) throw new Error('no session');
    await portal.app.storage.repos.sessions.update({
      session: { ...session, lastSeenAt: new Date(Date.now() - msAgo) },
    });
  }

  it('warns, and says the session ended, in Welsh', async () => {
    const account = await portal.addAccount({
      email: 'segur@enghraifft.cymru',
      password: PASSWORD,
      language: 'cy',
    });
    const context = await newContext({ browser, javaScript: true });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await page.clock.install();
    try {
      await page.goto(`${portal.origin}/sign-in?lang=cy`);
      await page.getByLabel(cy.auth.email).fill(account.email);
      await page.getByLabel(cy.auth.password, { exact: true }).fill(PASSWORD);
      await submit(page, cy.auth.signIn.button);
      await heading(page, cy.mailbox.inbox.title);
      await page.waitForLoadState('networkidle');

      await idleFor(account, 13 * MINUTE + 10_000);
      await page.clock.fastForward(13 * MINUTE);
      const dialog = page.getByRole('dialog', { name: cy.layout.timeout.title });
      await dialog.waitFor();
      expect(await englishOnPage(page)).toEqual([]);
      await expectWelshPage(page, 'idle warning');
      await dialog.getByRole('button', { name: cy.layout.timeout.stay }).click();
      await dialog.waitFor({ state: 'detached' });

      await idleFor(account, 15 * MINUTE + 1_000);
      await page.clock.fastForward(15 * MINUTE);
      const ended = page.getByRole('dialog', { name: cy.layout.timeout.endedTitle });
      await ended.waitFor();
      expect(await englishOnPage(page)).toEqual([]);
      await ended.getByRole('link', { name: cy.layout.timeout.signInAgain }).waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);
});
