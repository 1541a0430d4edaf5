import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { completePasswordReset, requestPasswordReset } from '../../core/accounts/reset-password.ts';
import {
  createSession,
  findTimedOutSession,
  invalidateAllSessions,
  invalidateSession,
  type SessionDeps,
  signOut,
  validateSessionToken,
} from '../../core/auth/sessions.ts';
import { createHarness, type Harness, linkIn } from './support.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('sessions', () => {
  let h: Harness;
  let deps: SessionDeps;
  let ann: Account;

  beforeEach(async () => {
    h = await createHarness();
    deps = h.deps;
    ann = await h.addRecipient('ann@example.org');
  });
  afterEach(() => h.close());

  const start = (account: Account, rememberMe = false) =>
    createSession(deps, { account, rememberMe, ip: '192.0.2.1', userAgent: 'test' });

  it('gives out <id>.<secret> and stores only a hash of the secret', async () => {
    const { session, token } = await start(ann);
    const [id, secret] = token.split('.') as [string, string];
    expect(id).toBe(session.id);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const stored = await h.storage.repos.sessions.findById({ id });
    expect(stored?.secretHash).toBe(h.deps.secrets.hashToken({ value: secret }));
    expect(JSON.stringify(stored)).not.toContain(secret);
    const valid = await validateSessionToken(deps, { token });
    expect(valid?.account.id).toBe(ann.id);
    expect(valid?.session.id).toBe(id);
  });

  it('answers null for a wrong secret, an unknown id and malformed tokens', async () => {
    const { token } = await start(ann);
    const [id] = token.split('.') as [string];
    for (const bad of [
      `${id}.${'a'.repeat(39)}`,
      `unknownid.${token.split('.')[1]}`,
      '',
      'nodot',
      '.',
      `${token}.extra`,
      `${id}.`,
    ]) {
      expect(await validateSessionToken(deps, { token: bad })).toBeNull();
    }
    // The real one still works: a bad guess does not end the session.
    expect(await validateSessionToken(deps, { token })).not.toBeNull();
  });

  it('ends a recipient session after exactly 15 idle minutes, not a millisecond before', async () => {
    const a = await start(ann);
    const b = await start(ann);
    h.clock.advance(15 * MIN - 1);
    expect(await validateSessionToken(deps, { token: a.token })).not.toBeNull();
    h.clock.advance(1);
    expect(await validateSessionToken(deps, { token: b.token })).toBeNull();
    // And it is gone, not merely refused.
    expect(await h.storage.repos.sessions.findById({ id: b.session.id })).toBeNull();
  });

  it('gives staff 30 idle minutes', async () => {
    const staff = await h.addRecipient('officer@barnet.gov.uk', { kind: 'staff', role: 'sender' });
    const a = await start(staff);
    const b = await start(staff);
    h.clock.advance(30 * MIN - 1);
    expect(await validateSessionToken(deps, { token: a.token })).not.toBeNull();
    h.clock.advance(1);
    expect(await validateSessionToken(deps, { token: b.token })).toBeNull();
  });

  it('slides the idle timeout with activity, writing lastSeenAt at most once a minute', async () => {
    const { session, token } = await start(ann);
    h.clock.advance(30_000);
    await validateSessionToken(deps, { token });
    let stored = await h.storage.repos.sessions.findById({ id: session.id });
    expect(stored?.lastSeenAt).toEqual(session.lastSeenAt);
    h.clock.advance(30_000);
    await validateSessionToken(deps, { token });
    stored = await h.storage.repos.sessions.findById({ id: session.id });
    expect(stored?.lastSeenAt).toEqual(h.clock.now());
    // Active every 10 minutes, the session outlives many idle periods...
    for (let i = 0; i < 6; i++) {
      h.clock.advance(10 * MIN);
      expect(await validateSessionToken(deps, { token })).not.toBeNull();
    }
  });

  it('ends at the 12-hour absolute lifetime however active, exactly at the boundary', async () => {
    const { token } = await start(ann);
    const startedAt = h.clock.now().getTime();
    while (h.clock.now().getTime() + 10 * MIN < startedAt + 12 * HOUR) {
      h.clock.advance(10 * MIN);
      expect(await validateSessionToken(deps, { token })).not.toBeNull();
    }
    h.clock.set(new Date(startedAt + 12 * HOUR - 1));
    expect(await validateSessionToken(deps, { token })).not.toBeNull();
    h.clock.advance(1);
    expect(await validateSessionToken(deps, { token })).toBeNull();
  });

  it('keeps a remembered recipient session for 30 days without an idle limit', async () => {
    const { session, token } = await start(ann, true);
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(30 * DAY);
    h.clock.advance(3 * DAY);
    expect(await validateSessionToken(deps, { token })).not.toBeNull();
    h.clock.set(new Date(session.expiresAt.getTime() - 1));
    expect(await validateSessionToken(deps, { token })).not.toBeNull();
    h.clock.advance(1);
    expect(await validateSessionToken(deps, { token })).toBeNull();
  });

  it('keeps the idle limit for a remembered staff session', async () => {
    const staff = await h.addRecipient('officer@barnet.gov.uk', { kind: 'staff', role: 'sender' });
    const { token } = await start(staff, true);
    h.clock.advance(30 * MIN);
    expect(await validateSessionToken(deps, { token })).toBeNull();
  });

  it('refuses the sessions of a disabled account', async () => {
    const { token } = await start(ann);
    await h.storage.repos.accounts.update({ account: { ...ann, status: 'disabled' } });
    expect(await validateSessionToken(deps, { token })).toBeNull();
  });

  it('ends one session, or all of an account but one', async () => {
    const a = await start(ann);
    const b = await start(ann);
    const c = await start(ann);
    const bob = await h.addRecipient('bob@example.org');
    const other = await start(bob);
    await invalidateSession(deps, { sessionId: a.session.id });
    expect(await validateSessionToken(deps, { token: a.token })).toBeNull();
    expect(await invalidateAllSessions(deps, { accountId: ann.id, exceptId: c.session.id })).toBe(
      1,
    );
    expect(await validateSessionToken(deps, { token: b.token })).toBeNull();
    expect(await validateSessionToken(deps, { token: c.token })).not.toBeNull();
    expect(await validateSessionToken(deps, { token: other.token })).not.toBeNull();
  });

  describe("a timed-out cookie (it may only save a draft) ends with the account's next session", () => {
    /** A session that timed out a moment ago: its cookie is a resume token now. */
    const timedOut = async () => {
      const { token } = await start(ann);
      h.clock.advance(15 * MIN);
      expect(await validateSessionToken(deps, { token })).toBeNull();
      expect(await findTimedOutSession(deps, { token })).not.toBeNull();
      return token;
    };

    it('at a new sign-in', async () => {
      const old = await timedOut();
      await start(ann);
      expect(await findTimedOutSession(deps, { token: old })).toBeNull();
    });

    it('at sign-out on another device, of that session or everywhere', async () => {
      for (const everywhere of [false, true]) {
        const other = await start(ann);
        const { token } = await start(ann);
        h.clock.advance(10 * MIN);
        expect(await validateSessionToken(deps, { token: other.token })).not.toBeNull();
        h.clock.advance(5 * MIN);
        // The first device's session timed out; its cookie could still save a draft.
        expect(await validateSessionToken(deps, { token })).toBeNull();
        expect(await findTimedOutSession(deps, { token })).not.toBeNull();
        await signOut(h.deps, { session: other.session, everywhere, ip: null });
        expect(await findTimedOutSession(deps, { token })).toBeNull();
      }
    });

    it('at a password reset', async () => {
      const old = await timedOut();
      await requestPasswordReset(h.deps, { email: ann.email, ip: null });
      const mail = (await h.outbox()).filter((m) => m.kind === 'reset').at(-1);
      const token = linkIn(mail?.text ?? '', 'reset');
      const reset = await completePasswordReset(h.deps, {
        token,
        password: 'a brand new long passphrase',
        ip: null,
        userAgent: null,
      });
      expect(reset.ok).toBe(true);
      expect(await findTimedOutSession(deps, { token: old })).toBeNull();
    });
  });
});
