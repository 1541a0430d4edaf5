import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { completePasswordReset } from '../../core/accounts/reset-password.ts';
import { type SignInInput, signIn } from '../../core/accounts/sign-in.ts';
import type { AuditAction } from '../../core/audit/model.ts';
import { validateSessionToken } from '../../core/auth/sessions.ts';
import { createHarness, GOOD_PASSWORD, type Harness, linkIn } from './support.ts';

const MIN = 60_000;

describe('signIn', () => {
  let h: Harness;
  let ann: Account;

  beforeEach(async () => {
    h = await createHarness();
    ann = await h.addRecipient('ann@example.org');
  });
  afterEach(() => h.close());

  const attempt = (over: Partial<SignInInput> = {}) =>
    signIn(h.deps, {
      email: 'ann@example.org',
      password: GOOD_PASSWORD,
      rememberMe: false,
      deviceToken: null,
      ip: '192.0.2.10',
      userAgent: 'test',
      ...over,
    });
  const wrong = (over: Partial<SignInInput> = {}) =>
    attempt({ password: 'not it at all', ...over });
  const fresh = async () => (await h.storage.repos.accounts.findById({ id: ann.id })) as Account;
  const audit = (action: AuditAction) =>
    h.storage.repos.audit.list({ filter: { action }, limit: 100 });

  it('signs in with the right password: a session, a device cookie, an audit event', async () => {
    const result = await attempt({ email: '  ANN@Example.org ' });
    if (!result.ok) throw new Error('expected success');
    expect(result.account.id).toBe(ann.id);
    expect(result.deviceToken.split('.')).toHaveLength(3);
    expect(await validateSessionToken(h.deps, { token: result.sessionToken })).not.toBeNull();
    expect((await fresh()).lastSignInAt).toEqual(h.clock.now());
    const [event] = await audit('account.signin');
    expect(event).toMatchObject({ actorId: ann.id, ip: '192.0.2.10' });
  });

  it('issues a new session id at every sign-in', async () => {
    const first = await attempt();
    const second = await attempt();
    if (!first.ok || !second.ok) throw new Error('expected success');
    expect(second.session.id).not.toBe(first.session.id);
    expect(second.sessionToken).not.toBe(first.sessionToken);
  });

  it('fails the same way for a wrong password, an unknown address, no password, a disabled account', async () => {
    await h.addUnregistered('new@example.org');
    await h.addRecipient('gone@example.org', { status: 'disabled' });
    const results = [
      await wrong(),
      await attempt({ email: 'nobody@example.org' }),
      await attempt({ email: 'not an address' }),
      await attempt({ email: 'new@example.org' }),
      await attempt({ email: 'gone@example.org' }),
      await attempt({ password: 'x'.repeat(5000) }),
    ];
    for (const result of results) expect(result).toEqual({ ok: false });
    const reasons = (await audit('account.signin-failed')).map((e) => e.details.reason);
    expect(reasons).toEqual([
      'password',
      'unknown',
      'unknown',
      'no-password',
      'disabled',
      'password',
    ]);
    // The typed address of an unknown account is not kept (it may be a password).
    const unknown = (await audit('account.signin-failed')).find((e) => e.targetId === null);
    expect(JSON.stringify(unknown)).not.toContain('nobody');
  });

  it('locks after 3 failures within 15 minutes, for 30 minutes, and emails a reset link once', async () => {
    expect(await wrong()).toEqual({ ok: false });
    expect(await wrong()).toEqual({ ok: false });
    expect((await fresh()).lockedUntil).toBeNull();
    expect(await wrong()).toEqual({ ok: false });
    const locked = await fresh();
    expect(locked.lockedUntil).toEqual(new Date(h.clock.now().getTime() + 30 * MIN));
    // The right password does not help while locked, and the answer is the same.
    expect(await attempt()).toEqual({ ok: false });
    h.clock.advance(30 * MIN - 1);
    expect(await attempt()).toEqual({ ok: false });
    expect((await fresh()).failedSignIns).toBe(3);

    const mails = await h.outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: 'lockout', to: 'ann@example.org' });
    expect(mails[0]?.text).toContain('https://messages.example.gov.uk/reset/');
    expect(await audit('account.lockout')).toHaveLength(1);

    h.clock.advance(1);
    const after = await attempt();
    expect(after.ok).toBe(true);
    expect((await fresh()).failedSignIns).toBe(0);
  });

  it('starts a new window after 15 minutes, so occasional mistakes never lock', async () => {
    await wrong();
    await wrong();
    h.clock.advance(15 * MIN);
    await wrong();
    expect((await fresh()).lockedUntil).toBeNull();
    expect((await attempt()).ok).toBe(true);
  });

  it('unlocks with the reset link from the lockout email', async () => {
    for (let i = 0; i < 3; i++) await wrong();
    const [mail] = await h.outbox();
    const token = linkIn(mail?.text ?? '', 'reset');
    const reset = await completePasswordReset(h.deps, {
      token,
      password: 'purple elephant teapot orbit',
      ip: null,
      userAgent: null,
    });
    expect(reset.ok).toBe(true);
    const unlocked = await fresh();
    expect(unlocked).toMatchObject({ failedSignIns: 0, lockedUntil: null });
    expect((await attempt({ password: 'purple elephant teapot orbit' })).ok).toBe(true);
    expect(await audit('account.unlock')).toHaveLength(1);
  });

  it('lets a browser with a device cookie in while strangers have locked the account', async () => {
    const first = await attempt();
    if (!first.ok) throw new Error('expected success');
    for (let i = 0; i < 3; i++) await wrong({ ip: '203.0.113.66' });
    expect((await fresh()).lockedUntil).not.toBeNull();
    expect(await attempt()).toEqual({ ok: false });
    const trusted = await attempt({ deviceToken: first.deviceToken });
    expect(trusted.ok).toBe(true);
    // The lock stays for everyone else.
    expect(await attempt()).toEqual({ ok: false });
  });

  it('counts failures from a trusted device against that device only', async () => {
    const first = await attempt();
    if (!first.ok) throw new Error('expected success');
    const deviceToken = first.deviceToken;
    for (let i = 0; i < 3; i++) await wrong({ deviceToken });
    // The device is locked: even the right password from it fails...
    expect(await attempt({ deviceToken })).toEqual({ ok: false });
    // ...but the account is not, and no lockout email went out.
    const account = await fresh();
    expect(account).toMatchObject({ failedSignIns: 0, lockedUntil: null });
    expect(await h.outbox()).toHaveLength(0);
    expect((await attempt()).ok).toBe(true);
    // Another trusted browser of the same person is not affected either.
    const other = await attempt();
    if (!other.ok) throw new Error('expected success');
    expect((await attempt({ deviceToken: other.deviceToken })).ok).toBe(true);
    h.clock.advance(30 * MIN);
    expect((await attempt({ deviceToken })).ok).toBe(true);
  });

  it('treats a device cookie of another account as no cookie', async () => {
    await h.addRecipient('bob@example.org');
    const bob = await attempt({ email: 'bob@example.org' });
    if (!bob.ok) throw new Error('expected success');
    for (let i = 0; i < 3; i++) await wrong({ deviceToken: bob.deviceToken });
    expect((await fresh()).lockedUntil).not.toBeNull();
    expect(await attempt({ deviceToken: bob.deviceToken })).toEqual({ ok: false });
  });

  it('cannot be raced: 10 parallel wrong passwords lock once, at the threshold, with one email', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => wrong()));
    for (const r of results) expect(r).toEqual({ ok: false });
    const account = await fresh();
    expect(account.failedSignIns).toBe(3);
    expect(account.lockedUntil).not.toBeNull();
    expect(await h.outbox()).toHaveLength(1);
    expect(await audit('account.lockout')).toHaveLength(1);
    const failures = await audit('account.signin-failed');
    expect(failures).toHaveLength(10);
    expect(failures.filter((e) => e.details.reason === 'locked')).toHaveLength(7);
    // The right password in parallel with guesses cannot slip in once the lock is set.
    expect(await attempt()).toEqual({ ok: false });
  });

  it('cannot be raced from a trusted device either', async () => {
    const first = await attempt();
    if (!first.ok) throw new Error('expected success');
    await Promise.all(Array.from({ length: 10 }, () => wrong({ deviceToken: first.deviceToken })));
    expect(await attempt({ deviceToken: first.deviceToken })).toEqual({ ok: false });
    expect(await audit('account.lockout')).toHaveLength(1);
  });
});
