import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anonymousCsrfToken } from '../../adapters/http/middleware/csrf.ts';
import type { Account } from '../../core/accounts/model.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import {
  type SoftwareAuthenticator,
  softwareAuthenticator,
} from '../support/software-authenticator.ts';
import { BASE, COUNCIL } from './compose-harness.ts';
import { sharedMailboxHarness } from './shared-mailbox-support.ts';
import { cookiesOf } from './staff-support.ts';

// Passkeys through the portal as served (app.request, no browser): the page under the
// account, the JSON ceremonies behind passkeys.js (with a software authenticator), the
// second step and signing in alone, and the forms that rename and remove; with what an
// attacker tries: no CSRF token, someone else's passkey, a setting that does not allow
// signing in alone.

const ANN = 'ann@example.org';
const PAGE = '/account/passkeys';
const RP_ID = new URL(BASE).hostname;

async function harness(env: Record<string, string> = {}) {
  const h = await sharedMailboxHarness(env);
  /** A JSON POST as passkeys.js sends it: same origin, the page's token in a header. */
  const postJson = (path: string, cookie: string | undefined, csrf: string, body: unknown) =>
    h.http.request(`${BASE}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        origin: BASE,
        'x-csrf-token': csrf,
        ...(cookie ? { cookie } : {}),
      },
    });
  /** The token a passkey button carries on `page`. */
  const buttonToken = async (page: string, cookie?: string) => {
    const html = await (await h.get(page, cookie)).text();
    const token = /data-passkey-csrf="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no passkey button on ${page}`);
    return token;
  };
  /** Registers a passkey for the signed-in `cookie` with `key`. */
  const register = async (cookie: string, key: SoftwareAuthenticator, name = 'Phone') => {
    const csrf = await buttonToken(PAGE, cookie);
    const started = await postJson(`${PAGE}/register`, cookie, csrf, { step: 'options' });
    expect(started.status).toBe(200);
    const { options } = (await started.json()) as { options: Record<string, unknown> };
    return postJson(`${PAGE}/register`, cookie, csrf, {
      step: 'verify',
      response: key.register(options),
      name,
    });
  };
  return { h, postJson, buttonToken, register };
}

describe('passkeys over HTTP', () => {
  let t: Awaited<ReturnType<typeof harness>>;
  let ann: Account;
  beforeEach(async () => {
    t = await harness();
    ann = await t.h.addPerson(ANN);
  });
  afterEach(() => t.h.close());

  it('a recipient adds one from the account page; the button is hidden until the script', async () => {
    const cookie = await t.h.signIn(ANN);
    expect(await (await t.h.get('/account', cookie)).text()).toContain(`href="${PAGE}"`);
    const html = await (await t.h.get(PAGE, cookie)).text();
    expect(html).toMatch(/<button[^>]*hidden[^>]*data-passkey-action="register"/);
    expect(html).toContain('Adding a passkey needs JavaScript');
    expect(html).toContain('You have no passkeys yet.');

    // Without the token in its header, the JSON is refused before anything is issued.
    const forged = await t.postJson(`${PAGE}/register`, cookie, '', { step: 'options' });
    expect(forged.status).toBe(403);

    const key = softwareAuthenticator({ rpId: RP_ID, origin: BASE });
    const done = await t.register(cookie, key, 'Kitchen laptop');
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ ok: true, redirect: `${PAGE}?done=added` });
    const after = await (await t.h.get(`${PAGE}?done=added`, cookie)).text();
    expect(after).toContain('Passkey added');
    expect(after).toContain('value="Kitchen laptop"');
    expect((await t.h.app.storage.repos.accounts.findById({ id: ann.id }))?.passkeyCount).toBe(1);
  });

  it('a registration made for another origin is refused with nothing stored', async () => {
    const cookie = await t.h.signIn(ANN);
    const evil = softwareAuthenticator({ rpId: RP_ID, origin: 'https://evil.example' });
    const res = await t.register(cookie, evil);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ ok: false });
    expect(await t.h.app.storage.repos.passkeys.listForAccount({ accountId: ann.id })).toEqual([]);
  });

  it('staff have the same page, in the staff layout', async () => {
    const cookie = await t.h.signIn(`officer@${COUNCIL}`);
    const res = await t.h.get(PAGE, cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('ask an administrator to reset your second factor');
    expect(html).toMatch(/data-passkey-action="register"/);
  });

  it('signed out, the page asks to sign in', async () => {
    expect((await t.h.get(PAGE)).status).toBe(401);
  });

  it('the second step offers the passkey, and it signs the session in', async () => {
    const key = softwareAuthenticator({ rpId: RP_ID, origin: BASE });
    await t.register(await t.h.signIn(ANN), key);

    const first = await t.h.post(
      '/sign-in',
      undefined,
      { email: ANN, password: GOOD_PASSWORD },
      '/sign-in',
    );
    expect(first.headers.get('location')).toBe('/sign-in/two-factor');
    const pending = cookiesOf(first);
    const html = await (await t.h.get('/sign-in/two-factor', pending)).text();
    expect(html).toMatch(/<button[^>]*hidden[^>]*data-passkey-action="authenticate"/);
    // Only a passkey: no code form, and a sentence for a browser without JavaScript.
    expect(html).not.toContain('name="code"');
    expect(html).toContain('Passkeys need JavaScript');
    expect((await t.h.get('/inbox', pending)).status).toBe(401);
    // The heading and intro name the passkey, not a code the account has no app for.
    expect(html).toContain('<h1 class="govuk-heading-l">Use your passkey</h1>');
    expect(html).toContain('use the passkey you set up for this account');
    expect(html).not.toContain('Enter your security code');

    const csrf = await t.buttonToken('/sign-in/two-factor', pending);
    const started = await t.postJson('/sign-in/passkey', pending, csrf, { step: 'options' });
    const { options } = (await started.json()) as { options: Record<string, unknown> };
    const done = await t.postJson('/sign-in/passkey', pending, csrf, {
      step: 'verify',
      response: key.assert(options),
    });
    expect(await done.json()).toEqual({ ok: true, redirect: '/inbox' });
    const signedIn = cookiesOf(done);
    expect((await t.h.get('/inbox', signedIn)).status).toBe(200);
    // The half-signed-in cookie is worth nothing now.
    expect((await t.h.get('/inbox', pending)).status).toBe(401);
    // The account page counts the passkey as two-step verification.
    const account = await (await t.h.get('/account', signedIn)).text();
    expect(account).toContain('Two-step verification is on. Signing in needs one of your passkeys');
    expect(account).toContain('Add an authenticator app');

    // With an app as well, the second step offers either, and says so.
    const withApp = await t.h.app.storage.repos.accounts.findById({ id: ann.id });
    if (!withApp) throw new Error('no account');
    await t.h.app.storage.repos.accounts.update({
      account: { ...withApp, totpKeyEnc: new Uint8Array([1, 2, 3]) },
    });
    const again = await t.h.post(
      '/sign-in',
      undefined,
      { email: ANN, password: GOOD_PASSWORD },
      '/sign-in',
    );
    const both = await (await t.h.get('/sign-in/two-factor', cookiesOf(again))).text();
    expect(both).toContain('<h1 class="govuk-heading-l">Confirm it is you</h1>');
    expect(both).toContain('use your passkey, or enter the code from your authenticator app');
    expect(both).toContain('name="code"');
    const accountBoth = await (await t.h.get('/account', signedIn)).text();
    expect(accountBoth).toContain('one of your passkeys, or a code from your authenticator app');
  });

  it('signing in alone is off unless the setting says passwordless', async () => {
    const signInPage = await (await t.h.get('/sign-in')).text();
    expect(signInPage).not.toContain('Sign in with a passkey');
    // The sign-in form's own token is not this path's.
    const formToken = /name="_csrf" value="([^"]+)"/.exec(signInPage)?.[1] ?? '';
    const wrongPath = await t.postJson('/sign-in/passkey', undefined, formToken, {
      step: 'options',
    });
    expect(wrongPath.status).toBe(403);
    // With this path's token, the setting still refuses: no challenge is issued.
    const csrf = anonymousCsrfToken(t.h.app.secrets, t.h.app.clock, '/sign-in/passkey');
    const res = await t.postJson('/sign-in/passkey', undefined, csrf, { step: 'options' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false });
  });

  it('renames and removes only the person’s own, with the password again', async () => {
    const annCookie = await t.h.signIn(ANN);
    await t.register(annCookie, softwareAuthenticator({ rpId: RP_ID, origin: BASE }));
    const [passkey] = await t.h.app.storage.repos.passkeys.listForAccount({ accountId: ann.id });
    if (!passkey) throw new Error('no passkey');
    const bob = 'bob@example.org';
    await t.h.addPerson(bob);
    const bobCookie = await t.h.signIn(bob);
    const bobRename = await t.h.post(
      `${PAGE}/${passkey.id}/rename`,
      bobCookie,
      { name: 'Mine' },
      PAGE,
    );
    expect(bobRename.status).toBe(404);
    const bobRemove = await t.h.post(
      `${PAGE}/remove`,
      bobCookie,
      { passkey: passkey.id, password: GOOD_PASSWORD },
      PAGE,
    );
    expect(bobRemove.status).toBe(404);

    const empty = await t.h.post(`${PAGE}/${passkey.id}/rename`, annCookie, { name: ' ' }, PAGE);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Enter a name for the passkey');
    const renamed = await t.h.post(
      `${PAGE}/${passkey.id}/rename`,
      annCookie,
      { name: 'Desk' },
      PAGE,
    );
    expect(renamed.status).toBe(303);

    const wrong = await t.h.post(
      `${PAGE}/remove`,
      annCookie,
      { passkey: passkey.id, password: 'nope nope' },
      PAGE,
    );
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('The password is not right');
    const removed = await t.h.post(
      `${PAGE}/remove`,
      annCookie,
      { passkey: passkey.id, password: GOOD_PASSWORD },
      PAGE,
    );
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe(`${PAGE}?done=removed`);
    expect((await t.h.app.storage.repos.accounts.findById({ id: ann.id }))?.passkeyCount).toBe(0);
  });
});

describe('passkeys signing in alone (PASSKEY_SIGN_IN=passwordless)', () => {
  let t: Awaited<ReturnType<typeof harness>>;
  beforeEach(async () => {
    t = await harness({ PASSKEY_SIGN_IN: 'passwordless' });
    await t.h.addPerson(ANN);
  });
  afterEach(() => t.h.close());

  it('offers the button on the sign-in page and signs in with user verification', async () => {
    const key = softwareAuthenticator({ rpId: RP_ID, origin: BASE });
    await t.register(await t.h.signIn(ANN), key);
    const csrf = await t.buttonToken('/sign-in');
    const started = await t.postJson('/sign-in/passkey', undefined, csrf, { step: 'options' });
    expect(started.status).toBe(200);
    const { options } = (await started.json()) as { options: Record<string, unknown> };
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials).toEqual([]);
    const done = await t.postJson('/sign-in/passkey', undefined, csrf, {
      step: 'verify',
      response: key.assert(options),
    });
    expect(await done.json()).toEqual({ ok: true, redirect: '/inbox' });
    expect((await t.h.get('/inbox', cookiesOf(done))).status).toBe(200);
  });
});
