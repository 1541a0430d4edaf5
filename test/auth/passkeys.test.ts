import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simpleWebAuthn } from '../../adapters/security/webauthn.ts';
import type { Account } from '../../core/accounts/model.ts';
import type { AuditAction } from '../../core/audit/model.ts';
import type { Session } from '../../core/auth/model.ts';
import {
  finishPasskeySecondFactor,
  finishPasskeySignIn,
  startPasskeySecondFactor,
  startPasskeySignIn,
} from '../../core/auth/passkey-sign-in.ts';
import {
  finishPasskeyRegistration,
  type PasskeyDeps,
  removePasskey,
  renamePasskey,
  startPasskeyRegistration,
} from '../../core/auth/passkeys.ts';
import { stepUpNeeded } from '../../core/auth/second-factor.ts';
import { buildSession } from '../../core/auth/sessions.ts';
import { MINUTE_MS } from '../../core/shared/time.ts';
import { softwareAuthenticator } from '../support/software-authenticator.ts';
import { createHarness, GOOD_PASSWORD, type Harness } from './support.ts';

// The passkey use cases with the real verifier (@simplewebauthn/server behind the
// port) and a software authenticator answering as a security key would: registering,
// the second step, signing in alone, renaming and removing; and every refusal the
// brief names (a challenge spent or stale, another origin, a counter that went
// backwards, no user verification where it is required), each audited.

const PUBLIC_URL = 'https://messages.example.gov.uk';
const ORIGIN = PUBLIC_URL;
const RP_ID = 'messages.example.gov.uk';

let h: Harness;
let deps: PasskeyDeps & { policy: Harness['deps']['policy'] };

beforeEach(async () => {
  h = await createHarness();
  deps = { ...h.deps, webauthn: simpleWebAuthn({ publicUrl: PUBLIC_URL }) };
});
afterEach(async () => {
  await h.close();
});

async function sessionFor(account: Account, pending = false): Promise<Session> {
  const { session } = buildSession(h.deps, {
    account,
    rememberMe: false,
    ip: null,
    userAgent: null,
  });
  const stored = { ...session, twoFactorPending: pending };
  await h.storage.repos.sessions.insert({ session: stored });
  return stored;
}

async function audits(action: AuditAction) {
  return h.storage.repos.audit.list({ filter: { action }, limit: 100 });
}

/** A recipient with one passkey registered from a signed-in session. */
async function registered(email = 'ann@example.org') {
  const account = await h.addRecipient(email);
  const session = await sessionFor(account);
  const key = softwareAuthenticator({ rpId: RP_ID, origin: ORIGIN });
  const started = await startPasskeyRegistration(deps, { account, session, orgName: 'Barnet' });
  if (!started.ok) throw new Error('not started');
  const done = await finishPasskeyRegistration(deps, {
    account,
    session,
    response: key.register(started.options),
    name: 'Phone',
    orgName: 'Barnet',
    ip: null,
  });
  if (!done.ok) throw new Error(`not registered: ${done.reason}`);
  const fresh = await h.storage.repos.accounts.findById({ id: account.id });
  if (!fresh) throw new Error('gone');
  return { account: fresh, session, key, passkey: done.passkey };
}

describe('registering a passkey', () => {
  it('stores the public key, counts it, audits, emails, and marks the session', async () => {
    const account = await h.addRecipient('ann@example.org');
    const session = await sessionFor(account);
    const key = softwareAuthenticator({ rpId: RP_ID, origin: ORIGIN });
    const started = await startPasskeyRegistration(deps, { account, session, orgName: 'Barnet' });
    if (!started.ok) throw new Error('not started');
    const user = started.options.user as { id: string; name: string };
    // The user handle is the opaque account id, never the address.
    expect(Buffer.from(user.id, 'base64url').toString('utf8')).toBe(account.id);
    expect(started.options.rp).toEqual({ name: 'Barnet', id: RP_ID });

    const done = await finishPasskeyRegistration(deps, {
      account,
      session,
      response: key.register(started.options),
      name: '  My\tphone  ',
      orgName: 'Barnet',
      ip: '192.0.2.1',
    });
    expect(done.ok).toBe(true);
    const stored = await h.storage.repos.passkeys.listForAccount({ accountId: account.id });
    expect(stored.map((p) => [p.name, p.credentialId])).toEqual([['My phone', key.credentialId]]);
    expect((await h.storage.repos.accounts.findById({ id: account.id }))?.passkeyCount).toBe(1);
    expect(await audits('account.passkey-add')).toHaveLength(1);
    expect((await h.outbox()).map((m) => m.subject)).toEqual([
      'A passkey has been added (Barnet secure messages)',
    ]);
    expect((await h.storage.repos.sessions.findById({ id: session.id }))?.secondFactorAt).toEqual(
      h.clock.now(),
    );

    // Registering again excludes the passkey the account has.
    const again = await startPasskeyRegistration(deps, { account, session, orgName: 'Barnet' });
    if (!again.ok) throw new Error('not started');
    expect(again.options.excludeCredentials).toEqual([
      { id: key.credentialId, type: 'public-key', transports: ['internal'] },
    ]);
  });

  it('does not mark the session when the account already had a factor', async () => {
    // An account with an app, in a session that never used it (a stolen one, say).
    const before = await h.addRecipient('ann@example.org');
    const account = { ...before, totpKeyEnc: new Uint8Array([1, 2, 3]) };
    await h.storage.repos.accounts.update({ account });
    const session = await sessionFor(account);
    const key = softwareAuthenticator({ rpId: RP_ID, origin: ORIGIN });
    const started = await startPasskeyRegistration(deps, { account, session, orgName: 'Barnet' });
    if (!started.ok) throw new Error('not started');
    const done = await finishPasskeyRegistration(deps, {
      account,
      session,
      response: key.register(started.options),
      name: 'Phone',
      orgName: 'Barnet',
      ip: null,
    });
    expect(done.ok).toBe(true);
    const stored = await h.storage.repos.sessions.findById({ id: session.id });
    expect(stored?.secondFactorAt).toBeNull();
    const fresh = await h.storage.repos.accounts.findById({ id: account.id });
    if (!stored || !fresh) throw new Error('gone');
    expect(fresh.passkeyCount).toBe(1);
    // A marked message still asks this session to use a factor it has.
    expect(
      stepUpNeeded({ message: { secondFactorRequired: true }, person: fresh, session: stored }),
    ).toBe('confirm');
  });

  it('refuses a spent, stale, foreign-session or other-origin challenge', async () => {
    const account = await h.addRecipient('ann@example.org');
    const session = await sessionFor(account);
    const other = await sessionFor(account);
    const start = async () => {
      const started = await startPasskeyRegistration(deps, { account, session, orgName: 'B' });
      if (!started.ok) throw new Error('not started');
      return started.options;
    };
    const finish = (response: unknown, s: Session = session) =>
      finishPasskeyRegistration(deps, {
        account,
        session: s,
        response,
        name: 'Key',
        orgName: 'B',
        ip: null,
      });

    const evil = softwareAuthenticator({ rpId: RP_ID, origin: 'https://evil.example' });
    expect(await finish(evil.register(await start()))).toEqual({ ok: false, reason: 'invalid' });

    const key = softwareAuthenticator({ rpId: RP_ID, origin: ORIGIN });
    const options = await start();
    expect(await finish(key.register(options), other)).toEqual({ ok: false, reason: 'invalid' });

    const stale = await start();
    h.clock.advance(6 * MINUTE_MS);
    expect(await finish(key.register(stale))).toEqual({ ok: false, reason: 'invalid' });

    const fresh = await start();
    const response = key.register(fresh);
    expect((await finish(response)).ok).toBe(true);
    expect(await finish(response)).toEqual({ ok: false, reason: 'invalid' });
    expect((await h.storage.repos.accounts.findById({ id: account.id }))?.passkeyCount).toBe(1);
  });
});

describe('the second step with a passkey', () => {
  it('reissues the half-signed-in session as an app code does', async () => {
    const { account, key } = await registered();
    const pending = await sessionFor(account, true);
    const options = await startPasskeySecondFactor(deps, { session: pending });
    if (!options) throw new Error('no options');
    expect(options.allowCredentials).toEqual([
      { id: key.credentialId, type: 'public-key', transports: ['internal'] },
    ]);
    const result = await finishPasskeySecondFactor(deps, {
      session: pending,
      response: key.assert(options),
      ip: null,
    });
    if (!result.ok) throw new Error('refused');
    expect(result.session.id).not.toBe(pending.id);
    expect(result.session.twoFactorPending).toBe(false);
    expect(result.session.secondFactorAt).toEqual(h.clock.now());
    expect(await h.storage.repos.sessions.findById({ id: pending.id })).toBeNull();
    const [used] = await h.storage.repos.passkeys.listForAccount({ accountId: account.id });
    expect(used?.counter).toBe(1);
    expect(used?.lastUsedAt).toEqual(h.clock.now());
    const signIns = await audits('account.signin');
    expect(signIns.map((e) => e.details.method)).toEqual(['passkey']);
  });

  it('refuses a counter that did not move forward, and another origin, auditing why', async () => {
    const { account, key } = await registered();
    const pending = await sessionFor(account, true);
    const attempt = async (over: Parameters<typeof key.assert>[1]) => {
      const options = await startPasskeySecondFactor(deps, { session: pending });
      if (!options) throw new Error('no options');
      return finishPasskeySecondFactor(deps, {
        session: pending,
        response: key.assert(options, over),
        ip: null,
      });
    };
    expect(await attempt({ counter: 5 })).toMatchObject({ ok: true });
    const again = await sessionFor(account, true);
    const options = await startPasskeySecondFactor(deps, { session: again });
    if (!options) throw new Error('no options');
    const replayed = await finishPasskeySecondFactor(deps, {
      session: again,
      response: key.assert(options, { counter: 5 }),
      ip: null,
    });
    expect(replayed).toEqual({ ok: false });
    const otherOrigin = await startPasskeySecondFactor(deps, { session: again });
    if (!otherOrigin) throw new Error('no options');
    const evil = await finishPasskeySecondFactor(deps, {
      session: again,
      response: key.assert(otherOrigin, { origin: 'https://evil.example', counter: 9 }),
      ip: null,
    });
    expect(evil).toEqual({ ok: false });
    const reasons = (await audits('account.signin-failed')).map((e) => e.details.reason);
    expect(reasons).toEqual(['passkey-counter', 'passkey-invalid']);
    expect((await h.storage.repos.sessions.findById({ id: again.id }))?.twoFactorPending).toBe(
      true,
    );
  });

  it('does not let another account’s passkey finish the step', async () => {
    const { key: annsKey } = await registered('ann@example.org');
    const { account: bob } = await registered('bob@example.org');
    const pending = await sessionFor(bob, true);
    const options = await startPasskeySecondFactor(deps, { session: pending });
    if (!options) throw new Error('no options');
    const result = await finishPasskeySecondFactor(deps, {
      session: pending,
      response: annsKey.assert(options),
      ip: null,
    });
    expect(result).toEqual({ ok: false });
  });
});

describe('signing in with a passkey alone', () => {
  it('only when the setting allows it, with user verification, fully signed in', async () => {
    const { account, key } = await registered();
    expect(await startPasskeySignIn(deps, { settings: { passkeySignIn: 'second-factor' } })).toBe(
      null,
    );
    const settings = { passkeySignIn: 'passwordless' as const };
    const options = await startPasskeySignIn(deps, { settings });
    if (!options) throw new Error('no options');
    expect(options.userVerification).toBe('required');
    const unverified = await finishPasskeySignIn(deps, {
      response: key.assert(options, { userVerified: false }),
      settings,
      ip: null,
      userAgent: null,
    });
    expect(unverified).toEqual({ ok: false });

    const next = await startPasskeySignIn(deps, { settings });
    if (!next) throw new Error('no options');
    const response = key.assert(next);
    const result = await finishPasskeySignIn(deps, {
      response,
      settings,
      ip: null,
      userAgent: null,
    });
    if (!result.ok) throw new Error('refused');
    expect(result.account.id).toBe(account.id);
    expect(result.session.twoFactorPending).toBe(false);
    expect(result.session.secondFactorAt).toEqual(h.clock.now());
    // The same assertion again: its challenge is spent.
    expect(
      await finishPasskeySignIn(deps, { response, settings, ip: null, userAgent: null }),
    ).toEqual({ ok: false });
    // And with the setting back to second-factor, no passkey signs in alone.
    expect(
      await finishPasskeySignIn(deps, {
        response: key.assert(next),
        settings: { passkeySignIn: 'second-factor' },
        ip: null,
        userAgent: null,
      }),
    ).toEqual({ ok: false });
  });
});

describe('renaming and removing', () => {
  it('renames only the account’s own passkeys', async () => {
    const { account, passkey } = await registered('ann@example.org');
    const { account: bob } = await registered('bob@example.org');
    expect(
      await renamePasskey(deps, {
        account: bob,
        passkeyId: passkey.id,
        name: 'Mine',
        orgName: 'Barnet',
        ip: null,
      }),
    ).toEqual({ ok: false, reason: 'not-found' });
    expect(
      await renamePasskey(deps, {
        account,
        passkeyId: passkey.id,
        name: '  ',
        orgName: 'Barnet',
        ip: null,
      }),
    ).toEqual({
      ok: false,
      reason: 'empty-name',
    });
    expect(
      await renamePasskey(deps, {
        account,
        passkeyId: passkey.id,
        name: 'Laptop',
        orgName: 'Barnet',
        ip: null,
      }),
    ).toEqual({ ok: true });
    const [renamed] = await h.storage.repos.passkeys.listForAccount({ accountId: account.id });
    expect(renamed?.name).toBe('Laptop');
    expect(await audits('account.passkey-rename')).toHaveLength(1);
    // Emailed to the owner only, once: the refused renames sent nothing.
    const renameMails = (await h.outbox()).filter((m) => m.subject.includes('renamed'));
    expect(renameMails.map((m) => [m.to, m.subject])).toEqual([
      [account.email, 'A passkey has been renamed (Barnet secure messages)'],
    ]);
  });

  it('removes with the password typed again, and keeps the count with the rows', async () => {
    const { account, passkey } = await registered();
    const settings = { ...h.settings };
    const wrong = await removePasskey(deps, {
      account,
      passkeyId: passkey.id,
      password: 'not it',
      settings,
      ip: null,
    });
    expect(wrong).toEqual({ ok: false, reason: 'wrong-password' });
    expect((await audits('account.reauth-failed')).map((e) => e.details.purpose)).toEqual([
      'passkey-remove',
    ]);
    const right = await removePasskey(deps, {
      account,
      passkeyId: passkey.id,
      password: GOOD_PASSWORD,
      settings,
      ip: null,
    });
    expect(right).toEqual({ ok: true });
    expect((await h.storage.repos.accounts.findById({ id: account.id }))?.passkeyCount).toBe(0);
    expect(await h.storage.repos.passkeys.listForAccount({ accountId: account.id })).toEqual([]);
    expect(await audits('account.passkey-remove')).toHaveLength(1);
    expect((await h.outbox()).map((m) => m.subject)).toContain(
      'A passkey has been removed (Barnet Council secure messages)',
    );
  });

  it('will not take a staff member’s last second factor when staff must have one', async () => {
    const { account, passkey } = await registered('olive@barnet.gov.uk');
    const staff = { ...account, kind: 'staff' as const, role: 'sender' as const };
    await h.storage.repos.accounts.update({ account: staff });
    const result = await removePasskey(deps, {
      account: staff,
      passkeyId: passkey.id,
      password: GOOD_PASSWORD,
      settings: { ...h.settings, staffSecondFactor: 'all-staff' },
      ip: null,
    });
    expect(result).toEqual({ ok: false, reason: 'last-second-factor' });
    expect((await h.storage.repos.accounts.findById({ id: account.id }))?.passkeyCount).toBe(1);
    const allowed = await removePasskey(deps, {
      account: staff,
      passkeyId: passkey.id,
      password: GOOD_PASSWORD,
      settings: { ...h.settings, staffSecondFactor: 'admins' },
      ip: null,
    });
    expect(allowed).toEqual({ ok: true });
  });
});
