import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { type AdminHarness, adminHarness } from './admin-support.ts';
import { csrfOf, sharedCipher } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

describe('an admin resets a lost second factor', () => {
  let h: AdminHarness;
  let cookie: string;
  let ada: Account;
  beforeEach(async () => {
    h = await adminHarness(keys.cipher());
    ada = await h.addStaff('ada', 'admin');
    cookie = await h.signInAdmin('ada@barnet.gov.uk');
  });
  afterEach(() => h.close());

  /** A sender signed in (so with a session), then given an app and two passkeys. */
  const senderWithFactors = async () => {
    const sid = await h.addStaff('sid', 'sender');
    const sidCookie = await h.signIn('sid@barnet.gov.uk');
    const now = h.clock.now();
    for (const n of [1, 2]) {
      await h.storage.repos.passkeys.insert({
        passkey: {
          id: `pk-${n}`,
          accountId: sid.id,
          credentialId: `cred-${n}`,
          publicKey: new Uint8Array([n]),
          counter: 0,
          transports: ['internal'],
          deviceType: 'singleDevice',
          backedUp: false,
          name: `Key ${n}`,
          createdAt: now,
          lastUsedAt: null,
        },
      });
    }
    const withFactors: Account = {
      ...sid,
      totpKeyEnc: new Uint8Array([7, 7, 7]),
      recoveryCodeHashes: ['a', 'b'],
      passkeyCount: 2,
    };
    await h.storage.repos.accounts.update({ account: withFactors });
    return { sid: withFactors, sidCookie };
  };

  const reset = (id: string, as: string, fields: Record<string, string> = { confirm: 'yes' }) =>
    h.post(`/admin/accounts/${id}/reset-second-factor`, {
      cookie: as,
      formPage: `/admin/accounts/${ada.id}`,
      fields,
    });

  it("clears a sender's app and passkeys, signs them out, audits it and emails them", async () => {
    const { sid, sidCookie } = await senderWithFactors();
    expect((await h.get('/staff/inbox', sidCookie)).status).toBe(200);
    const page = await (await h.get(`/admin/accounts/${sid.id}`, cookie)).text();
    expect(page).toContain(`action="/admin/accounts/${sid.id}/reset-second-factor"`);
    expect(page).toContain('Reset second factor');

    const res = await reset(sid.id, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/accounts/${sid.id}?done=second-factor-reset`);

    const after = await h.storage.repos.accounts.findById({ id: sid.id });
    expect(after).toMatchObject({ totpKeyEnc: null, recoveryCodeHashes: [], passkeyCount: 0 });
    expect(await h.storage.repos.passkeys.listForAccount({ accountId: sid.id })).toEqual([]);
    expect(await h.storage.repos.sessions.listForAccount({ accountId: sid.id })).toEqual([]);
    expect((await h.get('/staff/inbox', sidCookie)).status).toBe(303);

    const [event] = await h.audit('account.second-factor-reset');
    expect(event).toMatchObject({ actorId: ada.id, targetId: sid.id });
    expect(event?.details).toMatchObject({ app: true, passkeys: 2, sessionsEnded: 1 });
    const notices = (await h.outbox()).filter(
      (m) => m.kind === 'second-factor' && m.to === 'sid@barnet.gov.uk',
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('reset by an administrator');

    const done = await (
      await h.get(`/admin/accounts/${sid.id}?done=second-factor-reset`, cookie)
    ).text();
    expect(done).toContain('Second factor reset.');
    // Nothing left to reset: the form is gone.
    expect(done).not.toContain('reset-second-factor');
  });

  it('asks for the confirmation box first, and changes nothing without it', async () => {
    const { sid } = await senderWithFactors();
    const res = await reset(sid.id, cookie, {});
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('href="#confirm"');
    expect(html).toContain('Confirm you have checked the request comes from this person');
    expect(await h.storage.repos.accounts.findById({ id: sid.id })).toMatchObject({
      passkeyCount: 2,
    });
    expect(await h.audit('account.second-factor-reset')).toHaveLength(0);
  });

  it('is refused to an auditor and a sender', async () => {
    const { sid } = await senderWithFactors();
    await h.addStaff('audrey', 'auditor');
    const audrey = await h.signIn('audrey@barnet.gov.uk');
    await h.addStaff('sam', 'sender');
    const sam = await h.signIn('sam@barnet.gov.uk');
    // Each with a genuine CSRF token of their own, so only the role can refuse them.
    for (const [as, formPage] of [
      [audrey, '/admin/audit'],
      [sam, '/staff/inbox'],
    ] as const) {
      const csrf = csrfOf(await (await h.get(formPage, as)).text());
      expect(csrf).toBeTruthy();
      const res = await h.post(`/admin/accounts/${sid.id}/reset-second-factor`, {
        cookie: as,
        csrf: csrf ?? '',
        fields: { confirm: 'yes' },
      });
      expect([403, 404]).toContain(res.status);
    }
    expect(await h.storage.repos.accounts.findById({ id: sid.id })).toMatchObject({
      passkeyCount: 2,
    });
    expect(await h.audit('account.second-factor-reset')).toHaveLength(0);
  });

  it("is refused for the admin's own account: another admin must", async () => {
    const own = await (await h.get(`/admin/accounts/${ada.id}`, cookie)).text();
    expect(own).not.toContain('reset-second-factor');
    expect(own).toContain('Another administrator must reset your second factor');
    const res = await reset(ada.id, cookie);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('You cannot reset your own second factor');
    const still = await h.storage.repos.accounts.findById({ id: ada.id });
    expect(still?.totpKeyEnc).not.toBeNull();
    expect(await h.audit('account.second-factor-reset')).toHaveLength(0);
  });

  it('has nothing to reset on an account without a factor', async () => {
    const ann = await h.addAccount('ann@example.org');
    const page = await (await h.get(`/admin/accounts/${ann.id}`, cookie)).text();
    expect(page).not.toContain('reset-second-factor');
    const res = await reset(ann.id, cookie);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This account has no second factor to reset.');
  });
});
