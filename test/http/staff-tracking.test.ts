import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestExtension } from '../../core/access/requests.ts';
import type { Account } from '../../core/accounts/model.ts';
import { replyToMessage } from '../../core/messages/reply-message.ts';
import { csrfOf, type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';
import { staffHelpers } from './staff-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const encoder = new TextEncoder();
const DAY = 86_400_000;

describe('sent items, tracking and control after sending', () => {
  let h: MailboxHarness;
  let s: ReturnType<typeof staffHelpers>;
  let cookie: string;
  let keyText: string;
  let ann: Account;
  let sent: Awaited<ReturnType<MailboxHarness['send']>>;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    s = staffHelpers(h);
    ({ cookie, keyText } = await s.signInWithTotp(h.sender.email));
    ann = await h.addAccount('ann@example.org');
    sent = await h.send({
      to: [ann.email, 'bob@example.org'],
      subject: 'Care plan',
      files: [
        { name: 'plan.pdf', contentType: 'application/pdf', bytes: encoder.encode('%PDF plan') },
      ],
    });
  });
  afterEach(() => h.close());

  const annDelivery = () => sent.deliveries[ann.email] as string;
  const tracking = () => h.get(`/staff/sent/${sent.messageId}`, cookie);

  it('lists sent messages with who has opened them, and tracks opens and downloads', async () => {
    const list = await h.get('/staff/sent', cookie);
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain('Care plan');
    expect(listHtml).toContain('Not opened');

    // The outbox worker hands Ann's notification to the mail server a moment later.
    const notification = await h.storage.repos.outbox.findById({ id: annDelivery() });
    expect(notification?.kind).toBe('notification');
    const sentAt = new Date(h.clock.now().getTime() + 30_000);
    await h.storage.repos.outbox.update({
      mail: { ...(notification as NonNullable<typeof notification>), status: 'sent', sentAt },
    });

    // Ann opens the message and downloads the file, in the recipient area.
    const annCookie = await h.signIn(ann.email);
    h.clock.advance(60_000);
    expect((await h.get(`/inbox/${annDelivery()}`, annCookie)).status).toBe(200);
    const [file] = await h.storage.repos.attachments.listForMessage({ messageId: sent.messageId });
    h.clock.advance(60_000);
    const download = await h.get(`/inbox/${annDelivery()}/attachments/${file?.id}`, annCookie);
    expect(download.status).toBe(200);
    await download.arrayBuffer();

    expect(await (await h.get('/staff/sent', cookie)).text()).toContain('Opened by 1 of 2');
    const page = await tracking();
    expect(page.status).toBe(200);
    const html = await page.text();
    const annCard = html.slice(
      html.indexOf('>ann@example.org<'),
      html.indexOf('>bob@example.org<'),
    );
    expect(annCard).toMatch(
      /Notified<\/dt><dd class="govuk-summary-list__value">3 March 2025 at 09:0\d/,
    );
    expect(annCard).toContain('First opened');
    expect(annCard).toContain('3 March 2025 at 09:01');
    expect(annCard).toContain('plan.pdf, 3 March 2025 at 09:02');
    expect(annCard).toMatch(/Has an account<\/dt><dd class="govuk-summary-list__value">Yes/);
    const bobCard = html.slice(html.indexOf('>bob@example.org<'));
    expect(bobCard).toContain('Not opened');
    expect(bobCard).toMatch(/Notified<\/dt><dd class="govuk-summary-list__value">Not yet/);
    expect(bobCard).toMatch(/Has an account<\/dt><dd class="govuk-summary-list__value">No/);
  });

  it('revokes for one recipient (who sees "revoked" at once), restores, and audits both', async () => {
    const annCookie = await h.signIn(ann.email);
    const page = await (await tracking()).text();
    const res = await h.post(`/staff/sent/${sent.messageId}/revoke`, {
      cookie,
      csrf: csrfOf(page) ?? '',
      fields: { deliveryId: annDelivery() },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/staff/sent/${sent.messageId}?done=revoked&count=1`);
    const after = await (await h.get(res.headers.get('location') ?? '', cookie)).text();
    expect(after).toContain('Access revoked for 1 recipient');
    expect(after).toContain('Access revoked');

    const annView = await h.get(`/inbox/${annDelivery()}`, annCookie);
    expect(await annView.text()).toContain('This message was revoked');
    // Bob's copy is untouched.
    const bob = await h.storage.repos.deliveries.findById({
      id: sent.deliveries['bob@example.org'] ?? '',
    });
    expect(bob?.revokedAt).toBeNull();

    const restore = await h.post(`/staff/sent/${sent.messageId}/restore`, {
      cookie,
      formPage: `/staff/sent/${sent.messageId}`,
      fields: { deliveryId: annDelivery() },
    });
    expect(restore.status).toBe(303);
    expect((await h.get(`/inbox/${annDelivery()}`, annCookie)).status).toBe(200);

    const revokeAll = await h.post(`/staff/sent/${sent.messageId}/revoke`, {
      cookie,
      formPage: `/staff/sent/${sent.messageId}`,
    });
    expect(revokeAll.headers.get('location')).toContain('count=2');
    const audit = await h.storage.repos.audit.list({ limit: 200 });
    const actions = audit.map((e) => e.action);
    expect(actions.filter((a) => a === 'delivery.revoke')).toHaveLength(3);
    expect(actions.filter((a) => a === 'delivery.restore')).toHaveLength(1);
  });

  it('shows the sender the chain of a forward, which the other recipients never see', async () => {
    const annCookie = await h.signIn(ann.email);
    const forwarded = await h.post(`/inbox/${annDelivery()}/forward`, {
      cookie: annCookie,
      formPage: `/inbox/${annDelivery()}/forward`,
      fields: { to: 'social.worker@barnet.gov.uk' },
    });
    expect(forwarded.status).toBe(303);
    const html = await (await tracking()).text();
    const card = html.slice(html.indexOf('>social.worker@barnet.gov.uk<'));
    expect(card).toContain('How they got it');
    expect(card).toContain('Forwarded by ann@example.org');
    expect(card).toContain('Not opened');
  });

  it('changes the end of access, keeping a bad date as typed', async () => {
    const bad = await h.post(`/staff/sent/${sent.messageId}/access-end`, {
      cookie,
      formPage: `/staff/sent/${sent.messageId}`,
      fields: { 'endDate-day': '1', 'endDate-month': '1', 'endDate-year': '2020' },
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('href="#endDate"');
    expect(badHtml).toContain('value="2020"');

    // Past the council's retention (90 days from sending here), and far past it, are refused.
    for (const year of ['2026', '9999']) {
      const late = await h.post(`/staff/sent/${sent.messageId}/access-end`, {
        cookie,
        formPage: `/staff/sent/${sent.messageId}`,
        fields: { 'endDate-day': '31', 'endDate-month': '12', 'endDate-year': year },
      });
      expect(late.status).toBe(400);
      const lateHtml = await late.text();
      expect(lateHtml).toContain('The end date must be no later than');
      expect(lateHtml).toContain(`value="${year}"`);
    }

    const ok = await h.post(`/staff/sent/${sent.messageId}/access-end`, {
      cookie,
      formPage: `/staff/sent/${sent.messageId}`,
      fields: { 'endDate-day': '30', 'endDate-month': '5', 'endDate-year': '2025' },
    });
    expect(ok.status).toBe(303);
    const html = await (await h.get(ok.headers.get('location') ?? '', cookie)).text();
    expect(html).toContain('Access now ends on 30 May 2025 at 23:59');
    const delivery = await h.storage.repos.deliveries.findById({ id: annDelivery() });
    // 23:59:59 in London during summer time is 22:59:59 UTC.
    expect(delivery?.accessEndsAt.toISOString()).toBe('2025-05-30T22:59:59.000Z');
    const audit = await h.storage.repos.audit.list({
      filter: { action: 'delivery.expiry-change' },
      limit: 10,
    });
    expect(audit).toHaveLength(2);
  });

  it('shows replies per recipient', async () => {
    const reply = await replyToMessage(
      h.deps,
      { internalDomains: h.settings.internalDomains, allowSubdomains: false },
      { ...h.settings },
      {
        account: ann,
        deliveryId: annDelivery(),
        all: false,
        subject: 'Re: Care plan',
        body: 'Thanks',
        ip: null,
      },
    );
    expect(reply.ok).toBe(true);
    const html = await (await tracking()).text();
    const annCard = html.slice(
      html.indexOf('>ann@example.org<'),
      html.indexOf('>bob@example.org<'),
    );
    expect(annCard).toMatch(
      /Replies<\/dt><dd class="govuk-summary-list__value"><ul class="govuk-list"><li>3 March 2025/,
    );
  });

  it('lists access requests, grants and refuses them, and emails each decision', async () => {
    h.clock.advance(46 * DAY);
    const extDeps = { ...h.deps, orgName: h.settings.orgName };
    const asked = await requestExtension(extDeps, {
      account: ann,
      deliveryId: annDelivery(),
      ip: null,
    });
    expect(asked.ok).toBe(true);
    const bob = await h.storage.repos.accounts.findByEmailKey({ emailKey: 'bob@example.org' });
    await h.storage.repos.accounts.update({ account: { ...(bob as Account), passwordHash: 'x' } });
    const bobAsked = await requestExtension(extDeps, {
      account: bob as Account,
      deliveryId: sent.deliveries['bob@example.org'] ?? '',
      ip: null,
    });
    expect(bobAsked.ok).toBe(true);
    if (!asked.ok || !bobAsked.ok) return;
    // Weeks later: the sender signs in again.
    ({ cookie } = await s.signInWithTotp(h.sender.email, keyText));

    const list = await h.get('/staff/requests', cookie);
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain('ann@example.org');
    expect(listHtml).toContain('More time');
    expect(listHtml).toContain(`/staff/requests/${asked.request.id}`);
    // The tracking page shows the request beside the recipient.
    expect(await (await tracking()).text()).toContain('More time: Waiting');

    const detail = await h.get(`/staff/requests/${asked.request.id}`, cookie);
    expect(detail.status).toBe(200);
    const detailHtml = await detail.text();
    expect(detailHtml).toContain('Grant');
    const granted = await h.post(`/staff/requests/${asked.request.id}`, {
      cookie,
      csrf: csrfOf(detailHtml) ?? '',
      fields: { decision: 'grant' },
    });
    expect(granted.status).toBe(303);
    expect(granted.headers.get('location')).toBe('/staff/requests?done=granted');
    const delivery = await h.storage.repos.deliveries.findById({ id: annDelivery() });
    expect(delivery?.accessEndsAt.getTime()).toBe(h.clock.now().getTime() + 45 * DAY);

    const denied = await h.post(`/staff/requests/${bobAsked.request.id}`, {
      cookie,
      formPage: `/staff/requests/${bobAsked.request.id}`,
      fields: { decision: 'deny' },
    });
    expect(denied.headers.get('location')).toBe('/staff/requests?done=denied');

    const decisions = (await h.outbox()).filter((m) => m.kind === 'access-decision');
    expect(decisions.map((m) => `${m.to}:${m.subject}`).sort()).toEqual([
      'ann@example.org:Your request to Barnet Council: granted',
      'bob@example.org:Your request to Barnet Council: not granted',
    ]);
    const audit = (await h.storage.repos.audit.list({ limit: 200 })).map((e) => e.action);
    expect(audit).toContain('access.grant');
    expect(audit).toContain('access.deny');

    // Deciding twice is refused, with the request shown as decided.
    const twice = await h.post(`/staff/requests/${asked.request.id}`, {
      cookie,
      formPage: '/staff/requests',
      fields: { decision: 'deny' },
    });
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain('already been decided');
    const after = await (await h.get('/staff/requests', cookie)).text();
    expect(after).toContain('There are no requests waiting for you.');
    expect(after).toContain('Granted');
    expect(after).toContain('Refused');
  });
});
