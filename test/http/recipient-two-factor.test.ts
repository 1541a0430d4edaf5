import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import {
  GENERIC,
  type SharedMailboxHarness,
  sharedMailboxHarness,
} from './shared-mailbox-support.ts';
import {
  codeFor,
  cookiesOf,
  enrolTokenOnPage,
  keyOnPage,
  recoveryCodesOnPage,
} from './staff-support.ts';

// A recipient's own, optional second factor, through the whole portal as served: set up
// from the account page (password again, then a code), the sign-in that then asks for a
// code or a recovery code, and turning it off; and what an attacker tries: a forged
// form, another account's session or enrolment token, and a member working from a
// shared mailbox (who sets up their own sign-in, never the mailbox's).

const databases: Array<{ name: string; env: () => Promise<Record<string, string>> }> = [
  { name: 'SQLite', env: async () => ({}) },
];
const dropLater: Array<() => Promise<void>> = [];
if (postgresAvailable('recipient two-factor http')) {
  databases.push({
    name: 'PostgreSQL',
    env: async () => {
      const db = await createTestDatabase('sealpost_recipient_2fa');
      dropLater.push(db.drop);
      return { DATABASE_URL: db.url };
    },
  });
}
afterAll(async () => {
  for (const drop of dropLater) await drop();
});

const ANN = 'ann@example.org';
const PAGE = '/account/two-factor';
const REMOVE = '/account/two-factor/remove';

describe.each(databases)('recipient two-step verification, $name', ({ env }) => {
  let h: SharedMailboxHarness;
  let ann: Account;
  beforeEach(async () => {
    h = await sharedMailboxHarness(await env());
    ann = await h.addPerson(ANN);
  });
  afterEach(() => h.close());

  const stored = async (account: Account = ann) =>
    h.app.storage.repos.accounts.findById({ id: account.id });
  const audit = async (
    action: 'account.totp-enrol' | 'account.totp-remove' | 'account.reauth-failed',
  ) => h.app.storage.repos.audit.list({ filter: { action }, limit: 20 });
  const notices = async () => (await h.outbox()).filter((m) => m.kind === 'second-factor');

  /** The password step of signing in: the cookie and where it was sent. */
  const passwordStep = async (email: string) => {
    const res = await h.post('/sign-in', undefined, { email, password: GOOD_PASSWORD }, '/sign-in');
    expect(res.status).toBe(303);
    return { cookie: cookiesOf(res), location: res.headers.get('location') ?? '' };
  };
  const secondStep = (cookie: string, code: string) =>
    h.post('/sign-in/two-factor', cookie, { code }, '/sign-in/two-factor');

  /** Sets up an app for the signed-in `cookie`: the key and the recovery codes. */
  const enrol = async (cookie: string) => {
    const html = await (await h.get(PAGE, cookie)).text();
    const keyText = keyOnPage(html);
    const res = await h.post(PAGE, cookie, {
      token: enrolTokenOnPage(html),
      password: GOOD_PASSWORD,
      code: codeFor(keyText, h.clock.now()),
    });
    expect(res.status).toBe(200);
    const recoveryCodes = recoveryCodesOnPage(await res.text());
    expect(recoveryCodes).toHaveLength(10);
    // A person takes a moment before signing in again: the next code is a later step.
    h.clock.advance(30_000);
    return { keyText, recoveryCodes };
  };

  it('enrols only with the password and a right code; audited and emailed', async () => {
    const cookie = await h.signIn(ANN);
    const account = await (await h.get('/account', cookie)).text();
    expect(account).toContain('Two-step verification is off');
    expect(account).toContain(`href="${PAGE}"`);

    const page = await h.get(PAGE, cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    // Without JavaScript: the QR code as inline SVG, and the same key as text.
    expect(html).toMatch(
      /<svg[^>]*role="img"[^>]*aria-label="QR code to set up[^"]*ann@example.org/,
    );
    const keyText = keyOnPage(html);
    expect(html).toMatch(/<input[^>]*name="password"[^>]*autocomplete="current-password"/);
    const token = enrolTokenOnPage(html);
    const attempt = (fields: Record<string, string>) => h.post(PAGE, cookie, { token, ...fields });
    const right = () => codeFor(keyText, h.clock.now());

    const noPassword = await attempt({ code: right() });
    expect(noPassword.status).toBe(400);
    expect(await noPassword.text()).toContain('Enter your password');
    const wrongPassword = await attempt({ password: 'not my password at all', code: right() });
    expect(wrongPassword.status).toBe(400);
    const wrongPage = await wrongPassword.text();
    expect(wrongPage).toContain('The password is not right');
    // The same key again, so nothing needs scanning twice.
    expect(keyOnPage(wrongPage)).toBe(keyText);
    expect((await audit('account.reauth-failed')).map((e) => e.details.purpose)).toEqual([
      'totp-enrol',
    ]);
    const wrongCode = await attempt({
      password: GOOD_PASSWORD,
      code: right() === '000000' ? '111111' : '000000',
    });
    expect(wrongCode.status).toBe(400);
    expect(await wrongCode.text()).toContain('The code is not right');
    expect((await stored())?.totpKeyEnc).toBeNull();
    expect(await notices()).toEqual([]);

    const ok = await attempt({ password: GOOD_PASSWORD, code: right() });
    expect(ok.status).toBe(200);
    expect(recoveryCodesOnPage(await ok.text())).toHaveLength(10);
    const after = await stored();
    expect(after?.totpKeyEnc).not.toBeNull();
    expect(after?.recoveryCodeHashes).toHaveLength(10);
    const enrolled = await audit('account.totp-enrol');
    expect(enrolled).toHaveLength(1);
    expect(enrolled[0]?.actorId).toBe(ann.id);
    const mails = await notices();
    expect(mails.map((m) => [m.to, m.subject])).toEqual([
      [ANN, 'Two-step verification has been turned on (Sealpost secure messages)'],
    ]);
    expect(mails[0]?.text).not.toMatch(/https?:\/\/\S+\/(?!sign-in)/);
    expect(await (await h.get('/account', cookie)).text()).toContain('Two-step verification is on');
  });

  it('then asks for the code at sign-in, and lets in only with it or a recovery code', async () => {
    const { keyText, recoveryCodes } = await enrol(await h.signIn(ANN));

    const first = await passwordStep(ANN);
    expect(first.location).toBe('/sign-in/two-factor');
    // Half signed in: the mailbox is closed, and its sign-in link goes to the code.
    const waiting = await h.get('/inbox', first.cookie);
    expect(waiting.status).toBe(401);
    expect(await waiting.text()).toContain('href="/sign-in/two-factor?next=%2Finbox"');
    expect((await h.get(PAGE, first.cookie)).status).toBe(401);

    const wrong = await secondStep(first.cookie, '12345x');
    expect(wrong.status).toBe(400);
    const ok = await secondStep(first.cookie, codeFor(keyText, h.clock.now()));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/inbox');
    const signedIn = cookiesOf(ok, first.cookie);
    expect((await h.get('/inbox', signedIn)).status).toBe(200);
    // The half-signed-in cookie is spent.
    expect((await h.get('/inbox', first.cookie)).status).toBe(401);

    // A recovery code: in, and straight to setting up a new app.
    const [code = ''] = recoveryCodes;
    const second = await passwordStep(ANN);
    const recovered = await secondStep(second.cookie, code);
    expect(recovered.status).toBe(303);
    expect(recovered.headers.get('location')).toBe(`${PAGE}?codesLeft=9`);
    const offer = await (
      await h.get(`${PAGE}?codesLeft=9`, cookiesOf(recovered, second.cookie))
    ).text();
    expect(offer).toContain('You signed in with a recovery code: 9 are left.');
    expect(offer).toContain('data-testid="totp-key"');
    // Each recovery code works once.
    const third = await passwordStep(ANN);
    expect((await secondStep(third.cookie, code)).status).toBe(400);

    // The same limit as staff: five wrong codes, then the half-signed-in session ends.
    for (let i = 0; i < 4; i++) {
      expect((await secondStep(third.cookie, '12345x')).status).toBe(400);
    }
    const ended = await secondStep(third.cookie, codeFor(keyText, h.clock.now(), 1));
    expect(ended.status).toBe(429);
    expect(await ended.text()).toContain('too many wrong codes');
  });

  it('turns off only with the password typed again; audited and emailed', async () => {
    const cookie = await h.signIn(ANN);
    await enrol(cookie);
    const status = await (await h.get(PAGE, cookie)).text();
    expect(status).toContain('You have 10 recovery codes left.');
    expect(status).toContain(`action="${REMOVE}"`);
    expect(status).toContain(`href="${PAGE}?replace=1"`);

    const empty = await h.post(REMOVE, cookie, { password: '' }, PAGE);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Enter your password');
    const wrong = await h.post(REMOVE, cookie, { password: 'not my password at all' }, PAGE);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('href="#password"');
    expect((await stored())?.totpKeyEnc).not.toBeNull();
    expect((await audit('account.reauth-failed')).map((e) => e.details.purpose)).toEqual([
      'totp-remove',
    ]);

    const removed = await h.post(REMOVE, cookie, { password: GOOD_PASSWORD }, PAGE);
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe(`${PAGE}?done=removed`);
    expect(await (await h.get(`${PAGE}?done=removed`, cookie)).text()).toContain(
      'Two-step verification is off',
    );
    const after = await stored();
    expect(after?.totpKeyEnc).toBeNull();
    expect(after?.recoveryCodeHashes).toEqual([]);
    expect(await audit('account.totp-remove')).toHaveLength(1);
    expect((await notices()).map((m) => m.subject)).toEqual([
      'Two-step verification has been turned on (Sealpost secure messages)',
      'Two-step verification has been turned off (Sealpost secure messages)',
    ]);
    // Signing in is the password alone again.
    expect((await passwordStep(ANN)).location).toBe('/inbox');
    // Nothing left to turn off: the one 404.
    expect((await h.post(REMOVE, cookie, { password: GOOD_PASSWORD }, PAGE)).status).toBe(404);
  });

  it('refuses each POST without its CSRF token or with another session’s', async () => {
    const cookie = await h.signIn(ANN);
    await enrol(cookie);
    const bob = await h.addPerson('bob@example.org');
    const bobCookie = await h.signIn(bob.email);
    const bobToken = await h.tokenFrom('/account', bobCookie);
    const html = await (await h.get(`${PAGE}?replace=1`, cookie)).text();
    const before = await stored();
    for (const [path, fields] of [
      [
        PAGE,
        [
          ['token', enrolTokenOnPage(html)],
          ['password', GOOD_PASSWORD],
          ['code', codeFor(keyOnPage(html), h.clock.now())],
        ],
      ],
      [REMOVE, [['password', GOOD_PASSWORD]]],
    ] as Array<[string, Array<[string, string]>]>) {
      for (const csrf of [null, bobToken]) {
        const res = await h.postForm(path, { cookie, csrf, fields });
        expect(res.status, `${path} ${csrf ? 'foreign' : 'none'}`).toBe(403);
      }
    }
    const after = await stored();
    expect(after?.totpKeyEnc).toEqual(before?.totpKeyEnc);
    expect(after?.recoveryCodeHashes).toEqual(before?.recoveryCodeHashes);
  });

  it('lets no other account act on it, and a shared mailbox’s member enrols as themselves', async () => {
    const cookie = await h.signIn(ANN);
    const annPage = await (await h.get(PAGE, cookie)).text();
    await enrol(cookie);
    const annBefore = await stored();

    // Bob: his session removes nothing of Ann's, and Ann's enrolment token is not his.
    const bob = await h.addPerson('bob@example.org');
    const bobCookie = await h.signIn(bob.email);
    expect((await h.post(REMOVE, bobCookie, { password: GOOD_PASSWORD }, '/account')).status).toBe(
      404,
    );
    const planted = await h.post(PAGE, bobCookie, {
      token: enrolTokenOnPage(annPage),
      password: GOOD_PASSWORD,
      code: codeFor(keyOnPage(annPage), h.clock.now()),
    });
    expect(planted.status).toBe(400);
    expect(await planted.text()).toContain('This set-up page had expired');
    expect((await stored(bob))?.totpKeyEnc).toBeNull();
    expect((await stored())?.totpKeyEnc).toEqual(annBefore?.totpKeyEnc);

    // Staff have their own page: this one is the 404 to them.
    const staffCookie = await h.signIn(h.officer.email);
    expect((await h.get(PAGE, staffCookie)).status).toBe(404);

    // Alice works from the generic address: her set-up is hers, the mailbox has none.
    const holder = await h.addPerson(GENERIC);
    const alice = await h.addPerson('alice@example.org');
    await h.app.storage.repos.mailboxMembers.insert({
      member: {
        mailboxId: holder.id,
        memberId: alice.id,
        addedById: holder.id,
        createdAt: h.clock.now(),
        acceptedAt: h.clock.now(),
      },
    });
    const aliceCookie = await h.signIn(alice.email);
    const acting = await h.post(
      '/mailboxes/act',
      aliceCookie,
      { mailboxId: holder.id },
      '/mailboxes',
    );
    expect(acting.status).toBe(303);
    const inbox = await (await h.get('/inbox', aliceCookie)).text();
    expect(inbox).toContain(`You are working in`);
    const page = await (await h.get(PAGE, aliceCookie)).text();
    expect(page).toContain(
      'aria-label="QR code to set up two-step verification for alice@example.org"',
    );
    await enrol(aliceCookie);
    expect((await stored(alice))?.totpKeyEnc).not.toBeNull();
    expect((await stored(holder))?.totpKeyEnc).toBeNull();
    const mails = await notices();
    expect(mails.map((m) => m.to)).toEqual([ANN, 'alice@example.org']);
  });
});
