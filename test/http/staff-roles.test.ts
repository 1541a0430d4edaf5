import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anonymousCsrfToken } from '../../adapters/http/middleware/csrf.ts';
import { requestExtension } from '../../core/access/requests.ts';
import {
  csrfOf,
  type MailboxHarness,
  mailboxHarness,
  sharedCipher,
  stable,
} from './mailbox-support.ts';
import { staffHelpers } from './staff-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const DAY = 86_400_000;

/**
 * Who may reach what in the staff area. One answer for every refusal to someone signed
 * in: the 404 page, the same as for an id that does not exist (so nothing can be probed).
 * Signed out: a GET goes to sign in; a POST without a token is refused by CSRF (403).
 */
describe('staff area authorisation', () => {
  let h: MailboxHarness;
  let s: ReturnType<typeof staffHelpers>;
  let ids: { messageId: string; deliveryId: string; attachmentId: string; requestId: string };
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    s = staffHelpers(h);
    const ann = await h.addAccount('ann@example.org');
    const sent = await h.send({
      to: [ann.email],
      files: [{ name: 'a.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('a') }],
    });
    const [attachment] = await h.storage.repos.attachments.listForMessage({
      messageId: sent.messageId,
    });
    const deliveryId = sent.deliveries[ann.email] as string;
    h.clock.advance(46 * DAY);
    const asked = await requestExtension(
      { ...h.deps, orgName: 'Barnet Council' },
      { account: ann, deliveryId, ip: null },
    );
    if (!asked.ok) throw new Error('no request');
    h.clock.advance(-46 * DAY + DAY);
    ids = {
      messageId: sent.messageId,
      deliveryId,
      attachmentId: attachment?.id ?? '',
      requestId: asked.request.id,
    };
  });
  afterEach(() => h.close());

  const getRoutes = () => [
    '/staff',
    '/staff/inbox',
    `/staff/inbox/${ids.deliveryId}`,
    `/staff/inbox/${ids.deliveryId}/attachments/${ids.attachmentId}`,
    '/staff/compose',
    `/staff/compose/sent/${ids.messageId}`,
    '/staff/sent',
    `/staff/sent/${ids.messageId}`,
    '/staff/requests',
    `/staff/requests/${ids.requestId}`,
    '/staff/two-factor',
  ];
  const postRoutes = () => [
    '/staff/compose',
    '/staff/compose/edit',
    '/staff/compose/send',
    `/staff/sent/${ids.messageId}/revoke`,
    `/staff/sent/${ids.messageId}/restore`,
    `/staff/sent/${ids.messageId}/access-end`,
    `/staff/requests/${ids.requestId}`,
    '/staff/two-factor',
  ];

  it('sends signed-out people to sign in, and refuses their posts', async () => {
    for (const path of getRoutes()) {
      const res = await h.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
    for (const path of postRoutes()) {
      expect((await h.post(path, { fields: { decision: 'grant' } })).status, path).toBe(403);
      // Even with a signed-out token for the path, nothing happens: off to sign in.
      const csrf = anonymousCsrfToken(h.deps.secrets, h.clock, path);
      const res = await h.post(path, { csrf, fields: { decision: 'grant' } });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toMatch(/^\/sign-in\?next=/);
    }
    expect((await h.get('/staff/sign-in')).headers.get('location')).toBe('/sign-in?next=%2Fstaff');
    await expectUnchanged();
  });

  it('gives recipients (external accounts) the 404 page on every staff route', async () => {
    const cookie = await h.signIn('ann@example.org');
    const missing = stable(await (await h.get('/staff/sent/no-such-message', cookie)).text());
    for (const path of getRoutes()) {
      const res = await h.get(path, cookie);
      expect(res.status, path).toBe(404);
      expect(stable(await res.text()), path).toBe(missing);
    }
    for (const path of postRoutes()) {
      const res = await h.post(path, { cookie, formPage: '/inbox', fields: { decision: 'grant' } });
      expect(res.status, path).toBe(404);
    }
    await expectUnchanged();
  });

  it("answers another sender's message exactly as a missing one", async () => {
    const other = await s.addStaff('otto', 'sender');
    const { cookie } = await s.passwordStep(other.email);
    const missing = stable(await (await h.get('/staff/sent/no-such-message', cookie)).text());
    for (const path of [
      `/staff/inbox/${ids.deliveryId}`,
      `/staff/inbox/${ids.deliveryId}/attachments/${ids.attachmentId}`,
      `/staff/compose/sent/${ids.messageId}`,
      `/staff/sent/${ids.messageId}`,
      `/staff/requests/${ids.requestId}`,
    ]) {
      const res = await h.get(path, cookie);
      expect(res.status, path).toBe(404);
      expect(stable(await res.text()), path).toBe(missing);
    }
    for (const path of postRoutes().filter(
      (p) => p.includes(ids.messageId) || p.includes(ids.requestId),
    )) {
      const res = await h.post(path, {
        cookie,
        formPage: '/staff/sent',
        fields: {
          decision: 'grant',
          deliveryId: ids.deliveryId,
          'endDate-day': '1',
          'endDate-month': '1',
          'endDate-year': '2030',
        },
      });
      expect(res.status, path).toBe(404);
    }
    // Their own lists work, and show nothing of the first sender's.
    const sent = await h.get('/staff/sent', cookie);
    expect(sent.status).toBe(200);
    expect(await sent.text()).not.toContain(ids.messageId);
    expect(await (await h.get('/staff/requests', cookie)).text()).not.toContain(ids.requestId);
    await expectUnchanged();
  });

  it('lets an auditor read any tracking and change nothing (404 on every change)', async () => {
    const auditor = await s.addStaff('audrey', 'auditor');
    const { cookie } = await s.passwordStep(auditor.email);
    const page = await h.get(`/staff/sent/${ids.messageId}`, cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('ann@example.org');
    expect(html).toContain('You cannot change anything');
    // Auditors see tracking, not content (docs/threat-model.md): no subject, no file name.
    expect(html).not.toContain('Your care plan');
    expect(html).not.toContain('a.txt');
    expect(html).toContain('Only the sender sees the subject, the text and the file names.');
    expect(html).not.toContain('/revoke');
    expect(html).not.toContain('/access-end');
    expect(html).not.toContain('href="/staff/compose"');

    for (const path of ['/staff/compose', '/staff/requests', `/staff/requests/${ids.requestId}`]) {
      expect((await h.get(path, cookie)).status, path).toBe(404);
    }
    const csrf = csrfOf(html) ?? '';
    for (const path of postRoutes().filter((p) => p !== '/staff/two-factor')) {
      const res = await h.post(path, {
        cookie,
        csrf,
        fields: {
          decision: 'grant',
          deliveryId: ids.deliveryId,
          to: 'x@example.org',
          subject: 's',
          body: 'b',
          'endDate-day': '1',
          'endDate-month': '1',
          'endDate-year': '2030',
        },
      });
      expect(res.status, path).toBe(404);
    }
    // The multipart send, too.
    const send = await s.postMultipart('/staff/compose/send', {
      cookie,
      csrf,
      fields: [
        ['to', 'x@example.org'],
        ['subject', 's'],
        ['body', 'b'],
      ],
    });
    expect(send.status).toBe(404);
    await expectUnchanged();
  });

  it('lets an admin read tracking but control only their own messages', async () => {
    const admin = await s.addStaff('ada', 'admin');
    const first = await s.passwordStep(admin.email);
    await s.enrol(first.cookie);
    const html = await (await h.get(`/staff/sent/${ids.messageId}`, first.cookie)).text();
    expect(html).not.toContain('/revoke');
    expect(html).not.toContain('Your care plan');
    expect(html).not.toContain('a.txt');
    const res = await h.post(`/staff/sent/${ids.messageId}/revoke`, {
      cookie: first.cookie,
      csrf: csrfOf(html) ?? '',
    });
    expect(res.status).toBe(404);
    await expectUnchanged();
  });

  /** Nothing any refused request could have changed has changed. */
  async function expectUnchanged() {
    const delivery = await h.storage.repos.deliveries.findById({ id: ids.deliveryId });
    expect(delivery?.revokedAt).toBeNull();
    const request = await h.storage.repos.accessRequests.findById({ id: ids.requestId });
    expect(request?.status).toBe('pending');
    const all = await h.storage.repos.audit.list({ limit: 500 });
    const changes = all.filter((e) =>
      [
        'delivery.revoke',
        'delivery.restore',
        'delivery.expiry-change',
        'access.grant',
        'access.deny',
      ].includes(e.action),
    );
    expect(changes).toEqual([]);
  }
});
