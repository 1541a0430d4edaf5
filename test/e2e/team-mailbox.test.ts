import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oslojsTotp } from '../../adapters/security/totp.ts';
import { TOTP_DIGITS, totpStep } from '../../core/auth/totp.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// Team mailboxes end to end (docs/decisions/0028), in real Chromium with JavaScript on
// (htmx boosting) and off: an admin signs in with the second factor every admin must
// set up, creates housing@ on the admin Teams page and puts Alice on it; a resident
// writes to housing@; Alice signs in with her own second factor, chooses "Work from this
// mailbox", sees the line "You are working in housing@…" and the message in the team
// inbox, opens it and answers it through compose, preview and send; the message page
// then names her as the one who opened and answered it. Back in her own mailbox, the
// team's message is gone. axe-core on the Teams page, the Team mailboxes page and the
// team inbox (and the pages between).

const PASSWORD = 'lantern meadow copper violin';
const COUNCIL_DOMAIN = 'barnet.gov.uk';
const TEAM = `housing@${COUNCIL_DOMAIN}`;
const SUBJECT = 'Damp in my flat';
const totp = oslojsTotp();

/** The code an authenticator app shows now, or `offset` steps from now. */
function codeNow(keyText: string, offset = 0): string {
  const key = totp.decodeKey({ text: keyText });
  if (!key) throw new Error('bad key');
  return totp.generate({ key, counter: totpStep(new Date()) + offset, digits: TOTP_DIGITS });
}

/** A browser profile with the steps the flow uses; axe-core on request. */
async function openBrowser(browser: Browser, origin: string, javaScript: boolean) {
  const context: BrowserContext = await newContext({ browser, javaScript, axe: true });
  const page: Page = await context.newPage();
  page.setDefaultTimeout(8_000);
  const url = (path: string) => `${origin}${path}`;
  const heading = (text: string | RegExp) =>
    page.locator('main h1', { hasText: text }).first().waitFor();
  const check = (what: string) => expectAccessible(page, what);
  const banner = (text: string) =>
    page.locator('.govuk-notification-banner', { hasText: text }).waitFor();
  const main = async () => (await page.locator('main').innerText()) ?? '';
  /** Presses a button and waits for the page that answers (a load or an htmx swap). */
  const press = async (name: string | RegExp) => {
    await page.locator('main').evaluate((m) => m.setAttribute('data-stale', ''));
    await page
      .getByRole('button', { name, exact: typeof name === 'string' })
      .first()
      .click();
    await page.locator('main:not([data-stale])').waitFor();
    // Let an htmx swap settle (it moves focus) before the next step types or presses.
    await page.waitForFunction(
      () => document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') === null,
    );
  };
  /** Follows a link and waits for the page it leads to. */
  const follow = async (name: string | RegExp, scope = page.locator('body')) => {
    await page.locator('main').evaluate((m) => m.setAttribute('data-stale', ''));
    const link = scope.getByRole('link', { name, exact: typeof name === 'string' }).first();
    // At the middle of the link's box, where its words are: left to itself, Playwright aims
    // at the first of the link's boxes, which for "<span class=govuk-visually-hidden>Unread:
    // </span>…" is that 1-pixel span, clipped away, above the text (a point in the cell).
    const box = await link.boundingBox();
    await link.click(box ? { position: { x: box.width / 2, y: box.height / 2 } } : {});
    await page.locator('main:not([data-stale])').waitFor();
    await page.waitForFunction(
      () => document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') === null,
    );
  };
  const workingIn = () => page.getByTestId('working-in');
  const signInWithPassword = async (email: string) => {
    await page.goto(url('/staff/sign-in'));
    await heading('Sign in');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await press('Sign in');
  };
  /** On the set-up page: turns the app on with the code it shows now; returns the key. */
  const enrol = async () => {
    await heading('Set up two-step verification');
    const keyText = (await page.getByTestId('totp-key').textContent())?.replace(/\s/g, '') ?? '';
    await page.getByLabel('Security code').fill(codeNow(keyText));
    await press('Turn on two-step verification');
    await heading('Two-step verification is on');
    return keyText;
  };
  const run = async (flow: () => Promise<void>) => {
    try {
      await flow();
    } catch (error) {
      const html = await page
        .locator('main')
        .innerHTML()
        .catch(() => '(no main)');
      throw new Error(`${(error as Error).message}\nat ${page.url()}\n${html.slice(0, 3000)}`);
    } finally {
      await context.close();
    }
  };
  return {
    page,
    url,
    heading,
    check,
    banner,
    main,
    press,
    follow,
    workingIn,
    signInWithPassword,
    enrol,
    run,
  };
}

describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('team mailboxes, $label', ({ javaScript }) => {
  // A portal of its own per run, so both runs use the real housing@ address.
  let portal: TestPortal;
  let browser: Browser;

  beforeAll(async () => {
    portal = await startTestPortal({ prefix: 'sealpost-e2e-team-' });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  it('admin creates housing@ and assigns Alice; Alice works from it, opens, replies, switches back', async () => {
    const staff = { password: PASSWORD, kind: 'staff' as const };
    await portal.addAccount({
      ...staff,
      email: `ada@${COUNCIL_DOMAIN}`,
      role: 'admin',
      displayName: 'Ada Admin',
    });
    const alice = await portal.addAccount({
      ...staff,
      email: `alice@${COUNCIL_DOMAIN}`,
      role: 'sender',
      displayName: 'Alice Smith',
    });
    const ann = await portal.addAccount({
      email: 'ann@example.org',
      password: PASSWORD,
      displayName: 'Ann Resident',
    });

    // ---- The admin: password, the second factor every admin must have, the Teams page. ----
    const a = await openBrowser(browser, portal.origin, javaScript);
    await a.run(async () => {
      const { page } = a;
      await a.signInWithPassword(`ada@${COUNCIL_DOMAIN}`);
      await a.enrol();
      await page.goto(a.url('/admin/teams'));
      await a.heading('Team mailboxes');
      expect(await a.main()).toContain('There are no team mailboxes yet.');
      await a.check('admin Teams page, empty');
      await page.getByLabel('Email address', { exact: true }).fill(TEAM);
      await page.getByLabel('Name', { exact: true }).fill('Housing team');
      await a.press('Create team mailbox');
      await a.banner(`Team mailbox ${TEAM} created`);
      await a.check('admin Teams page with housing@');
      await page
        .getByLabel(`Email address of a staff member to add to ${TEAM}`)
        .fill(`alice@${COUNCIL_DOMAIN}`);
      await a.press('Add to team');
      await a.banner(`Alice Smith now works from ${TEAM}`);
      const section = page.locator('main section', { hasText: TEAM });
      expect(await section.innerText()).toContain(`Alice Smith (alice@${COUNCIL_DOMAIN})`);
      expect(
        await section.getByRole('button', { name: 'Take off Alice Smith', exact: true }).count(),
      ).toBe(1);
      await a.check('admin Teams page with Alice on housing@');
    });

    const housing = await portal.account(TEAM);
    expect(housing).toMatchObject({ sharedMailbox: true, passwordHash: null, kind: 'staff' });
    if (!housing) throw new Error('no team mailbox');

    // ---- A resident writes to housing@. ----
    const sent = await sendMessage(
      { ...portal.app, publicUrl: portal.origin },
      await portal.app.settings.get(),
      {
        senderId: ann.id,
        to: [TEAM],
        cc: [],
        subject: SUBJECT,
        body: 'There is black mould in the bedroom.',
        bodyFormat: 'text',
        attachments: [],
        readOnly: false,
        classification: null,
        source: 'web',
      },
    );
    if (!sent.ok) throw new Error(JSON.stringify(sent.issues));

    // ---- Alice: sets up her own second factor, then signs in with it. ----
    const b = await openBrowser(browser, portal.origin, javaScript);
    await b.run(async () => {
      const { page } = b;
      await b.signInWithPassword(alice.email);
      await b.heading('Inbox');
      // Before choosing the team, her own inbox has nothing of the team's.
      expect(await b.main()).not.toContain(SUBJECT);
      await page.goto(b.url('/staff/two-factor'));
      const keyText = await b.enrol();
      await b.press('Sign out');
      await b.heading('Sign in');
      await b.signInWithPassword(alice.email);
      await b.heading('Enter your security code');
      // The set-up used this step's code: the next step's is still in the window, and new.
      await page.getByLabel('Security code').fill(codeNow(keyText, 1));
      await b.press('Continue');
      await b.heading('Inbox');
      expect(await b.workingIn().count()).toBe(0);

      // The menu offers "Team mailboxes"; she works from housing@.
      await b.follow('Team mailboxes', page.locator('header, nav'));
      await b.heading('Team mailboxes');
      expect(await b.main()).toContain(TEAM);
      await b.check('Team mailboxes page');
      await b.press(new RegExp(`^Work from this mailbox \\(${TEAM.replaceAll('.', '\\.')}\\)`));
      await b.heading('Inbox');
      expect(new URL(page.url()).pathname).toBe('/staff/inbox');
      expect(await b.workingIn().innerText()).toContain(`You are working in ${TEAM}.`);
      expect(await b.main()).toContain(`Messages sent to ${TEAM}.`);
      expect(await b.main()).toContain(SUBJECT);
      await b.check('team inbox');

      // Opens the message (its link says it is unread): the page names her as the opener.
      await b.follow(new RegExp(`^Unread: ${SUBJECT}$`), page.locator('main'));
      await b.heading(SUBJECT);
      const messageUrl = page.url();
      expect(await b.main()).toContain('There is black mould in the bedroom.');
      expect(await b.main()).toMatch(/Opened by Alice Smith at \d\d?[:.]\d\d/);
      expect(await b.workingIn().innerText()).toContain(`You are working in ${TEAM}.`);
      await b.check('message in the team inbox');

      // Replies: the form addressed to Ann, the preview, then Send.
      await b.follow('Reply securely', page.locator('main'));
      await b.heading('Send a secure message');
      expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe(ann.email);
      expect(await page.getByLabel('Subject').inputValue()).toBe(`Re: ${SUBJECT}`);
      await page.getByLabel('Message').fill('We will visit on Monday.');
      await b.press('Preview');
      await b.heading('Check your message before sending');
      await b.press('Send securely');
      await b.heading('Message sent');

      // The reply went out from the team, not from Alice, as an answer to Ann's message.
      const replyId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
      const reply = await portal.app.storage.repos.messages.findById({ id: replyId });
      expect(reply?.senderId).toBe(housing.id);
      expect(reply?.inReplyToId).toBe(sent.messageId);
      const fromAlice = await portal.app.storage.repos.messages.listSent({
        senderId: alice.id,
        limit: 5,
        offset: 0,
      });
      expect(fromAlice).toEqual([]);
      // The audit trail names Alice, acting for housing@.
      const opened = await portal.app.storage.repos.audit.list({
        filter: { action: 'message.open' },
        limit: 5,
      });
      expect(opened.some((e) => e.actorId === alice.id && e.details.mailboxId === housing.id)).toBe(
        true,
      );

      // The team inbox says who opened it; on the message, opened and replied, by Alice.
      await b.follow('Inbox', page.getByRole('navigation', { name: 'Staff menu' }));
      await b.heading('Inbox');
      expect(await page.locator('main tr', { hasText: SUBJECT }).innerText()).toContain(
        'Opened by Alice Smith',
      );
      await b.follow(SUBJECT, page.locator('main'));
      await b.heading(SUBJECT);
      expect(page.url()).toBe(messageUrl);
      const activity = await b.main();
      expect(activity).toMatch(/Opened by Alice Smith at \d\d?[:.]\d\d/);
      expect(activity).toMatch(/Replied by Alice Smith at \d\d?[:.]\d\d/);
      await b.check('message with the team activity');

      // Switches back to her own mailbox: no line, no team message, the 404 for its page.
      await b.follow('Switch mailbox', page.getByTestId('working-in'));
      await b.heading('Team mailboxes');
      expect(await page.locator('main').getByText('You are working here').count()).toBe(1);
      await b.check('Team mailboxes page while working in housing@');
      await b.press('Back to your own mailbox');
      await b.heading('Inbox');
      expect(await b.workingIn().count()).toBe(0);
      expect(await b.main()).not.toContain(SUBJECT);
      await b.check('own inbox after switching back');
      expect((await page.goto(messageUrl))?.status()).toBe(404);
    });
  }, 120_000);
});
