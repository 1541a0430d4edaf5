import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createApp } from '../../adapters/http/app.ts';
import { type AreaOptions, buildAreas } from '../../adapters/http/areas/index.ts';
import { safeNextPath } from '../../adapters/http/areas/public/paths.ts';
import { anonymousCsrfToken } from '../../adapters/http/middleware/csrf.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { createStaffAccount } from '../../core/accounts/create-staff.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { createHarness, GOOD_PASSWORD, type Harness, linkIn } from '../auth/support.ts';
import { fixedSettings } from '../factories.ts';
import { newestCodeTo } from '../support/email-code.ts';
import { inlineCodeIn } from '../views/render.ts';

const ORIGIN = 'https://messages.example.gov.uk';
const NEW_PASSWORD = 'purple elephant teapot orbit';

type Post = {
  fields?: Record<string, string>;
  origin?: string | null;
  secFetchSite?: string;
  cookie?: string;
  csrf?: string | null;
};

/** The app over a test harness, and helpers to drive it like a browser would. */
async function setUp(harness: Harness, options: { https?: boolean; areas?: AreaOptions } = {}) {
  const https = options.https ?? true;
  const base = https ? ORIGIN : 'http://messages.example.gov.uk';
  const config = parseConfig({ PUBLIC_URL: base, DATA_DIR: '/tmp/sealpost-unused' });
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const sealpost: Sealpost = {
    config,
    logger,
    storage: harness.storage,
    cipher: harness.deps.cipher,
    blobs: {} as BlobStore,
    hasher: harness.deps.hasher,
    commonPasswords: harness.deps.commonPasswords,
    secrets: harness.deps.secrets,
    ids: harness.deps.ids,
    clock: harness.clock,
    templates: harness.deps.templates,
    // Mail stays in the outbox table here; these tests read it there.
    mailer: {
      send: async () => ({ ok: false, permanent: false, error: 'not used in these tests' }),
      close: async () => {},
    },
    scanner: null,
    settings: fixedSettings(harness.settings),
    close: async () => {},
  };
  const app = createApp({
    logger,
    isHealthy: async () => true,
    https,
    areas: buildAreas(sealpost, options.areas),
  });

  const get = (path: string, cookie?: string) =>
    app.request(`${base}${path}`, { headers: cookie ? { cookie } : {} });

  /** The `_csrf` of the first form on a page. */
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;

  /** GETs `formPage` for its CSRF token, then POSTs to `path` as that page's form would. */
  const post = async (path: string, formPage: string | null, p: Post = {}) => {
    let csrf = p.csrf;
    if (csrf === undefined && formPage !== null) {
      csrf = csrfOf(await (await get(formPage, p.cookie)).text());
    }
    const body = new URLSearchParams(p.fields ?? {});
    if (csrf) body.set('_csrf', csrf);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (p.origin !== null) headers.origin = p.origin ?? base;
    if (p.secFetchSite) headers['sec-fetch-site'] = p.secFetchSite;
    if (p.cookie) headers.cookie = p.cookie;
    return app.request(`${base}${path}`, { method: 'POST', body: body.toString(), headers });
  };

  /** Signs in and returns the Cookie header a browser would send next. */
  const signInCookies = async (email = 'ann@example.org', remember = false) => {
    const res = await post('/sign-in', '/sign-in', {
      fields: { email, password: GOOD_PASSWORD, ...(remember ? { remember: 'yes' } : {}) },
    });
    expect(res.status).toBe(303);
    return res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  };
  return { app, get, post, csrfOf, signInCookies, base };
}

describe('auth routes', () => {
  let h: Harness;
  let web: Awaited<ReturnType<typeof setUp>>;
  beforeEach(async () => {
    h = await createHarness();
    web = await setUp(h);
    await h.addRecipient('ann@example.org');
  });
  afterEach(() => h.close());

  describe('CSRF', () => {
    const forms = [
      ['/sign-in', '/sign-in'],
      ['/reset', '/reset'],
      ['/r/abc.def', '/r/abc.def'],
      ['/register/abc.def', '/r/abc.def'],
      ['/reset/abc.def', '/sign-in'],
      ['/set-password/abc.def', '/sign-in'],
      ['/sign-out', '/sign-in'],
      ['/sign-out-everywhere', '/sign-in'],
    ] as const;

    it('refuses every POST without a token with 403 and a plain page', async () => {
      for (const [path] of forms) {
        const res = await web.post(path, null, { fields: { email: 'ann@example.org' } });
        expect(res.status, path).toBe(403);
        const html = await res.text();
        expect(html).toContain('This form could not be sent');
        expect(res.headers.get('set-cookie')).toBeNull();
      }
    });

    it('refuses a foreign Origin, Origin null, or a cross-site fetch even with a valid token', async () => {
      const csrf = web.csrfOf(await (await web.get('/sign-in')).text());
      const fields = { email: 'ann@example.org', password: GOOD_PASSWORD };
      for (const p of [
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { origin: 'http://messages.example.gov.uk' },
        { origin: null, secFetchSite: 'cross-site' },
        { origin: null, secFetchSite: 'same-site' },
        { origin: 'https://evil.example', secFetchSite: 'same-origin' },
      ]) {
        const res = await web.post('/sign-in', null, { ...p, csrf, fields });
        expect(res.status, JSON.stringify(p)).toBe(403);
      }
    });

    it('accepts an old browser that sends neither Origin nor Sec-Fetch-Site, with the token', async () => {
      const fields = { email: 'ann@example.org', password: GOOD_PASSWORD };
      const withToken = await web.post('/sign-in', '/sign-in', { origin: null, fields });
      expect(withToken.status).toBe(303);
      const withoutToken = await web.post('/sign-in', null, { origin: null, fields });
      expect(withoutToken.status).toBe(403);
      const sameOrigin = await web.post('/sign-in', '/sign-in', {
        origin: null,
        secFetchSite: 'same-origin',
        fields,
      });
      expect(sameOrigin.status).toBe(303);
    });

    it('refuses a token made for another form, a stale one, and a forged one', async () => {
      const fields = { email: 'ann@example.org', password: GOOD_PASSWORD };
      const resetToken = web.csrfOf(await (await web.get('/reset')).text());
      expect((await web.post('/sign-in', null, { csrf: resetToken, fields })).status).toBe(403);
      const token = web.csrfOf(await (await web.get('/sign-in')).text()) ?? '';
      const forged = token.replace(/.$/, (ch) => (ch === 'a' ? 'b' : 'a'));
      expect((await web.post('/sign-in', null, { csrf: forged, fields })).status).toBe(403);
      h.clock.advance(3 * 60 * 60_000);
      expect((await web.post('/sign-in', null, { csrf: token, fields })).status).toBe(403);
    });

    it('needs the session-bound token once signed in', async () => {
      const cookie = await web.signInCookies();
      const anonymous = web.csrfOf(await (await web.get('/reset')).text());
      const refused = await web.post('/sign-out', null, { cookie, csrf: anonymous });
      expect(refused.status).toBe(403);
      // A token from another session does not work either.
      const other = await web.signInCookies();
      const othersToken = web.csrfOf(await (await web.get('/r/x.y', other)).text());
      expect((await web.post('/sign-out', null, { cookie, csrf: othersToken })).status).toBe(403);
      const own = web.csrfOf(await (await web.get('/r/x.y', cookie)).text());
      const res = await web.post('/sign-out', null, { cookie, csrf: own });
      expect(res.status).toBe(303);
    });
  });

  describe('links from emails', () => {
    async function notify(email = 'new@example.org') {
      const account = await h.addUnregistered(email);
      const deliveryId = await h.addDelivery(account);
      const token = await h.addLink({
        purpose: 'notify',
        email,
        accountId: account.id,
        deliveryId,
      });
      return { token, deliveryId };
    }
    const tokenRow = (token: string) =>
      h.storage.repos.tokens.findById({ id: token.split('.')[0] as string });

    it('GET /r/:token only shows a button and spends nothing', async () => {
      const { token } = await notify();
      for (let i = 0; i < 3; i++) {
        const res = await web.get(`/r/${token}`);
        expect(res.status).toBe(200);
        const html = await res.text();
        expect(html).toContain(`action="/r/${token}"`);
        expect(html).not.toContain('new@example.org');
      }
      expect((await tokenRow(token))?.usedAt).toBeNull();
    });

    it('the button shows who the link is for and emails a code; code and password register once', async () => {
      const { token, deliveryId } = await notify();
      const shown = await web.post(`/r/${token}`, `/r/${token}`);
      expect(shown.status).toBe(200);
      const start = await shown.text();
      expect(start).toContain('new@example.org');
      expect(start).not.toMatch(/<input[^>]*name="(email|password)"/);
      expect(start).toContain(`action="/register/${token}/code"`);
      expect(start).toContain('Emails are often passed on');
      expect(start).toContain(`href="/r/${token}/ask"`);
      expect((await tokenRow(token))?.usedAt).toBeNull();

      const sent = await web.post(`/register/${token}/code`, null, { csrf: web.csrfOf(start) });
      expect(sent.status).toBe(200);
      const html = await sent.text();
      expect(html).toContain('We have emailed a code to new@example.org');
      expect(html).toMatch(/<input[^>]*name="code"/);
      expect(html).toContain(`action="/register/${token}"`);
      expect(html).toContain('three random words');
      const code = newestCodeTo(await h.outbox(), 'new@example.org');

      const csrf = web.csrfOf(html);
      // Every problem at once: no code and a weak password; nothing typed is lost.
      const weak = await web.post(`/register/${token}`, null, {
        csrf,
        fields: { password: 'short', code: '' },
      });
      expect(weak.status).toBe(400);
      const weakHtml = await weak.text();
      expect(weakHtml).toContain('govuk-error-summary');
      expect(weakHtml).toContain('href="#password"');
      expect(weakHtml).toContain('href="#code"');
      expect(weakHtml).toContain('new@example.org');
      expect(weak.headers.get('set-cookie')).toBeNull();
      // A long password that is one of the most common: refused, and the page says so.
      const common = await web.post(`/register/${token}`, null, {
        csrf,
        fields: { password: 'QAZWSXEDCRFVTGB', code: '' },
      });
      expect(common.status).toBe(400);
      expect(await common.text()).toContain(
        'That is one of the most common passwords, so it is easy to guess.',
      );
      const typo = await web.post(`/register/${token}`, null, {
        csrf,
        fields: { password: NEW_PASSWORD, code: '12 34' },
      });
      expect(typo.status).toBe(400);
      expect(await typo.text()).toMatch(
        /name="code"[^>]*value="12 34"|value="12 34"[^>]*name="code"/,
      );

      const ok = await web.post(`/register/${token}`, null, {
        csrf,
        fields: { password: NEW_PASSWORD, code },
      });
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe(`/inbox/${deliveryId}`);
      expect(ok.headers.get('set-cookie')).toContain('__Host-sealpost_session=');
      expect((await tokenRow(token))?.usedAt).not.toBeNull();

      // The old form again (the back button): same CSRF token, link already spent.
      const again = await web.post(`/register/${token}`, null, {
        csrf,
        fields: { password: 'someone else entirely here' },
      });
      expect(again.status).toBe(303);
      expect(again.headers.get('location')).toBe(
        `/sign-in?next=${encodeURIComponent(`/inbox/${deliveryId}`)}`,
      );
      expect(again.headers.get('set-cookie')).toBeNull();
    });

    it('sends a registered person to sign in, then to the message', async () => {
      const ann = await h.storage.repos.accounts.findByEmailKey({ emailKey: 'ann@example.org' });
      if (!ann) throw new Error('no ann');
      const deliveryId = await h.addDelivery(ann);
      const token = await h.addLink({
        purpose: 'notify',
        email: ann.email,
        accountId: ann.id,
        deliveryId,
      });
      const res = await web.post(`/r/${token}`, `/r/${token}`);
      expect(res.status).toBe(303);
      const location = res.headers.get('location') ?? '';
      expect(location).toBe(
        `/sign-in?next=${encodeURIComponent(`/inbox/${deliveryId}`)}&link=${encodeURIComponent(token)}`,
      );
      // Someone the notification was passed on to finds their way from here too.
      const page = await (await web.get(location)).text();
      expect(page).toContain('Not the person this message was sent to?');
      expect(page).toContain(`href="/r/${token}/ask"`);
      const signIn = await web.post('/sign-in', location, {
        fields: {
          email: 'ann@example.org',
          password: GOOD_PASSWORD,
          next: `/inbox/${deliveryId}`,
        },
      });
      expect(signIn.headers.get('location')).toBe(`/inbox/${deliveryId}`);
    });

    it('answers an unknown or expired link with one page', async () => {
      const res = await web.post('/r/nope.nope', '/r/nope.nope');
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('This link does not work');
    });
  });

  it('sets no cookie on any response before sign-in', async () => {
    const account = await h.addUnregistered('new@example.org');
    const token = await h.addLink({
      purpose: 'notify',
      email: account.email,
      accountId: account.id,
    });
    const responses = [
      await web.get('/sign-in'),
      await web.get('/sign-in?next=/inbox'),
      await web.post('/sign-in', '/sign-in', {
        fields: { email: 'ann@example.org', password: 'wrong' },
      }),
      await web.post('/sign-in', '/sign-in', {
        fields: { email: 'nobody@example.org', password: 'wrong' },
      }),
      await web.get(`/r/${token}`),
      await web.post(`/r/${token}`, `/r/${token}`),
      await web.get(`/register/${token}`),
      await web.post(`/register/${token}`, `/register/${token}`, { fields: { password: 'x' } }),
      await web.get('/reset'),
      await web.post('/reset', '/reset', { fields: { email: 'ann@example.org' } }),
      await web.get('/reset/abc.def'),
      await web.get('/set-password/abc.def'),
      await web.get('/no-such-page'),
      await web.post('/sign-in', null),
      await web.post('/sign-out', '/sign-in'),
    ];
    for (const res of responses) {
      expect(res.headers.get('set-cookie'), res.url).toBeNull();
    }
  });

  it('sets the session cookie HttpOnly, Secure, SameSite=Lax, __Host-, without Max-Age', async () => {
    const res = await web.post('/sign-in', '/sign-in', {
      fields: { email: 'ann@example.org', password: GOOD_PASSWORD },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/inbox');
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('__Host-sealpost_session='));
    expect(session).toBeDefined();
    expect(session).toMatch(/; Path=\//);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/Max-Age|Expires|Domain/i);
    const device = cookies.find((c) => c.startsWith('__Host-sealpost_device='));
    expect(device).toMatch(/HttpOnly/);
    expect(device).toMatch(/Secure/);
    expect(device).toMatch(/Max-Age=\d+/);
  });

  it('gives a remembered session a Max-Age of its lifetime', async () => {
    const res = await web.post('/sign-in', '/sign-in', {
      fields: { email: 'ann@example.org', password: GOOD_PASSWORD, remember: 'yes' },
    });
    const session = res.headers.getSetCookie().find((c) => c.includes('sealpost_session='));
    expect(session).toMatch(/Max-Age=2592000/);
  });

  it('uses a plain cookie name without Secure over http', async () => {
    const plain = await setUp(h, { https: false });
    const res = await plain.post('/sign-in', '/sign-in', {
      fields: { email: 'ann@example.org', password: GOOD_PASSWORD },
    });
    expect(res.status).toBe(303);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('sealpost_session='));
    expect(session).toBeDefined();
    expect(session).not.toMatch(/Secure/);
  });

  it('marks signed-in responses no-store and recognises the session', async () => {
    const cookie = await web.signInCookies();
    const res = await web.get('/sign-in', cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/inbox');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers sign-in identically for known, unknown and locked accounts', async () => {
    await h.addRecipient('locked@example.org', {
      lockedUntil: new Date(h.clock.now().getTime() + 30 * 60_000),
      failedSignIns: 3,
    });
    const attempt = async (email: string, password: string) => {
      const res = await web.post('/sign-in', '/sign-in', { fields: { email, password } });
      const body = (await res.text()).replaceAll(email, 'EMAIL');
      return { status: res.status, body };
    };
    const known = await attempt('ann@example.org', 'wrong password here');
    const unknown = await attempt('nobody@example.org', 'wrong password here');
    const locked = await attempt('locked@example.org', GOOD_PASSWORD);
    expect(known.status).toBe(400);
    expect(unknown).toEqual(known);
    expect(locked).toEqual(known);
    expect(known.body).toContain('The email address or password is not right');
    expect(known.body).toContain('value="EMAIL"');
  });

  it('gives the browser a new session at sign-in and ends the one it had', async () => {
    const first = await web.signInCookies();
    const csrf = web.csrfOf(await (await web.get('/r/x.y', first)).text());
    const again = await web.post('/sign-in', null, {
      cookie: first,
      csrf,
      fields: { email: 'ann@example.org', password: GOOD_PASSWORD },
    });
    expect(again.status).toBe(303);
    const second = again.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const idOf = (cookie: string) => /sealpost_session=([^.;]+)\./.exec(cookie)?.[1];
    expect(idOf(second)).toBeDefined();
    expect(idOf(second)).not.toBe(idOf(first));
    // The old cookie is dead, the new one works.
    expect((await web.get('/sign-in', first)).status).toBe(200);
    expect((await web.get('/sign-in', second)).status).toBe(303);
  });

  it('serves pages a strict CSP allows: no inline script, style or handler', async () => {
    const account = await h.addUnregistered('new@example.org');
    const token = await h.addLink({
      purpose: 'notify',
      email: account.email,
      accountId: account.id,
    });
    const pages = [
      await web.get('/sign-in'),
      await web.get(`/r/${token}`),
      await web.get(`/open/${token}`),
      await web.get(`/register/${token}`),
      await web.get('/reset'),
      await web.get('/reset/abc.def'),
      await web.post('/sign-in', null),
    ];
    for (const res of pages) {
      const html = await res.text();
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(inlineCodeIn(html), res.url).toEqual([]);
    }
  });

  it('refuses next= that leaves the site', async () => {
    for (const next of ['//evil.example', '/\\evil.example', 'https://evil.example/', '/\r\n/x']) {
      const res = await web.post('/sign-in', '/sign-in', {
        fields: { email: 'ann@example.org', password: GOOD_PASSWORD, next },
      });
      expect(res.headers.get('location'), next).toBe('/inbox');
      const page = await (await web.get(`/sign-in?next=${encodeURIComponent(next)}`)).text();
      expect(page).not.toContain('name="next"');
    }
    expect(safeNextPath('//evil.example')).toBeNull();
    expect(safeNextPath('/\t/evil.example')).toBeNull();
    expect(safeNextPath('/inbox/abc?page=2')).toBe('/inbox/abc?page=2');
    const res = await web.post('/sign-in', '/sign-in', {
      fields: { email: 'ann@example.org', password: GOOD_PASSWORD, next: '/inbox/abc' },
    });
    expect(res.headers.get('location')).toBe('/inbox/abc');
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const cookie = await web.signInCookies();
    const csrf = web.csrfOf(await (await web.get('/r/x.y', cookie)).text());
    const res = await web.post('/sign-out', null, { cookie, csrf });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?notice=signed-out');
    expect(res.headers.get('set-cookie')).toMatch(/__Host-sealpost_session=;.*Max-Age=0/);
    // The old cookie no longer signs anyone in.
    const after = await web.get('/sign-in', cookie);
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('name="password"');
  });

  it('signs out everywhere', async () => {
    const first = await web.signInCookies();
    const second = await web.signInCookies();
    const csrf = web.csrfOf(await (await web.get('/r/x.y', second)).text());
    const res = await web.post('/sign-out-everywhere', null, { cookie: second, csrf });
    expect(res.status).toBe(303);
    expect((await web.get('/sign-in', first)).status).toBe(200);
  });

  it('resets a password by email link, showing the same page for any address', async () => {
    const page = async (email: string) => {
      const res = await web.post('/reset', '/reset', { fields: { email } });
      return { status: res.status, body: (await res.text()).replaceAll(email, 'EMAIL') };
    };
    const known = await page('ann@example.org');
    expect(await page('nobody@example.org')).toEqual(known);
    expect(known.status).toBe(200);
    const bad = await web.post('/reset', '/reset', { fields: { email: 'not an address' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('value="not an address"');

    const [mail] = await h.outbox();
    const token = linkIn(mail?.text ?? '', 'reset');
    const form = await web.get(`/reset/${token}`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('ann@example.org');
    const csrf = web.csrfOf(html);
    const done = await web.post(`/reset/${token}`, null, {
      csrf,
      fields: { password: NEW_PASSWORD },
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('set-cookie')).toContain('sealpost_session=');
    // The same form sent again (back button, double click): the link is spent.
    const reused = await web.post(`/reset/${token}`, null, {
      csrf,
      fields: { password: 'another long passphrase' },
    });
    expect(reused.status).toBe(404);
    expect(await reused.text()).toContain('This link does not work');
    expect(reused.headers.get('set-cookie')).toBeNull();
  });

  it("sets a new staff member's first password from the admin link", async () => {
    const created = await createStaffAccount(h.deps, {
      email: 'officer@barnet.gov.uk',
      name: 'Olive Officer',
      role: 'sender',
      actorId: null,
    });
    if (!created.ok) throw new Error('could not create staff');
    const path = `/set-password/${created.setPasswordToken}`;
    const weak = await web.post(path, path, { fields: { password: 'password' } });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('officer@barnet.gov.uk');
    const ok = await web.post(path, path, { fields: { password: NEW_PASSWORD } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/staff');
    const again = await web.get(path);
    expect(again.status).toBe(404);
  });

  it('slows down one address that tries too often', async () => {
    const limited = await setUp(h, { areas: { signInLimit: 2 } });
    const attempt = () =>
      limited.post('/sign-in', '/sign-in', {
        fields: { email: 'ann@example.org', password: 'wrong' },
      });
    expect((await attempt()).status).toBe(400);
    expect((await attempt()).status).toBe(400);
    const third = await attempt();
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await third.text()).toContain('too many attempts');
  });

  it('limits the codes one connection asks for and types, saying so and keeping the code typed', async () => {
    const limited = await setUp(h, { areas: { codeLimit: 2, codeCheckLimit: 2 } });
    const account = await h.addUnregistered('newcomer@example.org');
    const token = await h.addLink({
      purpose: 'notify',
      email: account.email,
      accountId: account.id,
      deliveryId: await h.addDelivery(account),
    });
    const codePath = `/register/${token}/code`;
    for (let i = 0; i < 2; i++) {
      expect((await limited.post(codePath, `/register/${token}`)).status).toBe(200);
    }
    const third = await limited.post(codePath, `/register/${token}`);
    expect(third.status).toBe(429);
    expect(await third.text()).toContain('We have sent the most codes we can');
    const registerCsrf = anonymousCsrfToken(h.deps.secrets, h.clock, `/register/${token}`);
    for (let i = 0; i < 2; i++) {
      const res = await limited.post(`/register/${token}`, null, {
        csrf: registerCsrf,
        fields: { code: '12345678', password: NEW_PASSWORD },
      });
      expect(res.status).toBe(400);
    }
    const blocked = await limited.post(`/register/${token}`, null, {
      csrf: registerCsrf,
      fields: { code: '12345678', password: NEW_PASSWORD },
    });
    expect(blocked.status).toBe(429);
    const html = await blocked.text();
    expect(html).toContain('There have been too many tries from your connection');
    expect(html).toContain('value="12345678"');
    expect((await h.storage.repos.accounts.findById({ id: account.id }))?.passwordHash).toBeNull();
  });
});
