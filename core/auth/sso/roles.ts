import type { SsoClaims, SsoPolicy, StaffRole } from './model.ts';

/**
 * When one person holds several mapped groups or app roles, the most powerful role
 * wins: admin, then auditor, then sender. An auditor reads every message's tracking
 * and the audit trail; a sender sees only their own. A council gives the auditor role
 * deliberately to a few people who are usually also in the everyone-sends group, so
 * the narrower, deliberate grant is the one they expect to have (least surprise). An
 * auditor here cannot send; a council that wants both gives that person admin or keeps
 * them out of the auditors' group. Documented in docs/admin/entra-id.md.
 */
export const ROLE_PRECEDENCE: readonly StaffRole[] = ['admin', 'auditor', 'sender'];

/** The values of the roles claim as strings: a list, or one string, else none. */
export function claimValues(claims: SsoClaims, name: string): string[] {
  const value = claims[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * The Sealpost role the provider grants, or null when none of the person's groups or
 * app roles is mapped (a leaver, or someone never given access). Values are compared
 * exactly, case and all: Entra app role values and group object ids are exact strings.
 */
export function roleFromClaims(
  policy: Pick<SsoPolicy, 'rolesClaim' | 'roleMap'>,
  claims: SsoClaims,
): StaffRole | null {
  const granted = new Set<StaffRole>();
  for (const value of claimValues(claims, policy.rolesClaim)) {
    if (Object.hasOwn(policy.roleMap, value)) {
      const role = policy.roleMap[value];
      if (role) granted.add(role);
    }
  }
  return ROLE_PRECEDENCE.find((role) => granted.has(role)) ?? null;
}

/** True when no tenant is required, or the token's `tid` is the required one. */
export function isRightTenant(policy: Pick<SsoPolicy, 'tenantId'>, claims: SsoClaims): boolean {
  if (policy.tenantId === null) return true;
  return (
    typeof claims.tid === 'string' && claims.tid.toLowerCase() === policy.tenantId.toLowerCase()
  );
}

/**
 * True when this sign-in at the provider counts as a second factor here: the admin
 * said the provider always asks one (`OIDC_PROVIDER_MFA`), or the ID token's `amr`
 * (RFC 8176) says one was used. Entra v2.0 ID tokens carry no `amr`, hence the setting.
 */
export function providerProvedSecondFactor(
  policy: Pick<SsoPolicy, 'providerMfa'>,
  claims: SsoClaims,
): boolean {
  if (policy.providerMfa) return true;
  return claimValues(claims, 'amr').includes('mfa');
}

/**
 * Parses `OIDC_ROLE_MAP` (`Sealpost.Admin=admin,Sealpost.Sender=sender`): the map, or
 * the problems found, each a line an admin can act on. The values before `=` are kept
 * exactly as typed (case-sensitive); spaces around items are ignored.
 */
export function parseRoleMap(
  text: string,
): { ok: true; map: Record<string, StaffRole> } | { ok: false; problems: string[] } {
  const map: Record<string, StaffRole> = {};
  const problems: string[] = [];
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const at = item.lastIndexOf('=');
    const key = at > 0 ? item.slice(0, at).trim() : '';
    const role = at > 0 ? item.slice(at + 1).trim() : '';
    if (key === '' || !(ROLE_PRECEDENCE as readonly string[]).includes(role)) {
      problems.push(item);
      continue;
    }
    map[key] = role as StaffRole;
  }
  if (problems.length > 0) return { ok: false, problems };
  if (Object.keys(map).length === 0) return { ok: false, problems: [] };
  return { ok: true, map };
}
