import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRegistrationLink, register } from '../../core/accounts/register.ts';
import { signIn } from '../../core/accounts/sign-in.ts';
import { validateSessionToken } from '../../core/auth/sessions.ts';
import { createHarness, GOOD_PASSWORD, type Harness } from './support.ts';

describe('register', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const submit = (token: string, password = GOOD_PASSWORD) =>
    register(h.deps, { token, password, ip: '192.0.2.5', userAgent: 'test' });

  let deliveryId = '';
  async function notifyLink(email = 'new@example.org') {
    const account = await h.addUnregistered(email);
    deliveryId = await h.addDelivery(account);
    const token = await h.addLink({ purpose: 'notify', email, accountId: account.id, deliveryId });
    return { account, token };
  }

  it('shows the address a link was sent to without spending it', async () => {
    const { token } = await notifyLink();
    for (let i = 0; i < 3; i++) {
      expect(await findRegistrationLink(h.deps, { token })).toEqual({
        state: 'register',
        email: 'new@example.org',
        deliveryId,
      });
    }
    const [id] = token.split('.') as [string];
    expect((await h.storage.repos.tokens.findById({ id }))?.usedAt).toBeNull();
  });

  it('registers once: password set, session started, audit written, delivery returned', async () => {
    const { account, token } = await notifyLink();
    const result = await submit(token);
    if (!result.ok) throw new Error(`expected success, got ${result.reason}`);
    expect(result.account.id).toBe(account.id);
    expect(result.deliveryId).toBe(deliveryId);
    expect(await validateSessionToken(h.deps, { token: result.sessionToken })).not.toBeNull();
    const events = await h.storage.repos.audit.list({
      filter: { action: 'account.register' },
      limit: 10,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: account.id, ip: '192.0.2.5' });
    // The password works for signing in from now on.
    const signedIn = await signIn(h.deps, {
      email: 'new@example.org',
      password: GOOD_PASSWORD,
      rememberMe: false,
      deviceToken: null,
      ip: null,
      userAgent: null,
    });
    expect(signedIn.ok).toBe(true);
    if (signedIn.ok) expect(signedIn.session.id).not.toBe(result.session.id);
  });

  it('refuses a second POST of the same link, whatever password it brings', async () => {
    const { token } = await notifyLink();
    expect((await submit(token)).ok).toBe(true);
    const again = await submit(token, 'an entirely different long password');
    expect(again).toEqual({ ok: false, reason: 'already-registered', deliveryId });
    // The link now only leads to sign-in.
    expect(await findRegistrationLink(h.deps, { token })).toEqual({
      state: 'sign-in',
      deliveryId,
    });
  });

  it('lets only one of two simultaneous registrations win', async () => {
    const { token } = await notifyLink();
    const results = await Promise.all([
      submit(token),
      submit(token, 'another long passphrase here'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('never sets a new password on an account that has one (a forwarded notification)', async () => {
    const ann = await h.addRecipient('ann@example.org');
    const token = await h.addLink({ purpose: 'notify', email: ann.email, accountId: ann.id });
    expect(await submit(token, 'attacker chosen passphrase')).toMatchObject({
      ok: false,
      reason: 'already-registered',
    });
    const stored = await h.storage.repos.accounts.findById({ id: ann.id });
    expect(stored?.passwordHash).toBe(ann.passwordHash);
  });

  it('keeps the link when the password breaks the policy, and says why', async () => {
    const { token } = await notifyLink();
    const result = await submit(token, 'short');
    expect(result).toMatchObject({ ok: false, reason: 'password' });
    if (!result.ok && result.reason === 'password') {
      expect(result.problems.join(' ')).toContain('at least 15 characters');
    }
    expect((await submit(token)).ok).toBe(true);
  });

  it('refuses a password containing the address or the council name', async () => {
    const { token } = await notifyLink('margaret.smith@example.org');
    expect(await submit(token, 'margaret.smith is my password')).toMatchObject({
      reason: 'password',
    });
    expect(await submit(token, 'i work for barnet council ok')).toMatchObject({
      reason: 'password',
    });
  });

  it('creates the account for a registration link to an address without one', async () => {
    const token = await h.addLink({ purpose: 'register', email: 'invited@example.org' });
    const result = await submit(token);
    if (!result.ok) throw new Error(`expected success, got ${result.reason}`);
    expect(result.account).toMatchObject({
      email: 'invited@example.org',
      kind: 'external',
      role: 'recipient',
    });
    expect(result.deliveryId).toBeNull();
  });

  it('refuses expired, unknown, tampered and wrong-purpose links alike', async () => {
    const { account, token } = await notifyLink();
    const [id, secret] = token.split('.') as [string, string];
    const reset = await h.addLink({
      purpose: 'reset',
      email: account.email,
      accountId: account.id,
    });
    for (const bad of [`${id}.${secret.slice(0, -1)}x`, `nope.${secret}`, reset, 'garbage']) {
      expect(await submit(bad)).toEqual({ ok: false, reason: 'invalid-link' });
      expect(await findRegistrationLink(h.deps, { token: bad })).toBeNull();
    }
    h.clock.advance(8 * 24 * 60 * 60_000);
    expect(await submit(token)).toEqual({ ok: false, reason: 'invalid-link' });
  });

  it('does not let a staff account register through a notification', async () => {
    const staff = await h.addUnregistered('officer@barnet.gov.uk');
    await h.storage.repos.accounts.update({ account: { ...staff, kind: 'staff', role: 'sender' } });
    const token = await h.addLink({ purpose: 'notify', email: staff.email, accountId: staff.id });
    expect(await submit(token)).toEqual({ ok: false, reason: 'invalid-link' });
  });
});
