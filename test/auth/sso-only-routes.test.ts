import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simpleWebAuthn } from '../../adapters/security/webauthn.ts';
import type { Account } from '../../core/accounts/model.ts';
import {
  completePasswordReset,
  findResetLink,
  requestPasswordReset,
} from '../../core/accounts/reset-password.ts';
import { completeSetPassword, findSetPasswordLink } from '../../core/accounts/set-password.ts';
import type { AuditAction } from '../../core/audit/model.ts';
import {
  finishPasskeySecondFactor,
  finishPasskeySignIn,
  startPasskeySecondFactor,
  startPasskeySignIn,
} from '../../core/auth/passkey-sign-in.ts';
import {
  finishPasskeyRegistration,
  type PasskeyDeps,
  startPasskeyRegistration,
} from '../../core/auth/passkeys.ts';
import { buildSession } from '../../core/auth/sessions.ts';
import { softwareAuthenticator } from '../support/software-authenticator.ts';
import { createHarness, type Harness } from './support.ts';

// The routes other than single sign-on that a leaver (removed at the provider) must not
// keep: password links (reset, unlock, set-password) and a passkey alone, for staff the
// provider manages while single sign-on is configured; and break-glass on password links.

const PUBLIC_URL = 'https://messages.example.gov.uk';
const RP_ID = 'messages.example.gov.uk';
const NEW_PASSWORD = 'a quite different passphrase 42';
const SUBJECT = 'https://login.example/v2.0 AAAAsub';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

async function audits(action: AuditAction) {
  return h.storage.repos.audit.list({ filter: { action }, limit: 100 });
}

/** A staff sender, linked to the provider unless `ssoSubject` says otherwise. */
function addStaff(email: string, over: Partial<Account> = {}): Promise<Account> {
  return h.addRecipient(email, { kind: 'staff', role: 'sender', ssoSubject: SUBJECT, ...over });
}

describe('password links for staff the provider manages', () => {
  it('sends no reset link and refuses links already out, only while SSO is configured', async () => {
    const nia = await addStaff('nia@barnet.gov.uk');
    const sso = { ...h.deps, ssoConfigured: true };
    await requestPasswordReset(sso, { email: nia.email, ip: null });
    expect(await h.outbox()).toEqual([]);

    const reset = await h.addLink({ purpose: 'reset', accountId: nia.id, email: nia.email });
    const unlock = await h.addLink({ purpose: 'unlock', accountId: nia.id, email: nia.email });
    const setPw = await h.addLink({ purpose: 'set-password', accountId: nia.id, email: nia.email });
    expect(await findResetLink(sso, { token: reset })).toBeNull();
    expect(await findSetPasswordLink(sso, { token: setPw })).toBeNull();
    const input = { password: NEW_PASSWORD, ip: null, userAgent: null };
    expect(await completePasswordReset(sso, { token: reset, ...input })).toEqual({
      ok: false,
      reason: 'invalid-link',
    });
    expect(await completePasswordReset(sso, { token: unlock, ...input })).toEqual({
      ok: false,
      reason: 'invalid-link',
    });
    expect(await completeSetPassword(sso, { token: setPw, ...input })).toEqual({
      ok: false,
      reason: 'invalid-link',
    });
    const failed = await audits('account.signin-failed');
    expect(failed.map((e) => [e.details.reason, e.details.via])).toEqual([
      ['sso-only', 'reset'],
      ['sso-only', 'unlock'],
      ['sso-only', 'set-password'],
    ]);
    expect(await audits('account.password-reset')).toEqual([]);

    // Without single sign-on configured, the same link works: the rule is what refused.
    const result = await completePasswordReset(h.deps, { token: reset, ...input });
    expect(result.ok).toBe(true);
  });

  it('refuses reset and set-password links under break-glass, except for local admins', async () => {
    Object.assign(h.settings, { staffPasswords: 'break-glass' });
    const sam = await addStaff('sam@barnet.gov.uk', { ssoSubject: null });
    const input = { password: NEW_PASSWORD, ip: null, userAgent: null };
    const reset = await h.addLink({ purpose: 'reset', accountId: sam.id, email: sam.email });
    const setPw = await h.addLink({ purpose: 'set-password', accountId: sam.id, email: sam.email });
    expect(await findResetLink(h.deps, { token: reset })).toBeNull();
    expect((await completePasswordReset(h.deps, { token: reset, ...input })).ok).toBe(false);
    expect((await completeSetPassword(h.deps, { token: setPw, ...input })).ok).toBe(false);
    const failed = await audits('account.signin-failed');
    expect(failed.map((e) => e.details.reason)).toEqual([
      'password-sign-in-off',
      'password-sign-in-off',
    ]);

    // A local admin with a second factor keeps the break-glass password, links included.
    const ada = await addStaff('ada@barnet.gov.uk', {
      role: 'admin',
      ssoSubject: null,
      totpKeyEnc: new Uint8Array([1]),
    });
    const adaLink = await h.addLink({ purpose: 'reset', accountId: ada.id, email: ada.email });
    expect((await completePasswordReset(h.deps, { token: adaLink, ...input })).ok).toBe(true);

    // With staff passwords on, the sender's link works.
    Object.assign(h.settings, { staffPasswords: 'on' });
    expect((await completePasswordReset(h.deps, { token: reset, ...input })).ok).toBe(true);
  });
});

describe('a passkey alone for staff the provider manages', () => {
  it('is refused while SSO is configured; as the second step after SSO it still works', async () => {
    const account = await addStaff('nia@barnet.gov.uk');
    const deps: PasskeyDeps & { policy: Harness['deps']['policy'] } = {
      ...h.deps,
      ssoConfigured: true,
      webauthn: simpleWebAuthn({ publicUrl: PUBLIC_URL }),
    };
    const { session: signedIn } = buildSession(h.deps, {
      account,
      rememberMe: false,
      ip: null,
      userAgent: null,
    });
    await h.storage.repos.sessions.insert({ session: signedIn });
    const key = softwareAuthenticator({ rpId: RP_ID, origin: PUBLIC_URL });
    const started = await startPasskeyRegistration(deps, {
      account,
      session: signedIn,
      orgName: 'Barnet',
    });
    if (!started.ok) throw new Error('not started');
    const done = await finishPasskeyRegistration(deps, {
      account,
      session: signedIn,
      response: key.register(started.options),
      name: 'Phone',
      orgName: 'Barnet',
      ip: null,
    });
    if (!done.ok) throw new Error(`not registered: ${done.reason}`);

    const settings = { passkeySignIn: 'passwordless' as const };
    const options = await startPasskeySignIn(deps, { settings });
    if (!options) throw new Error('no options');
    const args = { settings, ip: null, userAgent: null };
    expect(await finishPasskeySignIn(deps, { response: key.assert(options), ...args })).toEqual({
      ok: false,
    });
    const failed = await audits('account.signin-failed');
    expect(failed.map((e) => e.details.reason)).toEqual(['sso-only']);

    // The second step after the provider is allowed.
    const fresh = await h.storage.repos.accounts.findById({ id: account.id });
    if (!fresh) throw new Error('gone');
    const { session: pending } = buildSession(h.deps, {
      account: fresh,
      rememberMe: false,
      ip: null,
      userAgent: null,
    });
    const stored = { ...pending, twoFactorPending: true };
    await h.storage.repos.sessions.insert({ session: stored });
    const second = await startPasskeySecondFactor(deps, { session: stored });
    if (!second) throw new Error('no options');
    const stepped = await finishPasskeySecondFactor(deps, {
      session: stored,
      response: key.assert(second),
      ip: null,
    });
    expect(stepped.ok).toBe(true);

    // Without single sign-on configured, the same passkey signs in alone.
    const local = { ...deps, ssoConfigured: false };
    const again = await startPasskeySignIn(local, { settings });
    if (!again) throw new Error('no options');
    expect((await finishPasskeySignIn(local, { response: key.assert(again), ...args })).ok).toBe(
      true,
    );
  });
});
