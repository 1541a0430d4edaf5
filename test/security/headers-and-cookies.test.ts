import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../adapters/http/security-headers.ts';
import type { Account } from '../../core/accounts/model.ts';
import { buildLinkToken } from '../../core/auth/one-time-tokens.ts';
import { addDays } from '../../core/shared/time.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { sharedCipher } from '../http/mailbox-support.ts';
import { cookiesOf } from '../http/staff-support.ts';
import { countCases } from './support/counts.ts';
import {
  expectCookieFlags,
  expectNoInlineCode,
  expectSecurityHeaders,
  expectStrictPolicy,
} from './support/headers.ts';
import { makeFixture, matrixRows, STATES } from './support/matrix.ts';
import { ROUTES } from './support/routes.ts';
import { type Actor, METRICS_TOKEN, openWorld, type World } from './support/world.ts';

const keys = sharedCipher();
let w: World;
beforeAll(async () => {
  w = await openWorld(keys.cipher());
}, 120_000);
afterAll(async () => {
  await w?.close();
  keys.close();
});

async function linkFor(purpose: 'notify' | 'reset' | 'set-password', account: Account) {
  const { token, value } = buildLinkToken(
    { ids: w.ids, secrets: w.secrets, clock: w.clock },
    {
      purpose,
      accountId: account.id,
      email: account.email,
      deliveryId: null,
      expiresAt: addDays(w.clock.now(), 1),
    },
  );
  await w.storage.repos.tokens.insert({ token });
  return value;
}

/** A concrete GET for each GET route, by who it is for. */
async function pathFor(key: string): Promise<{ path: string; actor: Actor }> {
  const spec = ROUTES[key];
  if (!spec) throw new Error(key);
  const row = matrixRows(w.clock).find((r) => r.route === key);
  if (row) {
    const state = STATES[row.fixture].find((s) => row.allowed[spec.as]?.[s] !== undefined);
    return { path: row.path(await makeFixture(w, row.fixture, state ?? 'active')), actor: spec.as };
  }
  if (spec.sample) return { path: spec.sample, actor: spec.as };
  const pattern = key.slice(4);
  if (pattern.includes(':token')) {
    const fresh = await w.addAccount(`link-${w.ids.newId().slice(0, 6)}@example.org`, {
      passwordHash: null,
    });
    const purpose = pattern.startsWith('/reset')
      ? 'reset'
      : pattern.startsWith('/set-password')
        ? 'set-password'
        : 'notify';
    return { path: pattern.replace(':token', await linkFor(purpose, fresh)), actor: 'anonymous' };
  }
  return { path: pattern, actor: spec.as };
}

const GET_ROUTES = Object.keys(ROUTES).filter((key) => key.startsWith('GET '));

describe('security headers on every response', () => {
  it('uses a strict policy', () => {
    expectStrictPolicy(CONTENT_SECURITY_POLICY);
  });

  for (const key of GET_ROUTES) {
    it(`${key}: headers, no inline code, and no-store when signed in`, async ({ task }) => {
      const { path, actor } = await pathFor(key);
      let n = 0;
      // As the person the route is for, and as everyone else who might ask.
      for (const who of new Set<Actor>([actor, 'anonymous', 'bob', 'olive'])) {
        const res = await w.get(path, w.cookies[who]);
        n += 1;
        const what = `${key} as ${who} (${res.status})`;
        expectSecurityHeaders(res, what);
        // The one exception: the world's OpenID provider is unreachable on purpose, and
        // the single sign-on start says so with its page and 503 (the outage is not ours).
        if (key !== 'GET /sign-in/sso') expect(res.status, what).toBeLessThan(500);
        else expect(res.status, what).toBe(503);
        const signedIn = who !== 'anonymous';
        if (signedIn && !key.startsWith('GET /static/') && key !== 'GET /healthz') {
          expect(res.headers.get('cache-control'), `${what}: no-store`).toBe('no-store');
        }
        // No cookie before sign-in (the privacy notice promises it), none on reading.
        expect(res.headers.getSetCookie(), `${what}: sets no cookie`).toEqual([]);
        const type = res.headers.get('content-type') ?? '';
        const body = await res.text();
        if (type.startsWith('text/html')) expectNoInlineCode(body, what);
        // Every page that needs a session offers a way out (ASVS V7.4.4).
        const needsSession = ['recipient', 'staff', 'admin'].includes(ROUTES[key]?.area ?? '');
        if (needsSession && signedIn && res.status === 200 && /^<!doctype html>/i.test(body)) {
          expect(body, `${what}: sign-out`).toMatch(
            /<form[^>]*method="post"[^>]*action="\/sign-out(\?[^"]*)?"/,
          );
        }
      }
      countCases(task, 'headers and cookies: responses', n);
    });
  }

  it('is on error answers too: 404, 401, 403, 405-ish, 429 and an oversized id', async ({
    task,
  }) => {
    const answers: Array<[string, Response]> = [
      ['unknown page', await w.get('/no/such/page')],
      ['unknown page signed in', await w.get('/no/such/page', w.cookies.ann)],
      ['sign-in needed', await w.get('/inbox')],
      ['refused form', await w.post('/contacts', { cookie: w.cookies.ann, csrf: null })],
      ['DELETE', await w.request('DELETE', '/inbox', { cookie: w.cookies.ann })],
      ['long id', await w.get(`/inbox/${'x'.repeat(5000)}`, w.cookies.ann)],
      ['traversal', await w.get('/static/..%2F..%2Fpackage.json')],
      ['bad language', await w.get('/sign-in?lang=%3Cscript%3E')],
    ];
    for (const [what, res] of answers) {
      expectSecurityHeaders(res, what);
      expect(res.status, what).toBeLessThan(500);
      const body = await res.text();
      expect(body, what).not.toContain('package.json');
      expect(body, what).not.toContain('<script>');
    }
    countCases(task, 'headers and cookies: responses', answers.length);
  });

  it('keeps public caching for static files and sets no cookie there, signed in or not', async ({
    task,
  }) => {
    for (const cookie of ['', w.cookies.ann]) {
      const res = await w.get('/static/app.css', cookie);
      expectSecurityHeaders(res, 'static');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.headers.get('cache-control')).toMatch(/^public/);
    }
    countCases(task, 'headers and cookies: responses', 2);
  });
});

describe('cookies', () => {
  it('are __Host-, Secure, HttpOnly, SameSite and host-only, wherever they are set', async ({
    task,
  }) => {
    const lines: Array<[string, string]> = [];
    const collect = (what: string, res: Response) => {
      for (const line of res.headers.getSetCookie()) lines.push([what, line]);
      return res;
    };
    const account = await w.addAccount(`cookie-${w.ids.newId().slice(0, 6)}@example.org`);
    const signIn = (remember: boolean, cookie = '') =>
      w.post('/sign-in', {
        cookie,
        csrf: w.anonymousToken('/sign-in'),
        fields: {
          email: account.email,
          password: GOOD_PASSWORD,
          ...(remember ? { remember: 'yes' } : {}),
        },
      });
    const plain = collect('sign in', await signIn(false));
    expect(plain.status).toBe(303);
    const cookie = cookiesOf(plain);
    const session = plain.headers.getSetCookie().find((l) => l.includes('sealpost_session'));
    // Without "Remember me" the session cookie ends with the browser.
    expect(session).not.toMatch(/max-age|expires/i);
    const device = plain.headers.getSetCookie().find((l) => l.includes('sealpost_device'));
    expect(device).toMatch(/max-age=\d+/i);
    const remembered = collect('sign in, remember me', await signIn(true, cookie));
    expect(remembered.headers.getSetCookie().find((l) => l.includes('sealpost_session'))).toMatch(
      /max-age=\d+/i,
    );
    const next = cookiesOf(remembered, cookie);
    collect(
      'sign out',
      await w.post('/sign-out', { cookie: next, csrf: await w.sessionToken(next) }),
    );
    collect('stale cookie', await w.get('/inbox', next));
    // Registration, reset and the two-step sign-in set cookies too.
    const newcomer = await w.addAccount(`reg-${w.ids.newId().slice(0, 6)}@example.org`, {
      passwordHash: null,
    });
    const reg = `/register/${await linkFor('notify', newcomer)}`;
    collect(
      'register',
      await w.post(reg, {
        csrf: w.anonymousToken(reg),
        fields: { password: 'a perfectly fine new password' },
      }),
    );
    const reset = `/reset/${await linkFor('reset', account)}`;
    collect(
      'reset',
      await w.post(reset, {
        csrf: w.anonymousToken(reset),
        fields: { password: 'another perfectly fine password' },
      }),
    );
    const staff = await w.addAccount(`staff-${w.ids.newId().slice(0, 6)}@barnet.gov.uk`, {
      kind: 'staff',
      role: 'admin',
    });
    const before = lines.length;
    await w.signInWithTotp(staff.email);
    expect(lines.length).toBe(before);
    const stepped = await w.passwordStep(staff.email);
    expect(stepped.cookie).toMatch(/__Host-sealpost_session=/);

    expect(lines.length).toBeGreaterThanOrEqual(8);
    const names = new Set(lines.map(([, l]) => l.split('=')[0]));
    expect([...names].sort()).toEqual(['__Host-sealpost_device', '__Host-sealpost_session']);
    for (const [what, line] of lines) expectCookieFlags(line, what);
    countCases(task, 'headers and cookies: responses', lines.length);
  });
});

describe('nothing exposed that should not be', () => {
  it('no OPTIONS, no directory listing, no source control, no debug output (TRACE: uploads.test.ts)', async ({
    task,
  }) => {
    const answers: Array<[string, Response]> = [
      ['OPTIONS', await w.request('OPTIONS', '/inbox', { cookie: w.cookies.ann })],
      ['static folder', await w.get('/static/')],
      ['static folder, no slash', await w.get('/static')],
      ['git', await w.get('/.git/config')],
      ['env', await w.get('/.env')],
      ['package', await w.get('/package.json')],
      ['source', await w.get('/adapters/compose.ts')],
      ['source map', await w.get('/static/sealpost.js.map')],
    ];
    for (const [what, res] of answers) {
      expect(res.status, what).toBe(404);
      expectSecurityHeaders(res, what);
      const body = await res.text();
      expect(body, what).not.toMatch(/\[core\]|SEALPOST_|"dependencies"|import /);
      expect(res.headers.get('access-control-allow-methods'), what).toBeNull();
    }
    countCases(task, 'headers and cookies: responses', answers.length);
  });

  it('/metrics answers only the scraper with the bearer token', async ({ task }) => {
    const none = await w.get('/metrics');
    const wrong = await w.get('/metrics', '', { authorization: `Bearer ${'x'.repeat(48)}` });
    const signedIn = await w.get('/metrics', w.cookies.adam);
    for (const [what, res] of [
      ['no token', none],
      ['wrong token', wrong],
      ['an admin’s session', signedIn],
    ] as const) {
      expect(res.status, what).toBe(401);
      expectSecurityHeaders(res, what);
      expect(await res.text(), what).not.toMatch(/sealpost_|process_/);
    }
    const right = await w.get('/metrics', '', { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(right.status).toBe(200);
    expect(right.headers.get('cache-control')).toBe('no-store');
    const text = await right.text();
    // Labels are route patterns, never paths with ids or tokens in them.
    expect(text).not.toMatch(/route="[^"]*\/[a-z2-7]{26}/);
    countCases(task, 'headers and cookies: responses', 4);
  });

  it('the page script runs nothing it is sent and keeps nothing in the browser', ({ task }) => {
    const script = readFileSync(new URL('../../views/static/sealpost.js', import.meta.url), 'utf8');
    const code = script.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/\beval\s*\(|new Function|setTimeout\(\s*['"`]/);
    expect(code).not.toMatch(/localStorage|sessionStorage|indexedDB|document\.cookie/);
    expect(code).not.toMatch(/addEventListener\(\s*['"]message['"]|onmessage|postMessage/);
    expect(code).not.toMatch(/\.innerHTML\s*=|insertAdjacentHTML|document\.write/);
    countCases(task, 'headers and cookies: responses', 1);
  });

  it('htmx is told: no eval, no script from responses, our origin only, no history cache', async ({
    task,
  }) => {
    const html = await (await w.get('/inbox', w.cookies.ann)).text();
    const content = /<meta name="htmx-config" content="([^"]+)"/.exec(html)?.[1] ?? '{}';
    const config = JSON.parse(content.replace(/&quot;/g, '"')) as Record<string, unknown>;
    expect(config).toMatchObject({
      allowEval: false,
      allowScriptTags: false,
      selfRequestsOnly: true,
      historyCacheSize: 0,
    });
    countCases(task, 'headers and cookies: responses', 1);
  });
});
