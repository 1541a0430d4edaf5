import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { csrfOf, type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';
import { staffHelpers } from './staff-support.ts';

// The two requests behind the warning before an idle sign-out (sealpost.js shows it;
// test/e2e/timeout-warning.test.ts drives it in Chromium).

const keys = sharedCipher();
afterAll(() => keys.close());

const MINUTE = 60_000;

describe('/session/status and /session/extend', () => {
  let h: MailboxHarness;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
  });
  afterEach(() => h.close());

  const status = async (cookie?: string) => {
    const res = await h.get('/session/status', cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return res.json();
  };
  const lastSeen = async (account: Account) => {
    const [session] = await h.storage.repos.sessions.listForAccount({ accountId: account.id });
    return session?.lastSeenAt.getTime();
  };

  it('tells a signed-in recipient how long is left, without counting the question as activity', async () => {
    const ann = await h.addAccount('ann@example.org');
    const cookie = await h.signIn(ann.email);
    expect(await status(cookie)).toEqual({
      signedIn: true,
      endsInSeconds: 15 * 60,
      byInactivity: true,
      idleSeconds: 15 * 60,
    });
    const seen = await lastSeen(ann);
    // An htmx answer carries the same status in a header, so the script need not ask.
    const boosted = await h.get('/inbox', cookie, { 'HX-Request': 'true' });
    expect(JSON.parse(boosted.headers.get('X-Sealpost-Session') ?? 'null')).toEqual({
      signedIn: true,
      endsInSeconds: 15 * 60,
      byInactivity: true,
      idleSeconds: 15 * 60,
    });
    expect((await h.get('/inbox', cookie)).headers.get('X-Sealpost-Session')).toBeNull();
    expect(
      (await h.get('/sign-in', '', { 'HX-Request': 'true' })).headers.has('X-Sealpost-Session'),
    ).toBe(false);
    h.clock.advance(10 * MINUTE);
    expect(await status(cookie)).toMatchObject({ endsInSeconds: 5 * 60 });
    expect(await lastSeen(ann)).toBe(seen);
    // Asked again and again, the session still ends on time.
    h.clock.advance(5 * MINUTE);
    expect(await status(cookie)).toEqual({ signedIn: false });
    expect((await h.get('/inbox', cookie)).status).toBe(401);
  });

  it('gives the whole idle limit back on "Stay signed in", with the CSRF token only', async () => {
    const ann = await h.addAccount('ann@example.org');
    const cookie = await h.signIn(ann.email);
    const page = await (await h.get('/inbox', cookie)).text();
    // The token the dialog's script sends is in the page's template.
    expect(page).toContain('<template id="sp-timeout">');
    const token = csrfOf(page) ?? '';
    h.clock.advance(13 * MINUTE + 30_000);
    expect(await status(cookie)).toMatchObject({ endsInSeconds: 90 });

    const forged = await h.app.request('https://messages.example.gov.uk/session/extend', {
      method: 'POST',
      headers: { cookie, origin: 'https://messages.example.gov.uk' },
    });
    expect(forged.status).toBe(403);

    const res = await h.app.request('https://messages.example.gov.uk/session/extend', {
      method: 'POST',
      headers: { cookie, origin: 'https://messages.example.gov.uk', 'x-csrf-token': token },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ signedIn: true, endsInSeconds: 15 * 60 });
    expect(await lastSeen(ann)).toBe(h.clock.now().getTime());
  });

  it('says signed out with no session, and half-way through two steps', async () => {
    expect(await status()).toEqual({ signedIn: false });
    expect((await h.post('/session/extend', { formPage: '/sign-in' })).status).toBe(403);

    const s = staffHelpers(h);
    await s.signInWithTotp(h.sender.email);
    const pending = await s.passwordStep(h.sender.email);
    expect(pending.location).toBe('/sign-in/two-factor');
    expect(await status(pending.cookie)).toEqual({ signedIn: false });
    // A genuine token of the half-signed-in session: still nothing to extend.
    const extend = await h.post('/session/extend', {
      cookie: pending.cookie,
      formPage: '/sign-in/two-factor',
    });
    expect(extend.status).toBe(401);
    expect(await extend.json()).toEqual({ signedIn: false });
  });

  it('gives staff their own limit, and a "Remember me" recipient the lifetime, which activity cannot move', async () => {
    const s = staffHelpers(h);
    const { cookie } = await s.signInWithTotp(h.sender.email);
    expect(await status(cookie)).toMatchObject({ idleSeconds: 30 * 60, byInactivity: true });

    const bea = await h.addAccount('bea@example.org');
    const res = await h.post('/sign-in', {
      formPage: '/sign-in',
      fields: { email: bea.email, password: 'correct horse battery staple', remember: 'yes' },
    });
    expect(res.status).toBe(303);
    const remembered = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(await status(remembered)).toEqual({
      signedIn: true,
      endsInSeconds: 30 * 24 * 60 * 60,
      byInactivity: false,
      idleSeconds: null,
    });
  });
});
