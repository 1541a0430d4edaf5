// The staffSecondFactor setting, enforced: with `all-staff` (the default for a new
// installation) a sender without a second factor is sent to set one up from every
// staff and admin page and cannot send; with `admins` only admins are; a passkey
// counts as a second factor. The harness's default is `admins` (see
// mailbox-support.ts), so each test here says which it runs.

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDraft, saveDraft } from '../../core/messages/drafts.ts';
import { csrfOf, type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';
import { hiddenFields, staffHelpers } from './staff-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

/** Every kind of staff page, and admin's, that a sender without a factor must not reach. */
const STAFF_PAGES = [
  '/staff',
  '/staff/inbox',
  '/staff/compose',
  '/staff/drafts',
  '/staff/sent',
  '/staff/requests',
  '/staff/mailboxes',
  '/admin',
  '/admin/settings',
  '/inbox',
  '/account',
];

describe('a second factor for all staff', () => {
  let h: MailboxHarness;
  let s: ReturnType<typeof staffHelpers>;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher(), { settings: { staffSecondFactor: 'all-staff' } });
    s = staffHelpers(h);
  });
  afterEach(() => h.close());

  it('sends a sender without one to set one up from every page, and lets them send nothing', async () => {
    const { cookie } = await s.passwordStep(h.sender.email);
    for (const page of STAFF_PAGES) {
      const res = await h.get(page, cookie);
      expect(res.status, page).toBe(303);
      expect(res.headers.get('location'), page).toBe('/staff/two-factor');
    }
    // The set-up page itself says why, with no menu to wander off through.
    const setUp = await h.get('/staff/two-factor', cookie);
    expect(setUp.status).toBe(200);
    const html = await setUp.text();
    expect(html).toContain('Your organisation asks all staff to use two-step verification');
    expect(html).not.toContain('href="/staff/compose"');

    // A send posted straight at the route (a form kept open from before) goes nowhere.
    const csrf = csrfOf(html) ?? '';
    const send = await s.postMultipart('/staff/compose/send', {
      cookie,
      csrf,
      fields: [
        ['to', 'ann@example.org'],
        ['subject', 'Your plan'],
        ['body', 'Hello'],
        ['accessDays', '10'],
      ],
    });
    expect(send.status).toBe(303);
    expect(send.headers.get('location')).toBe('/staff/two-factor');
    expect(await h.storage.repos.messages.countSent({ senderId: h.sender.id })).toBe(0);

    // Once an app is set up, the same session may work.
    await s.enrol(cookie);
    const compose = await h.get('/staff/compose', cookie);
    expect(compose.status).toBe(200);
    // The admin pages stay an admin's: a sender gets the 404 page, not the set-up page.
    expect((await h.get('/admin', cookie)).status).toBe(404);
  });

  it('lets a session the sign-on provider vouched for work without a factor here', async () => {
    const { cookie } = await s.passwordStep(h.sender.email);
    expect((await h.get('/staff/inbox', cookie)).status).toBe(303);
    // What a single sign-on with the provider's MFA claim leaves on the session.
    const id = decodeURIComponent(/sealpost_session=([^.;]+)/.exec(cookie)?.[1] ?? '');
    const session = await h.storage.repos.sessions.findById({ id });
    if (!session) throw new Error('no session');
    await h.storage.repos.sessions.update({
      session: { ...session, secondFactorAt: h.clock.now() },
    });
    expect((await h.get('/staff/inbox', cookie)).status).toBe(200);
  });

  it('counts a passkey as a second factor, and asks nothing of recipients', async () => {
    const { cookie } = await s.passwordStep(h.sender.email);
    expect((await h.get('/staff/inbox', cookie)).status).toBe(303);
    // A passkey registered in this session (as /account/passkeys does) is enough.
    await h.storage.repos.accounts.update({ account: { ...h.sender, passkeyCount: 1 } });
    expect((await h.get('/staff/inbox', cookie)).status).toBe(200);
    const ann = await h.addAccount('ann@example.org');
    const recipient = await h.signIn(ann.email);
    expect((await h.get('/inbox', recipient)).status).toBe(200);
    expect((await h.get('/account', recipient)).status).toBe(200);
  });
});

describe('a second factor for admins only', () => {
  let h: MailboxHarness;
  let s: ReturnType<typeof staffHelpers>;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher(), { settings: { staffSecondFactor: 'admins' } });
    s = staffHelpers(h);
  });
  afterEach(() => h.close());

  it('lets a sender without one work, and still sends an admin without one to set one up', async () => {
    const { cookie } = await s.passwordStep(h.sender.email);
    for (const page of ['/staff/inbox', '/staff/compose', '/staff/sent', '/staff/drafts']) {
      expect((await h.get(page, cookie)).status, page).toBe(200);
    }
    const setUp = await (await h.get('/staff/two-factor', cookie)).text();
    expect(setUp).not.toContain('You need to set it up before you can do anything else');

    const admin = await s.addStaff('ada', 'admin');
    const adminCookie = (await s.passwordStep(admin.email)).cookie;
    for (const page of ['/admin', '/staff/inbox', '/admin/settings']) {
      const res = await h.get(page, adminCookie);
      expect(res.status, page).toBe(303);
      expect(res.headers.get('location')).toBe('/staff/two-factor');
    }
    expect(await (await h.get('/staff/two-factor', adminCookie)).text()).toContain(
      'Administrators must use two-step verification',
    );
  });

  it('applies a change of the setting at the next request', async () => {
    const { cookie } = await s.passwordStep(h.sender.email);
    expect((await h.get('/staff/inbox', cookie)).status).toBe(200);
    h.settings.staffSecondFactor = 'all-staff';
    const res = await h.get('/staff/inbox', cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/two-factor');
  });
});

describe('a sender marks a message "second factor required"', () => {
  let h: MailboxHarness;
  let s: ReturnType<typeof staffHelpers>;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    s = staffHelpers(h);
  });
  afterEach(() => h.close());

  it('offers it on the form, keeps it in the draft and the preview, and sends it', async () => {
    const cookie = await h.signIn(h.sender.email);
    const form = await (await h.get('/staff/compose', cookie)).text();
    expect(form).toContain('name="secondFactorRequired"');
    expect(form).toContain('Recipients must use two-step verification');
    const preview = await s.postMultipart('/staff/compose', {
      cookie,
      csrf: csrfOf(form) ?? '',
      fields: [
        ['replyTo', ''],
        ['draftId', ''],
        ['to', 'ann@example.org'],
        ['subject', 'Your care plan'],
        ['body', 'The plan.'],
        ['secondFactorRequired', 'yes'],
        ['accessDays', '10'],
        ['classification', 'none'],
        ['action', 'preview'],
      ],
    });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toMatch(/Second factor required<\/dt><dd[^>]*>Yes</);
    const fields = Object.fromEntries(hiddenFields(html));
    expect(fields.secondFactorRequired).toBe('yes');
    // Saved as a draft, it is kept, and the form opened from the draft shows it.
    const save = await s.postMultipart('/staff/compose', {
      cookie,
      csrf: csrfOf(form) ?? '',
      fields: [...Object.entries(fields).filter(([k]) => k !== '_csrf'), ['action', 'save']],
    });
    expect(save.status).toBe(303);
    const draftPath = (save.headers.get('location') ?? '').split('?')[0] ?? '';
    const draftId = decodeURIComponent(draftPath.split('/').at(-1) ?? '');
    const draft = await openDraft(h.deps, { accountId: h.sender.id, draftId });
    expect(draft?.content.staff?.secondFactorRequired).toBe(true);
    const reopened = await (await h.get(draftPath, cookie)).text();
    expect(reopened).toMatch(/name="secondFactorRequired"[^>]*value="yes"[^>]*checked/);

    const sent = await h.post('/staff/compose/send', { cookie, csrf: csrfOf(html) ?? '', fields });
    expect(sent.status).toBe(303);
    const messageId = decodeURIComponent(sent.headers.get('location')?.split('/').at(-1) ?? '');
    const message = await h.storage.repos.messages.findById({ id: messageId });
    expect(message?.secondFactorRequired).toBe(true);
    const [event] = await h.storage.repos.audit.list({
      filter: { action: 'message.send' },
      limit: 1,
    });
    expect(event?.details.secondFactorRequired).toBe(true);
    // The tracking page says so.
    const tracking = await (await h.get(`/staff/sent/${messageId}`, cookie)).text();
    expect(tracking).toMatch(/Second factor required<\/dt><dd[^>]*>Yes</);
  });

  it('opens a draft saved before the option existed with it off', async () => {
    const cookie = await h.signIn(h.sender.email);
    const saved = await saveDraft(h.deps, {
      accountId: h.sender.id,
      content: {
        to: ['ann@example.org'],
        cc: [],
        subject: 'Old draft',
        body: 'Text',
        inReplyToId: null,
        savedOnTimeout: false,
        staff: {
          readOnly: false,
          accessDays: '10',
          accessDate: { day: '', month: '', year: '' },
          classification: '',
          replyTo: '',
        },
      },
    });
    if (!saved.ok) throw new Error('draft not saved');
    const page = await (await h.get(`/staff/drafts/${saved.draft.id}`, cookie)).text();
    expect(page).toContain('Old draft');
    expect(page).not.toMatch(/name="secondFactorRequired"[^>]*checked/);
  });
});
