import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type TestPortal } from '../e2e/support/portal.ts';

// "The language sticks": the language switch (POST /language) keeps the page's query,
// sets the `sealpost_lang` cookie only once a person chooses, keeps a signed-in choice
// with the account, and every redirect of the sign-in, sign-out and reset flows keeps a
// language chosen in the URL. Against the real portal (compose + createPortal) over a
// real SQLite database, with plain HTTP requests: no JavaScript, as a browser without
// it would send them.

const PASSWORD = 'kettle gravel orchard stamp';

let portal: TestPortal;

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-language-' });
}, 60_000);

afterAll(async () => {
  await portal?.stop();
});

/** A browser without JavaScript: a cookie jar, redirects followed by hand. */
function browser(headers: Record<string, string> = {}) {
  const jar = new Map<string, string>();
  const setCookies: string[] = [];
  const request = async (
    path: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${portal.origin}${path}`, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...headers,
        ...(cookie ? { cookie } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      setCookies.push(line);
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return { res, html: await res.text(), location: res.headers.get('location') };
  };
  /** GETs `path` and follows redirects to the page at the end. */
  const follow = async (path: string) => {
    const seen: string[] = [path];
    let answer = await request(path);
    while (answer.location) {
      seen.push(answer.location);
      answer = await request(answer.location);
    }
    return { ...answer, seen };
  };
  return { jar, setCookies, request, follow };
}

/** The hidden fields of the page's language switch form. */
function switchOf(html: string): { _csrf: string; back: string; lang: string } {
  const form = /<form method="post" action="\/language"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error('no language switch on the page');
  const field = (name: string) =>
    decode(new RegExp(`name="${name}" value="([^"]*)"`).exec(form)?.[1] ?? '');
  return { _csrf: field('_csrf'), back: field('back'), lang: field('lang') };
}

function decode(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function htmlLang(html: string): string | null {
  return /<html lang="([a-z]+)"/.exec(html)?.[1] ?? null;
}

/** The `_csrf` of the form posting to `action` (with or without a query). */
function csrfFor(html: string, action: string): string {
  const escaped = action.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const form = new RegExp(
    `<form method="post" action="${escaped}(?:\\?[^"]*)?"[^>]*>([\\s\\S]*?)</form>`,
  ).exec(html)?.[1];
  const token = form ? /name="_csrf" value="([^"]+)"/.exec(form)?.[1] : undefined;
  if (!token) throw new Error(`no form posting to ${action}`);
  return token;
}

async function signIn(b: ReturnType<typeof browser>, email: string, query = '') {
  const page = await b.request(`/sign-in${query}`);
  return b.request(`/sign-in${query}`, {
    form: { _csrf: csrfFor(page.html, '/sign-in'), email, password: PASSWORD },
  });
}

describe('the language switch', () => {
  it('keeps next= and the rest of the query, and sets the cookie only once chosen', async () => {
    const variants: Array<Record<string, string>> = [{}, { DNT: '1' }, { 'accept-language': 'cy' }];
    for (const headers of variants) {
      const b = browser(headers);
      const page = await b.request('/sign-in?next=%2Finbox%2Fabc%3Fpage%3D2');
      expect(page.res.status).toBe(200);
      // Nothing is set before a choice: not from Accept-Language, not under Do Not Track.
      expect(b.setCookies).toEqual([]);
      const welsh = await b.request('/sign-in?lang=cy&next=%2Finbox');
      expect(htmlLang(welsh.html)).toBe('cy');
      // Nor from a `?lang=` link.
      expect(b.setCookies).toEqual([]);

      const form = switchOf(page.html);
      const other = htmlLang(page.html) === 'cy' ? 'en' : 'cy';
      expect(form.back).toBe('/sign-in?next=%2Finbox%2Fabc%3Fpage%3D2');
      expect(form.lang).toBe(other);
      const chosen = await b.request('/language', { form: { ...form } });
      expect(chosen.res.status).toBe(303);
      expect(chosen.location).toBe(`/sign-in?next=%2Finbox%2Fabc%3Fpage%3D2&lang=${other}`);
      const cookie = b.setCookies.find((line) => line.startsWith('sealpost_lang='));
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(new RegExp(`^sealpost_lang=${other};`));
      expect(cookie).toMatch(/Max-Age=31536000/);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      // The public URL of this test portal is plain http.
      expect(cookie).not.toMatch(/Secure/);
      // The next page without `?lang=` speaks the choice, whatever the browser prefers.
      expect(htmlLang((await b.request('/sign-in')).html)).toBe(other);
      expect(htmlLang((await b.request('/reset')).html)).toBe(other);
    }
  });

  it('keeps page= and filters on a signed-in page', async () => {
    const email = 'pages@example.org';
    await portal.addAccount({ email, password: PASSWORD });
    const b = browser();
    expect((await signIn(b, email)).res.status).toBe(303);
    const page = await b.request('/inbox?page=2&expired=1');
    expect(page.res.status).toBe(200);
    const form = switchOf(page.html);
    expect(form.back).toBe('/inbox?page=2&expired=1');
    const chosen = await b.request('/language', { form: { ...form } });
    expect(chosen.location).toBe('/inbox?page=2&expired=1&lang=cy');
  });

  it('never sends anyone off the site', async () => {
    const b = browser();
    const form = switchOf((await b.request('/sign-in')).html);
    for (const back of [
      '//evil.example/',
      'https://evil.example/',
      '/\\evil.example',
      '/%0d%0aLocation: https://evil.example',
      'javascript:alert(1)',
      ' /inbox',
      '',
    ]) {
      const chosen = await b.request('/language', { form: { ...form, back } });
      expect(chosen.res.status).toBe(303);
      const location = chosen.location ?? '';
      expect(location.startsWith('/')).toBe(true);
      expect(location.startsWith('//')).toBe(false);
      expect(new URL(location, portal.origin).origin).toBe(portal.origin);
    }
    // A language we do not speak changes nothing.
    const odd = await b.request('/language', { form: { ...form, lang: 'fr', back: '/reset' } });
    expect(odd.location).toBe('/reset');
  });

  it('refuses a post without this browser’s token', async () => {
    const b = browser();
    const chosen = await b.request('/language', { form: { lang: 'cy', back: '/sign-in' } });
    expect(chosen.res.status).toBe(403);
    expect(b.setCookies).toEqual([]);

    // Signed in, only the session's token will do: a signed-out one is refused.
    const email = 'token@example.org';
    await portal.addAccount({ email, password: PASSWORD });
    const stranger = browser();
    const anonymous = switchOf((await stranger.request('/sign-in')).html)._csrf;
    expect((await signIn(b, email)).res.status).toBe(303);
    const forged = await b.request('/language', {
      form: { _csrf: anonymous, lang: 'cy', back: '/inbox' },
    });
    expect(forged.res.status).toBe(403);
    expect((await portal.account(email))?.language).toBeNull();
  });
});

describe('the choice kept with the account', () => {
  it('saves a signed-in choice and uses it on the next page without ?lang=', async () => {
    const email = 'chooser@example.org';
    await portal.addAccount({ email, password: PASSWORD });
    const b = browser({ 'accept-language': 'en-GB,en' });
    expect((await signIn(b, email)).res.status).toBe(303);
    const inbox = await b.request('/inbox');
    expect(htmlLang(inbox.html)).toBe('en');
    const chosen = await b.request('/language', { form: { ...switchOf(inbox.html) } });
    expect(chosen.location).toBe('/inbox?lang=cy');
    expect((await portal.account(email))?.language).toBe('cy');

    // The account, not the cookie: without it, the next page is still Welsh.
    b.jar.delete('sealpost_lang');
    expect(htmlLang((await b.request('/inbox')).html)).toBe('cy');
    expect(htmlLang((await b.request('/contacts')).html)).toBe('cy');
    // An explicit `?lang=` still wins for that page.
    expect(htmlLang((await b.request('/inbox?lang=en')).html)).toBe('en');

    // Choosing again replaces it.
    const back = await b.request('/language', {
      form: { ...switchOf((await b.request('/inbox')).html) },
    });
    expect(back.location).toBe('/inbox?lang=en');
    expect((await portal.account(email))?.language).toBe('en');
  });

  it('saves a language chosen before sign-in, when the account has none', async () => {
    // With the switch (the cookie).
    const viaCookie = 'before-cookie@example.org';
    await portal.addAccount({ email: viaCookie, password: PASSWORD });
    const b = browser();
    await b.request('/language', {
      form: { ...switchOf((await b.request('/sign-in')).html), back: '/sign-in' },
    });
    const signedIn = await signIn(b, viaCookie);
    expect(signedIn.location).toBe('/inbox');
    expect((await portal.account(viaCookie))?.language).toBe('cy');

    // From a `?lang=` link (no cookie): the redirect keeps it, the account keeps it.
    const viaUrl = 'before-url@example.org';
    await portal.addAccount({ email: viaUrl, password: PASSWORD });
    const c = browser();
    const answer = await signIn(c, viaUrl, '?lang=cy');
    expect(answer.location).toBe('/inbox?lang=cy');
    expect(c.jar.has('sealpost_lang')).toBe(false);
    expect((await portal.account(viaUrl))?.language).toBe('cy');

    // An account that already has a language keeps it.
    const kept = 'kept@example.org';
    await portal.addAccount({ email: kept, password: PASSWORD, language: 'en' });
    await signIn(browser(), kept, '?lang=cy');
    expect((await portal.account(kept))?.language).toBe('en');

    // Accept-Language is no choice: nothing is saved.
    const browsed = 'browsed@example.org';
    await portal.addAccount({ email: browsed, password: PASSWORD });
    await signIn(browser({ 'accept-language': 'cy' }), browsed);
    expect((await portal.account(browsed))?.language).toBeNull();
  });
});

describe('redirects keep a language chosen in the URL', () => {
  it('/staff/sign-in?lang=cy ends at a Welsh sign-in, and signing in stays Welsh', async () => {
    const b = browser();
    const walk = await b.follow('/staff/sign-in?lang=cy');
    expect(walk.seen.at(-1)).toBe('/sign-in?next=%2Fstaff&lang=cy');
    expect(walk.res.status).toBe(200);
    expect(htmlLang(walk.html)).toBe('cy');

    const email = 'staff.cy@barnet.gov.uk';
    await portal.addAccount({ email, password: PASSWORD, kind: 'staff', role: 'sender' });
    const posted = await b.request('/sign-in?lang=cy', {
      form: { _csrf: csrfFor(walk.html, '/sign-in'), email, password: PASSWORD, next: '/staff' },
    });
    expect(posted.location).toBe('/staff?lang=cy');
    const landed = await b.follow(posted.location ?? '');
    expect(landed.seen.at(-1)).toBe('/staff/inbox?lang=cy');
    expect(htmlLang(landed.html)).toBe('cy');
  });

  it('signing out and the home page keep it', async () => {
    const email = 'signout@example.org';
    await portal.addAccount({ email, password: PASSWORD });
    const b = browser();
    expect((await signIn(b, email, '?lang=cy')).location).toBe('/inbox?lang=cy');
    const inbox = await b.request('/inbox?lang=cy');
    const out = await b.request('/sign-out?lang=cy', {
      form: { _csrf: csrfFor(inbox.html, '/sign-out') },
    });
    expect(out.location).toBe('/sign-in?notice=signed-out&lang=cy');
    expect(htmlLang((await b.request(out.location ?? '')).html)).toBe('cy');
    expect((await b.request('/?lang=cy')).location).toBe('/sign-in?lang=cy');
    // A signed-out visit to a mailbox page offers a Welsh sign-in that comes back.
    const stray = await b.request('/staff/sent?lang=cy');
    expect(stray.location).toBe('/sign-in?next=%2Fstaff%2Fsent%3Flang%3Dcy&lang=cy');
  });

  it('a password reset from a Welsh page signs in to a Welsh inbox', async () => {
    const email = 'reset.cy@example.org';
    await portal.addAccount({ email, password: PASSWORD });
    const b = browser();
    const ask = await b.request('/reset?lang=cy');
    expect(htmlLang(ask.html)).toBe('cy');
    const sent = await b.request('/reset?lang=cy', {
      form: { _csrf: csrfFor(ask.html, '/reset'), email },
    });
    expect(sent.res.status).toBe(200);
    expect(htmlLang(sent.html)).toBe('cy');
    const mail = (await portal.outbox()).filter((m) => m.to === email).at(-1);
    const link = /\/reset\/[A-Za-z0-9_.-]+/.exec(mail?.text ?? '')?.[0];
    if (!link) throw new Error(`no reset link in ${mail?.text}`);
    const page = await b.request(`${link}?lang=cy`);
    expect(htmlLang(page.html)).toBe('cy');
    const done = await b.request(`${link}?lang=cy`, {
      form: { _csrf: csrfFor(page.html, link), password: 'a brand new long passphrase here' },
    });
    expect(done.res.status).toBe(303);
    expect(done.location).toBe('/inbox?lang=cy');
    expect((await portal.account(email))?.language).toBe('cy');
  });

  it('a page that asks to sign in links to a Welsh sign-in from a Welsh page', async () => {
    const b = browser();
    const asked = await b.request('/inbox?lang=cy');
    expect(asked.res.status).toBe(401);
    expect(htmlLang(asked.html)).toBe('cy');
    expect(asked.html).toContain('href="/sign-in?next=%2Finbox%3Flang%3Dcy&amp;lang=cy"');
    const english = await b.request('/inbox');
    expect(english.html).toContain('href="/sign-in?next=%2Finbox"');
  });
});
