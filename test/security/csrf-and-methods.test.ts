import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { buildLinkToken } from '../../core/auth/one-time-tokens.ts';
import { addDays, MINUTE_MS } from '../../core/shared/time.ts';
import { sharedCipher } from '../http/mailbox-support.ts';
import { countCases } from './support/counts.ts';
import { makeFixture, matrixRows, STATES } from './support/matrix.ts';
import { ROUTES, stateChangingRoutes } from './support/routes.ts';
import { type Actor, BASE, COUNCIL, openWorld, type World } from './support/world.ts';

const keys = sharedCipher();
let w: World;
beforeAll(async () => {
  w = await openWorld(keys.cipher());
}, 120_000);
afterAll(async () => {
  await w?.close();
  keys.close();
});

const EVIL = 'https://evil.example';
const NEW_PASSWORD = 'a perfectly fine new password';

/** A request that would change something if the CSRF defences let it through. */
type Target = {
  path: string;
  fields: Array<[string, string]>;
  cookie: string;
  /** The valid token for this session (or this signed-out form). */
  token: string;
  /** Upload forms are multipart: their token travels in the query string or a header. */
  multipart: boolean;
  /** Another session's token, when there is a session to borrow from. */
  foreignToken: string | null;
};

/** A throwaway signed-in account (sign-out and reset end sessions; the world's must live). */
async function throwaway(label: string): Promise<{ account: Account; cookie: string }> {
  const account = await w.addAccount(`${label}-${w.ids.newId().slice(0, 6)}@example.org`);
  const { cookie } = await w.passwordStep(account.email);
  return { account, cookie };
}

async function link(purpose: 'notify' | 'reset' | 'set-password', account: Account) {
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

/** A concrete request for `key` that would succeed with a valid token and Origin. */
async function targetFor(key: string): Promise<Target> {
  const spec = ROUTES[key];
  if (!spec) throw new Error(`unknown route ${key}`);
  const as: Actor = spec.as;
  const signedIn = (actor: Actor, path: string, fields: Array<[string, string]> = []) => ({
    path,
    fields,
    cookie: w.cookies[actor],
    token: w.tokens[actor],
    multipart: false,
    foreignToken: w.tokens[actor === 'bob' ? 'ann' : 'bob'],
  });
  const signedOut = (path: string, fields: Array<[string, string]> = []): Target => ({
    path,
    fields,
    cookie: '',
    token: w.anonymousToken(path),
    multipart: false,
    foreignToken: null,
  });

  const row = matrixRows(w.clock).find((r) => r.route === key);
  if (row) {
    const state = STATES[row.fixture].find((s) => row.allowed[as]?.[s] !== undefined);
    const fixture = await makeFixture(w, row.fixture, state ?? 'active');
    const target = signedIn(as, row.path(fixture), Object.entries(row.fields?.(fixture) ?? {}));
    // A draft file's Remove posts the whole compose form: multipart, token in the query.
    return key === 'POST /drafts/:id/files/:fileId/remove'
      ? { ...target, multipart: true }
      : target;
  }
  switch (key) {
    case 'POST /sign-in':
      return signedOut('/sign-in', [
        ['email', w.people.ann.email],
        ['password', 'correct horse battery staple'],
      ]);
    case 'POST /sign-out':
    case 'POST /sign-out-everywhere': {
      const { cookie } = await throwaway('leaver');
      return {
        path: key.slice(5),
        fields: [],
        cookie,
        token: await w.sessionToken(cookie),
        multipart: false,
        foreignToken: w.tokens.bob,
      };
    }
    case 'POST /r/:token':
    case 'POST /open/:token':
    case 'POST /register/:token': {
      const account = await w.addAccount(`new-${w.ids.newId().slice(0, 6)}@example.org`, {
        passwordHash: null,
      });
      const value = await link('notify', account);
      return signedOut(`/${key.split('/')[1]}/${value}`, [['password', NEW_PASSWORD]]);
    }
    case 'POST /register/:token/code': {
      const account = await w.addAccount(`code-${w.ids.newId().slice(0, 6)}@example.org`, {
        passwordHash: null,
      });
      return signedOut(`/register/${await link('notify', account)}/code`);
    }
    case 'POST /r/:token/ask':
    case 'POST /r/:token/ask/confirm': {
      const sent = await w.send({ from: w.people.olive, to: ['asked-of@example.org'] });
      const deliveryId = sent.deliveries['asked-of@example.org'] as string;
      const { token, value } = buildLinkToken(
        { ids: w.ids, secrets: w.secrets, clock: w.clock },
        {
          purpose: 'notify',
          accountId: null,
          email: 'asked-of@example.org',
          deliveryId,
          expiresAt: addDays(w.clock.now(), 1),
        },
      );
      await w.storage.repos.tokens.insert({ token });
      return signedOut(`/r/${value}/${key.endsWith('confirm') ? 'ask/confirm' : 'ask'}`, [
        ['email', `friend-${w.ids.newId().slice(0, 6)}@example.org`],
        ['code', '12345678'],
      ]);
    }
    case 'POST /reset':
      return signedOut('/reset', [['email', w.people.ann.email]]);
    case 'POST /reset/:token':
    case 'POST /set-password/:token': {
      const { account } = await throwaway('resetter');
      const value = await link(key.includes('reset') ? 'reset' : 'set-password', account);
      return signedOut(`/${key.split('/')[1]}/${value}`, [['password', NEW_PASSWORD]]);
    }
    case 'POST /sign-in/two-factor':
      return signedOut('/sign-in/two-factor', [['code', '123456']]);
    case 'POST /staff/two-factor':
      return signedIn('olive', '/staff/two-factor', [
        ['token', 'x'],
        ['code', '123456'],
      ]);
    // Ann has no second factor: the genuine requests pass the CSRF check and stop at
    // the made-up enrolment token (400) or at "nothing to turn off" (404), before any
    // password is counted, so her session, which later targets use, lives on.
    case 'POST /account/two-factor':
      return signedIn('ann', '/account/two-factor', [
        ['token', 'x'],
        ['password', 'not checked'],
        ['code', '123456'],
      ]);
    case 'POST /account/two-factor/remove':
      return signedIn('ann', '/account/two-factor/remove', [['password', 'not checked']]);
    // Passkeys: the JSON ceremonies answer a form body with 400 (not JSON), after the
    // CSRF check; Ann has no passkey, so removing one stops at 404 before any password
    // is counted.
    case 'POST /account/passkeys/register':
      return signedIn('ann', '/account/passkeys/register', [['step', 'options']]);
    case 'POST /account/passkeys/remove':
      return signedIn('ann', '/account/passkeys/remove', [
        ['passkey', 'none'],
        ['password', 'not checked'],
      ]);
    case 'POST /sign-in/passkey':
      return signedOut('/sign-in/passkey', [['step', 'options']]);
    case 'POST /compose':
    case 'POST /compose/save':
      return {
        ...signedIn('ann', key.slice(5), [
          ['to', `officer@${COUNCIL}`],
          ['subject', 'Hello'],
          ['body', 'Hello'],
        ]),
        multipart: true,
      };
    case 'POST /compose/autosave':
      return signedIn('ann', '/compose/autosave', [
        ['subject', 'Autosaved'],
        ['body', 'Autosaved'],
      ]);
    case 'POST /contacts':
      return signedIn('ann', '/contacts', [
        ['name', 'New contact'],
        ['email', `new-${w.ids.newId().slice(0, 6)}@${COUNCIL}`],
        ['note', ''],
      ]);
    case 'POST /contacts/groups': {
      const fixture = await makeFixture(w, 'contact', 'active');
      return signedIn('ann', '/contacts/groups', [
        ['name', `Group ${w.ids.newId().slice(0, 6)}`],
        ['members', fixture.contactId],
      ]);
    }
    case 'POST /staff/compose/edit':
    case 'POST /staff/compose':
      return signedIn('olive', key.slice(5), [
        ['to', w.people.ann.email],
        ['subject', 'Hello'],
        ['body', 'Hello'],
        ['accessDays', '7'],
      ]);
    case 'POST /staff/compose/send':
      return {
        ...signedIn('olive', '/staff/compose/send', [
          ['to', w.people.ann.email],
          ['subject', 'Hello'],
          ['body', 'Hello'],
          ['accessDays', '7'],
          ['classification', 'none'],
        ]),
        multipart: true,
      };
    case 'POST /admin/settings':
      return signedIn('adam', '/admin/settings', [['orgName', 'Barnet Council']]);
    case 'POST /admin/settings/reset':
      return signedIn('adam', '/admin/settings/reset', [['reset', 'accessDays']]);
    case 'POST /admin/accounts':
      return signedIn('adam', '/admin/accounts', [
        ['name', 'New Starter'],
        ['email', `starter-${w.ids.newId().slice(0, 6)}@${COUNCIL}`],
        ['role', 'sender'],
      ]);
    case 'POST /admin/keys/rotate':
      return signedIn('adam', '/admin/keys/rotate');
    case 'POST /admin/teams':
      return signedIn('adam', '/admin/teams', [
        ['email', `team-${w.ids.newId().slice(0, 6)}@${COUNCIL}`],
        ['name', 'Housing team'],
      ]);
    // Olive's own id: the genuine request takes her back to her own mailbox, so her
    // session, which later targets use, is left as it was.
    case 'POST /staff/mailboxes/act':
      return signedIn('olive', '/staff/mailboxes/act', [['mailboxId', w.people.olive.id]]);
    // Shared mailboxes: a throwaway person, so choosing a mailbox leaves Ann's session be.
    case 'POST /account/members':
    case 'POST /account/members/remove':
    case 'POST /mailboxes/act':
    case 'POST /mailboxes/accept':
    case 'POST /mailboxes/leave': {
      const { account, cookie } = await throwaway('member');
      const other = await w.addAccount(`shared-${w.ids.newId().slice(0, 6)}@example.org`);
      const isHolder = key.startsWith('POST /account/');
      await w.storage.repos.mailboxMembers.insert({
        member: {
          mailboxId: isHolder ? account.id : other.id,
          memberId: isHolder ? other.id : account.id,
          addedById: isHolder ? account.id : other.id,
          createdAt: w.clock.now(),
          acceptedAt: key === 'POST /mailboxes/accept' ? null : w.clock.now(),
        },
      });
      const fields: Array<[string, string]> =
        key === 'POST /account/members'
          ? [['email', `invitee-${w.ids.newId().slice(0, 6)}@example.org`]]
          : isHolder
            ? [['memberId', other.id]]
            : [['mailboxId', other.id]];
      return {
        path: key.slice(5),
        fields,
        cookie,
        token: await w.sessionToken(cookie),
        multipart: false,
        foreignToken: w.tokens.bob,
      };
    }
    case 'POST /session/extend':
      return signedIn('ann', '/session/extend');
    case 'POST /session/stay':
      return signedIn('ann', '/session/stay', [['next', '/inbox']]);
    case 'POST /language':
      // English, which Ann's pages speak anyway: keeping it with her account changes
      // nothing any other test sees (and a throwaway sign-in would spend the rate limit).
      return signedIn('ann', '/language', [
        ['lang', 'en'],
        ['back', '/inbox'],
      ]);
    default:
      throw new Error(`No CSRF target for ${key}: add one to csrf-and-methods.test.ts`);
  }
}

/** Sends the target with the given token, Origin and extra headers. */
function send(
  t: Target,
  args: { token: string | null; origin?: string | null; headers?: Record<string, string> },
  method = 'POST',
) {
  const headers: Record<string, string> = { ...args.headers };
  if (args.origin !== null) headers.origin = args.origin ?? BASE;
  if (t.multipart) {
    const form = new FormData();
    for (const [k, v] of t.fields) form.append(k, v);
    const query = args.token ? `?_csrf=${encodeURIComponent(args.token)}` : '';
    return w.request(method, `${t.path}${query}`, { cookie: t.cookie, headers, body: form });
  }
  const body = new URLSearchParams(t.fields);
  if (args.token) body.set('_csrf', args.token);
  const text = body.toString();
  return w.request(method, t.path, {
    cookie: t.cookie,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    },
    body: text,
  });
}

/** The observable state a forged request could change, sessions included. */
async function snapshot(t: Target): Promise<string> {
  const alive = t.cookie ? (await w.get('/account', t.cookie)).status : 0;
  const [mail] = w.query<{ n: number }>('SELECT count(*) AS n FROM outbox');
  return `${w.fingerprint()} session:${alive} outbox:${mail?.n}`;
}

describe('CSRF: every state-changing route', () => {
  for (const key of stateChangingRoutes()) {
    it(`${key}: refuses a forged request, and takes the genuine one`, async ({ task }) => {
      const t = await targetFor(key);
      const before = await snapshot(t);
      const forgeries: Array<[string, Parameters<typeof send>[1]]> = [
        ['no token', { token: null }],
        ['an empty token', { token: '', headers: { 'x-csrf-token': '' } }],
        ['a made-up token', { token: `s.${'a'.repeat(16)}.${'0'.repeat(64)}` }],
        [
          'the token in a foreign header only',
          { token: null, headers: { 'x-csrf-token': 'nope' } },
        ],
        ['another site’s Origin', { token: t.token, origin: EVIL }],
        [
          'Origin null from a sandboxed frame',
          { token: t.token, origin: 'null', headers: { 'sec-fetch-site': 'cross-site' } },
        ],
        [
          'no Origin, cross-site fetch',
          { token: t.token, origin: null, headers: { 'sec-fetch-site': 'cross-site' } },
        ],
        [
          'no Origin, same-site (a sibling subdomain)',
          { token: t.token, origin: null, headers: { 'sec-fetch-site': 'same-site' } },
        ],
        [
          'an http:// Origin of the same host',
          { token: t.token, origin: BASE.replace('https:', 'http:') },
        ],
      ];
      if (t.foreignToken) forgeries.push(['another session’s token', { token: t.foreignToken }]);
      for (const [what, args] of forgeries) {
        const res = await send(t, args);
        expect(res.status, `${key}: ${what}`).toBe(403);
        expect(res.headers.getSetCookie(), `${key}: ${what} sets no cookie`).toEqual([]);
      }
      expect(await snapshot(t), `${key}: nothing changed`).toBe(before);

      // The genuine request gets past the CSRF check (it is the control of this test).
      const genuine = await send(t, { token: t.token });
      expect(genuine.status, `${key}: the genuine request`).not.toBe(403);
      expect(genuine.status, `${key}: the genuine request`).toBeLessThan(500);
      countCases(task, 'csrf and methods: requests', forgeries.length + 1);
    });
  }
});

describe('methods: nothing changes state but POST', () => {
  for (const key of stateChangingRoutes()) {
    it(`${key}: GET, HEAD, PUT, PATCH and DELETE change nothing`, async ({ task }) => {
      const t = await targetFor(key);
      const before = await snapshot(t);
      const query = new URLSearchParams(t.fields);
      query.set('_csrf', t.token);
      for (const method of ['GET', 'HEAD']) {
        const res = await w.request(method, `${t.path}?${query}`, { cookie: t.cookie });
        // A page (the form, a confirmation) or not found; never a change.
        expect(res.status, `${method} ${key}`).not.toBe(500);
        expect(res.headers.getSetCookie().some((c) => /sealpost_session=[^;]+\./.test(c))).toBe(
          false,
        );
      }
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        const res = await send(t, { token: t.token }, method);
        expect([403, 404, 405], `${method} ${key}`).toContain(res.status);
      }
      expect(await snapshot(t), `${key}: nothing changed`).toBe(before);
      countCases(task, 'csrf and methods: requests', 5);
    });
  }
});

describe('CSRF: the cases audits have found elsewhere', () => {
  it('a cross-site sign-out (SecureDrop 2024) leaves the session signed in', async ({ task }) => {
    const { cookie } = await throwaway('target');
    const forged = await w.request('POST', '/sign-out', {
      cookie,
      headers: { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(forged.status).toBe(403);
    const viaGet = await w.get('/sign-out', cookie);
    expect(viaGet.status).toBe(404);
    const img = await w.get('/sign-out-everywhere', cookie, { 'sec-fetch-site': 'cross-site' });
    expect(img.status).toBe(404);
    expect((await w.get('/account', cookie)).status).toBe(200);
    countCases(task, 'csrf and methods: requests', 3);
  });

  it('an upload form takes its token from the query or header only, never the body', async ({
    task,
  }) => {
    const before = w.fingerprint();
    const form = new FormData();
    form.append('_csrf', w.tokens.ann);
    form.append('subject', 'Forged');
    form.append('body', 'Forged');
    const res = await w.request('POST', '/compose/save', {
      cookie: w.cookies.ann,
      headers: { origin: BASE },
      body: form,
    });
    expect(res.status).toBe(403);
    const viaHeader = new FormData();
    viaHeader.append('subject', 'Header');
    viaHeader.append('body', 'Header');
    const ok = await w.request('POST', '/compose/save', {
      cookie: w.cookies.ann,
      headers: { origin: BASE, 'x-csrf-token': w.tokens.ann },
      body: viaHeader,
    });
    expect(ok.status).toBe(303);
    expect(w.fingerprint()).not.toBe(before);
    countCases(task, 'csrf and methods: requests', 2);
  });

  it('a signed-out token works only for its own form, and only for a few hours', async ({
    task,
  }) => {
    const fields = { email: w.people.ann.email };
    const wrongForm = await w.post('/reset', { csrf: w.anonymousToken('/sign-in'), fields });
    expect(wrongForm.status).toBe(403);
    const token = w.anonymousToken('/reset');
    // Four hours on, and back: the world's sessions must not time out meanwhile.
    w.clock.advance(240 * MINUTE_MS);
    const stale = await w.post('/reset', { csrf: token, fields });
    w.clock.advance(-240 * MINUTE_MS);
    expect(stale.status).toBe(403);
    const fresh = await w.post('/reset', { csrf: w.anonymousToken('/reset'), fields });
    expect(fresh.status).toBe(200);
    countCases(task, 'csrf and methods: requests', 3);
  });

  it('a token of a session that was signed out is refused in the next one', async ({ task }) => {
    const { account, cookie } = await throwaway('gone');
    const token = await w.sessionToken(cookie);
    const out = await w.post('/sign-out', { cookie, csrf: token });
    expect(out.status).toBe(303);
    const { cookie: next } = await w.passwordStep(account.email);
    const res = await w.post('/contacts', {
      cookie: next,
      csrf: token,
      fields: { name: 'x', email: `x@${COUNCIL}`, note: '' },
    });
    expect(res.status).toBe(403);
    countCases(task, 'csrf and methods: requests', 2);
  });
});
