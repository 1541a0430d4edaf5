import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anonymousCsrfToken } from '../../adapters/http/middleware/csrf.ts';
import { makeOutboxMail } from '../factories.ts';
import { type AdminHarness, adminHarness, csrfOf } from './admin-support.ts';
import { sharedCipher, stable } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

/**
 * Who may reach what under /admin. Admins: everything. Auditors: the dashboard and the
 * audit log (and its CSV), read only. Senders and recipients: the 404 page, the same as
 * a page that does not exist. Signed out: a GET goes to sign in, a POST is refused.
 */
describe('admin area authorisation', () => {
  let h: AdminHarness;
  let ids: { account: string; mail: string };
  beforeEach(async () => {
    h = await adminHarness(keys.cipher());
    const target = await h.addStaff('tom', 'sender');
    const mail = makeOutboxMail({ status: 'failed', to: 'x@example.org', lastError: 'refused' });
    await h.storage.repos.outbox.insert({ mail });
    ids = { account: target.id, mail: mail.id };
  });
  afterEach(() => h.close());

  const getRoutes = () => [
    '/admin',
    '/admin/settings',
    '/admin/accounts',
    '/admin/accounts/new',
    `/admin/accounts/${ids.account}`,
    `/admin/accounts/${ids.account}/delete`,
    '/admin/mail',
    '/admin/keys',
    '/admin/audit',
    '/admin/audit.csv',
    '/admin/jobs',
  ];
  const auditorReads = new Set(['/admin', '/admin/audit', '/admin/audit.csv']);
  const postRoutes = () => [
    '/admin/settings',
    '/admin/accounts',
    `/admin/accounts/${ids.account}/unlock`,
    `/admin/accounts/${ids.account}/disable`,
    `/admin/accounts/${ids.account}/enable`,
    `/admin/accounts/${ids.account}/reset`,
    `/admin/accounts/${ids.account}/delete`,
    `/admin/mail/${ids.mail}/retry`,
    '/admin/keys/rotate',
  ];

  /** Nothing an admin action would change has changed. */
  const expectUnchanged = async () => {
    const account = await h.storage.repos.accounts.findById({ id: ids.account });
    expect(account?.status).toBe('active');
    expect((await h.storage.repos.outbox.findById({ id: ids.mail }))?.status).toBe('failed');
    expect(await h.outbox()).toEqual([]);
    expect(await h.sealpost.cipher.listKeys()).toHaveLength(1);
    const changes = (await h.audit()).filter((e) =>
      ['settings.change', 'key.rotate', 'mail.retry', 'account.create', 'account.disable'].includes(
        e.action,
      ),
    );
    expect(changes).toEqual([]);
  };

  it('sends signed-out people to sign in, and refuses their posts', async () => {
    for (const path of getRoutes()) {
      const res = await h.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
    for (const path of postRoutes()) {
      expect((await h.post(path, {})).status, path).toBe(403);
      const csrf = anonymousCsrfToken(h.sealpost.secrets, h.clock, path);
      const res = await h.post(path, { csrf, fields: { orgName: 'Hacked' } });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toMatch(/^\/sign-in\?next=/);
    }
    await expectUnchanged();
  });

  it('gives recipients and senders the 404 page on every admin route', async () => {
    await h.addAccount('ann@example.org');
    await h.addStaff('sid', 'sender');
    for (const [email, formPage] of [
      ['ann@example.org', '/inbox'],
      ['sid@barnet.gov.uk', '/staff/inbox'],
    ] as const) {
      const cookie = await h.signIn(email);
      const missing = stable(await (await h.get('/admin/no-such-page', cookie)).text());
      expect(missing).toContain('Page not found');
      for (const path of getRoutes()) {
        const res = await h.get(path, cookie);
        expect(res.status, `${email} ${path}`).toBe(404);
        expect(stable(await res.text()), path).toBe(missing);
      }
      for (const path of postRoutes()) {
        const res = await h.post(path, { cookie, formPage, fields: {} });
        expect(res.status, `${email} ${path}`).toBe(404);
      }
    }
    await expectUnchanged();
  });

  it('lets auditors read the dashboard and audit log, and nothing else', async () => {
    await h.addStaff('audrey', 'auditor');
    const cookie = await h.signIn('audrey@barnet.gov.uk');
    const missing = stable(await (await h.get('/admin/no-such-page', cookie)).text());
    for (const path of getRoutes()) {
      const res = await h.get(path, cookie);
      if (auditorReads.has(path)) {
        expect(res.status, path).toBe(200);
      } else {
        expect(res.status, path).toBe(404);
        expect(stable(await res.text()), path).toBe(missing);
      }
    }
    // The menu shows only what they may read.
    const dashboard = await (await h.get('/admin', cookie)).text();
    expect(dashboard).toContain('href="/admin/audit"');
    expect(dashboard).not.toContain('href="/admin/settings"');
    const csrf = csrfOf(dashboard) ?? '';
    for (const path of postRoutes()) {
      const res = await h.post(path, { cookie, csrf, fields: { orgName: 'Audited' } });
      expect(res.status, path).toBe(404);
    }
    await expectUnchanged();
  });

  it('lets admins (after two-step verification) reach every page', async () => {
    await h.addStaff('ada', 'admin');
    const halfway = await h.signIn('ada@barnet.gov.uk');
    // Without a second factor, an admin is sent to set one up first.
    const gated = await h.get('/admin', halfway);
    expect(gated.status).toBe(303);
    expect(gated.headers.get('location')).toBe('/staff/two-factor');

    const cookie = await h.signInAdmin('ada@barnet.gov.uk');
    for (const path of getRoutes()) {
      const res = await h.get(path, cookie);
      expect(res.status, path).toBe(200);
      if (path.endsWith('.csv')) expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      else expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});
