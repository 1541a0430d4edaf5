import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVITES_PER_DAY } from '../../adapters/http/areas/recipient/mailboxes.ts';
import type { Account } from '../../core/accounts/model.ts';
import { openDraft } from '../../core/messages/drafts.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { stable } from './mailbox-support.ts';
import {
  actingLineOf,
  GENERIC,
  type SharedMailboxHarness,
  sharedMailboxHarness,
} from './shared-mailbox-support.ts';

// Shared mailboxes, the recipient's side, through the whole portal as served: the holder
// of care.referrals@ invites Alice, who registers with the emailed code (or already has
// an account), accepts, works from the mailbox (each open and reply audited as her, the
// reply sent from the generic address), keeps her own account, and is removed; and what
// an attacker tries: Mallory with the mailbox's id or Alice's invitation link, a member
// managing members, forged forms, and the council's switch turned off mid-session.

const databases: Array<{ name: string; env: () => Promise<Record<string, string>> }> = [
  { name: 'SQLite', env: async () => ({}) },
];
const dropLater: Array<() => Promise<void>> = [];
if (postgresAvailable('shared-mailbox http')) {
  databases.push({
    name: 'PostgreSQL',
    env: async () => {
      const db = await createTestDatabase('sealpost_shared_mailbox');
      dropLater.push(db.drop);
      return { DATABASE_URL: db.url };
    },
  });
}
afterAll(async () => {
  for (const drop of dropLater) await drop();
});

const ALICE = 'alice@example.org';

describe.each(databases)('shared mailboxes, recipient side, $name', ({ env }) => {
  let h: SharedMailboxHarness;
  let holder: Account;
  let holderCookie: string;
  beforeEach(async () => {
    h = await sharedMailboxHarness(await env());
    holder = await h.addPerson(GENERIC);
    holderCookie = await h.signIn(GENERIC);
  });
  afterEach(() => h.close());

  const invite = async (email: string, cookie = holderCookie) =>
    h.post('/account/members', cookie, { email });
  const members = (mailboxId = holder.id) =>
    h.app.storage.repos.mailboxMembers.listForMailbox({ mailboxId });
  const sessionOf = async (account: Account) =>
    (await h.app.storage.repos.sessions.listForAccount({ accountId: account.id }))[0];
  const act = (cookie: string, mailboxId: string) =>
    h.post('/mailboxes/act', cookie, { mailboxId }, '/mailboxes');
  /** Alice, an existing account, invited and accepted; signed in, not yet acting. */
  const aliceMember = async () => {
    const alice = await h.addPerson(ALICE);
    expect((await invite(ALICE)).status).toBe(303);
    const invitation = (await h.outbox()).find((m) => m.kind === 'mailbox-invitation');
    // A registered person is sent to sign in and accept: no registration link.
    expect(invitation?.text).toContain('/mailboxes');
    expect(invitation?.text).not.toContain('/register/');
    const cookie = await h.signIn(ALICE);
    const accepted = await h.post(
      '/mailboxes/accept',
      cookie,
      { mailboxId: holder.id },
      '/mailboxes',
    );
    expect(accepted.status).toBe(303);
    return { alice, cookie };
  };

  it('invite, register with the emailed code, accept, work from the mailbox, open, reply, switch back', async () => {
    // The holder's account page leads to the members page.
    const account = await (await h.get('/account', holderCookie)).text();
    expect(account).toContain('href="/account/members"');
    expect(account).toContain('href="/mailboxes"');
    const invited = await invite(ALICE);
    expect(invited.status).toBe(303);
    expect(invited.headers.get('location')).toBe('/account/members?done=invited');
    const page = await (await h.get('/account/members?done=invited', holderCookie)).text();
    expect(page).toContain(ALICE);
    expect(page).toContain('Invited');
    expect(page).toContain('Invitation sent');

    const mail = (await h.outbox()).find((m) => m.kind === 'mailbox-invitation');
    expect(mail?.to).toBe(ALICE);
    const token = /\/register\/([A-Za-z0-9_.-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
    expect(token).not.toBe('');

    // Registered through the link and the code: she lands on her invitation.
    const { location, cookie } = await h.registerWith(token, ALICE);
    expect(location).toBe('/mailboxes');
    const waiting = await (await h.get('/mailboxes', cookie)).text();
    expect(waiting).toContain('Invitations waiting for you');
    expect(waiting).toContain(GENERIC);
    // The menu offers "Shared mailboxes" to someone with an invitation.
    expect(waiting).toMatch(
      /<a class="govuk-service-navigation__link" href="\/mailboxes" aria-current="page">/,
    );
    const accepted = await h.post(
      '/mailboxes/accept',
      cookie,
      { mailboxId: holder.id },
      '/mailboxes',
    );
    expect(accepted.headers.get('location')).toBe('/mailboxes?done=accepted');
    const alice = await h.app.storage.repos.accounts.findByEmailKey({ emailKey: ALICE });
    if (!alice) throw new Error('Alice has no account');
    expect((await h.lastAudit('mailbox.accept'))?.actorId).toBe(alice.id);
    const holderPage = await (await h.get('/account/members', holderCookie)).text();
    expect(holderPage).toContain('Accepted');

    // A message to the generic address; Alice works from it.
    const deliveryId = await h.send(GENERIC, 'Referral for Mr Jones');
    const ownInbox = await (await h.get('/inbox', cookie)).text();
    expect(ownInbox).not.toContain('Referral for Mr Jones');
    expect(actingLineOf(ownInbox)).toBeNull();
    const switched = await act(cookie, holder.id);
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/inbox');
    const inbox = await (await h.get('/inbox', cookie)).text();
    expect(inbox).toContain('Referral for Mr Jones');
    expect(actingLineOf(inbox)).toBe(GENERIC);

    const opened = await h.get(`/inbox/${deliveryId}`, cookie);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Please see the referral.');
    const open = await h.lastAudit('message.open');
    expect(open?.actorId).toBe(alice.id);
    expect(open?.actorLabel).toBe(ALICE);
    expect(open?.details).toMatchObject({ mailbox: GENERIC, mailboxId: holder.id });

    const replied = await h.post(
      `/inbox/${deliveryId}/reply`,
      cookie,
      { subject: 'Re: Referral for Mr Jones', body: 'We will visit on Monday.' },
      `/inbox/${deliveryId}/reply`,
    );
    expect(replied.status).toBe(303);
    const reply = await h.lastAudit('message.reply');
    expect(reply?.actorId).toBe(alice.id);
    expect(reply?.details).toMatchObject({ mailbox: GENERIC });
    // The reply went out from the generic address: it is in its sent items, not Alice's.
    const sentAsMailbox = await (await h.get('/sent', cookie)).text();
    expect(sentAsMailbox).toContain('Re: Referral for Mr Jones');
    expect(await h.post('/mailboxes/act', cookie, { mailboxId: '' }, '/mailboxes')).toMatchObject({
      status: 303,
    });
    const ownSent = await (await h.get('/sent', cookie)).text();
    expect(ownSent).not.toContain('Re: Referral for Mr Jones');
    const back = await (await h.get('/inbox', cookie)).text();
    expect(back).not.toContain('Referral for Mr Jones');
    expect(actingLineOf(back)).toBeNull();
    expect((await sessionOf(alice))?.actingMailboxId).toBeNull();
  });

  it('sends the reply from the generic address, to the officer', async () => {
    const { cookie } = await aliceMember();
    const deliveryId = await h.send(GENERIC, 'Referral');
    await act(cookie, holder.id);
    const replied = await h.post(
      `/inbox/${deliveryId}/reply`,
      cookie,
      { subject: 'Re: Referral', body: 'Thanks' },
      `/inbox/${deliveryId}/reply`,
    );
    expect(replied.status).toBe(303);
    const [toOfficer] = await h.app.storage.repos.deliveries.listForRecipient({
      recipientId: h.officer.id,
    });
    const message = await h.app.storage.repos.messages.findById({
      id: toOfficer?.messageId ?? '',
    });
    expect(message?.senderId).toBe(holder.id);
  });

  it('keeps the reply Alice was writing in the mailbox when her session ended, and takes her back to it', async () => {
    const { alice, cookie } = await aliceMember();
    const deliveryId = await h.send(GENERIC, 'Referral');
    await act(cookie, holder.id);
    const path = `/inbox/${deliveryId}/reply`;
    const csrf = await h.tokenFrom(path, cookie);
    h.clock.advance(16 * 60_000);
    const res = await h.postForm(path, {
      cookie,
      csrf: csrf ?? null,
      fields: [
        ['subject', 'Re: Referral'],
        ['body', 'Typed before lunch.'],
      ],
    });
    expect(res.status).toBe(303);
    const draftId = /[?&]draft=([^&]+)/.exec(res.headers.get('location') ?? '')?.[1] ?? '';
    // In the mailbox's drafts, where its reply belongs, marked as Alice's.
    const draftDeps = {
      storage: h.app.storage,
      cipher: h.app.cipher,
      ids: h.app.ids,
      clock: h.app.clock,
    };
    const saved = await openDraft(draftDeps, { accountId: holder.id, draftId });
    expect(saved?.content).toMatchObject({ body: 'Typed before lunch.', savedBy: alice.id });
    expect(await openDraft(draftDeps, { accountId: alice.id, draftId })).toBeNull();

    // Signing in again works from the mailbox again, and the draft opens as its reply.
    const fresh = await h.signIn(ALICE);
    const sessions = await h.app.storage.repos.sessions.listForAccount({ accountId: alice.id });
    expect(sessions.at(-1)?.actingMailboxId).toBe(holder.id);
    const opened = await h.get(`/drafts/${draftId}`, fresh);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toContain(`/inbox/${deliveryId}/reply`);
    // The holder signing in is not taken into Alice's draft: the session stays their own.
    await h.signIn(GENERIC);
    const holderSessions = await h.app.storage.repos.sessions.listForAccount({
      accountId: holder.id,
    });
    expect(holderSessions.at(-1)?.actingMailboxId).toBeNull();
  });

  it('audits a download made from the mailbox with Alice’s name', async () => {
    const { alice, cookie } = await aliceMember();
    const deliveryId = await h.send(GENERIC, 'Referral', [{ name: 'form.txt', text: 'the form' }]);
    await act(cookie, holder.id);
    const [file] = await h.app.storage.repos.attachments.listForMessage({
      messageId:
        (await h.app.storage.repos.deliveries.findById({ id: deliveryId }))?.messageId ?? '',
    });
    const res = await h.get(`/inbox/${deliveryId}/attachments/${file?.id}`, cookie);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('the form');
    expect(await h.lastAudit('message.download')).toMatchObject({
      actorId: alice.id,
      actorLabel: ALICE,
      details: { mailboxId: holder.id, mailbox: GENERIC },
    });
  });

  it('lets a holder send a day’s invitations, not a flood', async () => {
    for (let i = 0; i < INVITES_PER_DAY; i++) {
      expect((await invite(`person${i}@example.net`)).status).toBe(303);
    }
    const mails = (await h.outbox()).length;
    const refused = await invite('one.more@example.net');
    expect(refused.status).toBe(429);
    const page = await refused.text();
    expect(page).toContain('the most allowed');
    expect(page).toContain('value="one.more@example.net"');
    expect((await h.outbox()).length).toBe(mails);
    // A day later the holder may invite again.
    h.clock.advance(24 * 60 * 60_000 + 60_000);
    holderCookie = await h.signIn(GENERIC);
    expect((await invite('one.more@example.net')).status).toBe(303);
  });

  it('keeps Alice’s own account while she works from the mailbox', async () => {
    const { alice, cookie } = await aliceMember();
    await act(cookie, holder.id);
    const account = await (await h.get('/account', cookie)).text();
    expect(account).toContain(`<strong class="govuk-!-text-break-word">${ALICE}</strong>`);
    expect(account).not.toContain(`<strong class="govuk-!-text-break-word">${GENERIC}</strong>`);
    expect(actingLineOf(account)).toBe(GENERIC);
    // Her members page is her own mailbox's: not the shared one's.
    const membersPage = await (await h.get('/account/members', cookie)).text();
    expect(membersPage).toContain('Nobody else works from your mailbox.');
    expect(membersPage).not.toContain(ALICE.replace('@', '&#64;'));
    // "Sign out everywhere" while acting ends Alice's sessions, never the holder's.
    const before = holder.passwordHash;
    const out = await h.post('/sign-out-everywhere', cookie, {}, '/account');
    expect(out.status).toBe(303);
    expect(await h.app.storage.repos.sessions.listForAccount({ accountId: alice.id })).toHaveLength(
      0,
    );
    expect((await h.get('/inbox', holderCookie)).status).toBe(200);
    const stored = await h.app.storage.repos.accounts.findById({ id: holder.id });
    expect(stored?.passwordHash).toBe(before);
  });

  it('a member cannot invite to or remove from the shared mailbox', async () => {
    const { alice, cookie } = await aliceMember();
    const bob = await h.addPerson('bob@example.org');
    expect((await invite(bob.email)).status).toBe(303);
    await act(cookie, holder.id);
    // Removing Bob: he is not in Alice's own mailbox, so it is the one 404.
    const removed = await h.post(
      '/account/members/remove',
      cookie,
      { memberId: bob.id },
      '/account/members',
    );
    expect(removed.status).toBe(404);
    // Inviting: into her own mailbox, never the shared one.
    const carolInvite = await invite('carol@example.org', cookie);
    expect(carolInvite.status).toBe(303);
    const shared = await members();
    expect(shared.map((m) => m.memberId).sort()).toEqual([alice.id, bob.id].sort());
    expect((await members(alice.id)).length).toBe(1);
    // Nor can she remove the holder's members through their mailbox's id in the form:
    // the route takes no mailbox id at all.
    const sneaky = await h.post(
      '/account/members/remove',
      cookie,
      { memberId: bob.id, mailboxId: holder.id },
      '/account/members',
    );
    expect(sneaky.status).toBe(404);
    expect((await members()).length).toBe(2);
  });

  it('the holder removes Alice: her next request is her own inbox', async () => {
    const { alice, cookie } = await aliceMember();
    await h.send(GENERIC, 'Referral for Mrs Smith');
    await act(cookie, holder.id);
    expect(await (await h.get('/inbox', cookie)).text()).toContain('Referral for Mrs Smith');
    const removed = await h.post(
      '/account/members/remove',
      holderCookie,
      { memberId: alice.id },
      '/account/members',
    );
    expect(removed.status).toBe(303);
    expect((await h.lastAudit('mailbox.remove'))?.details).toMatchObject({ left: false });
    const next = await (await h.get('/inbox', cookie)).text();
    expect(next).not.toContain('Referral for Mrs Smith');
    expect(actingLineOf(next)).toBeNull();
    expect((await sessionOf(alice))?.actingMailboxId).toBeNull();
    // And she cannot pick it again.
    expect((await act(cookie, holder.id)).status).toBe(404);
  });

  it('Alice may leave, and decline an invitation', async () => {
    const { alice, cookie } = await aliceMember();
    await act(cookie, holder.id);
    const left = await h.post('/mailboxes/leave', cookie, { mailboxId: holder.id }, '/mailboxes');
    expect(left.headers.get('location')).toBe('/mailboxes?done=left');
    expect(await members()).toHaveLength(0);
    expect((await sessionOf(alice))?.actingMailboxId).toBeNull();
    expect((await h.lastAudit('mailbox.remove'))?.details).toMatchObject({ left: true });
    await invite(ALICE);
    const declined = await h.post(
      '/mailboxes/leave',
      cookie,
      { mailboxId: holder.id },
      '/mailboxes',
    );
    expect(declined.headers.get('location')).toBe('/mailboxes?done=declined');
    expect(await members()).toHaveLength(0);
  });

  it('Mallory gets the very 404 a missing id gets, and cannot use Alice’s invitation', async () => {
    const mallory = await h.addPerson('mallory@example.org');
    const malloryCookie = await h.signIn(mallory.email);
    await h.addPerson(ALICE);
    await invite(ALICE);
    const missing = await act(malloryCookie, h.app.ids.newId());
    const theirs = await act(malloryCookie, holder.id);
    expect(theirs.status).toBe(404);
    const missingPage = stable(await missing.text());
    expect(stable(await theirs.text())).toBe(missingPage);
    // The same page as a missing message.
    const missingMessage = await h.get(`/inbox/${h.app.ids.newId()}`, malloryCookie);
    expect(missingMessage.status).toBe(404);
    // Alice's invitation names Alice: accepting it as Mallory is the same 404.
    for (const path of ['/mailboxes/accept', '/mailboxes/leave']) {
      const res = await h.post(path, malloryCookie, { mailboxId: holder.id }, '/mailboxes');
      expect(res.status, path).toBe(404);
      expect(stable(await res.text()), path).toBe(missingPage);
    }
    const [membership] = await members();
    expect(membership?.acceptedAt).toBeNull();
    expect((await sessionOf(mallory))?.actingMailboxId).toBeNull();
    // Nor can Mallory remove Alice through the holder's page: it is Mallory's own mailbox.
    const alice = await h.app.storage.repos.accounts.findByEmailKey({ emailKey: ALICE });
    const remove = await h.post(
      '/account/members/remove',
      malloryCookie,
      { memberId: alice?.id ?? '' },
      '/account/members',
    );
    expect(remove.status).toBe(404);
    expect(await members()).toHaveLength(1);
    // Invited but not accepted: Alice cannot act for it yet either.
    const aliceCookie = await h.signIn(ALICE);
    expect((await act(aliceCookie, holder.id)).status).toBe(404);
    // Nor for her own id, as if it were a shared one.
    expect((await act(aliceCookie, alice?.id ?? '')).status).toBe(404);
  });

  it('refuses every new form without the CSRF token, or with another session’s', async () => {
    const { cookie } = await aliceMember();
    const otherToken = await h.tokenFrom('/mailboxes', holderCookie);
    const forms: Array<[string, Record<string, string>]> = [
      ['/account/members', { email: 'x@example.org' }],
      ['/account/members/remove', { memberId: 'x' }],
      ['/mailboxes/act', { mailboxId: holder.id }],
      ['/mailboxes/accept', { mailboxId: holder.id }],
      ['/mailboxes/leave', { mailboxId: holder.id }],
    ];
    for (const [path, fields] of forms) {
      for (const csrf of [null, otherToken]) {
        const res = await h.postForm(path, { cookie, csrf, fields: Object.entries(fields) });
        expect(res.status, `${path} ${csrf ? 'foreign' : 'none'}`).toBe(403);
      }
    }
    expect(await members()).toHaveLength(1);
    const alice = await h.app.storage.repos.accounts.findByEmailKey({ emailKey: ALICE });
    expect((await sessionOf(alice as Account))?.actingMailboxId).toBeNull();
  });

  it('words each problem, keeps what was typed, and invites nobody', async () => {
    const cases: Array<[string, string]> = [
      ['not an address', 'Enter an email address in the correct format'],
      [GENERIC, 'not your own'],
      [`someone@barnet.gov.uk`, 'Enter an address outside the council'],
    ];
    for (const [typed, words] of cases) {
      const res = await invite(typed);
      expect(res.status, typed).toBe(400);
      const html = await res.text();
      expect(html, typed).toContain(words);
      expect(html, typed).toContain('govuk-error-summary');
      expect(html, typed).toContain(`value="${typed}"`);
    }
    await invite(ALICE);
    const again = await invite(ALICE);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already invited');
    expect(await members()).toHaveLength(1);
  });

  it('with the council’s switch off, acting stops at the next request and the pages say so', async () => {
    const { alice, cookie } = await aliceMember();
    await h.send(GENERIC, 'Referral for Ms Lee');
    await act(cookie, holder.id);
    expect(await (await h.get('/inbox', cookie)).text()).toContain('Referral for Ms Lee');
    await h.app.settings.update({ sharedMailboxes: false });
    const inbox = await (await h.get('/inbox', cookie)).text();
    expect(inbox).not.toContain('Referral for Ms Lee');
    expect(actingLineOf(inbox)).toBeNull();
    expect((await sessionOf(alice))?.actingMailboxId).toBeNull();
    expect((await act(cookie, holder.id)).status).toBe(404);
    const list = await (await h.get('/mailboxes', cookie)).text();
    expect(list).toContain('Your council has switched shared mailboxes off.');
    expect(list).not.toContain('action="/mailboxes/act"');
    const holderPage = await (await h.get('/account/members', holderCookie)).text();
    expect(holderPage).toContain('Your council has switched shared mailboxes off');
    expect(holderPage).not.toContain('name="email"');
    expect(holderPage).not.toContain('action="/account/members/remove"');
    const refused = await h.postForm('/account/members', {
      cookie: holderCookie,
      csrf: await h.tokenFrom('/account', holderCookie),
      fields: [['email', 'bob@example.org']],
    });
    expect(refused.status).toBe(400);
    expect(await members()).toHaveLength(1);
  });
});
