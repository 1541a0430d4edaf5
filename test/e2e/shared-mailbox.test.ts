import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../../core/messages/send-message.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { newestCodeTo } from '../support/email-code.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// Shared mailboxes end to end, in real Chromium with JavaScript on (htmx boosting) and
// off: the holder of a generic address invites Alice; Alice registers from the emailed
// link with the emailed code, lands on her invitation, accepts, works from the mailbox
// (the line "You are working in …" on every page), opens a message, replies from the
// generic address, and goes back to her own mailbox. axe-core on every page visited.

const PASSWORD = 'lantern meadow copper violin';

let portal: TestPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-shared-' });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/** A browser profile with the steps the flow uses; every page checked with axe. */
async function openBrowser(javaScript: boolean) {
  const context: BrowserContext = await newContext({ browser, javaScript, axe: true });
  const page: Page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const url = (path: string) => `${portal.origin}${path}`;
  const heading = (text: string) => page.locator('main h1', { hasText: text }).first().waitFor();
  const check = (what: string) => expectAccessible(page, what);
  /** Presses a button and waits for the page that answers (a load or an htmx swap). */
  const press = async (name: string) => {
    await page.locator('main').evaluate((main) => main.setAttribute('data-stale', ''));
    await page.getByRole('button', { name, exact: true }).first().click();
    await page.locator('main:not([data-stale])').waitFor();
  };
  const actingLine = () =>
    page.locator('header').getByText('You are working in', { exact: false }).count();
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
  return { page, url, heading, check, press, actingLine, run };
}

describe.each([
  { javaScript: true, label: 'with JavaScript', tag: 'js' },
  { javaScript: false, label: 'without JavaScript', tag: 'nojs' },
])('shared mailboxes, $label', ({ javaScript, tag }) => {
  it('invite, register and accept, work from the mailbox, open, reply, switch back', async () => {
    const generic = `care.referrals.${tag}@partner.org.uk`;
    const alice = `alice.${tag}@example.org`;
    const holder = await portal.addAccount({ email: generic, password: PASSWORD });
    const officer = await portal.addAccount({
      email: `officer.${tag}@barnet.gov.uk`,
      password: PASSWORD,
      kind: 'staff',
      role: 'sender',
    });
    const sent = await sendMessage(
      { ...portal.app, publicUrl: portal.origin },
      await portal.app.settings.get(),
      {
        senderId: officer.id,
        to: [generic],
        cc: [],
        subject: `Referral ${tag}`,
        body: 'Please visit Mr Jones.',
        bodyFormat: 'text',
        attachments: [],
        readOnly: false,
        classification: null,
        source: 'web',
      },
    );
    if (!sent.ok) throw new Error(JSON.stringify(sent.issues));

    // The holder invites Alice from their account page.
    const h = await openBrowser(javaScript);
    await h.run(async () => {
      await h.page.goto(h.url('/sign-in'));
      await h.page.getByLabel('Email address').fill(generic);
      await h.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await h.press('Sign in');
      await h.page.goto(h.url('/account'));
      await h.heading('Your account');
      await h.check('account page');
      await h.page.getByRole('link', { name: 'People who work from your mailbox' }).click();
      await h.heading('People who work from your mailbox');
      await h.check('members page');
      // A problem keeps what was typed, with the error summary.
      await h.page.getByLabel('Their email address').fill('not an address');
      await h.press('Send invitation');
      await h.page.locator('.govuk-error-summary').waitFor();
      expect(await h.page.getByLabel('Their email address').inputValue()).toBe('not an address');
      await h.check('members page with a problem');
      await h.page.getByLabel('Their email address').fill(alice);
      await h.press('Send invitation');
      await h.page.locator('.govuk-notification-banner', { hasText: 'Invitation sent' }).waitFor();
      expect(await h.page.locator('main table').innerText()).toContain(alice);
      await h.check('members page after inviting');
    });

    // Alice follows the emailed link, proves her address with the code, accepts.
    const invitation = (await portal.outbox()).find(
      (m) => m.kind === 'mailbox-invitation' && m.to === alice,
    );
    const link = /(http:\/\/\S+\/register\/\S+)/.exec(invitation?.text ?? '')?.[1];
    expect(link).toBeDefined();
    const a = await openBrowser(javaScript);
    await a.run(async () => {
      const { page } = a;
      await page.goto(link as string);
      await a.heading('Check it is your email address');
      await a.check('proof of mailbox');
      await page.getByRole('button', { name: 'Email me a code' }).click();
      await a.heading('Create a password');
      await page.getByLabel('Code from the email').fill(newestCodeTo(await portal.outbox(), alice));
      await page.getByLabel('Create a password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create password and continue' }).click();
      await a.heading('Shared mailboxes');
      expect(new URL(page.url()).pathname).toBe('/mailboxes');
      await a.check('shared mailboxes with an invitation');
      await a.press(`Accept ${generic}`);
      await page
        .locator('.govuk-notification-banner', { hasText: 'Invitation accepted' })
        .waitFor();
      await a.check('shared mailboxes after accepting');

      // Work from the mailbox: its inbox, with the line in the header.
      await a.press(`Work from this mailbox ${generic}`);
      await a.heading('Inbox');
      expect(await a.actingLine()).toBe(1);
      expect(await page.locator('header').innerText()).toContain(generic);
      await a.check('inbox of the shared mailbox');
      // By keyboard: the row's cell lies over the link for a pointer (the whole row opens it).
      await page
        .locator('main a', { hasText: `Referral ${tag}` })
        .first()
        .focus();
      await page.keyboard.press('Enter');
      await a.heading(`Referral ${tag}`);
      await a.check('message in the shared mailbox');
      await page.getByRole('link', { name: 'Reply', exact: true }).click();
      await a.heading('Reply');
      await page.getByLabel('Your reply').fill('We will visit on Monday.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page
        .locator('.govuk-notification-banner', { hasText: 'Your reply was sent.' })
        .waitFor();
      const replies = await portal.app.storage.repos.messages.listSent({
        senderId: holder.id,
        limit: 5,
        offset: 0,
      });
      expect(replies).toHaveLength(1);
      const open = await portal.app.storage.repos.audit.list({
        filter: { action: 'message.open' },
        limit: 5,
      });
      const person = await portal.account(alice);
      expect(open.some((e) => e.actorId === person?.id && e.details.mailbox === generic)).toBe(
        true,
      );

      // Switch back: her own, empty inbox, no line.
      await page.getByRole('link', { name: 'Switch mailbox' }).click();
      await a.heading('Shared mailboxes');
      await a.check('shared mailboxes while working from one');
      await a.press('Back to your own mailbox');
      await a.heading('Inbox');
      expect(await a.actingLine()).toBe(0);
      expect(await page.locator('main').innerText()).not.toContain(`Referral ${tag}`);
      await a.check('own inbox');
    });
  });
});
