import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { addDays } from '../../core/shared/time.ts';
import { csrfOf, type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

describe('reply and reply all', () => {
  let h: MailboxHarness;
  let ann: Account;
  let cookie: string;
  let deliveryId: string;
  let messageId: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    ann = await h.addAccount('ann@example.org');
    cookie = await h.signIn(ann.email);
    const sent = await h.send({
      to: [ann.email, 'bob@example.org'],
      cc: ['colleague@barnet.gov.uk'],
      subject: 'Meeting on Friday',
      classification: 'OFFICIAL',
    });
    deliveryId = sent.deliveries[ann.email] as string;
    messageId = sent.messageId;
  });
  afterEach(() => h.close());

  const recipientsOf = async (id: string) =>
    (await h.storage.repos.deliveries.listForMessage({ messageId: id })).map(
      (d) => d.recipientEmail,
    );
  const sentBy = (account: Account) =>
    h.storage.repos.messages.listSent({ senderId: account.id, limit: 10, offset: 0 });

  it('Reply goes to the sender only, shown as text, with "Re:" and no To field', async () => {
    const res = await h.get(`/inbox/${deliveryId}/reply`, cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('officer@barnet.gov.uk');
    expect(html).not.toContain('colleague@barnet.gov.uk');
    expect(html).toContain('value="Re: Meeting on Friday"');
    expect(html).not.toContain('name="to"');
    expect(csrfOf(html)).not.toBeNull();

    const post = await h.post(`/inbox/${deliveryId}/reply`, {
      cookie,
      formPage: `/inbox/${deliveryId}/reply`,
      fields: { subject: 'Re: Meeting on Friday', body: 'I can come.' },
    });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe(`/inbox/${deliveryId}?notice=replied`);
    const [reply] = await sentBy(ann);
    expect(reply?.inReplyToId).toBe(messageId);
    expect(reply?.classification).toBe('OFFICIAL');
    expect(await recipientsOf(reply?.id ?? '')).toEqual(['officer@barnet.gov.uk']);
    const page = await (await h.get(`/inbox/${deliveryId}?notice=replied`, cookie)).text();
    expect(page).toContain('Your reply was sent.');
  });

  it('Reply all adds the other people inside the council, never outsiders or oneself', async () => {
    const html = await (await h.get(`/inbox/${deliveryId}/reply?all=1`, cookie)).text();
    expect(html).toContain('officer@barnet.gov.uk, colleague@barnet.gov.uk');
    expect(html).not.toContain('bob@example.org');
    // Multipart (it can carry files): the CSRF token travels in the action's query.
    expect(html).toContain(`action="/inbox/${deliveryId}/reply?all=1&amp;_csrf=`);

    const post = await h.post(`/inbox/${deliveryId}/reply?all=1`, {
      cookie,
      formPage: `/inbox/${deliveryId}/reply?all=1`,
      fields: { subject: 'Re: Meeting on Friday', body: 'See you all.' },
    });
    expect(post.status).toBe(303);
    const [reply] = await sentBy(ann);
    expect((await recipientsOf(reply?.id ?? '')).sort()).toEqual([
      'colleague@barnet.gov.uk',
      'officer@barnet.gov.uk',
    ]);
  });

  it('comes back with 400, the error summary and everything typed', async () => {
    const typed = 'Re: <b>Meeting</b>';
    const empty = await h.post(`/inbox/${deliveryId}/reply`, {
      cookie,
      formPage: `/inbox/${deliveryId}/reply`,
      fields: { subject: typed, body: '   ' },
    });
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('<a href="#body">Enter your reply</a>');
    expect(html).toContain('value="Re: &lt;b&gt;Meeting&lt;/b&gt;"');
    expect(html).toMatch(/<title>Error: /);

    const badSubject = await h.post(`/inbox/${deliveryId}/reply`, {
      cookie,
      formPage: `/inbox/${deliveryId}/reply`,
      fields: { subject: '', body: 'Keep this text\nplease' },
    });
    expect(badSubject.status).toBe(400);
    const again = await badSubject.text();
    expect(again).toContain('<a href="#subject">Enter a subject.</a>');
    expect(again).toContain('Keep this text\nplease</textarea>');
    expect(await sentBy(ann)).toEqual([]);
  });

  it('refuses a POST without the CSRF token', async () => {
    const res = await h.post(`/inbox/${deliveryId}/reply`, {
      cookie,
      fields: { subject: 'Re: x', body: 'y' },
    });
    expect(res.status).toBe(403);
    expect(await sentBy(ann)).toEqual([]);
  });

  it('cannot reply once access has expired', async () => {
    await h.setAccessEnd(deliveryId, addDays(h.clock.now(), -1));
    expect((await h.get(`/inbox/${deliveryId}/reply`, cookie)).status).toBe(404);
  });
});

describe('forward', () => {
  let h: MailboxHarness;
  let ann: Account;
  let cookie: string;
  let deliveryId: string;
  let messageId: string;
  const setUp = async (forwardOutside: 'refuse' | 'request') => {
    h = await mailboxHarness(keys.cipher(), { settings: { forwardOutside } });
    ann = await h.addAccount('ann@example.org');
    cookie = await h.signIn(ann.email);
    const sent = await h.send({ to: [ann.email], subject: 'Case notes' });
    deliveryId = sent.deliveries[ann.email] as string;
    messageId = sent.messageId;
  };
  afterEach(() => h.close());

  const recipients = async () =>
    (await h.storage.repos.deliveries.listForMessage({ messageId })).map((d) => d.recipientEmail);

  it('refuses an address outside the council, says why, and keeps what was typed', async () => {
    await setUp('refuse');
    const page = await (await h.get(`/inbox/${deliveryId}/forward`, cookie)).text();
    expect(page).toContain('You can forward it to addresses at barnet.gov.uk.');
    const typed = 'colleague@barnet.gov.uk, friend@gmail.com';
    const res = await h.post(`/inbox/${deliveryId}/forward`, {
      cookie,
      formPage: `/inbox/${deliveryId}/forward`,
      fields: { to: typed },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('friend@gmail.com is outside, so the message was not forwarded.');
    expect(html).toContain(`value="${typed}"`);
    expect(await recipients()).toEqual([ann.email]);
  });

  it('forwards to an address inside the council as its own delivery', async () => {
    await setUp('refuse');
    const res = await h.post(`/inbox/${deliveryId}/forward`, {
      cookie,
      formPage: `/inbox/${deliveryId}/forward`,
      fields: { to: 'Colleague@Barnet.gov.uk' },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/inbox/${deliveryId}?notice=forwarded`);
    expect(await recipients()).toEqual([ann.email, 'Colleague@barnet.gov.uk']);
    const page = await (await h.get(`/inbox/${deliveryId}?notice=forwarded`, cookie)).text();
    expect(page).toContain('The message was forwarded.');
  });

  it('with FORWARD_OUTSIDE=request, an outsider becomes a request for the sender, and the page says so', async () => {
    await setUp('request');
    const page = await (await h.get(`/inbox/${deliveryId}/forward`, cookie)).text();
    expect(page).toContain('the sender is asked to allow it first');
    const res = await h.post(`/inbox/${deliveryId}/forward`, {
      cookie,
      formPage: `/inbox/${deliveryId}/forward`,
      fields: { to: 'friend@gmail.com' },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/inbox/${deliveryId}?notice=forward-requested`);
    expect(await recipients()).toEqual([ann.email]);
    const requests = await h.storage.repos.accessRequests.listForMessage({ messageId });
    expect(requests.map((r) => [r.kind, r.forwardToEmail])).toEqual([
      ['forward', 'friend@gmail.com'],
    ]);
    const mails = await h.outbox();
    expect(mails.filter((m) => m.kind === 'access-request').map((m) => m.to)).toEqual([
      'officer@barnet.gov.uk',
    ]);
    const after = await (
      await h.get(`/inbox/${deliveryId}?notice=forward-requested`, cookie)
    ).text();
    expect(after).toContain('We have asked the sender to allow the forward.');
  });

  it('keeps a forward private: co-recipients never see it, on the page or in Reply all', async () => {
    h = await mailboxHarness(keys.cipher());
    ann = await h.addAccount('ann@example.org');
    const bob = await h.addAccount('bob@barnet.gov.uk');
    const sent = await h.send({ to: [ann.email, bob.email], subject: 'Case notes' });
    const annD = sent.deliveries[ann.email] as string;
    const bobD = sent.deliveries[bob.email] as string;
    const annCookie = await h.signIn(ann.email);
    const res = await h.post(`/inbox/${annD}/forward`, {
      cookie: annCookie,
      formPage: `/inbox/${annD}/forward`,
      fields: { to: 'dv.team@barnet.gov.uk' },
    });
    expect(res.status).toBe(303);
    const forwarded = (
      await h.storage.repos.deliveries.listForMessage({ messageId: sent.messageId })
    ).find((d) => d.recipientEmail === 'dv.team@barnet.gov.uk');
    expect(forwarded).toMatchObject({ forwardedFromId: annD, forwardedById: ann.id });

    // The other recipient: not on the message page, not in Reply all.
    const bobCookie = await h.signIn(bob.email);
    const bobPage = await (await h.get(`/inbox/${bobD}`, bobCookie)).text();
    expect(bobPage).toContain('ann@example.org');
    expect(bobPage).not.toContain('dv.team@barnet.gov.uk');
    const replyAll = await (await h.get(`/inbox/${bobD}/reply?all=1`, bobCookie)).text();
    expect(replyAll).toContain('officer@barnet.gov.uk');
    expect(replyAll).not.toContain('dv.team@barnet.gov.uk');
    // The forwarder's own page shows the addressing as sent, not their forward.
    expect(await (await h.get(`/inbox/${annD}`, annCookie)).text()).not.toContain(
      'dv.team@barnet.gov.uk',
    );
    // The person it was forwarded to is told who forwarded it.
    const team = await h.storage.repos.accounts.findByEmailKey({
      emailKey: 'dv.team@barnet.gov.uk',
    });
    if (!team || !forwarded) throw new Error('no forward');
    await h.storage.repos.accounts.update({
      account: { ...team, passwordHash: ann.passwordHash },
    });
    const teamPage = await (
      await h.get(`/inbox/${forwarded.id}`, await h.signIn(team.email))
    ).text();
    expect(teamPage).toContain('Forwarded to you by');
    expect(teamPage).toContain('ann@example.org');
    // Their Reply all goes back along the chain, never to the other addressed people.
    const teamCookie = await h.signIn(team.email);
    const teamReplyAll = await (
      await h.get(`/inbox/${forwarded.id}/reply?all=1`, teamCookie)
    ).text();
    expect(teamReplyAll).toContain('officer@barnet.gov.uk');
    expect(teamReplyAll).not.toContain(bob.email);
  });

  it('limits the addresses of one forward and the forwards in an hour, keeping what was typed', async () => {
    h = await mailboxHarness(keys.cipher(), {
      settings: { maxRecipients: 2, forwardsPerHour: 3, forwardOutside: 'request' },
    });
    ann = await h.addAccount('ann@example.org');
    cookie = await h.signIn(ann.email);
    const sent = await h.send({ to: [ann.email], subject: 'Case notes' });
    deliveryId = sent.deliveries[ann.email] as string;
    messageId = sent.messageId;
    const forward = (to: string) =>
      h.post(`/inbox/${deliveryId}/forward`, {
        cookie,
        formPage: `/inbox/${deliveryId}/forward`,
        fields: { to },
      });
    const three = 'a@barnet.gov.uk, b@barnet.gov.uk, c@barnet.gov.uk';
    const tooMany = await forward(three);
    expect(tooMany.status).toBe(400);
    const tooManyHtml = await tooMany.text();
    expect(tooManyHtml).toContain('You can forward to at most 2 addresses at once.');
    expect(tooManyHtml).toContain(`value="${three}"`);
    expect(await recipients()).toEqual([ann.email]);

    expect((await forward('a@barnet.gov.uk, friend@gmail.com')).status).toBe(303);
    // Asking again for the same outsider adds no request and no email to the sender.
    expect((await forward('friend@gmail.com')).status).toBe(303);
    expect(await h.storage.repos.accessRequests.listForMessage({ messageId })).toHaveLength(1);
    expect((await h.outbox()).filter((m) => m.kind === 'access-request')).toHaveLength(1);
    expect((await forward('b@barnet.gov.uk')).status).toBe(303);
    const limited = await forward('c@barnet.gov.uk');
    expect(limited.status).toBe(400);
    const limitedHtml = await limited.text();
    expect(limitedHtml).toContain(
      'You have forwarded or asked to forward 3 times in the last hour',
    );
    expect(limitedHtml).toContain('value="c@barnet.gov.uk"');
    expect(await recipients()).toEqual([ann.email, 'a@barnet.gov.uk', 'b@barnet.gov.uk']);
    // An hour later the limit has room again.
    h.clock.advance(61 * 60_000);
    cookie = await h.signIn(ann.email);
    expect((await forward('c@barnet.gov.uk')).status).toBe(303);
  });

  it('asks for an address when none was typed', async () => {
    await setUp('refuse');
    const res = await h.post(`/inbox/${deliveryId}/forward`, {
      cookie,
      formPage: `/inbox/${deliveryId}/forward`,
      fields: { to: ' ' },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<a href="#to">Enter an email address.</a>');
  });
});

describe('delete', () => {
  let h: MailboxHarness;
  afterEach(() => h.close());

  it('asks first, then hides the message for this person only', async () => {
    h = await mailboxHarness(keys.cipher());
    const ann = await h.addAccount('ann@example.org');
    const bob = await h.addAccount('bob@example.org');
    const sent = await h.send({ to: [ann.email, bob.email], subject: 'Shared letter' });
    const annCookie = await h.signIn(ann.email);
    const id = sent.deliveries[ann.email] as string;

    const confirm = await h.get(`/inbox/${id}/delete`, annCookie);
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('Delete this message?');
    expect(html).toContain(`action="/inbox/${id}/delete"`);

    const res = await h.post(`/inbox/${id}/delete`, {
      cookie: annCookie,
      formPage: `/inbox/${id}/delete`,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/inbox?notice=deleted');
    const inbox = await (await h.get('/inbox?notice=deleted', annCookie)).text();
    expect(inbox).toContain('The message was deleted from your inbox.');
    expect(inbox).not.toContain('Shared letter');
    expect((await h.get(`/inbox/${id}`, annCookie)).status).toBe(404);

    const bobCookie = await h.signIn(bob.email);
    const bobInbox = await (await h.get('/inbox', bobCookie)).text();
    expect(bobInbox).toContain('Shared letter');
    expect((await h.get(`/inbox/${sent.deliveries[bob.email]}`, bobCookie)).status).toBe(200);
  });
});

describe('expired access', () => {
  let h: MailboxHarness;
  let ann: Account;
  let cookie: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    ann = await h.addAccount('ann@example.org');
    cookie = await h.signIn(ann.email);
  });
  afterEach(() => h.close());

  it('shows "Access expired" with "Request more access"; asking emails the originator', async () => {
    const sent = await h.send({ to: [ann.email], subject: 'Old news', body: 'Hidden body' });
    const id = sent.deliveries[ann.email] as string;
    await h.setAccessEnd(id, addDays(h.clock.now(), -2));
    const page = await (await h.get(`/inbox/${id}`, cookie)).text();
    expect(page).toContain('Access expired');
    expect(page).toContain('Request more access');
    expect(page).toContain('Old news');
    expect(page).not.toContain('Hidden body');
    expect(page).toContain(`action="/inbox/${id}/request-access"`);

    const before = (await h.outbox()).length;
    const res = await h.post(`/inbox/${id}/request-access`, { cookie, formPage: `/inbox/${id}` });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/inbox/${id}?notice=access-requested`);
    const mails = await h.outbox();
    expect(mails).toHaveLength(before + 1);
    const requestMails = mails.filter((m) => m.kind === 'access-request');
    expect(requestMails).toHaveLength(1);
    const mail = requestMails[0];
    expect(mail?.to).toBe('officer@barnet.gov.uk');
    expect(mail?.text).toContain('ann@example.org has asked for more time');
    const requests = await h.storage.repos.accessRequests.listForRequester({ requesterId: ann.id });
    expect(requests.map((r) => [r.kind, r.status, r.deliveryId])).toEqual([
      ['extension', 'pending', id],
    ]);

    const after = await (await h.get(`/inbox/${id}?notice=access-requested`, cookie)).text();
    expect(after).toContain('We have asked the sender for more time.');
    expect(after).toContain('You asked for more time on');
    expect(after).not.toContain(`action="/inbox/${id}/request-access"`);

    // Asking again does not email again.
    await h.post(`/inbox/${id}/request-access`, { cookie, formPage: '/inbox' });
    expect(await h.outbox()).toHaveLength(before + 1);
  });

  it('from the expired list, comes back to the list, which then says it was requested', async () => {
    const sent = await h.send({ to: [ann.email], subject: 'Listed' });
    const id = sent.deliveries[ann.email] as string;
    await h.setAccessEnd(id, addDays(h.clock.now(), -1));
    const res = await h.post(`/inbox/${id}/request-access`, {
      cookie,
      formPage: '/inbox?expired=1',
      fields: { from: 'expired' },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/inbox?expired=1&notice=access-requested');
    const list = await (await h.get('/inbox?expired=1&notice=access-requested', cookie)).text();
    expect(list).toContain('More time requested');
    expect(list).toContain('We have asked the sender for more time.');
  });

  it('refuses a request for a message that has not expired', async () => {
    const sent = await h.send({ to: [ann.email] });
    const id = sent.deliveries[ann.email] as string;
    const res = await h.post(`/inbox/${id}/request-access`, { cookie, formPage: '/inbox' });
    expect(res.status).toBe(404);
  });
});

describe('the account page', () => {
  let h: MailboxHarness;
  afterEach(() => h.close());

  it('offers "Sign out everywhere", which ends every session', async () => {
    h = await mailboxHarness(keys.cipher());
    const ann = await h.addAccount('ann@example.org');
    const one = await h.signIn(ann.email);
    const two = await h.signIn(ann.email);
    const page = await (await h.get('/account', one)).text();
    expect(page).toContain('ann@example.org');
    expect(page).toContain('action="/sign-out-everywhere"');
    expect(csrfOf(page)).not.toBeNull();

    const res = await h.post('/sign-out-everywhere', { cookie: one, formPage: '/account' });
    expect(res.status).toBe(303);
    expect((await h.get('/inbox', two)).status).toBe(401);
    expect((await h.get('/account')).status).toBe(401);
  });
});
