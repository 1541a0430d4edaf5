// A message its sender marked "second factor required": every route that shows any of
// it (the page, its files and inline images, reply and forward with the quoted text,
// the delete page, htmx fragments, the mailbox export) gives nothing of it to a session
// that has not proved a second factor; the explanation page says why and leads on: to
// set one up (and back), or to use the one the person has (the second step of signing
// in, which is then the audited `account.signin`).

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { readZip } from '../subjects/support.ts';
import { csrfOf, type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';
import { codeFor, cookiesOf, enrolTokenOnPage, keyOnPage } from './staff-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const ANN = 'ann@example.org';
const SECRET_BODY = 'The child protection plan is agreed.';
const FILE_TEXT = 'minutes of the strategy meeting';
const encoder = new TextEncoder();

describe('a message that needs a second factor', () => {
  let h: MailboxHarness;
  let marked: string;
  let plain: string;
  let attachmentId: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    await h.addAccount(ANN);
    const sent = await h.send({
      to: [ANN],
      subject: 'Strategy meeting',
      body: SECRET_BODY,
      files: [{ name: 'minutes.txt', contentType: 'text/plain', bytes: encoder.encode(FILE_TEXT) }],
      secondFactorRequired: true,
    });
    marked = sent.deliveries[ANN] as string;
    plain = (await h.send({ to: [ANN], subject: 'Bin day', body: 'Tuesdays now.' })).deliveries[
      ANN
    ] as string;
    const message = await h.storage.repos.deliveries.findById({ id: marked });
    const [file] = await h.storage.repos.attachments.listForMessage({
      messageId: message?.messageId ?? '',
    });
    attachmentId = file?.id ?? '';
  });
  afterEach(() => h.close());

  /** Every route under the message, as a browser or htmx would ask for it. */
  const gatedRoutes = () => [
    `/inbox/${marked}`,
    `/inbox/${marked}/attachments/${attachmentId}`,
    `/inbox/${marked}/images/${attachmentId}`,
    `/inbox/${marked}/reply`,
    `/inbox/${marked}/reply?all=1`,
    `/inbox/${marked}/forward`,
    `/inbox/${marked}/delete`,
  ];

  /** Asserts a response gives nothing of the message. */
  const refusesContent = async (res: Response, route: string) => {
    expect(res.status, route).toBe(403);
    const text = await res.text();
    expect(text, route).not.toContain(SECRET_BODY);
    expect(text, route).not.toContain(FILE_TEXT);
    return text;
  };

  it('explains the step instead of every route, and lets the unmarked message open', async () => {
    const cookie = await h.signIn(ANN);
    for (const route of gatedRoutes()) {
      const text = await refusesContent(await h.get(route, cookie), route);
      expect(text, route).toContain('This message needs a second step');
      expect(text, route).toContain('Strategy meeting');
      expect(text, route).toContain(`href="/account/two-factor?next=%2Finbox%2F${marked}"`);
    }
    // Posting a reply or forward with the quoted message is refused the same way.
    const reply = await h.post(`/inbox/${marked}/reply`, {
      cookie,
      formPage: '/inbox',
      fields: { subject: 'Re', body: 'Thanks' },
    });
    await refusesContent(reply, 'POST reply');
    // An htmx fragment: no content, and the browser goes to the page that explains.
    const fragment = await h.get(`/inbox/${marked}`, cookie, { 'HX-Request': 'true' });
    expect(await refusesContent(fragment, 'htmx')).toBe('');
    expect(fragment.headers.get('HX-Redirect')).toBe(`/inbox/${marked}`);

    // The inbox lists it by subject (not content) with a marker; the other one opens.
    const inbox = await (await h.get('/inbox', cookie)).text();
    expect(inbox).toContain('Strategy meeting');
    expect(inbox).toContain('Second step needed');
    const open = await h.get(`/inbox/${plain}`, cookie);
    expect(open.status).toBe(200);
    expect(await open.text()).toContain('Tuesdays now.');

    // The export of the mailbox leaves it out (read in the portal only), but not the other.
    const zip = readZip(Buffer.from(await (await h.get('/account/export', cookie)).arrayBuffer()));
    const names = [...zip.keys()].join('\n');
    expect(names).toContain(plain);
    expect(names).not.toContain(marked);
    for (const content of zip.values()) {
      expect(content.toString('utf8')).not.toContain(SECRET_BODY);
    }
  });

  it('gives someone else’s delivery id the one 404, mark or not', async () => {
    const bob = await h.addAccount('bob@example.org');
    const cookie = await h.signIn(bob.email);
    for (const route of gatedRoutes()) {
      const res = await h.get(route, cookie);
      expect(res.status, route).toBe(404);
      expect(await res.text(), route).not.toContain('Strategy meeting');
    }
  });

  it('opens after setting up an app in this session; another session must use it first', async () => {
    const cookie = await h.signIn(ANN);
    const other = await h.signIn(ANN);
    // Setting up, sent from the explanation page: the way back is kept.
    const next = encodeURIComponent(`/inbox/${marked}`);
    const setUp = await h.get(`/account/two-factor?next=${next}`, cookie);
    const html = await setUp.text();
    expect(html).toContain('you go back to the message you were opening');
    expect(html).toContain(`action="/account/two-factor?next=${next}"`);
    const keyText = keyOnPage(html);
    const done = await h.post(`/account/two-factor?next=${next}`, {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: {
        token: enrolTokenOnPage(html),
        password: GOOD_PASSWORD,
        code: codeFor(keyText, h.clock.now()),
      },
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`href="/inbox/${marked}"`);
    // This session proved it: the message and its file open.
    const page = await h.get(`/inbox/${marked}`, cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(SECRET_BODY);
    const file = await h.get(`/inbox/${marked}/attachments/${attachmentId}`, cookie);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe(FILE_TEXT);

    // The other session, from before the app was set up, gets nothing yet...
    for (const route of gatedRoutes()) {
      const text = await refusesContent(await h.get(route, other), route);
      expect(text, route).toContain('have not used it since you signed in');
    }
    // ...until it uses the app: the ordinary second step of signing in, then back.
    const explained = await (await h.get(`/inbox/${marked}`, other)).text();
    const start = await h.post(`/inbox/${marked}/step-up`, {
      cookie: other,
      csrf: csrfOf(explained) ?? '',
    });
    expect(start.status).toBe(303);
    expect(start.headers.get('location')).toBe(`/sign-in/two-factor?next=${next}`);
    // Half signed in now: nothing opens until the code is entered.
    expect((await h.get(`/inbox/${plain}`, other)).status).toBe(401);
    h.clock.advance(30_000);
    const codePage = await (await h.get(`/sign-in/two-factor?next=${next}`, other)).text();
    const step = await h.post('/sign-in/two-factor', {
      cookie: other,
      csrf: csrfOf(codePage) ?? '',
      fields: { code: codeFor(keyText, h.clock.now()), next: `/inbox/${marked}` },
    });
    expect(step.status).toBe(303);
    expect(step.headers.get('location')).toBe(`/inbox/${marked}`);
    const renewed = cookiesOf(step, other);
    const opened = await h.get(`/inbox/${marked}`, renewed);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(SECRET_BODY);
    // The successful step-up is the sign-in event that exists.
    const signIns = await h.storage.repos.audit.list({
      filter: { action: 'account.signin' },
      limit: 20,
    });
    expect(signIns.some((e) => e.details?.step === 'second-factor')).toBe(true);
  });

  it('does not let a session that never used the app skip the step by replacing it', async () => {
    const cookie = await h.signIn(ANN);
    const other = await h.signIn(ANN);
    // The first app, set up in one session: that session may open the message.
    const first = await (await h.get('/account/two-factor', cookie)).text();
    const enrolled = await h.post('/account/two-factor', {
      cookie,
      csrf: csrfOf(first) ?? '',
      fields: {
        token: enrolTokenOnPage(first),
        password: GOOD_PASSWORD,
        code: codeFor(keyOnPage(first), h.clock.now()),
      },
    });
    expect(enrolled.status).toBe(200);
    expect((await h.get(`/inbox/${marked}`, cookie)).status).toBe(200);
    // The other session (a stolen one, say) replaces the app with its own...
    h.clock.advance(30_000);
    const again = await (await h.get('/account/two-factor?replace', other)).text();
    const replaced = await h.post('/account/two-factor', {
      cookie: other,
      csrf: csrfOf(again) ?? '',
      fields: {
        token: enrolTokenOnPage(again),
        password: GOOD_PASSWORD,
        code: codeFor(keyOnPage(again), h.clock.now()),
      },
    });
    expect(replaced.status).toBe(200);
    expect(await replaced.text()).not.toContain('This message needs a second step');
    // ...and is still asked to use a factor before the message opens.
    const text = await refusesContent(await h.get(`/inbox/${marked}`, other), 'after replacing');
    expect(text).toContain('have not used it since you signed in');
  });

  it('sends a person with no factor to set one up when they post the step-up form', async () => {
    const cookie = await h.signIn(ANN);
    const explained = await (await h.get(`/inbox/${marked}`, cookie)).text();
    // The form is offered only to those who have a factor; a hand-made post is sent on.
    const res = await h.post(`/inbox/${marked}/step-up`, {
      cookie,
      csrf: csrfOf(explained) ?? '',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/account/two-factor?next=${encodeURIComponent(`/inbox/${marked}`)}`,
    );
    // The session is not made to wait for a factor it does not have.
    expect((await h.get(`/inbox/${plain}`, cookie)).status).toBe(200);
  });

  it('holds a colleague’s copy on the staff side the same way', async () => {
    const colleague = await h.addAccount('colleague@barnet.gov.uk', {
      kind: 'staff',
      role: 'sender',
    });
    const sent = await h.send({
      to: [colleague.email],
      subject: 'Case conference',
      body: SECRET_BODY,
      files: [{ name: 'minutes.txt', contentType: 'text/plain', bytes: encoder.encode(FILE_TEXT) }],
      secondFactorRequired: true,
    });
    const copy = sent.deliveries[colleague.email] as string;
    const [file] = await h.storage.repos.attachments.listForMessage({
      messageId: sent.messageId,
    });
    const cookie = await h.signIn(colleague.email);
    for (const route of [
      `/staff/inbox/${copy}`,
      `/staff/inbox/${copy}/attachments/${file?.id}`,
      `/staff/inbox/${copy}/images/${file?.id}`,
      `/inbox/${copy}`,
    ]) {
      const text = await refusesContent(await h.get(route, cookie), route);
      expect(text, route).toContain('This message needs a second step');
      expect(text, route).toContain('href="/staff/two-factor?next=%2F');
    }
    // Setting up from the explanation page keeps the way back to the copy, through the
    // form and the recovery codes page; a `next` to another site is dropped.
    const back = `/staff/inbox/${copy}`;
    const explained = await (await h.get(back, cookie)).text();
    const next = encodeURIComponent(back);
    expect(explained).toContain(`href="/staff/two-factor?next=${next}"`);
    const html = await (await h.get(`/staff/two-factor?next=${next}`, cookie)).text();
    expect(html).toContain('you go back to the message you were opening');
    expect(html).toContain(`action="/staff/two-factor?next=${next}"`);
    const done = await h.post(`/staff/two-factor?next=${next}`, {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: { token: enrolTokenOnPage(html), code: codeFor(keyOnPage(html), h.clock.now()) },
    });
    expect(done.status).toBe(200);
    const codesPage = await done.text();
    expect(codesPage).toContain(`href="${back}"`);
    expect(codesPage).toContain('Continue to the message');
    const opened = await h.get(back, cookie);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(SECRET_BODY);
    const foreign = await (await h.get('/staff/two-factor?next=//evil.example/x', cookie)).text();
    expect(foreign).toContain('action="/staff/two-factor"');
    expect(foreign).not.toContain('action="/staff/two-factor?next=');
    expect(foreign).not.toContain('href="//evil.example');
  });
});
