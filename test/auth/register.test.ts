import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findRegistrationLink,
  register,
  sendRegistrationCode,
} from '../../core/accounts/register.ts';
import { signIn } from '../../core/accounts/sign-in.ts';
import { CODE_MAX_ATTEMPTS, CODES_PER_ADDRESS_PER_HOUR } from '../../core/auth/email-codes.ts';
import { validateSessionToken } from '../../core/auth/sessions.ts';
import { newestCodeTo } from '../support/email-code.ts';
import { createHarness, GOOD_PASSWORD, type Harness } from './support.ts';

describe('register', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  /** Asks for the code the way the page does, and reads it from the email it sent. */
  const emailedCode = async (token: string) => {
    // A second apart, so "the newest email" is well defined in the outbox's order.
    h.clock.advance(1_000);
    const sent = await sendRegistrationCode(h.deps, { token });
    if (!sent?.ok) throw new Error(`no code sent: ${JSON.stringify(sent)}`);
    return newestCodeTo(await h.outbox(), sent.email);
  };
  const submitWith = (token: string, code: string, password = GOOD_PASSWORD) =>
    register(h.deps, { token, code, password, ip: '192.0.2.5', userAgent: 'test' });
  /** Registers as the owner of the mailbox would: with a fresh code from the email. */
  const submit = async (token: string, password = GOOD_PASSWORD) => {
    const link = await findRegistrationLink(h.deps, { token });
    const code = link?.state === 'register' ? await emailedCode(token) : '000000';
    return submitWith(token, code, password);
  };

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
        tokenId: token.split('.')[0],
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
    const code = await emailedCode(token);
    const results = await Promise.all([
      submitWith(token, code),
      submitWith(token, code, 'another long passphrase here'),
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
    expect(result).toMatchObject({ ok: false, reason: 'invalid', codeProblem: null });
    if (!result.ok && result.reason === 'invalid') {
      // A code with its numbers: the page words it in the person's language.
      expect(result.problems).toEqual([{ code: 'too-short', min: 15, length: 5 }]);
    }
    expect((await submit(token)).ok).toBe(true);
  });

  it('refuses one of the most common passwords, even one long enough (the shipped list)', async () => {
    const { token } = await notifyLink();
    const result = await submit(token, 'QAZWSXEDCRFVTGB');
    expect(result).toMatchObject({ ok: false, reason: 'invalid', codeProblem: null });
    if (!result.ok && result.reason === 'invalid') {
      expect(result.problems).toEqual([{ code: 'common' }]);
    }
    expect((await submit(token)).ok).toBe(true);
  });

  it('refuses a password containing the address or the council name', async () => {
    const { token } = await notifyLink('margaret.smith@example.org');
    expect(await submit(token, 'margaret.smith is my password')).toMatchObject({
      reason: 'invalid',
    });
    expect(await submit(token, 'i work for barnet council ok')).toMatchObject({
      reason: 'invalid',
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

  describe('proof of mailbox: a forwarded notification is not enough', () => {
    it('sets no password without the code emailed to the address', async () => {
      const { account, token } = await notifyLink();
      for (const code of ['', '12345678', 'not a code']) {
        const result = await submitWith(token, code, 'the forwardee chose this one');
        expect(result).toMatchObject({ ok: false, reason: 'invalid' });
        if (!result.ok && result.reason === 'invalid') expect(result.codeProblem).not.toBeNull();
      }
      expect(
        (await h.storage.repos.accounts.findById({ id: account.id }))?.passwordHash,
      ).toBeNull();
      // The link still leads to registration for its real owner, who has the mailbox.
      expect(await findRegistrationLink(h.deps, { token })).toMatchObject({ state: 'register' });
      expect((await submit(token)).ok).toBe(true);
    });

    it('asks for the code in plain words: missing, wrong, then used up after the tries allowed', async () => {
      const { token } = await notifyLink();
      const code = await emailedCode(token);
      const wrong = code === '99999999' ? '99999998' : '99999999';
      expect(await submitWith(token, '')).toMatchObject({ codeProblem: 'code-missing' });
      for (let i = 1; i < CODE_MAX_ATTEMPTS; i++) {
        expect(await submitWith(token, wrong)).toMatchObject({ codeProblem: 'code-wrong' });
      }
      expect(await submitWith(token, wrong)).toMatchObject({ codeProblem: 'code-expired' });
      // Guessing used the code up: even the right one no longer works; a new one does.
      expect(await submitWith(token, code)).toMatchObject({ codeProblem: 'code-expired' });
      expect((await submitWith(token, await emailedCode(token))).ok).toBe(true);
    });

    it('accepts a code for 15 minutes; asking again does not cancel the one being typed', async () => {
      const { token } = await notifyLink();
      const first = await emailedCode(token);
      h.clock.advance(15 * 60_000);
      expect(await submitWith(token, first)).toMatchObject({ codeProblem: 'code-expired' });
      // Someone else holding the link asks for more codes: the owner's still works.
      const owners = await emailedCode(token);
      await emailedCode(token);
      await emailedCode(token);
      expect((await submitWith(token, owners, GOOD_PASSWORD)).ok).toBe(true);
    });

    it('gives guesses sent in parallel no more tries than guesses sent one by one', async () => {
      const { account, token } = await notifyLink();
      const code = await emailedCode(token);
      const wrong = Array.from({ length: 40 }, (_, i) => String(10_000_000 + i)).filter(
        (guess) => guess !== code,
      );
      const results = await Promise.all(wrong.map((guess) => submitWith(token, guess)));
      const wrongAnswers = results.filter(
        (r) => !r.ok && r.reason === 'invalid' && r.codeProblem === 'code-wrong',
      );
      expect(wrongAnswers.length).toBeLessThanOrEqual(CODE_MAX_ATTEMPTS);
      // The tries are used up: the right code no longer works, and nothing was set.
      expect(await submitWith(token, code)).toMatchObject({ codeProblem: 'code-expired' });
      expect(
        (await h.storage.repos.accounts.findById({ id: account.id }))?.passwordHash,
      ).toBeNull();
    });

    it('binds a code to its link: a code sent for one link does not register another', async () => {
      const a = await notifyLink('ann@example.org');
      const b = await notifyLink('bob@example.org');
      const annCode = await emailedCode(a.token);
      expect(await submitWith(b.token, annCode)).toMatchObject({ reason: 'invalid' });
    });

    it('sends at most a few codes an hour to one address, and keeps only a keyed hash', async () => {
      const { token } = await notifyLink();
      for (let i = 0; i < CODES_PER_ADDRESS_PER_HOUR; i++) {
        h.clock.advance(1_000);
        expect((await sendRegistrationCode(h.deps, { token }))?.ok).toBe(true);
      }
      expect(await sendRegistrationCode(h.deps, { token })).toMatchObject({
        ok: false,
        reason: 'too-many-codes',
      });
      const mails = await h.outbox();
      expect(mails.filter((m) => m.kind === 'email-code')).toHaveLength(CODES_PER_ADDRESS_PER_HOUR);
      const code = newestCodeTo(mails, 'new@example.org');
      const [id] = token.split('.') as [string];
      const [stored] = await h.storage.repos.emailCodes.listLive({
        purpose: 'register',
        emailKey: 'new@example.org',
        subjectId: id,
        now: h.clock.now(),
      });
      expect(stored?.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored?.codeHash).not.toContain(code);
      h.clock.advance(60 * 60_000 + 1);
      expect((await sendRegistrationCode(h.deps, { token }))?.ok).toBe(true);
    });

    it('sends no code for a link that cannot register (already registered, unknown)', async () => {
      const ann = await h.addRecipient('ann@example.org');
      const token = await h.addLink({ purpose: 'notify', email: ann.email, accountId: ann.id });
      expect(await sendRegistrationCode(h.deps, { token })).toBeNull();
      expect(await sendRegistrationCode(h.deps, { token: 'nope.nope' })).toBeNull();
      expect((await h.outbox()).filter((m) => m.kind === 'email-code')).toHaveLength(0);
    });
  });
});
