import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { StaffRole } from '../../core/auth/sso/model.ts';
import { parseRoleMap } from '../../core/auth/sso/roles.ts';

/** Single sign-on through the council's OpenID provider (docs/admin/entra-id.md), or null. */
export type SsoConfig = {
  /** OIDC_ISSUER: the provider's issuer URL (its discovery document is under it). */
  issuer: string;
  /** OIDC_CLIENT_ID. */
  clientId: string;
  /** OIDC_CLIENT_SECRET, or null when a private key authenticates the client. */
  clientSecret: string | null;
  /** OIDC_PRIVATE_KEY_FILE: a PEM or JWK private key for `private_key_jwt`, or null. */
  privateKeyPath: string | null;
  /** OIDC_PROVIDER_NAME: on the button, "Sign in with {name}"; the issuer's host by default. */
  providerName: string;
  /** OIDC_ROLES_CLAIM: `roles` (Entra app roles) by default, `groups` for group ids. */
  rolesClaim: string;
  /** OIDC_ROLE_MAP: claim value -> role, case-sensitive. */
  roleMap: Record<string, StaffRole>;
  /** OIDC_TENANT_ID, or for Entra ID the tenant in the issuer URL; null otherwise. */
  tenantId: string | null;
  /** OIDC_SCOPES. */
  scopes: string[];
  /** OIDC_PROVIDER_MFA: the provider always asks a second factor. */
  providerMfa: boolean;
  /** OIDC_RECHECK_MINUTES: how often an SSO session is confirmed at the provider. */
  recheckMinutes: number;
  /**
   * True only for an issuer on http://127.0.0.1 or http://localhost outside production
   * (the tests' provider): openid-client then allows plain http to it. Never otherwise.
   */
  allowInsecure: boolean;
};

const NAMES = [
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_PRIVATE_KEY_FILE',
  'OIDC_PROVIDER_NAME',
  'OIDC_ROLES_CLAIM',
  'OIDC_ROLE_MAP',
  'OIDC_TENANT_ID',
  'OIDC_SCOPES',
  'OIDC_PROVIDER_MFA',
  'OIDC_RECHECK_MINUTES',
] as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const ENTRA_HOSTS = new Set(['login.microsoftonline.com', 'login.microsoftonline.us']);
const DEFAULT_RECHECK_MINUTES = 15;

/**
 * Reads the OIDC_* settings, adding one line per problem to `problems` (the config
 * module's style: every problem at once, each with how to fix it). Null when single
 * sign-on is not configured. `staffIdleMinutes` bounds the recheck interval: a leaver's
 * session must end within the staff idle timeout.
 */
export function resolveSso(
  env: Record<string, string | undefined>,
  problems: string[],
  staffIdleMinutes: number,
): SsoConfig | null {
  const get = (name: (typeof NAMES)[number]) => env[name]?.trim() ?? '';
  const issuerText = get('OIDC_ISSUER');
  if (issuerText === '') {
    const stray = NAMES.filter((n) => get(n) !== '');
    if (stray.length > 0) {
      problems.push(
        `${stray.join(', ')} set without OIDC_ISSUER: set OIDC_ISSUER too, or remove them.`,
      );
    }
    if (env.STAFF_PASSWORDS?.trim().toLowerCase() === 'break-glass') {
      problems.push(
        'STAFF_PASSWORDS=break-glass needs single sign-on: set OIDC_ISSUER and the other OIDC_ settings, or use STAFF_PASSWORDS=on.',
      );
    }
    return null;
  }
  const start = problems.length;
  let issuer: URL | null = null;
  try {
    issuer = new URL(issuerText);
  } catch {
    problems.push(
      `OIDC_ISSUER must be the provider's issuer URL, e.g. OIDC_ISSUER=https://login.microsoftonline.com/<tenant id>/v2.0 (got "${issuerText}").`,
    );
  }
  const production = env.NODE_ENV?.trim() === 'production';
  const loopback = issuer !== null && LOOPBACK.has(issuer.hostname);
  const allowInsecure = issuer?.protocol === 'http:' && loopback && !production;
  if (issuer && issuer.protocol !== 'https:' && !allowInsecure) {
    problems.push(
      `OIDC_ISSUER must start with https:// (plain http is allowed only for a test provider on 127.0.0.1 or localhost, outside production).`,
    );
  }
  const clientId = get('OIDC_CLIENT_ID');
  if (clientId === '') {
    problems.push(
      'OIDC_CLIENT_ID is needed with OIDC_ISSUER: the application (client) id the provider gave.',
    );
  }
  const secret = get('OIDC_CLIENT_SECRET');
  const keyFile = get('OIDC_PRIVATE_KEY_FILE');
  if ((secret === '') === (keyFile === '')) {
    problems.push(
      'Set exactly one of OIDC_CLIENT_SECRET (a client secret) and OIDC_PRIVATE_KEY_FILE (a PEM or JWK private key for private_key_jwt).',
    );
  }
  if (keyFile !== '') {
    try {
      accessSync(keyFile, constants.R_OK);
    } catch {
      problems.push(
        `OIDC_PRIVATE_KEY_FILE names "${keyFile}", which cannot be read. Give the path of a PEM or JWK private key.`,
      );
    }
  }
  const rolesClaim = get('OIDC_ROLES_CLAIM') || 'roles';
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(rolesClaim)) {
    problems.push(
      `OIDC_ROLES_CLAIM must be a claim name such as roles or groups (got "${rolesClaim}").`,
    );
  }
  const parsedMap = parseRoleMap(get('OIDC_ROLE_MAP'));
  if (!parsedMap.ok) {
    problems.push(
      parsedMap.problems.length > 0
        ? `OIDC_ROLE_MAP must list value=role pairs, role one of admin, auditor, sender (could not read: ${parsedMap.problems.join(', ')}). Example: OIDC_ROLE_MAP=Sealpost.Admin=admin,Sealpost.Sender=sender,Sealpost.Auditor=auditor`
        : 'OIDC_ROLE_MAP is needed with OIDC_ISSUER: which groups or app roles grant which role. Example: OIDC_ROLE_MAP=Sealpost.Admin=admin,Sealpost.Sender=sender',
    );
  }
  let tenantId: string | null = get('OIDC_TENANT_ID') || null;
  if (tenantId !== null && !/^[A-Za-z0-9.-]{1,64}$/.test(tenantId)) {
    problems.push(
      `OIDC_TENANT_ID must be the tenant id, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (got "${tenantId}").`,
    );
  }
  if (tenantId === null && issuer && ENTRA_HOSTS.has(issuer.hostname)) {
    // https://login.microsoftonline.com/<tenant id>/v2.0: the tenant is the first segment.
    const segment = issuer.pathname.split('/')[1] ?? '';
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment)) {
      tenantId = segment.toLowerCase();
    } else {
      problems.push(
        'OIDC_ISSUER for Entra ID must name your tenant id, e.g. https://login.microsoftonline.com/<tenant id>/v2.0 (not common or organizations), or set OIDC_TENANT_ID.',
      );
    }
  }
  const scopes = (get('OIDC_SCOPES') || 'openid profile email offline_access')
    .split(/\s+/)
    .filter((s) => s !== '');
  if (!scopes.includes('openid')) {
    problems.push(
      'OIDC_SCOPES must include openid, e.g. OIDC_SCOPES=openid profile email offline_access',
    );
  }
  const mfaText = get('OIDC_PROVIDER_MFA').toLowerCase();
  let providerMfa = false;
  if (['1', 'true', 'yes', 'on'].includes(mfaText)) providerMfa = true;
  else if (!['', '0', 'false', 'no', 'off'].includes(mfaText)) {
    problems.push(`OIDC_PROVIDER_MFA must be on or off (got "${mfaText}").`);
  }
  const recheckText = get('OIDC_RECHECK_MINUTES');
  const recheckMinutes =
    recheckText === '' ? Math.min(DEFAULT_RECHECK_MINUTES, staffIdleMinutes) : Number(recheckText);
  if (
    !Number.isInteger(recheckMinutes) ||
    recheckMinutes < 1 ||
    recheckMinutes > staffIdleMinutes
  ) {
    problems.push(
      `OIDC_RECHECK_MINUTES must be a whole number from 1 to the staff idle timeout (STAFF_IDLE_MINUTES, ${staffIdleMinutes}) (got "${recheckText}").`,
    );
  }
  if (problems.length > start || !issuer || !parsedMap.ok) return null;
  return {
    issuer: issuerText,
    clientId,
    clientSecret: secret || null,
    privateKeyPath: keyFile ? path.resolve(keyFile) : null,
    providerName: get('OIDC_PROVIDER_NAME').slice(0, 60) || issuer.hostname,
    rolesClaim,
    roleMap: parsedMap.map,
    tenantId: tenantId === null ? null : tenantId.toLowerCase(),
    scopes,
    providerMfa,
    recheckMinutes,
    allowInsecure,
  };
}
