import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailboxDepsFrom } from '../../adapters/http/areas/mailbox-deps.ts';
import type { Account } from '../../core/accounts/model.ts';
import { trackMessage } from '../../core/messages/tracking.ts';
import { type AdminHarness, adminHarness, COUNCIL_DOMAIN, csrfOf } from './admin-support.ts';
import { sharedCipher, stable } from './mailbox-support.ts';
import { hiddenFields } from './staff-support.ts';

// Team mailboxes, staff side (docs/decisions/0028): an admin creates housing@ and puts
// Alice on it; Alice works from it, each action audited with her name; Bob, not on the
// team, gets nothing but the 404 a missing id gets; taken off, Alice is back in her own
// mailbox at her next click; the team mailbox never gets a password.

const keys = sharedCipher();
afterAll(() => keys.close());

const TEAM = `housing@${COUNCIL_DOMAIN}`;

describe('team mailboxes (staff side)', () => {
  let h: AdminHarness;
  let adminCookie: string;
  let alice: Account;
  let bob: Account;
  let ann: Account;
  beforeEach(async () => {
    h = await adminHarness(keys.cipher());
    await h.addStaff('ada', 'admin');
    alice = await h.addStaff('alice', 'sender', { displayName: 'Alice Smith' });
    bob = await h.addStaff('bob', 'sender', { displayName: 'Bob Jones' });
    ann = await h.addAccount('ann@example.org', { displayName: 'Ann Resident' });
    adminCookie = await h.signInAdmin(`ada@${COUNCIL_DOMAIN}`);
  });
  afterEach(() => h.close());

  const team = async () => {
    const found = await h.storage.repos.accounts.findByEmailKey({ emailKey: TEAM });
    if (!found) throw new Error('no team');
    return found;
  };

  /** Admin creates housing@ and assigns Alice; returns the team account. */
  const createAndAssign = async () => {
    const created = await h.post('/admin/teams', {
      cookie: adminCookie,
      formPage: '/admin/teams',
      fields: { email: TEAM, name: 'Housing team' },
    });
    expect(created.status).toBe(303);
    const housing = await team();
    const assigned = await h.post(`/admin/teams/${housing.id}/members`, {
      cookie: adminCookie,
      formPage: '/admin/teams',
      fields: { email: alice.email },
    });
    expect(assigned.status).toBe(303);
    expect(
      await (await h.get(assigned.headers.get('location') ?? '', adminCookie)).text(),
    ).toContain(`Alice Smith now works from ${TEAM}`);
    return housing;
  };

  /** Signs `who` in and makes their session work from the team. */
  const actFor = async (who: Account, teamId: string) => {
    const cookie = await h.signIn(who.email);
    const res = await h.post('/staff/mailboxes/act', {
      cookie,
      formPage: '/staff/mailboxes',
      fields: { mailboxId: teamId },
    });
    return { cookie, res };
  };

  it('lets an admin create a team mailbox, keeping what was typed and wording each problem', async () => {
    const bad = await h.post('/admin/teams', {
      cookie: adminCookie,
      formPage: '/admin/teams',
      fields: { email: 'housing@elsewhere.example', name: '<b>Housing</b>' },
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('There is a problem');
    expect(html).toContain('Enter an address at one of the council’s own domains');
    expect(html).toContain('Enter a name of up to 100 characters, without &lt; or &gt;');
    expect(html).toContain('value="housing@elsewhere.example"');
    expect(html).toContain('value="&lt;b&gt;Housing&lt;/b&gt;"');
    expect(html).toContain('href="#email"');

    const housing = await createAndAssign();
    expect(housing).toMatchObject({ sharedMailbox: true, passwordHash: null, kind: 'staff' });
    const taken = await h.post('/admin/teams', {
      cookie: adminCookie,
      formPage: '/admin/teams',
      fields: { email: TEAM.toUpperCase(), name: 'Again' },
    });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain('An account with this email address already exists');

    const list = await (await h.get('/admin/teams', adminCookie)).text();
    expect(list).toContain(TEAM);
    expect(list).toContain('Alice Smith (alice@barnet.gov.uk)');
    // An auditor, a recipient and an unknown address cannot be put on a team.
    await h.addStaff('audrey', 'auditor');
    for (const email of [`audrey@${COUNCIL_DOMAIN}`, ann.email, `nobody@${COUNCIL_DOMAIN}`]) {
      const refused = await h.post(`/admin/teams/${housing.id}/members`, {
        cookie: adminCookie,
        formPage: '/admin/teams',
        fields: { email },
      });
      expect(refused.status, email).toBe(400);
      const page = await refused.text();
      expect(page).toContain('auditors cannot work from a team mailbox');
      expect(page).toContain(`value="${email}"`);
      expect(page).toContain(`href="#member-${housing.id}"`);
    }
    const again = await h.post(`/admin/teams/${housing.id}/members`, {
      cookie: adminCookie,
      formPage: '/admin/teams',
      fields: { email: alice.email },
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('They already work from this team mailbox');
    // An id that names no team: the 404 of a missing page.
    const notATeam = await h.post(`/admin/teams/${bob.id}/members`, {
      cookie: adminCookie,
      formPage: '/admin/teams',
      fields: { email: alice.email },
    });
    expect(notATeam.status).toBe(404);
    const [created] = await h.audit('mailbox.create');
    expect(created?.details).toMatchObject({ mailbox: TEAM });
    expect(await h.audit('mailbox.assign')).toHaveLength(1);
  });

  it('keeps the admin team pages from everyone but admins, and every POST needs the token', async () => {
    const housing = await createAndAssign();
    await h.addStaff('audrey', 'auditor');
    const missing = stable(
      await (await h.get('/admin/no-such-page', await h.signIn(bob.email))).text(),
    );
    for (const email of [bob.email, `audrey@${COUNCIL_DOMAIN}`, ann.email]) {
      const cookie = await h.signIn(email);
      const page = await h.get('/admin/teams', cookie);
      expect(page.status, email).toBe(404);
      expect(stable(await page.text())).toBe(missing);
      const home = email === ann.email ? '/inbox' : '/staff/inbox';
      const csrf = csrfOf(await (await h.get(home, cookie)).text()) ?? '';
      for (const [path, fields] of [
        ['/admin/teams', { email: `x@${COUNCIL_DOMAIN}`, name: 'X' }],
        [`/admin/teams/${housing.id}/members`, { email: bob.email }],
        [`/admin/teams/${housing.id}/members/${alice.id}/remove`, {}],
      ] as const) {
        const res = await h.post(path, { cookie, csrf, fields });
        expect(res.status, `${email} ${path}`).toBe(404);
      }
    }
    // The admin without the token: refused, nothing changed.
    for (const path of [
      '/admin/teams',
      `/admin/teams/${housing.id}/members`,
      `/admin/teams/${housing.id}/members/${alice.id}/remove`,
    ]) {
      const res = await h.post(path, {
        cookie: adminCookie,
        fields: { email: bob.email, name: 'Forged' },
      });
      expect(res.status, path).toBe(403);
    }
    const cookie = await h.signIn(alice.email);
    const noToken = await h.post('/staff/mailboxes/act', {
      cookie,
      fields: { mailboxId: housing.id },
    });
    expect(noToken.status).toBe(403);
    expect((await h.storage.repos.accounts.listSharedMailboxes()).length).toBe(1);
    expect(
      await h.storage.repos.mailboxMembers.listForMailbox({ mailboxId: housing.id }),
    ).toHaveLength(1);
    const inbox = await (await h.get('/staff/inbox', cookie)).text();
    expect(inbox).not.toContain('You are working in');
  });

  it('lets Alice work from the team: opens and replies as herself, sent from the team', async () => {
    const housing = await createAndAssign();
    const sent = await h.send({ from: ann, to: [TEAM], subject: 'Damp in my flat' });
    const deliveryId = sent.deliveryIds[0] as string;

    const own = await h.signIn(alice.email);
    const switcher = await (await h.get('/staff/mailboxes', own)).text();
    expect(switcher).toContain(TEAM);
    expect(switcher).toContain('Work from this mailbox');
    // The menu offers the switcher to team members only.
    expect(switcher).toContain('>Team mailboxes<');
    const bobCookie = await h.signIn(bob.email);
    expect(await (await h.get('/staff/inbox', bobCookie)).text()).not.toContain('Team mailboxes');

    const { cookie, res } = await actFor(alice, housing.id);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/inbox');
    const inbox = await (await h.get('/staff/inbox', cookie)).text();
    expect(inbox).toContain(`You are working in ${TEAM}.`);
    expect(inbox).toContain('Damp in my flat');
    // Every staff page says so, the personal ones too.
    expect(await (await h.get('/staff/two-factor', cookie)).text()).toContain(
      `You are working in ${TEAM}.`,
    );

    const message = await h.get(`/staff/inbox/${deliveryId}`, cookie);
    expect(message.status).toBe(200);
    const page = await message.text();
    expect(page).toContain('Opened by Alice Smith at');
    const [opened] = await h.audit('message.open');
    expect(opened).toMatchObject({
      actorId: alice.id,
      actorLabel: alice.email,
      targetId: deliveryId,
      details: { mailboxId: housing.id, mailbox: TEAM },
    });

    // Reply: the form, the preview, then the plain Send form.
    const form = await h.get(`/staff/compose?replyTo=${deliveryId}`, cookie);
    expect(form.status).toBe(200);
    const preview = await h.post('/staff/compose', {
      cookie,
      csrf: csrfOf(await form.text()) ?? '',
      fields: {
        to: ann.email,
        cc: '',
        subject: 'Re: Damp in my flat',
        body: 'We will visit on Monday.',
        replyTo: deliveryId,
        accessDays: '',
        'accessDate-day': '',
        'accessDate-month': '',
        'accessDate-year': '',
        classification: '',
      },
    });
    expect(preview.status).toBe(200);
    const previewHtml = await preview.text();
    const send = await h.post('/staff/compose/send', {
      cookie,
      csrf: csrfOf(previewHtml) ?? '',
      fields: Object.fromEntries(hiddenFields(previewHtml).filter(([n]) => n !== '_csrf')),
    });
    expect(send.status).toBe(303);
    const replyId = decodeURIComponent(send.headers.get('location')?.split('/').at(-1) ?? '');
    const reply = await h.storage.repos.messages.findById({ id: replyId });
    expect(reply?.senderId).toBe(housing.id);
    expect(reply?.inReplyToId).toBe(sent.messageId);
    const [replied] = await h.audit('message.reply');
    expect(replied).toMatchObject({
      actorId: alice.id,
      targetId: sent.messageId,
      details: { mailboxId: housing.id, mailbox: TEAM, replyId },
    });
    const [sendEvent] = (await h.audit('message.send')).filter((e) => e.targetId === replyId);
    expect(sendEvent).toMatchObject({ actorId: alice.id, details: { mailbox: TEAM } });
    // Ann's tracking of what she sent counts the team's answer as the team's reply.
    const tracked = await trackMessage(mailboxDepsFrom(h.sealpost), {
      messageId: sent.messageId,
      viewer: ann,
      canSeeAll: false,
    });
    expect(tracked?.recipients.find((r) => r.email === TEAM)?.replies).toEqual([
      { messageId: replyId, at: expect.any(Date) },
    ]);

    const after = await (await h.get(`/staff/inbox/${deliveryId}`, cookie)).text();
    expect(after).toContain('Replied by Alice Smith at');
    // The list says who opened it first.
    expect(await (await h.get('/staff/inbox', cookie)).text()).toContain('Opened by Alice Smith');
    // Her own mailbox does not have the team's message.
    const back = await h.post('/staff/mailboxes/act', {
      cookie,
      formPage: '/staff/mailboxes',
      fields: { mailboxId: alice.id },
    });
    expect(back.status).toBe(303);
    const ownInbox = await (await h.get('/staff/inbox', cookie)).text();
    expect(ownInbox).not.toContain('You are working in');
    expect(ownInbox).not.toContain('Damp in my flat');
    expect((await h.get(`/staff/inbox/${deliveryId}`, cookie)).status).toBe(404);
  });

  it('gives Bob, not on the team, the 404 a missing id gets, and nothing of the team', async () => {
    const housing = await createAndAssign();
    const sent = await h.send({ from: ann, to: [TEAM], subject: 'Private to housing' });
    const deliveryId = sent.deliveryIds[0] as string;
    const cookie = await h.signIn(bob.email);
    const csrf = csrfOf(await (await h.get('/staff/mailboxes', cookie)).text()) ?? '';
    const act = (mailboxId: string) =>
      h.post('/staff/mailboxes/act', { cookie, csrf, fields: { mailboxId } });
    const theirs = await act(housing.id);
    const missing = await act('no-such-mailbox-id');
    expect(theirs.status).toBe(404);
    expect(stable(await theirs.text())).toBe(stable(await missing.text()));
    // Another person's own mailbox is not a team either.
    expect((await act(alice.id)).status).toBe(404);
    const session = (await h.storage.repos.sessions.listForAccount({ accountId: bob.id }))[0];
    expect(session?.actingMailboxId ?? null).toBeNull();
    const open = await h.get(`/staff/inbox/${deliveryId}`, cookie);
    const none = await h.get('/staff/inbox/no-such-delivery', cookie);
    expect(open.status).toBe(404);
    expect(stable(await open.text())).toBe(stable(await none.text()));
    expect(await (await h.get('/staff/inbox', cookie)).text()).not.toContain('Private to housing');
    expect(await h.audit('message.open')).toEqual([]);
  });

  it('puts Alice back in her own mailbox at her next request once she is taken off', async () => {
    const housing = await createAndAssign();
    await h.send({ from: ann, to: [TEAM], subject: 'For the team' });
    const { cookie } = await actFor(alice, housing.id);
    expect(await (await h.get('/staff/inbox', cookie)).text()).toContain('For the team');
    const removed = await h.post(`/admin/teams/${housing.id}/members/${alice.id}/remove`, {
      cookie: adminCookie,
      formPage: '/admin/teams',
    });
    expect(removed.status).toBe(303);
    const [event] = await h.audit('mailbox.unassign');
    expect(event).toMatchObject({ targetId: alice.id, details: { mailbox: TEAM } });
    const next = await (await h.get('/staff/inbox', cookie)).text();
    expect(next).not.toContain('For the team');
    expect(next).not.toContain('You are working in');
    const session = (await h.storage.repos.sessions.listForAccount({ accountId: alice.id }))[0];
    expect(session?.actingMailboxId ?? null).toBeNull();
    // Taking her off again names nobody on the team: 404.
    const again = await h.post(`/admin/teams/${housing.id}/members/${alice.id}/remove`, {
      cookie: adminCookie,
      formPage: '/admin/teams',
    });
    expect(again.status).toBe(404);
  });

  it('checks the person, not the team, for a second factor and for the right to send', async () => {
    const housing = await createAndAssign();
    // An admin without a second factor, on the team: the gate still sends them to set one
    // up, even on the team's pages (where `account` is the team, a sender without one).
    const newAdmin = await h.addStaff('nadia', 'admin');
    await h.storage.repos.mailboxMembers.insert({
      member: {
        mailboxId: housing.id,
        memberId: newAdmin.id,
        addedById: newAdmin.id,
        createdAt: h.clock.now(),
        acceptedAt: h.clock.now(),
      },
    });
    const adminCookie2 = await h.signIn(newAdmin.email);
    const [adminSession] = await h.storage.repos.sessions.listForAccount({
      accountId: newAdmin.id,
    });
    await h.storage.repos.sessions.setActingMailbox({
      id: adminSession?.id ?? '',
      mailboxId: housing.id,
    });
    const gated = await h.get('/staff/inbox', adminCookie2);
    expect(gated.status).toBe(303);
    expect(gated.headers.get('location')).toBe('/staff/two-factor');
    // An auditor made a member behind the admin's back (assigning refuses them) cannot
    // work from the team: every team page is the 404, nothing is opened as the team.
    const audrey = await h.addStaff('audrey', 'auditor');
    await h.storage.repos.mailboxMembers.insert({
      member: {
        mailboxId: housing.id,
        memberId: audrey.id,
        addedById: audrey.id,
        createdAt: h.clock.now(),
        acceptedAt: h.clock.now(),
      },
    });
    const sent = await h.send({ from: ann, to: [TEAM], subject: 'Not for auditors' });
    const audreyCookie = await h.signIn(audrey.email);
    const [session] = await h.storage.repos.sessions.listForAccount({ accountId: audrey.id });
    await h.storage.repos.sessions.setActingMailbox({
      id: session?.id ?? '',
      mailboxId: housing.id,
    });
    for (const path of ['/staff/inbox', `/staff/inbox/${sent.deliveryIds[0]}`, '/staff/compose']) {
      expect((await h.get(path, audreyCookie)).status, path).toBe(404);
    }
    expect((await h.get('/staff/mailboxes', audreyCookie)).status).toBe(404);
    expect(await h.audit('message.open')).toEqual([]);
  });

  it('never gives the team mailbox a password: no reset, from the public page or an admin', async () => {
    const housing = await createAndAssign();
    const reset = await h.post('/reset', { formPage: '/reset', fields: { email: TEAM } });
    expect(reset.status).toBe(200);
    const page = await (await h.get(`/admin/accounts/${housing.id}`, adminCookie)).text();
    expect(page).toContain('Team mailbox');
    expect(page).not.toContain(`/admin/accounts/${housing.id}/reset`);
    const forced = await h.post(`/admin/accounts/${housing.id}/reset`, {
      cookie: adminCookie,
      formPage: `/admin/accounts/${housing.id}`,
    });
    expect(forced.status).toBe(400);
    expect(await forced.text()).toContain('It has no password and never gets one');
    expect((await h.outbox()).filter((m) => m.to.toLowerCase() === TEAM)).toEqual([]);
    expect(await h.audit('account.reset-request')).toEqual([]);
    // Nor can anyone sign in as it.
    const signIn = await h.post('/sign-in', {
      formPage: '/sign-in',
      fields: { email: TEAM, password: '' },
    });
    expect(signIn.status).toBe(400);
  });

  it('delivers mail to the team address into the team inbox: a resident’s reply and a colleague’s message', async () => {
    const housing = await createAndAssign();
    // The team writes to Ann; Ann answers through the portal; the answer lands with the team.
    const { cookie } = await actFor(alice, housing.id);
    const form = await h.get('/staff/compose', cookie);
    const preview = await h.post('/staff/compose', {
      cookie,
      csrf: csrfOf(await form.text()) ?? '',
      fields: {
        to: ann.email,
        cc: '',
        subject: 'Your repair',
        body: 'When can we visit?',
        accessDays: '',
        'accessDate-day': '',
        'accessDate-month': '',
        'accessDate-year': '',
        classification: '',
      },
    });
    const previewHtml = await preview.text();
    const send = await h.post('/staff/compose/send', {
      cookie,
      csrf: csrfOf(previewHtml) ?? '',
      fields: Object.fromEntries(hiddenFields(previewHtml).filter(([n]) => n !== '_csrf')),
    });
    expect(send.status).toBe(303);
    const messageId = decodeURIComponent(send.headers.get('location')?.split('/').at(-1) ?? '');
    expect((await h.storage.repos.messages.findById({ id: messageId }))?.senderId).toBe(housing.id);
    const [annCopy] = await h.storage.repos.deliveries.listForMessage({ messageId });
    const annCookie = await h.signIn(ann.email);
    const replyForm = await (await h.get(`/inbox/${annCopy?.id}/reply`, annCookie)).text();
    expect(replyForm).toContain(TEAM);
    const answered = await h.post(`/inbox/${annCopy?.id}/reply`, {
      cookie: annCookie,
      csrf: csrfOf(replyForm) ?? '',
      fields: { subject: 'Re: Your repair', body: 'Tuesday is fine.' },
    });
    expect(answered.status).toBe(303);
    const teamInbox = await (await h.get('/staff/inbox', cookie)).text();
    expect(teamInbox).toContain('Re: Your repair');

    // Bob, a colleague, writes to housing@ from his own web compose.
    const bobCookie = await h.signIn(bob.email);
    const bobForm = await h.get('/staff/compose', bobCookie);
    const bobPreview = await (
      await h.post('/staff/compose', {
        cookie: bobCookie,
        csrf: csrfOf(await bobForm.text()) ?? '',
        fields: {
          to: TEAM,
          cc: '',
          subject: 'Handover for housing',
          body: 'Notes attached later.',
          accessDays: '',
          'accessDate-day': '',
          'accessDate-month': '',
          'accessDate-year': '',
          classification: '',
        },
      })
    ).text();
    const bobSend = await h.post('/staff/compose/send', {
      cookie: bobCookie,
      csrf: csrfOf(bobPreview) ?? '',
      fields: Object.fromEntries(hiddenFields(bobPreview).filter(([n]) => n !== '_csrf')),
    });
    expect(bobSend.status).toBe(303);
    const bobMessage = decodeURIComponent(bobSend.headers.get('location')?.split('/').at(-1) ?? '');
    const [toTeam] = await h.storage.repos.deliveries.listForMessage({ messageId: bobMessage });
    expect(toTeam?.recipientId).toBe(housing.id);
    expect(await (await h.get('/staff/inbox', cookie)).text()).toContain('Handover for housing');
    expect(await (await h.get('/staff/inbox', bobCookie)).text()).not.toContain(
      'Handover for housing',
    );
  });
});
