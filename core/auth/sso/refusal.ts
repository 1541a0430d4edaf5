import type { AuditDetails } from '../../audit/model.ts';
import type { AuditDeps } from '../../audit/record.ts';
import { recordAudit } from '../../audit/record.ts';
import type { Repositories } from '../../storage/ports.ts';
import type { SsoRefusal } from './model.ts';

/**
 * Records `account.sso-refused` with the reason's code, and the library's error code
 * when there is one. Every refusal of a sign-in through the provider leaves this trace,
 * so an admin can tell a leaver from a misconfigured app registration from an attack.
 */
export async function auditSsoRefusal(
  deps: AuditDeps,
  repos: Repositories,
  args: {
    reason: SsoRefusal;
    accountId?: string | null;
    label?: string | null;
    ip: string | null;
    details?: AuditDetails;
  },
): Promise<void> {
  await recordAudit(deps, repos, {
    action: 'account.sso-refused',
    actorId: null,
    actorLabel: args.label ?? null,
    ip: args.ip,
    targetType: 'account',
    targetId: args.accountId ?? null,
    details: { reason: args.reason, ...args.details },
  });
}
