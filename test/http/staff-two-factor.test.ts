import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decryptText } from '../../core/messages/open-message.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { csrfOf, type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';
import {
  codeFor,
  cookiesOf,
  enrolTokenOnPage,
  keyOnPage,
  recoveryCodesOnPage,
  staffHelpers,
} from './staff-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

describe('staff two-step verification', () => {
  let h: MailboxHarness;
  let s: ReturnType<typeof staffHelpers>;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    s = staffHelpers(h);
  });
  afterEach(() => h.close());

  it('enrols with a QR code drawn as SVG, stores the key only encrypted, and recovery codes only as hashes', async () => {
    const { cookie } = await s.passwordStep(h.sender.email);
    const page = await h.get('/staff/two-factor', cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    // The QR code is inline SVG, drawn on the server, labelled for screen readers.
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-label="QR code to set up/);
    expect(html).toContain('<path d="M');
    expect(html).not.toMatch(/<img/);
    const keyText = keyOnPage(html);
    expect(keyText).toMatch(/^[A-Z2-7]{32}$/);
    // Nothing is stored before the code confirms the app has the key.
    expect((await h.storage.repos.accounts.findById({ id: h.sender.id }))?.totpKeyEnc).toBeNull();

    const wrong = await h.post('/staff/two-factor', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: {
        token: enrolTokenOnPage(html),
        code: '000000' === codeFor(keyText, h.clock.now()) ? '111111' : '000000',
      },
    });
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('There is a problem');
    // The same key again: nothing to scan twice.
    expect(keyOnPage(wrongHtml)).toBe(keyText);

    const ok = await h.post('/staff/two-factor', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: { token: enrolTokenOnPage(html), code: codeFor(keyText, h.clock.now()) },
    });
    expect(ok.status).toBe(200);
    const codes = recoveryCodesOnPage(await ok.text());
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    const stored = await h.storage.repos.accounts.findById({ id: h.sender.id });
    expect(stored?.totpKeyEnc).not.toBeNull();
    const plain = await decryptText(h.deps, stored?.totpKeyEnc as Uint8Array);
    expect(plain).toContain(keyText);
    // The column holds ciphertext, not the key.
    expect(Buffer.from(stored?.totpKeyEnc as Uint8Array).toString('latin1')).not.toContain(keyText);
    expect(stored?.recoveryCodeHashes).toHaveLength(10);
    for (const code of codes) {
      expect(stored?.recoveryCodeHashes.join(' ')).not.toContain(code.replace(/-/g, ''));
      // Keyed (HMAC under the signing key), not a plain hash anyone could recompute.
      const plainHash = createHash('sha256')
        .update(`recovery-code:${code.replace(/-/g, '')}`)
        .digest('hex');
      expect(stored?.recoveryCodeHashes).not.toContain(plainHash);
    }
    const audit = await h.storage.repos.audit.list({
      filter: { action: 'account.totp-enrol' },
      limit: 10,
    });
    expect(audit).toHaveLength(1);
    // Staff are told too, as everyone is of a change to how they sign in (issue 21).
    const notices = (await h.outbox()).filter((m) => m.kind === 'second-factor');
    expect(notices.map((m) => [m.to, m.subject])).toEqual([
      [h.sender.email, expect.stringContaining('Two-step verification has been turned on')],
    ]);
  });

  it('refuses an enrolment token from another session or made up', async () => {
    const { cookie } = await s.passwordStep(h.sender.email);
    const html = await (await h.get('/staff/two-factor', cookie)).text();
    const keyText = keyOnPage(html);
    const other = await s.passwordStep(h.sender.email);
    const res = await h.post('/staff/two-factor', {
      cookie: other.cookie,
      formPage: '/staff/two-factor',
      fields: { token: enrolTokenOnPage(html), code: codeFor(keyText, h.clock.now()) },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This set-up page had expired');
    expect((await h.storage.repos.accounts.findById({ id: h.sender.id }))?.totpKeyEnc).toBeNull();
  });

  it('asks for the code after the password, accepts one step either side, and refuses a replay', async () => {
    const { keyText } = await s.signInWithTotp(h.sender.email);

    // Password only: the session waits; every staff page sends it to the code.
    const first = await s.passwordStep(h.sender.email);
    expect(first.location).toBe('/sign-in/two-factor');
    const waiting = await h.get('/staff/sent', first.cookie);
    expect(waiting.status).toBe(303);
    expect(waiting.headers.get('location')).toMatch(/^\/sign-in\/two-factor\?next=/);
    const codePage = await h.get('/sign-in/two-factor', first.cookie);
    expect(codePage.status).toBe(200);
    expect(await codePage.text()).toContain('autocomplete="one-time-code"');

    // The previous step's code still works (a phone clock a little behind).
    h.clock.advance(60_000);
    const previous = codeFor(keyText, h.clock.now(), -1);
    const ok = await s.secondStep(first.cookie, previous);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/staff');
    // Signed in under a new session id; the half-signed-in cookie is spent.
    const signedIn = cookiesOf(ok, first.cookie);
    expect(signedIn).not.toBe(first.cookie);
    expect((await h.get('/staff/inbox', signedIn)).status).toBe(200);
    expect((await h.get('/staff/inbox', first.cookie)).status).not.toBe(200);

    // The same code again, in a new sign-in: refused (replay), as is any older code.
    const second = await s.passwordStep(h.sender.email);
    const replay = await s.secondStep(second.cookie, previous);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('has been used already');
    const older = await s.secondStep(second.cookie, codeFor(keyText, h.clock.now(), -2));
    expect(older.status).toBe(400);
    // Two steps ahead is outside the window.
    const ahead = await s.secondStep(second.cookie, codeFor(keyText, h.clock.now(), 2));
    expect(ahead.status).toBe(400);
    // The next step's code is fine.
    const next = await s.secondStep(second.cookie, codeFor(keyText, h.clock.now(), 1));
    expect(next.status).toBe(303);

    const failures = await h.storage.repos.audit.list({
      filter: { action: 'account.signin-failed' },
      limit: 50,
    });
    expect(failures.filter((e) => e.details.reason === 'second-factor')).toHaveLength(3);
  });

  it('accepts each recovery code once, in any case and with or without dashes', async () => {
    const first = await s.passwordStep(h.sender.email);
    const { recoveryCodes } = await s.enrol(first.cookie);
    const [code = ''] = recoveryCodes;

    const one = await s.passwordStep(h.sender.email);
    const used = await s.secondStep(one.cookie, code.toUpperCase().replace(/-/g, ' '));
    expect(used.status).toBe(303);
    // A recovery code means a lost phone: straight to setting up a new app.
    expect(used.headers.get('location')).toBe('/staff/two-factor?codesLeft=9');
    const offer = await (
      await h.get('/staff/two-factor?codesLeft=9', cookiesOf(used, one.cookie))
    ).text();
    expect(offer).toContain('You signed in with a recovery code: 9 are left.');
    const stored = await h.storage.repos.accounts.findById({ id: h.sender.id });
    expect(stored?.recoveryCodeHashes).toHaveLength(9);

    const two = await s.passwordStep(h.sender.email);
    const again = await s.secondStep(two.cookie, code);
    expect(again.status).toBe(400);
    const another = await s.secondStep(two.cookie, recoveryCodes[1] ?? '');
    expect(another.status).toBe(303);
  });

  it('still accepts a recovery code stored by an earlier version (plain SHA-256)', async () => {
    const first = await s.passwordStep(h.sender.email);
    const { recoveryCodes } = await s.enrol(first.cookie);
    const code = (recoveryCodes[0] ?? '').replace(/-/g, '');
    const account = await h.storage.repos.accounts.findById({ id: h.sender.id });
    if (!account) throw new Error('no account');
    const legacy = h.deps.secrets.hashToken({ value: `recovery-code:${code}` });
    await h.storage.repos.accounts.update({
      account: { ...account, recoveryCodeHashes: [legacy] },
    });
    const one = await s.passwordStep(h.sender.email);
    expect((await s.secondStep(one.cookie, code)).status).toBe(303);
    expect(
      (await h.storage.repos.accounts.findById({ id: h.sender.id }))?.recoveryCodeHashes,
    ).toEqual([]);
  });

  it('replaces an app only with the password typed again, and ends the session after guesses', async () => {
    const { cookie, keyText: oldKey } = await s.signInWithTotp(h.sender.email);
    const storedBefore = (await h.storage.repos.accounts.findById({ id: h.sender.id }))?.totpKeyEnc;
    const html = await (await h.get('/staff/two-factor', cookie)).text();
    expect(html).toContain('You already use two-step verification');
    expect(html).toMatch(/<input[^>]*name="password"[^>]*autocomplete="current-password"/);
    const newKey = keyOnPage(html);
    expect(newKey).not.toBe(oldKey);
    const attempt = (password: string | undefined) =>
      h.post('/staff/two-factor', {
        cookie,
        csrf: csrfOf(html) ?? '',
        fields: {
          token: enrolTokenOnPage(html),
          code: codeFor(newKey, h.clock.now()),
          ...(password === undefined ? {} : { password }),
        },
      });

    // No password, or a wrong one: refused, the same QR code kept, nothing replaced.
    for (const [password, message] of [
      [undefined, 'Enter your password'],
      ['', 'Enter your password'],
      ['not the password at all', 'The password is not right'],
    ] as const) {
      const res = await attempt(password);
      expect(res.status, String(password)).toBe(400);
      const page = await res.text();
      expect(page, String(password)).toContain(message);
      expect(page).toContain('href="#password"');
      expect(keyOnPage(page)).toBe(newKey);
    }
    const stored = await h.storage.repos.accounts.findById({ id: h.sender.id });
    expect(stored?.totpKeyEnc).toEqual(storedBefore);
    const failed = await h.storage.repos.audit.list({
      filter: { action: 'account.reauth-failed' },
      limit: 10,
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.details).toEqual({ purpose: 'totp-replace' });

    // Four more wrong guesses reach the limit of five; the next try ends the session.
    for (let i = 0; i < 4; i++) {
      expect((await attempt(`wrong ${i}`)).status).toBe(400);
    }
    const ended = await attempt(GOOD_PASSWORD);
    expect(ended.status).toBe(429);
    expect(await ended.text()).toContain('too many wrong passwords');
    expect((await h.get('/staff/sent', cookie)).status).toBe(303);
    expect((await h.storage.repos.accounts.findById({ id: h.sender.id }))?.totpKeyEnc).toEqual(
      storedBefore,
    );

    // Signed in again, the right password replaces the app and gives new codes.
    h.clock.advance(60_000);
    const again = await s.signInWithTotp(h.sender.email, oldKey);
    const replaced = await s.enrol(again.cookie);
    expect(replaced.keyText).not.toBe(oldKey);
    const enrolled = await h.storage.repos.audit.list({
      filter: { action: 'account.totp-enrol' },
      limit: 10,
    });
    expect(enrolled.map((e) => e.details.replaced)).toContain(true);
  });

  it('counts wrong codes sent in parallel before checking any, so no more than five are tried', async () => {
    await s.signInWithTotp(h.sender.email);
    const { cookie } = await s.passwordStep(h.sender.email);
    // Checked before counted, all ten would pass the check at once and be tried.
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => s.secondStep(cookie, '12345x').then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 400)).toHaveLength(5);
    expect(
      statuses
        .filter((status) => status !== 400)
        .every((status) => status === 429 || status === 303),
    ).toBe(true);
  });

  it('ends the half-signed-in session after too many wrong codes', async () => {
    const { keyText } = await s.signInWithTotp(h.sender.email);
    const { cookie } = await s.passwordStep(h.sender.email);
    for (let i = 0; i < 5; i++) {
      expect((await s.secondStep(cookie, '12345x')).status).toBe(400);
    }
    const refused = await s.secondStep(cookie, codeFor(keyText, h.clock.now(), 1));
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('too many wrong codes');
    // The session is gone: the right code no longer helps.
    const after = await h.get('/sign-in/two-factor', cookiesOf(refused, cookie));
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/sign-in');
  });

  it('sends an admin without a second factor to set one up, from every page, until it is done', async () => {
    const admin = await s.addStaff('ada', 'admin');
    const { cookie, location } = await s.passwordStep(admin.email);
    // No second factor yet, so the password signs in; but nothing else is open.
    expect(location).toBe('/staff');
    for (const path of [
      '/inbox',
      '/staff',
      '/staff/sent',
      '/staff/compose',
      '/account',
      '/admin',
    ]) {
      const res = await h.get(path, cookie);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe('/staff/two-factor');
    }
    const posted = await h.post('/staff/compose', {
      cookie,
      formPage: '/staff/two-factor',
      fields: { to: 'a@example.org' },
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/staff/two-factor');

    const setup = await h.get('/staff/two-factor', cookie);
    expect(setup.status).toBe(200);
    const html = await setup.text();
    expect(html).toContain('Administrators must use two-step verification');
    // No menu to wander off with, only Sign out.
    expect(html).not.toContain('href="/staff/sent"');
    expect(html).toContain('action="/sign-out"');

    await s.enrol(cookie);
    expect((await h.get('/staff/sent', cookie)).status).toBe(200);
    // From now on the admin signs in with both steps.
    h.clock.advance(30_000);
    const again = await s.passwordStep(admin.email);
    expect(again.location).toBe('/sign-in/two-factor');
  });

  it('lets a sender choose, and staff sign out of a pending session', async () => {
    const { cookie, location } = await s.passwordStep(h.sender.email);
    expect(location).toBe('/staff');
    expect((await h.get('/staff/sent', cookie)).status).toBe(200);
    const setup = await (await h.get('/staff/two-factor', cookie)).text();
    expect(setup).toContain('asks for a code from your phone');
    await s.enrol(cookie);

    // Half signed in, the person can still sign out (the code page has the button).
    h.clock.advance(30_000);
    const pending = await s.passwordStep(h.sender.email);
    const out = await h.post('/sign-out', {
      cookie: pending.cookie,
      formPage: '/sign-in/two-factor',
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/sign-in?notice=signed-out');
    const after = await h.get('/sign-in/two-factor', cookiesOf(out, pending.cookie));
    expect(after.headers.get('location')).toBe('/sign-in');
  });

  it('ends a staff session after STAFF_IDLE_MINUTES of inactivity', async () => {
    const { cookie } = await s.signInWithTotp(h.sender.email);
    expect((await h.get('/staff/sent', cookie)).status).toBe(200);
    h.clock.advance(31 * 60_000);
    const res = await h.get('/staff/sent', cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Fstaff%2Fsent');
  });
});
