import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { listDrafts, saveDraft } from '../../core/messages/drafts.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { type ComposeHarness, composeHarness } from './compose-harness.ts';

// The session line on every signed-in page ("You will be signed out at 14:32 if you do
// nothing") with its plain "Stay signed in" form (WCAG 2.2.1 without JavaScript), and
// the way back after signing in again: to the draft saved on timeout, else to the page
// that was asked for. Over SQLite and PostgreSQL, through the whole app as served.

const MINUTE = 60_000;
// Summer: UK time is UTC+1, so a time shown in UTC would be an hour out.
const SUMMER = new Date('2025-07-01T09:00:00Z');

const databases: Array<{ name: string; env: () => Promise<Record<string, string>> }> = [
  { name: 'SQLite', env: async () => ({}) },
];
const dropLater: Array<() => Promise<void>> = [];
if (postgresAvailable('session-end http')) {
  databases.push({
    name: 'PostgreSQL',
    env: async () => {
      const db = await createTestDatabase('sealpost_session_end');
      dropLater.push(db.drop);
      return { DATABASE_URL: db.url };
    },
  });
}
afterAll(async () => {
  for (const drop of dropLater) await drop();
});

/** The session line of a page, tags and all, or null when there is none. */
function lineOf(html: string): string | null {
  return (
    /<div class="govuk-width-container sp-session-end">[\s\S]*?<\/div>/.exec(html)?.[0] ?? null
  );
}

function csrfIn(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

describe.each(databases)('the session line and the way back, $name', ({ env }) => {
  let h: ComposeHarness;
  beforeEach(async () => {
    h = await composeHarness(await env());
    h.clock.set(SUMMER);
  });
  afterEach(() => h.close());

  const lastSeen = async (account: Account) => {
    const [session] = await h.app.storage.repos.sessions.listForAccount({ accountId: account.id });
    return session?.lastSeenAt.getTime() ?? null;
  };

  const addStaff = async (email: string): Promise<Account> => {
    const now = h.clock.now();
    const account: Account = {
      id: h.app.ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: 'Olive Officer',
      kind: 'staff',
      role: 'sender',
      passwordHash: await h.app.hasher.hash({ password: normalisePassword(GOOD_PASSWORD) }),
      status: 'active',
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
      totpKeyEnc: null,
      recoveryCodeHashes: [],
      legalHold: false,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
      passwordChangedAt: now,
      sharedMailbox: false,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
    };
    await h.app.storage.repos.accounts.insert({ account });
    return account;
  };

  it('states when the session ends, in UK time, without the page counting as more activity', async () => {
    const ann = await h.addPerson('ann@example.org');
    const cookie = await h.signIn(ann.email);
    h.clock.advance(5 * MINUTE);
    const html = await (await h.get('/inbox?page=1', cookie)).text();
    // The request itself was activity (as always): 09:05 UTC + 15 minutes = 10:20 UK time.
    expect(await lastSeen(ann)).toBe(h.clock.now().getTime());
    const line = lineOf(html) ?? '';
    expect(line).toContain(
      'You will be signed out at <time datetime="2025-07-01T09:20:00.000Z" data-sp-session-time="Europe/London">10:20</time> if you do nothing.',
    );
    // A plain form: the page's own token, and this page to come back to.
    expect(line).toMatch(/<form method="post" action="\/session\/stay"[^>]*hx-boost="false"/);
    expect(line).toContain(`name="_csrf" value="${csrfIn(html)}"`);
    expect(line).toContain('<input type="hidden" name="next" value="/inbox?page=1"/>');
    expect(line).toContain('>Stay signed in</button>');
    // Read where it stands, not announced on every page load.
    expect(line).not.toMatch(/aria-live|role="(status|alert)"/);
    // In the header, once; and the slot is never left in the page.
    expect(html.indexOf('sp-session-end')).toBeLessThan(html.indexOf('<main'));
    expect(html.match(/sp-session-end"/g)).toHaveLength(1);
    expect(html).not.toContain('<!--sp-session-end-->');

    // Thirty seconds on: too soon for a page to write activity, so the end stays put.
    h.clock.advance(30_000);
    const again = lineOf(await (await h.get('/drafts', cookie)).text()) ?? '';
    expect(again).toContain('>10:20</time>');
    expect(await lastSeen(ann)).toBe(h.clock.now().getTime() - 30_000);

    // A boosted htmx page load gets it too; an error page offers the home page instead
    // of itself (and so says nothing of the address asked for).
    const boosted = await h.get('/contacts', cookie, {
      'HX-Request': 'true',
      'HX-Boosted': 'true',
    });
    expect(lineOf(await boosted.text())).toContain('name="next" value="/contacts"');
    const missing = await h.get('/drafts/no-such-draft', cookie);
    expect(missing.status).toBe(404);
    const missingLine = lineOf(await missing.text()) ?? '';
    expect(missingLine).toContain('>Stay signed in</button>');
    expect(missingLine).not.toContain('name="next"');

    // In Welsh on a Welsh page.
    const cy = lineOf(await (await h.get('/inbox?lang=cy', cookie)).text()) ?? '';
    expect(cy).toContain('Byddwch yn cael eich allgofnodi am');
    expect(cy).toContain('Aros wedi mewngofnodi');
  });

  it('"Stay signed in" needs the CSRF token, gives the idle time back, and returns to the same page', async () => {
    const ann = await h.addPerson('ann@example.org');
    const cookie = await h.signIn(ann.email);
    const html = await (await h.get('/compose', cookie)).text();
    const csrf = csrfIn(lineOf(html) ?? '');
    expect(csrf).not.toBe('');
    const before = await lastSeen(ann);
    h.clock.advance(40_000);

    const forged = await h.postForm('/session/stay', { cookie, fields: [['next', '/compose']] });
    expect(forged.status).toBe(403);
    const wrong = await h.postForm('/session/stay', {
      cookie,
      csrf: 'not-a-token',
      fields: [['next', '/compose']],
    });
    expect(wrong.status).toBe(403);
    expect(await lastSeen(ann)).toBe(before);

    // Within a minute of the last request, which a page would not write: this does.
    const res = await h.postForm('/session/stay', {
      cookie,
      csrf,
      fields: [['next', '/compose?contact=c1']],
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/compose?contact=c1');
    expect(await lastSeen(ann)).toBe(h.clock.now().getTime());
    expect(before).toBe(h.clock.now().getTime() - 40_000);
    // The page it returns to says the new end.
    const back = lineOf(await (await h.get('/compose?contact=c1', cookie)).text()) ?? '';
    expect(back).toContain('>10:15</time>');
  });

  it('refuses to send anyone off the site: any other return path goes to the inbox', async () => {
    const ann = await h.addPerson('ann@example.org');
    const cookie = await h.signIn(ann.email);
    const csrf = csrfIn(await (await h.get('/inbox', cookie)).text());
    for (const next of [
      'https://evil.example/',
      '//evil.example/inbox',
      '/\\evil.example',
      '/\tevil',
      'javascript:alert(1)',
      'inbox',
      '',
    ]) {
      const res = await h.postForm('/session/stay', { cookie, csrf, fields: [['next', next]] });
      expect(res.status, next).toBe(303);
      expect(res.headers.get('location'), next).toBe('/inbox');
    }
    // Staff go to their own home instead.
    const olive = await addStaff('olive@barnet.gov.uk');
    const staffCookie = await h.signIn(olive.email);
    const staffPage = await (await h.get('/staff/inbox', staffCookie)).text();
    expect(lineOf(staffPage)).toContain('<input type="hidden" name="next" value="/staff/inbox"/>');
    const res = await h.postForm('/session/stay', {
      cookie: staffCookie,
      csrf: csrfIn(staffPage),
      fields: [['next', '//evil.example']],
    });
    expect(res.headers.get('location')).toBe('/staff');
  });

  it('gives staff pages (admin pages share their layout) the line with their own idle limit, and the timeout warning', async () => {
    const olive = await addStaff('olive@barnet.gov.uk');
    const cookie = await h.signIn(olive.email);
    const html = await (await h.get('/staff/sent', cookie)).text();
    // Staff have 30 minutes: 09:00 UTC + 30 = 10:30 UK time.
    expect(lineOf(html)).toContain('>10:30</time> if you do nothing.');
    expect(html).toContain('<template id="sp-timeout">');
    // A signed-out page has neither.
    const signIn = await (await h.get('/sign-in')).text();
    expect(lineOf(signIn)).toBeNull();
    expect(signIn).not.toContain('sp-timeout');
  });

  it('states a "Remember me" session\'s lifetime with its date, and offers no button that cannot help', async () => {
    const ann = await h.addPerson('ann@example.org');
    const page = await (await h.get('/sign-in')).text();
    const res = await h.postForm('/sign-in', {
      csrf: csrfIn(page),
      fields: [
        ['email', ann.email],
        ['password', GOOD_PASSWORD],
        ['remember', 'yes'],
      ],
    });
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const line = lineOf(await (await h.get('/inbox', cookie)).text()) ?? '';
    expect(line).toContain('You will be signed out on <time datetime="2025-07-31T09:00:00.000Z">');
    expect(line).toContain('31 July 2025 at 10:00</time>. Sign in again then to carry on.');
    expect(line).not.toContain('<form');
  });

  it('sends a "Stay signed in" that came too late to sign in, and back to that page afterwards', async () => {
    const ann = await h.addPerson('ann@example.org');
    const cookie = await h.signIn(ann.email);
    const csrf = csrfIn(await (await h.get('/inbox', cookie)).text());
    h.clock.advance(16 * MINUTE);
    const res = await h.postForm('/session/stay', {
      cookie,
      csrf,
      fields: [['next', '/contacts']],
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Fcontacts');
  });

  it('after an expired session, signing in again lands on the page that was asked for', async () => {
    const ann = await h.addPerson('ann@example.org');
    const cookie = await h.signIn(ann.email);
    h.clock.advance(16 * MINUTE);
    const refused = await h.get('/inbox?expired=1', cookie);
    expect(refused.status).toBe(401);
    const html = await refused.text();
    const href = /href="(\/sign-in\?next=[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(href).toBe('/sign-in?next=%2Finbox%3Fexpired%3D1');
    const signInPage = await (await h.get(href)).text();
    expect(signInPage).toContain('<input type="hidden" name="next" value="/inbox?expired=1"/>');
    const res = await h.postForm('/sign-in', {
      csrf: csrfIn(signInPage),
      fields: [
        ['email', ann.email],
        ['password', GOOD_PASSWORD],
        ['next', '/inbox?expired=1'],
      ],
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/inbox?expired=1');

    // Staff are sent to the sign-in page at once, and come back the same way.
    const olive = await addStaff('olive@barnet.gov.uk');
    const staffCookie = await h.signIn(olive.email);
    h.clock.advance(31 * MINUTE);
    const staffRefused = await h.get('/staff/sent?page=2', staffCookie);
    expect(staffRefused.status).toBe(303);
    expect(staffRefused.headers.get('location')).toBe('/sign-in?next=%2Fstaff%2Fsent%3Fpage%3D2');
    const staffBack = await h.postForm('/sign-in', {
      csrf: csrfIn(await (await h.get('/sign-in')).text()),
      fields: [
        ['email', olive.email],
        ['password', GOOD_PASSWORD],
        ['next', '/staff/sent?page=2'],
      ],
    });
    expect(staffBack.headers.get('location')).toBe('/staff/sent?page=2');
  });

  it('after a timeout that saved a draft, signing in again lands on that draft, once', async () => {
    const ann = await h.addPerson('ann@example.org');
    const cookie = await h.signIn(ann.email);
    const csrf = csrfIn(await (await h.get('/compose', cookie)).text());
    h.clock.advance(16 * MINUTE);
    const sent = await h.postMultipart(`/compose?_csrf=${encodeURIComponent(csrf)}`, {
      cookie,
      parts: [
        { name: 'to', value: 'officer@barnet.gov.uk' },
        { name: 'subject', value: 'Written over lunch' },
        { name: 'body', value: 'I started this before lunch.' },
      ],
    });
    expect(sent.res.status).toBe(303);
    const drafts = await listDrafts(h.app, { accountId: ann.id });
    expect(drafts).toHaveLength(1);
    const draftId = drafts[0]?.draft.id ?? '';

    // Hours later, whatever page the sign-in was meant to go to.
    h.clock.advance(3 * 60 * MINUTE);
    const signInPage = await (await h.get('/sign-in?next=%2Finbox')).text();
    const res = await h.postForm('/sign-in', {
      csrf: csrfIn(signInPage),
      fields: [
        ['email', ann.email],
        ['password', GOOD_PASSWORD],
        ['next', '/inbox'],
      ],
    });
    expect(res.headers.get('location')).toBe(`/drafts/${draftId}`);
    const fresh = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const draftPage = await (await h.get(`/drafts/${draftId}`, fresh)).text();
    expect(draftPage).toContain('This message was saved when you were signed out');
    expect(draftPage).toContain('I started this before lunch.');

    // Seen now: the next sign-in goes where it was asked to.
    h.clock.advance(MINUTE);
    const later = await h.postForm('/sign-in', {
      csrf: csrfIn(await (await h.get('/sign-in')).text()),
      fields: [
        ['email', ann.email],
        ['password', GOOD_PASSWORD],
        ['next', '/contacts'],
      ],
    });
    expect(later.headers.get('location')).toBe('/contacts');
  });

  it('takes staff back to their own draft saved on timeout, after the second step when they have one', async () => {
    const olive = await addStaff('olive@barnet.gov.uk');
    await h.signIn(olive.email);
    h.clock.advance(MINUTE);
    const saved = await saveDraft(h.app, {
      accountId: olive.id,
      content: {
        to: ['ann@example.org'],
        cc: [],
        subject: 'Care plan',
        body: 'Written before the timeout.',
        inReplyToId: null,
        savedOnTimeout: true,
      },
    });
    if (!saved.ok) throw new Error('draft not saved');
    h.clock.advance(MINUTE);
    const signInAs = async (next: string) =>
      h.postForm('/sign-in', {
        csrf: csrfIn(await (await h.get('/sign-in')).text()),
        fields: [
          ['email', olive.email],
          ['password', GOOD_PASSWORD],
          ['next', next],
        ],
      });
    // With a second factor set up, the draft is where the second step leads.
    const enrolled = await h.app.storage.repos.accounts.findById({ id: olive.id });
    if (!enrolled) throw new Error('no account');
    await h.app.storage.repos.accounts.update({
      account: { ...enrolled, totpKeyEnc: new Uint8Array([1, 2, 3]) },
    });
    const res = await signInAs('/staff/sent');
    expect(res.headers.get('location')).toBe(
      `/sign-in/two-factor?next=${encodeURIComponent(`/staff/drafts/${saved.draft.id}`)}`,
    );
    // Only until the next sign-in: then it is an ordinary draft.
    h.clock.advance(MINUTE);
    const later = await signInAs('/staff/sent');
    expect(later.headers.get('location')).toBe(
      `/sign-in/two-factor?next=${encodeURIComponent('/staff/sent')}`,
    );
  });
});
