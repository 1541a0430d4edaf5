import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { newestCodeTo } from '../support/email-code.ts';
import { csrfOf, type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';

// "This message was sent to someone else", over HTTP: the person given a link asks the
// sender for access with a code that proves their own address. What the e2e suite does
// not try: the council's off switch, asking again while a request waits, the hourly
// limit, someone signed in as another person, and who may see whose request.

const keys = sharedCipher();
afterAll(() => keys.close());

describe('asking the sender from a passed-on link', () => {
  let h: MailboxHarness;
  let ann: Account;
  let token: string;
  let messageId: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    ann = await h.addAccount('ann@example.org');
    const sent = await h.send({ to: [ann.email], subject: 'Care plan' });
    messageId = sent.messageId;
    const notice = (await h.outbox()).find((m) => m.kind === 'notification' && m.to === ann.email);
    token = /\/open\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(notice?.text ?? '')?.[1] ?? '';
    expect(token).not.toBe('');
  });
  afterEach(() => h.close());

  const askPath = () => `/r/${token}/ask`;
  /** Step one (address, reason) then step two (the code from the email). */
  const ask = async (email: string, reason: string, cookie?: string) => {
    const first = await h.post(askPath(), {
      ...(cookie ? { cookie } : {}),
      formPage: askPath(),
      fields: { email, reason },
    });
    expect(first.status).toBe(200);
    const page = await first.text();
    h.clock.advance(1_000);
    return h.post(`${askPath()}/confirm`, {
      ...(cookie ? { cookie } : {}),
      csrf: csrfOf(page) ?? '',
      fields: { email, reason, code: newestCodeTo(await h.outbox(), email) },
    });
  };
  const requests = () => h.storage.repos.accessRequests.listForMessage({ messageId });
  const mailsToSender = async () =>
    (await h.outbox()).filter((m) => m.kind === 'access-request' && m.to === h.sender.email);

  it('merges asking again while the request waits: one request, one email, the newest reason', async () => {
    const first = await ask('friend@example.org', 'I help Ann with her post');
    expect(await first.text()).toContain('We have asked');
    const again = await ask('Friend@Example.org', 'Ann asked me to look at it');
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('You have already asked for this message');
    const all = await requests();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ kind: 'link', status: 'pending' });
    const reason = all[0]?.reasonEnc;
    if (!reason) throw new Error('no reason');
    expect(new TextDecoder().decode(await h.deps.cipher.decryptBytes({ ciphertext: reason }))).toBe(
      'Ann asked me to look at it',
    );
    expect(await mailsToSender()).toHaveLength(1);
    const audit = await h.storage.repos.audit.list({
      filter: { action: 'access.request' },
      limit: 10,
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ kind: 'link', messageId });
  });

  it('keeps to the hourly limit of requests, saying so and keeping what was typed', async () => {
    h.settings.forwardsPerHour = 1;
    const friend = await h.addAccount('friend@example.org');
    const other = await h.send({ to: ['bob@example.org'], subject: 'Other letter' });
    const otherNotice = (await h.outbox()).find(
      (m) => m.kind === 'notification' && m.to === 'bob@example.org',
    );
    const otherToken = /\/open\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(
      otherNotice?.text ?? '',
    )?.[1];
    expect((await ask(friend.email, '')).status).toBe(200);
    token = otherToken ?? '';
    const limited = await ask(friend.email, 'Bob asked me too');
    expect(limited.status).toBe(400);
    const html = await limited.text();
    expect(html).toContain('You have made the most requests allowed in an hour');
    expect(html).toContain('Bob asked me too');
    expect(
      await h.storage.repos.accessRequests.listForMessage({ messageId: other.messageId }),
    ).toHaveLength(0);
  });

  it("with the council's switch off, names the sender to contact and asks nothing", async () => {
    h.settings.linkAccessRequests = false;
    const page = await (await h.get(askPath())).text();
    expect(page).toContain('Contact');
    expect(page).toContain(h.sender.email);
    expect(page).not.toMatch(/<input[^>]*name="email"/);
    const posted = await h.post(askPath(), {
      csrf: csrfOf(await (await h.get('/sign-in')).text()) ?? '',
      fields: { email: 'friend@example.org' },
    });
    expect(posted.status).toBe(403);
    expect((await h.outbox()).filter((m) => m.kind === 'email-code')).toHaveLength(0);
    // The sign-in page reached from the link says the same, with no "ask" link.
    const location = `/sign-in?next=/inbox&link=${encodeURIComponent(token)}`;
    const signIn = await (await h.get(location)).text();
    expect(signIn).toContain('Not the person this message was sent to?');
    expect(signIn).not.toContain(`href="${askPath()}"`);
    expect(await requests()).toHaveLength(0);
  });

  it('sends someone signed in as another person to "ask the sender", never to a 404', async () => {
    const bob = await h.addAccount('bob@example.org');
    const bobCookie = await h.signIn(bob.email);
    const pressed = await h.post(`/r/${token}`, { cookie: bobCookie, formPage: `/r/${token}` });
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get('location')).toBe(askPath());
    // And signing in from the link as the wrong person lands there too.
    const form = `/sign-in?next=/inbox&link=${encodeURIComponent(token)}`;
    const signedIn = await h.post('/sign-in', {
      formPage: form,
      fields: { email: bob.email, password: 'correct horse battery staple', link: token },
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(`/r/${encodeURIComponent(token)}/ask`);
    // The addressee goes straight to the message.
    const annCookie = await h.signIn(ann.email);
    const annPressed = await h.post(`/r/${token}`, { cookie: annCookie, formPage: `/r/${token}` });
    expect(annPressed.headers.get('location')).toMatch(/^\/inbox\/[A-Za-z0-9_-]+$/);
  });

  it("lets nobody but the message's sender see or decide a link request", async () => {
    await ask('friend@example.org', 'private reason');
    const [request] = await requests();
    if (!request) throw new Error('no request');
    // The addressee and the requester have no staff pages; another officer gets a 404.
    for (const email of [ann.email, 'friend@example.org']) {
      const account = await h.storage.repos.accounts.findByEmailKey({ emailKey: email });
      if (account && !account.passwordHash) {
        await h.storage.repos.accounts.update({
          account: { ...account, passwordHash: ann.passwordHash },
        });
      }
      const cookie = await h.signIn(email);
      expect((await h.get(`/staff/requests/${request.id}`, cookie)).status).toBe(404);
    }
    const other = await h.addAccount('other.officer@barnet.gov.uk', {
      kind: 'staff',
      role: 'sender',
    });
    const otherCookie = await h.signIn(other.email);
    const seen = await h.get(`/staff/requests/${request.id}`, otherCookie);
    expect(seen.status).toBe(404);
    expect(await seen.text()).not.toContain('private reason');
    const decided = await h.post(`/staff/requests/${request.id}`, {
      cookie: otherCookie,
      formPage: '/staff/requests',
      fields: { decision: 'grant' },
    });
    expect(decided.status).toBe(404);
    expect((await requests())[0]?.status).toBe('pending');
  });
});
