import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigProblems, parseConfig } from './config.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ENTRA = {
  OIDC_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  OIDC_CLIENT_ID: 'b2c6f1c4-0000-4000-8000-000000000001',
  OIDC_CLIENT_SECRET: 'a secret value',
  OIDC_ROLE_MAP: 'Sealpost.Admin=admin,Sealpost.Sender=sender',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  return [];
}

describe('single sign-on settings', () => {
  it('are off without OIDC_ISSUER', () => {
    expect(parseConfig({}).sso).toBeNull();
  });

  it('read an Entra ID setup, taking the tenant from the issuer and the defaults', () => {
    expect(parseConfig(ENTRA).sso).toEqual({
      issuer: ENTRA.OIDC_ISSUER,
      clientId: ENTRA.OIDC_CLIENT_ID,
      clientSecret: 'a secret value',
      privateKeyPath: null,
      providerName: 'login.microsoftonline.com',
      rolesClaim: 'roles',
      roleMap: { 'Sealpost.Admin': 'admin', 'Sealpost.Sender': 'sender' },
      tenantId: TENANT,
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      providerMfa: false,
      recheckMinutes: 15,
      allowInsecure: false,
    });
  });

  it('bound the recheck by the staff idle timeout', () => {
    const sso = parseConfig({ ...ENTRA, STAFF_IDLE_MINUTES: '10' }).sso;
    expect(sso?.recheckMinutes).toBe(10);
    expect(problemsOf({ ...ENTRA, STAFF_IDLE_MINUTES: '10', OIDC_RECHECK_MINUTES: '11' })).toEqual([
      'OIDC_RECHECK_MINUTES must be a whole number from 1 to the staff idle timeout (STAFF_IDLE_MINUTES, 10) (got "11").',
    ]);
  });

  it('refuse every invalid combination, one line each', () => {
    expect(problemsOf({ OIDC_CLIENT_ID: 'x', STAFF_PASSWORDS: 'break-glass' })).toEqual([
      'OIDC_CLIENT_ID set without OIDC_ISSUER: set OIDC_ISSUER too, or remove them.',
      'STAFF_PASSWORDS=break-glass needs single sign-on: set OIDC_ISSUER and the other OIDC_ settings, or use STAFF_PASSWORDS=on.',
    ]);
    const problems = problemsOf({
      OIDC_ISSUER: 'http://idp.council.gov.uk',
      OIDC_PRIVATE_KEY_FILE: '/nonexistent/key.pem',
      OIDC_CLIENT_SECRET: 'also a secret',
      OIDC_ROLE_MAP: 'Sealpost.Admin=owner',
      OIDC_SCOPES: 'profile email',
      OIDC_PROVIDER_MFA: 'maybe',
    });
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/OIDC_ISSUER must start with https:\/\//);
    expect(problems.join('\n')).toMatch(/OIDC_CLIENT_ID is needed/);
    expect(problems.join('\n')).toMatch(/Set exactly one of OIDC_CLIENT_SECRET/);
    expect(problems.join('\n')).toMatch(/OIDC_PRIVATE_KEY_FILE names "\/nonexistent\/key.pem"/);
    expect(problems.join('\n')).toMatch(/could not read: Sealpost.Admin=owner/);
    expect(problems.join('\n')).toMatch(/OIDC_SCOPES must include openid/);
    expect(problems.join('\n')).toMatch(/OIDC_PROVIDER_MFA must be on or off/);
    // The secret is never repeated in a problem.
    expect(problems.join('\n')).not.toContain('also a secret');
    expect(problemsOf({ ...ENTRA, OIDC_CLIENT_SECRET: '' })).toHaveLength(1);
    expect(problemsOf({ ...ENTRA, OIDC_ROLE_MAP: '' })).toEqual([
      'OIDC_ROLE_MAP is needed with OIDC_ISSUER: which groups or app roles grant which role. Example: OIDC_ROLE_MAP=Sealpost.Admin=admin,Sealpost.Sender=sender',
    ]);
  });

  it('refuse a multi-tenant Entra issuer, which would let other tenants in', () => {
    expect(
      problemsOf({ ...ENTRA, OIDC_ISSUER: 'https://login.microsoftonline.com/common/v2.0' }),
    ).toHaveLength(1);
  });

  it('allow plain http only on loopback and outside production', () => {
    const local = { ...ENTRA, OIDC_ISSUER: 'http://127.0.0.1:9000' };
    expect(parseConfig(local).sso?.allowInsecure).toBe(true);
    expect(parseConfig({ ...local, OIDC_ISSUER: 'http://localhost:9000' }).sso?.allowInsecure).toBe(
      true,
    );
    expect(problemsOf({ ...local, NODE_ENV: 'production' })).toHaveLength(1);
    expect(problemsOf({ ...local, OIDC_ISSUER: 'http://10.0.0.5:9000' })).toHaveLength(1);
  });

  it('take a private key file instead of a secret, and the other options', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-sso-config-'));
    try {
      const key = path.join(dir, 'sso.pem');
      writeFileSync(key, 'not checked until the provider is used');
      const sso = parseConfig({
        ...ENTRA,
        OIDC_CLIENT_SECRET: '',
        OIDC_PRIVATE_KEY_FILE: key,
        OIDC_PROVIDER_NAME: 'Microsoft',
        OIDC_ROLES_CLAIM: 'groups',
        OIDC_TENANT_ID: TENANT.toUpperCase(),
        OIDC_PROVIDER_MFA: 'on',
        OIDC_SCOPES: 'openid email',
        STAFF_PASSWORDS: 'break-glass',
      }).sso;
      expect(sso).toMatchObject({
        clientSecret: null,
        privateKeyPath: key,
        providerName: 'Microsoft',
        rolesClaim: 'groups',
        tenantId: TENANT,
        providerMfa: true,
        scopes: ['openid', 'email'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
