import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { setRevoked } from '../../core/messages/sender-control.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { expectAccessible, launchBrowser, newContext } from '../support/browser.ts';
import { newestCodeTo } from '../support/email-code.ts';
import { startTestPortal, type TestPortal } from './support/portal.ts';

// A notification forwarded to someone else, end to end, as the people involved would
// meet it: real portal, real Chromium with JavaScript on (htmx) and off, axe on every
// page. The person it was passed on to can neither choose the addressee's password nor
// read the message; they can ask the sender, who grants or refuses in the staff pages;
// the real addressee can still register; a co-recipient never sees a forward.

const PASSWORD = 'lantern meadow copper violin';
const OFFICER_PASSWORD = 'orchard thimble sapphire kettle';

let portal: TestPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-e2e-forward-' });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/** A message from `officer` to `to`; returns the delivery id of each address. */
async function send(officer: Account, to: string[], subject: string) {
  const app = portal.app;
  const result = await sendMessage({ ...app, publicUrl: portal.origin }, await app.settings.get(), {
    senderId: officer.id,
    to,
    cc: [],
    subject,
    body: 'Hello,\nthe assessment is attached.\n\nOlive',
    bodyFormat: 'text',
    attachments: [
      {
        name: 'Assessment.pdf',
        contentType: 'application/pdf',
        content: streamOf(new TextEncoder().encode('%PDF-1.4 test')),
      },
    ],
    readOnly: false,
    classification: null,
    source: 'web',
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result;
}

/** The link in the newest notification to `to`. */
async function notificationLink(to: string): Promise<string> {
  const mail = (await portal.outbox())
    .filter((m) => m.kind === 'notification' && m.to === to)
    .at(-1);
  const link = /(http:\/\/\S+\/open\/\S+)/.exec(mail?.text ?? '')?.[1];
  if (!link) throw new Error(`no notification to ${to}`);
  return link;
}

/** A browser profile and the steps the flows use. */
async function person(javaScript: boolean) {
  const context: BrowserContext = await newContext({ browser, javaScript, axe: true });
  const page: Page = await context.newPage();
  page.setDefaultTimeout(8_000);
  return {
    page,
    close: () => context.close(),
    heading: (text: string | RegExp) =>
      page.locator('main h1', { hasText: text }).first().waitFor(),
    check: (what: string) => expectAccessible(page, what),
    click: (name: string) => page.getByRole('button', { name, exact: true }).click(),
    main: () => page.locator('main').innerText(),
  };
}

/** Registers from a notification link as its owner would: code from the email, password. */
async function registerFromLink(
  p: Awaited<ReturnType<typeof person>>,
  link: string,
  email: string,
) {
  await p.page.goto(link);
  await p.heading('You have a secure message');
  await p.click('Continue');
  await p.heading('Check it is your email address');
  await p.click('Email me a code');
  await p.heading('Create a password');
  await p.page.getByLabel('Code from the email').fill(newestCodeTo(await portal.outbox(), email));
  await p.page.getByLabel('Create a password').fill(PASSWORD);
  await p.click('Create password and continue');
}

/** The officer signs in and decides the newest waiting request. */
async function decide(javaScript: boolean, officerEmail: string, decision: 'Grant' | 'Refuse') {
  const o = await person(javaScript);
  try {
    await o.page.goto(`${portal.origin}/sign-in`);
    await o.page.getByLabel('Email address').fill(officerEmail);
    await o.page.getByLabel('Password', { exact: true }).fill(OFFICER_PASSWORD);
    // Signed in once the POST's answer (with the session cookie) has arrived: with htmx
    // the click returns at once.
    await Promise.all([
      o.page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-in',
      ),
      o.click('Sign in'),
    ]);
    await o.page.goto(`${portal.origin}/staff/requests`);
    await o.heading('Requests');
    expect(await o.main()).toContain('Access: was given the link');
    await o.check('staff requests with a link request');
    await o.page
      .getByRole('link', { name: /^Decide/ })
      .first()
      .click();
    await o.heading('Decide on a request');
    const detail = await o.main();
    expect(detail).toContain('Using the link sent to');
    await o.check('deciding a link request');
    await o.click(decision);
    await o.heading('Requests');
    return detail;
  } finally {
    await o.close();
  }
}

describe.each([
  { javaScript: true, label: 'with JavaScript', tag: 'js' },
  { javaScript: false, label: 'without JavaScript', tag: 'nojs' },
])('a notification passed on to someone else, $label', ({ javaScript, tag }) => {
  it('sets no password without the emailed code; the forwardee asks, is granted, registers and reads', async () => {
    const officerEmail = `officer-${tag}@barnet.gov.uk`;
    const officer = await portal.addAccount({
      email: officerEmail,
      password: OFFICER_PASSWORD,
      kind: 'staff',
      role: 'sender',
      displayName: 'Olive Officer',
    });
    const addressee = `resident-${tag}@example.org`;
    const neighbour = `neighbour-${tag}@example.org`;
    const friend = `friend-${tag}@example.org`;
    await send(officer, [addressee, neighbour], `Housing assessment ${tag}`);
    const link = await notificationLink(addressee);

    // ---- The friend it was forwarded to tries to register as the addressee. ----
    const f = await person(javaScript);
    try {
      await f.page.goto(link);
      await f.click('Continue');
      await f.heading('Check it is your email address');
      expect(await f.main()).toContain(addressee);
      expect(await f.main()).toContain('Emails are often passed on');
      await f.check('proof of mailbox: start');
      await f.click('Email me a code');
      await f.heading('Create a password');
      await f.check('proof of mailbox: code and password');
      const real = newestCodeTo(await portal.outbox(), addressee);
      // The code went to the addressee's mailbox; the friend can only guess.
      expect((await portal.outbox()).some((m) => m.kind === 'email-code' && m.to === friend)).toBe(
        false,
      );
      await f.page
        .getByLabel('Code from the email')
        .fill(real === '00000000' ? '00000001' : '00000000');
      await f.page.getByLabel('Create a password').fill('the friend chose this password');
      await f.click('Create password and continue');
      await f.page.locator('.govuk-error-summary').waitFor();
      expect(await f.page.locator('.govuk-error-summary').innerText()).toContain(
        'The code is not right',
      );
      // What was typed comes back.
      expect(await f.page.getByLabel('Code from the email').inputValue()).toMatch(/^0000000[01]$/);
      await f.check('proof of mailbox: wrong code');
      expect((await portal.account(addressee))?.passwordHash).toBeNull();

      // ---- So the friend asks the sender instead. ----
      await f.page.goto(link);
      await f.click('Continue');
      await f.page.getByRole('link', { name: 'Ask the sender for access' }).click();
      await f.heading('Ask the sender for access');
      expect(await f.main()).toContain('Olive Officer sent this message to someone else');
      await f.check('ask the sender');
      // Their own address is required, and a mistake keeps what was typed.
      await f.page.getByLabel('Why you need it (optional)').fill('I help my neighbour with post');
      await f.click('Email me a code');
      await f.page.locator('.govuk-error-summary').waitFor();
      expect(await f.page.locator('.govuk-error-summary').innerText()).toContain(
        'Enter your email address',
      );
      expect(await f.page.getByLabel('Why you need it (optional)').inputValue()).toBe(
        'I help my neighbour with post',
      );
      await f.check('ask the sender: error');
      await f.page.getByLabel('Your email address').fill(friend);
      await f.click('Email me a code');
      await f.page.getByLabel('Code from the email').waitFor();
      await f.check('ask the sender: code');
      await f.page
        .getByLabel('Code from the email')
        .fill(newestCodeTo(await portal.outbox(), friend));
      await f.click('Send the request');
      await f.heading('Your request');
      expect(await f.main()).toContain('We have asked Olive Officer to send you this message');
      await f.check('ask the sender: done');
    } finally {
      await f.close();
    }
    expect(
      (await portal.outbox()).filter((m) => m.kind === 'access-request' && m.to === officerEmail),
    ).toHaveLength(1);

    // ---- The sender grants it in the staff pages. ----
    const detail = await decide(javaScript, officerEmail, 'Grant');
    expect(detail).toContain(friend);
    expect(detail).toContain(addressee);
    expect(detail).toContain('I help my neighbour with post');

    // ---- The friend gets their own notification, registers with a code, reads. ----
    const g = await person(javaScript);
    try {
      await registerFromLink(g, await notificationLink(friend), friend);
      await g.heading(`Housing assessment ${tag}`);
      expect(await g.main()).toContain('the assessment is attached.');
      await g.check('granted copy');
    } finally {
      await g.close();
    }

    // ---- The real addressee can still register with their own link. ----
    const a = await person(javaScript);
    try {
      await registerFromLink(a, link, addressee);
      await a.heading(`Housing assessment ${tag}`);
    } finally {
      await a.close();
    }

    // ---- The neighbour (a co-recipient) never sees the granted copy. ----
    const n = await person(javaScript);
    try {
      await registerFromLink(n, await notificationLink(neighbour), neighbour);
      await n.heading(`Housing assessment ${tag}`);
      expect(await n.main()).toContain(addressee);
      expect(await n.main()).not.toContain(friend);
    } finally {
      await n.close();
    }
  });

  it('someone else asks, the sender refuses, and they are told politely', async () => {
    const officerEmail = `refuser-${tag}@barnet.gov.uk`;
    const officer = await portal.addAccount({
      email: officerEmail,
      password: OFFICER_PASSWORD,
      kind: 'staff',
      role: 'sender',
      displayName: 'Rita Refuser',
    });
    const addressee = `client-${tag}@example.org`;
    const stranger = `stranger-${tag}@example.org`;
    await send(officer, [addressee], `Benefit decision ${tag}`);
    const link = await notificationLink(addressee);
    const askPath = `${link.replace('/open/', '/r/')}/ask`;

    const s = await person(javaScript);
    try {
      await s.page.goto(askPath);
      await s.heading('Ask the sender for access');
      // The addressee's own address is sent back to the ordinary path.
      await s.page.getByLabel('Your email address').fill(addressee);
      await s.click('Email me a code');
      await s.page.locator('.govuk-error-summary').waitFor();
      expect(await s.page.locator('.govuk-error-summary').innerText()).toContain(
        'This is the address the message was sent to',
      );
      await s.page.getByLabel('Your email address').fill(stranger);
      await s.click('Email me a code');
      await s.page.getByLabel('Code from the email').waitFor();
      await s.page
        .getByLabel('Code from the email')
        .fill(newestCodeTo(await portal.outbox(), stranger));
      await s.click('Send the request');
      await s.heading('Your request');
    } finally {
      await s.close();
    }

    await decide(javaScript, officerEmail, 'Refuse');
    const told = (await portal.outbox()).filter(
      (m) => m.kind === 'access-decision' && m.to === stranger,
    );
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain('was not granted');
    expect(told[0]?.text).not.toContain('/inbox/');

    // Asking again is answered with the decision, and the sender is not asked twice.
    const again = await person(javaScript);
    try {
      await again.page.goto(askPath);
      await again.page.getByLabel('Your email address').fill(stranger);
      await again.click('Email me a code');
      await again.page.getByLabel('Code from the email').waitFor();
      await again.page
        .getByLabel('Code from the email')
        .fill(newestCodeTo(await portal.outbox(), stranger));
      await again.click('Send the request');
      await again.heading('Your request');
      expect(await again.main()).toContain('Rita Refuser decided not to send you this message');
      await again.check('ask again after a refusal');
    } finally {
      await again.close();
    }
    expect(
      (await portal.outbox()).filter((m) => m.kind === 'access-request' && m.to === officerEmail),
    ).toHaveLength(1);
    expect((await portal.account(addressee))?.passwordHash).toBeNull();
  });

  it('a forward is private to its chain, limited, and a revoked copy leaves the inbox', async () => {
    const officer = await portal.addAccount({
      email: `sender-${tag}@barnet.gov.uk`,
      password: OFFICER_PASSWORD,
      kind: 'staff',
      role: 'sender',
      displayName: 'Sam Sender',
    });
    const ann = await portal.addAccount({ email: `ann-${tag}@example.org`, password: PASSWORD });
    const bob = await portal.addAccount({ email: `bob-${tag}@barnet.gov.uk`, password: PASSWORD });
    const team = `dv.team-${tag}@barnet.gov.uk`;
    const subject = `Safeguarding referral ${tag}`;
    const sent = await send(officer, [ann.email, bob.email], subject);
    const annD = sent.deliveryIds[0] as string;
    const bobD = sent.deliveryIds[1] as string;
    const signIn = async (p: Awaited<ReturnType<typeof person>>, email: string) => {
      await p.page.goto(`${portal.origin}/sign-in`);
      await p.page.getByLabel('Email address').fill(email);
      await p.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await p.click('Sign in');
      await p.heading('Inbox');
    };

    const a = await person(javaScript);
    try {
      await signIn(a, ann.email);
      await a.page.goto(`${portal.origin}/inbox/${annD}/forward`);
      await a.heading('Forward this message');
      expect(await a.main()).toContain('Only you and the sender see whom you forward it to.');
      await a.check('forward form');
      // More addresses than the council allows at once: refused, everything kept.
      await portal.app.settings.update({ maxRecipients: 2 });
      const three = `a-${tag}@barnet.gov.uk, b-${tag}@barnet.gov.uk, c-${tag}@barnet.gov.uk`;
      await a.page.getByLabel('Email addresses').fill(three);
      await a.click('Forward message');
      await a.page.locator('.govuk-error-summary').waitFor();
      expect(await a.page.locator('.govuk-error-summary').innerText()).toContain(
        'You can forward to at most 2 addresses at once.',
      );
      expect(await a.page.getByLabel('Email addresses').inputValue()).toBe(three);
      await a.check('forward refused: too many addresses');
      await portal.app.settings.update({ maxRecipients: 100 });
      await a.page.getByLabel('Email addresses').fill(team);
      await a.click('Forward message');
      await a.page.locator('.govuk-notification-banner', { hasText: 'forwarded' }).waitFor();
      expect(await a.main()).not.toContain(team);
    } finally {
      await a.close();
    }

    const b = await person(javaScript);
    try {
      await signIn(b, bob.email);
      await b.page.goto(`${portal.origin}/inbox/${bobD}`);
      await b.heading(subject);
      expect(await b.main()).toContain(ann.email);
      expect(await b.main()).not.toContain(team);
      await b.page.goto(`${portal.origin}/inbox/${bobD}/reply?all=1`);
      await b.heading('Reply all');
      expect(await b.main()).toContain(officer.email);
      expect(await b.main()).not.toContain(team);
      await b.check('reply all without the forward');

      // The sender revokes Bob's copy: it leaves his inbox for the list of the unreadable.
      const revoked = await setRevoked(
        { ...portal.app, publicUrl: portal.origin },
        { account: officer, messageId: sent.messageId, deliveryId: bobD, revoked: true, ip: null },
      );
      expect(revoked.ok).toBe(true);
      await b.page.goto(`${portal.origin}/inbox`);
      await b.heading('Inbox');
      expect(await b.main()).not.toContain(subject);
      await b.page.goto(`${portal.origin}/inbox?expired=1`);
      await b.heading('Messages you can no longer read');
      expect(await b.main()).toContain(subject);
      expect(await b.main()).toContain('Revoked');
      await b.check('messages you can no longer read, with a revoked one');
    } finally {
      await b.close();
    }
  });
});
