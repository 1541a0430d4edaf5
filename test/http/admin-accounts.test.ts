import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AdminHarness, adminHarness } from './admin-support.ts';
import { sharedCipher } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const MINUTE = 60_000;

describe('admin accounts', () => {
  let h: AdminHarness;
  let cookie: string;
  let adminId: string;
  beforeEach(async () => {
    h = await adminHarness(keys.cipher());
    adminId = (await h.addStaff('ada', 'admin')).id;
    cookie = await h.signInAdmin('ada@barnet.gov.uk');
  });
  afterEach(() => h.close());

  const act = (id: string, action: string) =>
    h.post(`/admin/accounts/${id}/${action}`, { cookie, formPage: `/admin/accounts/${id}` });

  it('shows who has a second factor, and which: an app, passkeys, or none', async () => {
    const sid = await h.addStaff('sid', 'sender');
    await h.addStaff('pat', 'sender', { passkeyCount: 2, totpKeyEnc: new Uint8Array([1]) });
    const ann = await h.addAccount('ann@example.org', { passkeyCount: 1 });
    const list = await (await h.get('/admin/accounts', cookie)).text();
    expect(list).toContain('<th scope="col" class="govuk-table__header">Second factor</th>');
    const rowOf = (email: string) =>
      new RegExp(
        `<tr[^>]*>(?:(?!</tr>)[\\s\\S])*${email.replace('.', '\\.')}(?:(?!</tr>)[\\s\\S])*</tr>`,
      ).exec(list)?.[0] ?? '';
    expect(rowOf('sid@barnet.gov.uk')).toContain('>None<');
    expect(rowOf('pat@barnet.gov.uk')).toContain('Authenticator app, 2 passkeys');
    expect(rowOf('ann@example.org')).toContain('1 passkey');
    const detail = await (await h.get(`/admin/accounts/${sid.id}`, cookie)).text();
    expect(detail).toMatch(/Two-step verification<\/dt><dd[^>]*>None</);
    const annDetail = await (await h.get(`/admin/accounts/${ann.id}`, cookie)).text();
    expect(annDetail).toMatch(/Two-step verification<\/dt><dd[^>]*>1 passkey</);
  });

  it('finds accounts by address, type and role', async () => {
    await h.addStaff('sid', 'sender');
    await h.addStaff('audrey', 'auditor');
    await h.addAccount('ann.smith@example.org');
    const find = async (query: string) => (await h.get(`/admin/accounts${query}`, cookie)).text();
    const all = await find('');
    for (const email of ['sid@barnet.gov.uk', 'audrey@barnet.gov.uk', 'ann.smith@example.org']) {
      expect(all).toContain(email);
    }
    const bySmith = await find('?q=SMITH');
    expect(bySmith).toContain('ann.smith@example.org');
    expect(bySmith).not.toContain('sid@barnet.gov.uk');
    const auditors = await find('?role=auditor');
    expect(auditors).toContain('audrey@barnet.gov.uk');
    expect(auditors).not.toContain('sid@barnet.gov.uk');
    const external = await find('?kind=external');
    expect(external).toContain('ann.smith@example.org');
    expect(external).not.toContain('audrey@barnet.gov.uk');
    expect(await find('?q=nobody-here')).toContain('No accounts match.');
  });

  it('adds a staff member and queues their set-password email', async () => {
    const res = await h.post('/admin/accounts', {
      cookie,
      formPage: '/admin/accounts/new',
      fields: { name: 'Nia Newstarter', email: 'Nia.Newstarter@Barnet.gov.uk', role: 'auditor' },
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/admin\/accounts\/[^/?]+\?done=created$/);
    const account = await h.storage.repos.accounts.findByEmailKey({
      emailKey: 'nia.newstarter@barnet.gov.uk',
    });
    expect(account).toMatchObject({ kind: 'staff', role: 'auditor', passwordHash: null });
    const page = await (await h.get(location, cookie)).text();
    expect(page).toContain('We have emailed Nia.Newstarter@barnet.gov.uk a link to set a password');

    const mails = await h.outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: 'set-password', to: 'Nia.Newstarter@barnet.gov.uk' });
    const link = /https:\/\/messages\.example\.gov\.uk\/set-password\/\S+/.exec(
      mails[0]?.text ?? '',
    );
    expect(link).not.toBeNull();
    // The link is in the email only: never on the admin's page.
    expect(page).not.toContain('/set-password/');
    const [event] = await h.audit('account.create');
    expect(event).toMatchObject({ actorId: adminId, targetId: account?.id });
  });

  it('keeps what was typed when adding a staff member fails', async () => {
    await h.addStaff('sid', 'sender');
    const bad = await h.post('/admin/accounts', {
      cookie,
      formPage: '/admin/accounts/new',
      fields: { name: '', email: 'not an address', role: 'owner' },
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('Enter a name');
    expect(html).toContain('Enter an email address in the correct format');
    expect(html).toContain('Choose a role');
    expect(html).toContain('value="not an address"');
    const taken = await h.post('/admin/accounts', {
      cookie,
      formPage: '/admin/accounts/new',
      fields: { name: 'Sid Again', email: 'SID@barnet.gov.uk', role: 'sender' },
    });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain('An account with this email address already exists');
    expect(await h.outbox()).toEqual([]);
  });

  it('unlocks a locked account, clearing its counters, and records it', async () => {
    const locked = await h.addAccount('ann@example.org', {
      failedSignIns: 3,
      failureWindowStartedAt: h.clock.now(),
      lockedUntil: new Date(h.clock.now().getTime() + 30 * MINUTE),
    });
    const page = await (await h.get(`/admin/accounts/${locked.id}`, cookie)).text();
    expect(page).toContain('Locked until');
    expect(page).toContain(`action="/admin/accounts/${locked.id}/unlock"`);
    const res = await act(locked.id, 'unlock');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/accounts/${locked.id}?done=unlocked`);
    expect(await h.storage.repos.accounts.findById({ id: locked.id })).toMatchObject({
      failedSignIns: 0,
      lockedUntil: null,
    });
    const [event] = await h.audit('account.unlock');
    expect(event).toMatchObject({
      actorId: adminId,
      actorLabel: 'ada@barnet.gov.uk',
      targetId: locked.id,
      details: { via: 'admin', wasLocked: true },
    });
    // The person can sign in again at once.
    await h.signIn('ann@example.org');
    // A second unlock has nothing to do, and says so.
    const again = await act(locked.id, 'unlock');
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('Nothing needed changing.');
    expect(await h.audit('account.unlock')).toHaveLength(1);
  });

  it('disables an account (signing it out everywhere) and enables it again', async () => {
    const sid = await h.addStaff('sid', 'sender');
    const sidCookie = await h.signIn(sid.email);
    expect((await h.get('/staff/inbox', sidCookie)).status).toBe(200);

    const res = await act(sid.id, 'disable');
    expect(res.headers.get('location')).toBe(`/admin/accounts/${sid.id}?done=disabled`);
    expect((await h.storage.repos.accounts.findById({ id: sid.id }))?.status).toBe('disabled');
    expect((await h.get('/staff/inbox', sidCookie)).status).toBe(303);
    const [disabled] = await h.audit('account.disable');
    expect(disabled).toMatchObject({ actorId: adminId, targetId: sid.id });
    expect(disabled?.details.sessionsEnded).toBe(1);

    expect((await act(sid.id, 'enable')).headers.get('location')).toBe(
      `/admin/accounts/${sid.id}?done=enabled`,
    );
    expect((await h.storage.repos.accounts.findById({ id: sid.id }))?.status).toBe('active');
    expect(await h.audit('account.enable')).toHaveLength(1);
    await h.signIn(sid.email);
  });

  it('will not let an admin disable or delete their own account', async () => {
    const page = await (await h.get(`/admin/accounts/${adminId}`, cookie)).text();
    expect(page).toContain('This is your account');
    expect(page).not.toContain(`/admin/accounts/${adminId}/disable`);
    expect((await act(adminId, 'disable')).status).toBe(400);
    expect((await act(adminId, 'delete')).status).toBe(400);
    expect((await h.storage.repos.accounts.findById({ id: adminId }))?.status).toBe('active');
  });

  it('emails a reset link to the account’s own address, and records it', async () => {
    const ann = await h.addAccount('ann@example.org');
    const res = await act(ann.id, 'reset');
    expect(res.headers.get('location')).toBe(`/admin/accounts/${ann.id}?done=reset`);
    const [mail] = await h.outbox();
    expect(mail).toMatchObject({ kind: 'reset', to: 'ann@example.org' });
    expect(mail?.text).toMatch(/https:\/\/messages\.example\.gov\.uk\/reset\/\S+/);
    const [event] = await h.audit('account.reset-request');
    expect(event).toMatchObject({ actorId: adminId, targetId: ann.id, details: { via: 'admin' } });
  });

  it('deletes an account with no messages, keeping the audit trail', async () => {
    const nia = await h.addStaff('nia', 'sender');
    await h.signIn(nia.email);
    const confirm = await h.get(`/admin/accounts/${nia.id}/delete`, cookie);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('This cannot be undone');
    const res = await h.post(`/admin/accounts/${nia.id}/delete`, {
      cookie,
      formPage: `/admin/accounts/${nia.id}/delete`,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/accounts?done=deleted');
    expect(await h.storage.repos.accounts.findById({ id: nia.id })).toBeNull();
    // What the account did is still in the trail, by id and address.
    const signIns = await h.storage.repos.audit.list({
      filter: { actorId: nia.id, action: 'account.signin' },
      limit: 10,
    });
    expect(signIns).toHaveLength(1);
    expect(signIns[0]?.actorLabel).toBe(nia.email);
    const [deleted] = await h.audit('account.delete');
    expect(deleted).toMatchObject({ actorId: adminId, targetId: nia.id });
    expect(JSON.stringify(deleted)).not.toContain(nia.email);
    expect((await h.get(`/admin/accounts/${nia.id}`, cookie)).status).toBe(404);
  });

  it('refuses to delete an account with messages, and says to disable it instead', async () => {
    const sid = await h.addStaff('sid', 'sender');
    const ann = await h.addAccount('ann@example.org');
    const { messageId } = await h.send({ from: sid, to: [ann.email] });
    for (const account of [sid, ann]) {
      const page = await (await h.get(`/admin/accounts/${account.id}`, cookie)).text();
      expect(page).toContain('cannot be deleted because it has sent or received messages');
      expect(page).not.toContain(`href="/admin/accounts/${account.id}/delete"`);
      // The confirmation page is not offered either.
      expect((await h.get(`/admin/accounts/${account.id}/delete`, cookie)).status).toBe(303);
      const res = await act(account.id, 'delete');
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Disable it instead');
      expect(await h.storage.repos.accounts.findById({ id: account.id })).not.toBeNull();
    }
    expect(await h.storage.repos.messages.findById({ id: messageId })).not.toBeNull();
    expect(await h.audit('account.delete')).toEqual([]);
  });
});
