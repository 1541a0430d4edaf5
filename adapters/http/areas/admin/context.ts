import type { MiddlewareHandler } from 'hono';
import type { AdminActor, AdminDeps } from '../../../../core/admin/deps.ts';
import type { AdminPageProps } from '../../../../views/pages/admin/shared.tsx';
import type { AppEnv } from '../../env.ts';
import {
  type Ctx,
  notFound,
  type StaffAccount,
  type StaffAreaDeps,
  staffOf,
  staffPageProps,
} from '../staff/context.ts';

/** What the admin area needs: the admin use cases' deps, and the staff area's for pages. */
export type AdminAreaDeps = Pick<StaffAreaDeps, 'accounts'> & {
  admin: AdminDeps;
  /**
   * True when single sign-on is configured (`config.sso`): without it, turning staff
   * passwords down to break-glass would leave every sender with no way to sign in.
   */
  ssoConfigured: boolean;
};

/**
 * The admin pages auditors may read: the dashboard and the audit log (with its CSV).
 * Everything else under /admin, and every POST, is for administrators only.
 */
const AUDITOR_PATHS = new Set(['/admin', '/admin/audit', '/admin/audit.csv']);

/** True when `account` may have this request: admins anything, auditors reading their pages. */
export function mayUse(account: StaffAccount, method: string, path: string): boolean {
  if (account.role === 'admin') return true;
  const reading = method === 'GET' || method === 'HEAD';
  return account.role === 'auditor' && reading && AUDITOR_PATHS.has(path);
}

/**
 * The role check of every /admin route, after the staff area's `requireStaff` (which
 * sends the signed-out to sign in and gives anyone not staff the 404 page). Senders,
 * and auditors off their read-only pages, get the same 404 page as a page that does
 * not exist: the admin area does not say it is there.
 */
export function requireAdminRole(deps: AdminAreaDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const account = staffOf(c);
    const path = c.req.path.replace(/\/+$/, '') || '/';
    if (!mayUse(account, c.req.method, path)) return notFound(deps, c);
    await next();
  };
}

/** The signed-in admin or auditor, as the audit trail records an action of theirs. */
export function actorOf(c: Ctx): AdminActor {
  const account = staffOf(c);
  return { id: account.id, label: account.email, ip: c.get('clientIp') };
}

/** The props every admin page gives the layout. */
export function adminPageProps(deps: AdminAreaDeps, c: Ctx): Promise<AdminPageProps> {
  return staffPageProps(deps, c);
}

/** The `page` query parameter: a whole number from 1 (at most 10,000), else 1. */
export function pageOf(c: Ctx): number {
  const page = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isSafeInteger(page) && page > 0 && page <= 10_000 ? page : 1;
}

/** A query parameter as text, trimmed and cut to `max` characters ('' when missing). */
export function queryText(c: Ctx, name: string, max = 320): string {
  return (c.req.query(name) ?? '').trim().slice(0, max);
}
