import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStaffAccount } from '../../core/accounts/create-staff.ts';
import type { Account } from '../../core/accounts/model.ts';
import {
  completePasswordReset,
  findResetLink,
  requestPasswordReset,
} from '../../core/accounts/reset-password.ts';
import { completeSetPassword, findSetPasswordLink } from '../../core/accounts/set-password.ts';
import { signIn } from '../../core/accounts/sign-in.ts';
import { createSession, validateSessionToken } from '../../core/auth/sessions.ts';
import { createHarness, GOOD_PASSWORD, type Harness, linkIn } from './support.ts';

const MIN = 60_000;
const NEW_PASSWORD = 'purple elephant teapot orbit';

describe('password reset', () => {
  let h: Harness;
  let ann: Account;
  beforeEach(async () => {
    h = await createHarness();
    ann = await h.addRecipient('ann@example.org');
  });
  afterEach(() => h.close());

  const complete = (token: string, password = NEW_PASSWORD) =>
    completePasswordReset(h.deps, { token, password, ip: '192.0.2.7', userAgent: 'test' });
  const requestLink = async () => {
    await requestPasswordReset(h.deps, { email: 'Ann@example.org', ip: null });
    const mails = await h.outbox();
    return linkIn(mails.at(-1)?.text ?? '', 'reset');
  };

  it('answers alike whether or not the account exists, and mails only a real one', async () => {
    expect(await requestPasswordReset(h.deps, { email: 'nobody@example.org', ip: null })).toBe(
      undefined,
    );
    expect(await requestPasswordReset(h.deps, { email: 'not an address', ip: null })).toBe(
      undefined,
    );
    expect(await h.outbox()).toHaveLength(0);
    expect(await requestPasswordReset(h.deps, { email: 'ann@example.org', ip: null })).toBe(
      undefined,
    );
    const mails = await h.outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: 'reset', to: 'ann@example.org' });
    expect(mails[0]?.text).toContain('Is this email genuine?');
  });

  it('sends at most three live links at once', async () => {
    for (let i = 0; i < 5; i++) await requestPasswordReset(h.deps, { email: ann.email, ip: null });
    expect(await h.outbox()).toHaveLength(3);
  });

  it('is spent once, by the POST only; looking at it spends nothing', async () => {
    const token = await requestLink();
    expect(await findResetLink(h.deps, { token })).toEqual({
      email: 'ann@example.org',
      hasSecondFactor: false,
    });
    expect(await findResetLink(h.deps, { token })).not.toBeNull();
    expect((await complete(token)).ok).toBe(true);
    expect(await complete(token, 'yet another long passphrase')).toEqual({
      ok: false,
      reason: 'invalid-link',
    });
    expect(await findResetLink(h.deps, { token })).toBeNull();
  });

  it('lets only one of two simultaneous submissions win', async () => {
    const token = await requestLink();
    const results = await Promise.all([
      complete(token),
      complete(token, 'another passphrase here'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('ends every session, signs in afresh, and takes only the new password', async () => {
    const before = await Promise.all(
      [1, 2, 3].map(() =>
        createSession(h.deps, { account: ann, rememberMe: true, ip: null, userAgent: null }),
      ),
    );
    const token = await requestLink();
    const result = await complete(token);
    if (!result.ok) throw new Error(`expected success, got ${result.reason}`);
    for (const s of before) {
      expect(await validateSessionToken(h.deps, { token: s.token })).toBeNull();
    }
    expect(await validateSessionToken(h.deps, { token: result.sessionToken })).not.toBeNull();
    const input = {
      email: ann.email,
      rememberMe: false,
      deviceToken: null,
      ip: null,
      userAgent: null,
    };
    expect(await signIn(h.deps, { ...input, password: GOOD_PASSWORD })).toEqual({ ok: false });
    expect((await signIn(h.deps, { ...input, password: NEW_PASSWORD })).ok).toBe(true);
    const events = await h.storage.repos.audit.list({
      filter: { action: 'account.password-reset' },
      limit: 10,
    });
    expect(events).toHaveLength(1);
  });

  it('kills the other unused reset links', async () => {
    const first = await requestLink();
    const second = await requestLink();
    expect((await complete(second)).ok).toBe(true);
    expect(await complete(first)).toEqual({ ok: false, reason: 'invalid-link' });
  });

  it('keeps the link when the new password breaks the policy', async () => {
    const token = await requestLink();
    const weak = await complete(token, 'password');
    expect(weak).toMatchObject({ ok: false, reason: 'password' });
    expect((await complete(token)).ok).toBe(true);
  });

  it('refuses one of the most common passwords, even one long enough (the shipped list)', async () => {
    const token = await requestLink();
    expect(await complete(token, '1qaz2wsx3edc4rfv')).toEqual({
      ok: false,
      reason: 'password',
      problems: [{ code: 'common' }],
    });
    expect((await complete(token)).ok).toBe(true);
  });

  it('stops working after one hour', async () => {
    const token = await requestLink();
    h.clock.advance(60 * MIN);
    expect(await findResetLink(h.deps, { token })).toBeNull();
    expect(await complete(token)).toEqual({ ok: false, reason: 'invalid-link' });
  });

  it('does not reset a disabled account', async () => {
    const token = await requestLink();
    await h.storage.repos.accounts.update({ account: { ...ann, status: 'disabled' } });
    expect(await complete(token)).toEqual({ ok: false, reason: 'invalid-link' });
  });
});

describe('set password (new staff)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it('sets the first password from the admin-create link, once', async () => {
    const created = await createStaffAccount(h.deps, {
      email: 'officer@barnet.gov.uk',
      name: 'Olive Officer',
      role: 'sender',
      actorId: null,
    });
    if (!created.ok) throw new Error('could not create staff');
    const token = created.setPasswordToken;
    expect(await findSetPasswordLink(h.deps, { token })).toMatchObject({
      email: 'officer@barnet.gov.uk',
    });
    // A set-password link is not a reset link, and the other way round.
    expect(await findResetLink(h.deps, { token })).toBeNull();
    const input = { token, password: NEW_PASSWORD, ip: null, userAgent: null };
    const result = await completeSetPassword(h.deps, input);
    if (!result.ok) throw new Error(`expected success, got ${result.reason}`);
    expect(result.account.kind).toBe('staff');
    expect(await completeSetPassword(h.deps, input)).toEqual({ ok: false, reason: 'invalid-link' });
    const signedIn = await signIn(h.deps, {
      email: 'officer@barnet.gov.uk',
      password: NEW_PASSWORD,
      rememberMe: false,
      deviceToken: null,
      ip: null,
      userAgent: null,
    });
    expect(signedIn.ok).toBe(true);
  });
});
