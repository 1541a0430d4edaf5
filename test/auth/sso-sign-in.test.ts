import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { argon2Hasher } from '../../adapters/security/argon2-hasher.ts';
import { fileCommonPasswords } from '../../adapters/security/common-passwords.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { AccountDeps } from '../../core/accounts/deps.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { signIn } from '../../core/accounts/sign-in.ts';
import type { AuditEvent } from '../../core/audit/model.ts';
import { createSession, DEFAULT_SESSION_POLICY } from '../../core/auth/sessions.ts';
import { completeSsoSignIn } from '../../core/auth/sso/complete.ts';
import type { SsoClaims, SsoPolicy } from '../../core/auth/sso/model.ts';
import type { SsoProvider } from '../../core/auth/sso/ports.ts';
import { isSsoRecheckDue, recheckSsoSession } from '../../core/auth/sso/recheck.ts';
import { beginSsoState, SSO_STATE_MINUTES, spendSsoState } from '../../core/auth/sso/state.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings/model.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { GOOD_PASSWORD, type ManualClock, manualClock } from './support.ts';

// Single sign-on's use cases over SQLite and PostgreSQL: just-in-time provisioning,
// linking, every refusal with its audit reason, the single-use state, the recheck at the
// provider, and `staffPasswords: break-glass`. The provider itself is exercised for
// real in test/e2e/sso.test.ts; here the recheck is given answers through its port.

const ISSUER = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0';
const POLICY: SsoPolicy = {
  issuer: ISSUER,
  rolesClaim: 'roles',
  roleMap: {
    'Sealpost.Admin': 'admin',
    'Sealpost.Sender': 'sender',
    'Sealpost.Auditor': 'auditor',
  },
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  providerMfa: false,
};
const TID = POLICY.tenantId as string;

const databases: Array<{ name: string; open: () => Promise<Storage> }> = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-sso-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      return sqliteStorage({ path: path.join(dir, 'test.db') });
    },
  },
];
const cleanups: Array<() => Promise<void>> = [];
const drops: Array<() => Promise<void>> = [];
if (postgresAvailable('sso sign-in')) {
  databases.push({
    name: 'PostgreSQL',
    open: async () => {
      const db = await createTestDatabase('sealpost_sso');
      drops.push(db.drop);
      return postgresStorage({ url: db.url });
    },
  });
}
afterAll(async () => {
  for (const drop of drops) await drop();
});

describe.each(databases)('single sign-on, $name', ({ open }) => {
  let storage: Storage;
  let deps: AccountDeps;
  let clock: ManualClock;
  let settings: Settings;

  beforeEach(async () => {
    storage = await open();
    await storage.migrate();
    clock = manualClock();
    settings = { ...DEFAULT_SETTINGS };
    deps = {
      storage,
      hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
      commonPasswords: fileCommonPasswords(),
      secrets: nodeSecrets({ signingKey: randomBytes(32) }),
      ids: randomIds(),
      clock,
      // Passes the cipher contract; the refresh token comes back out of the session.
      cipher: await memoryCipher(),
      templates: mailTemplates,
      settings: { get: async () => settings },
      policy: DEFAULT_SESSION_POLICY,
      publicUrl: 'https://messages.example.gov.uk',
      ssoConfigured: true,
    };
  });
  afterEach(async () => {
    await storage.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const claims = (over: SsoClaims = {}): SsoClaims => ({
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    tid: TID,
    email: 'nia.patel@barnet.gov.uk',
    name: 'Nia Patel',
    roles: ['Sealpost.Sender'],
    ...over,
  });
  const sso = (c: SsoClaims, refreshToken: string | null = 'refresh-1') =>
    completeSsoSignIn(deps, {
      policy: POLICY,
      claims: c,
      refreshToken,
      ip: '10.0.0.1',
      userAgent: 'test',
    });
  /** The events of `action`, oldest first. */
  const audit = async (action: AuditEvent['action']) =>
    storage.repos.audit.list({ filter: { action }, limit: 100 });
  const reasons = async () => (await audit('account.sso-refused')).map((e) => e.details.reason);
  const addAccount = async (email: string, over: Partial<Account>): Promise<Account> => {
    const now = clock.now();
    const account: Account = {
      id: deps.ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: email,
      kind: 'staff',
      role: 'sender',
      passwordHash: await deps.hasher.hash({ password: normalisePassword(GOOD_PASSWORD) }),
      status: 'active',
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
      totpKeyEnc: null,
      recoveryCodeHashes: [],
      legalHold: false,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
      passwordChangedAt: now,
      sharedMailbox: false,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
      ...over,
    };
    await storage.repos.accounts.insert({ account });
    return account;
  };

  it('makes a staff account without a password at first sign-in, with the mapped role', async () => {
    const result = await sso(claims());
    if (!result.ok) throw new Error(result.reason);
    expect(result.account).toMatchObject({
      kind: 'staff',
      role: 'sender',
      email: 'nia.patel@barnet.gov.uk',
      displayName: 'Nia Patel',
      passwordHash: null,
      ssoSubject: `${ISSUER} AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ`,
    });
    const stored = await storage.repos.sessions.findById({ id: result.session.id });
    expect(stored?.ssoCheckedAt?.getTime()).toBe(clock.now().getTime());
    expect(stored?.twoFactorPending).toBe(false);
    expect(stored?.secondFactorAt).toBeNull();
    const refresh = await deps.cipher.decryptBytes({
      ciphertext: stored?.ssoRefreshEnc as Uint8Array,
    });
    expect(new TextDecoder().decode(refresh)).toBe('refresh-1');
    expect((await audit('account.sso-provisioned'))[0]?.details).toMatchObject({ role: 'sender' });
    expect((await audit('account.signin'))[0]?.details).toMatchObject({ sso: true });
  });

  it('writes the name and role at every sign-in, and records a role change', async () => {
    const first = await sso(claims());
    const second = await sso(claims({ name: 'Nia Patel-Jones', roles: ['Sealpost.Admin'] }));
    if (!first.ok || !second.ok) throw new Error('refused');
    expect(second.account).toMatchObject({
      id: first.account.id,
      role: 'admin',
      displayName: 'Nia Patel-Jones',
    });
    expect((await audit('account.sso-role-change'))[0]?.details).toMatchObject({
      from: 'sender',
      to: 'admin',
    });
    await sso(claims({ name: 'Nia Patel-Jones', roles: ['Sealpost.Admin'] }));
    expect(await audit('account.sso-role-change')).toHaveLength(1);
  });

  it('links a staff account with the same address once, clearing its password, keeping its second factor', async () => {
    const existing = await addAccount('nia.patel@barnet.gov.uk', {
      totpKeyEnc: new Uint8Array([1]),
    });
    expect(existing.passwordHash).not.toBeNull();
    const result = await sso(claims({ email: 'Nia.Patel@barnet.gov.uk' }));
    if (!result.ok) throw new Error(result.reason);
    expect(result.account.id).toBe(existing.id);
    // The provider is her only way in now: the old password is gone, in the same write.
    expect(result.account.passwordHash).toBeNull();
    const stored = await storage.repos.accounts.findById({ id: existing.id });
    expect(stored?.passwordHash).toBeNull();
    expect(stored?.totpKeyEnc).not.toBeNull();
    expect(result.account.ssoSubject).toContain(ISSUER);
    // Her own second factor is asked for: the provider proved none.
    expect(result.session.twoFactorPending).toBe(true);
    const linked = await audit('account.sso-linked');
    expect(linked.map((e) => e.details.passwordCleared)).toEqual([true]);
    // The old password no longer signs her in.
    const old = await signIn(deps, {
      email: 'nia.patel@barnet.gov.uk',
      password: GOOD_PASSWORD,
      rememberMe: false,
      deviceToken: null,
      ip: null,
      userAgent: null,
    });
    expect(old).toEqual({ ok: false });
  });

  it('refuses a password to a linked staff account while SSO is configured (sso-only)', async () => {
    // Linked before passwords were cleared at linking: the hash is still there.
    await addAccount('linked@barnet.gov.uk', { ssoSubject: `${ISSUER} linked` });
    const attempt = (d: AccountDeps) =>
      signIn(d, {
        email: 'linked@barnet.gov.uk',
        password: GOOD_PASSWORD,
        rememberMe: false,
        deviceToken: null,
        ip: null,
        userAgent: null,
      });
    expect(await attempt(deps)).toEqual({ ok: false });
    expect((await audit('account.signin-failed')).map((e) => e.details.reason)).toEqual([
      'sso-only',
    ]);
    // With single sign-on not configured, the account falls back to its password.
    expect((await attempt({ ...deps, ssoConfigured: false })).ok).toBe(true);
  });

  it('counts the provider second factor when amr says mfa, or when configured', async () => {
    await addAccount('nia.patel@barnet.gov.uk', { totpKeyEnc: new Uint8Array([1]) });
    const byAmr = await sso(claims({ amr: ['pwd', 'mfa'] }));
    if (!byAmr.ok) throw new Error(byAmr.reason);
    expect(byAmr.session.twoFactorPending).toBe(false);
    expect(byAmr.session.secondFactorAt?.getTime()).toBe(clock.now().getTime());
    const byConfig = await completeSsoSignIn(deps, {
      policy: { ...POLICY, providerMfa: true },
      claims: claims(),
      refreshToken: null,
      ip: null,
      userAgent: null,
    });
    if (!byConfig.ok) throw new Error(byConfig.reason);
    expect(byConfig.session.twoFactorPending).toBe(false);
    expect(byConfig.session.ssoRefreshEnc).toBeNull();
  });

  it('refuses an address that belongs to a recipient, and never makes them staff', async () => {
    const outsider = await addAccount('nia.patel@barnet.gov.uk', {
      kind: 'external',
      role: 'recipient',
    });
    expect(await sso(claims())).toEqual({ ok: false, reason: 'recipient-address' });
    expect(await storage.repos.accounts.findById({ id: outsider.id })).toMatchObject({
      kind: 'external',
      ssoSubject: null,
    });
    expect(await reasons()).toEqual(['recipient-address']);
  });

  it('refuses a staff address already linked to another person at the provider', async () => {
    await addAccount('nia.patel@barnet.gov.uk', { ssoSubject: `${ISSUER} someone-else` });
    expect(await sso(claims())).toEqual({ ok: false, reason: 'recipient-address' });
  });

  it('refuses when no role is granted, makes nothing, and ends every session of a leaver', async () => {
    expect(await sso(claims({ roles: ['Everyone'] }))).toEqual({ ok: false, reason: 'no-role' });
    expect(
      await storage.repos.accounts.findByEmailKey({ emailKey: 'nia.patel@barnet.gov.uk' }),
    ).toBeNull();

    const first = await sso(claims());
    if (!first.ok) throw new Error(first.reason);
    await createSession(deps, {
      account: first.account,
      rememberMe: false,
      ip: null,
      userAgent: null,
    });
    expect(
      await storage.repos.sessions.listForAccount({ accountId: first.account.id }),
    ).toHaveLength(2);
    expect(await sso(claims({ roles: [] }))).toEqual({ ok: false, reason: 'no-role' });
    expect(
      await storage.repos.sessions.listForAccount({ accountId: first.account.id }),
    ).toHaveLength(0);
    const refusals = await audit('account.sso-refused');
    expect(refusals.map((e) => [e.details.reason, e.targetId])).toEqual([
      ['no-role', null],
      ['no-role', first.account.id],
    ]);
  });

  it('refuses a disabled account, the wrong tenant, and a token without subject', async () => {
    await addAccount('nia.patel@barnet.gov.uk', { status: 'disabled' });
    expect(await sso(claims())).toEqual({ ok: false, reason: 'disabled' });
    expect(await sso(claims({ tid: 'another-tenant' }))).toEqual({
      ok: false,
      reason: 'wrong-tenant',
    });
    expect(await sso(claims({ sub: undefined }))).toEqual({
      ok: false,
      reason: 'id-token-invalid',
    });
    expect(
      await sso(claims({ email: 'not an address', preferred_username: undefined, sub: 'new' })),
    ).toEqual({
      ok: false,
      reason: 'no-email',
    });
    // An address the provider says is unverified neither links nor makes an account.
    expect(await sso(claims({ email_verified: false, sub: 'unverified' }))).toEqual({
      ok: false,
      reason: 'no-email',
    });
    expect(await reasons()).toEqual([
      'disabled',
      'wrong-tenant',
      'id-token-invalid',
      'no-email',
      'no-email',
    ]);
  });

  it('spends a state once, in the browser that started it, within its ten minutes', async () => {
    const started = await beginSsoState(deps);
    expect(started.codeVerifier).toMatch(/^[0-9a-f]{64}$/);
    expect(started.nonce).not.toBe(started.codeVerifier);
    expect(await spendSsoState(deps, { state: started.state, browserKey: null })).toEqual({
      ok: false,
      reason: 'other-browser',
    });
    expect(await spendSsoState(deps, { state: started.state, browserKey: 'wrong' })).toEqual({
      ok: false,
      reason: 'other-browser',
    });
    const spent = await spendSsoState(deps, {
      state: started.state,
      browserKey: started.browserKey,
    });
    expect(spent).toEqual({ ok: true, nonce: started.nonce, codeVerifier: started.codeVerifier });
    expect(
      await spendSsoState(deps, { state: started.state, browserKey: started.browserKey }),
    ).toEqual({
      ok: false,
      reason: 'state-replayed',
    });
    expect(await spendSsoState(deps, { state: 'unknownstate1234', browserKey: null })).toEqual({
      ok: false,
      reason: 'state-unknown',
    });
    const late = await beginSsoState(deps);
    clock.advance(SSO_STATE_MINUTES * 60_000);
    expect(await spendSsoState(deps, { state: late.state, browserKey: late.browserKey })).toEqual({
      ok: false,
      reason: 'state-unknown',
    });
  });

  describe('the recheck at the provider', () => {
    // The port's answers, as the provider would give them (the real one is in the e2e test).
    let answer: Awaited<ReturnType<SsoProvider['refresh']>>;
    let asked: string[];
    const provider: SsoProvider = {
      authorizationUrl: async () => ({ ok: false, reason: 'provider-unreachable' }),
      finish: async () => ({ ok: false, reason: 'provider-error', code: null }),
      refresh: async ({ refreshToken }) => {
        asked.push(refreshToken);
        return answer;
      },
    };
    const signedIn = async (refreshToken: string | null = 'refresh-1') => {
      const result = await sso(claims(), refreshToken);
      if (!result.ok) throw new Error(result.reason);
      await createSession(deps, {
        account: result.account,
        rememberMe: false,
        ip: null,
        userAgent: null,
      });
      return result;
    };
    const recheck = (r: {
      session: import('../../core/auth/model.ts').Session;
      account: Account;
    }) =>
      recheckSsoSession(deps, {
        provider,
        policy: POLICY,
        session: r.session,
        account: r.account,
        ip: null,
      });
    beforeEach(() => {
      asked = [];
    });

    it('is due only once the interval has passed, and only for SSO sessions', async () => {
      const { session } = await signedIn();
      expect(isSsoRecheckDue(session, clock.now(), 15 * 60_000)).toBe(false);
      clock.advance(15 * 60_000);
      expect(isSsoRecheckDue(session, clock.now(), 15 * 60_000)).toBe(true);
      expect(isSsoRecheckDue({ ...session, ssoCheckedAt: null }, clock.now(), 1)).toBe(false);
    });

    it('keeps a confirmed session, storing a rotated refresh token and a new role', async () => {
      const r = await signedIn();
      clock.advance(16 * 60_000);
      answer = {
        ok: true,
        tokens: { claims: claims({ roles: ['Sealpost.Auditor'] }), refreshToken: 'refresh-2' },
      };
      const kept = await recheck(r);
      if (!kept.ok) throw new Error(kept.reason);
      expect(asked).toEqual(['refresh-1']);
      expect(kept.account.role).toBe('auditor');
      const stored = await storage.repos.sessions.findById({ id: r.session.id });
      expect(stored?.ssoCheckedAt?.getTime()).toBe(clock.now().getTime());
      const token = await deps.cipher.decryptBytes({
        ciphertext: stored?.ssoRefreshEnc as Uint8Array,
      });
      expect(new TextDecoder().decode(token)).toBe('refresh-2');
      expect((await storage.repos.accounts.findById({ id: r.account.id }))?.role).toBe('auditor');
    });

    it('ends every session when the refresh fails, no role is granted, or no refresh token was given', async () => {
      const cases: Array<[string, () => void, string | null]> = [
        ['refresh-failed', () => (answer = { ok: false, code: 'invalid_grant' }), 'refresh-1'],
        [
          'no-role',
          () =>
            (answer = { ok: true, tokens: { claims: claims({ roles: [] }), refreshToken: null } }),
          'refresh-1',
        ],
        ['refresh-failed', () => {}, null],
      ];
      for (const [reason, arrange, token] of cases) {
        const r = await signedIn(token);
        arrange();
        expect(await recheck(r)).toEqual({ ok: false, reason });
        expect(
          await storage.repos.sessions.listForAccount({ accountId: r.account.id }),
        ).toHaveLength(0);
        const event = (await audit('account.sso-refused')).at(-1);
        expect(event?.details).toMatchObject({ reason, recheck: true });
      }
      // No refresh token: nothing was asked of the provider.
      expect(asked).toEqual(['refresh-1', 'refresh-1']);
    });
  });

  describe('staff passwords in break-glass', () => {
    const attempt = (email: string) =>
      signIn(deps, {
        email,
        password: GOOD_PASSWORD,
        rememberMe: false,
        deviceToken: null,
        ip: '10.0.0.2',
        userAgent: null,
      });

    it('refuses staff passwords generically, except an admin with a second factor', async () => {
      settings = { ...settings, staffPasswords: 'break-glass' };
      await addAccount('sender@barnet.gov.uk', { role: 'sender', totpKeyEnc: new Uint8Array([1]) });
      await addAccount('bare-admin@barnet.gov.uk', { role: 'admin' });
      await addAccount('admin@barnet.gov.uk', { role: 'admin', totpKeyEnc: new Uint8Array([1]) });
      await addAccount('resident@example.org', { kind: 'external', role: 'recipient' });

      expect(await attempt('sender@barnet.gov.uk')).toEqual({ ok: false });
      expect(await attempt('bare-admin@barnet.gov.uk')).toEqual({ ok: false });
      const failed = await audit('account.signin-failed');
      expect(failed.map((e) => [e.actorLabel, e.details.reason])).toEqual([
        ['sender@barnet.gov.uk', 'password-sign-in-off'],
        ['bare-admin@barnet.gov.uk', 'password-sign-in-off'],
      ]);
      const admin = await attempt('admin@barnet.gov.uk');
      expect(admin.ok && admin.session.twoFactorPending).toBe(true);
      expect((await attempt('resident@example.org')).ok).toBe(true);

      // An admin the provider manages keeps no password, even with a second factor
      // (checked with SSO not configured, so the break-glass rule alone refuses).
      await addAccount('sso-admin@barnet.gov.uk', {
        role: 'admin',
        totpKeyEnc: new Uint8Array([1]),
        ssoSubject: `${ISSUER} sso-admin`,
      });
      deps = { ...deps, ssoConfigured: false };
      expect(await attempt('sso-admin@barnet.gov.uk')).toEqual({ ok: false });
      expect((await audit('account.signin-failed')).at(-1)?.details.reason).toBe(
        'password-sign-in-off',
      );

      // With staff passwords on, the same sender signs in.
      settings = { ...settings, staffPasswords: 'on' };
      expect((await attempt('sender@barnet.gov.uk')).ok).toBe(true);
    });

    it('still counts a wrong password as a wrong password, not as passwords off', async () => {
      settings = { ...settings, staffPasswords: 'break-glass' };
      await addAccount('sender@barnet.gov.uk', { role: 'sender' });
      const result = await signIn(deps, {
        email: 'sender@barnet.gov.uk',
        password: 'not the password at all',
        rememberMe: false,
        deviceToken: null,
        ip: null,
        userAgent: null,
      });
      expect(result).toEqual({ ok: false });
      expect((await audit('account.signin-failed'))[0]?.details.reason).toBe('password');
    });
  });
});
