import { Hono } from 'hono';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import { ADMIN_PATHS } from '../../../views/pages/admin/shared.tsx';
import type { Sealpost } from '../../compose.ts';
import type { AppEnv } from '../env.ts';
import { accountRoutes } from './admin/accounts.ts';
import { auditRoutes } from './admin/audit.ts';
import { type AdminAreaDeps, requireAdminRole } from './admin/context.ts';
import { dashboardRoutes } from './admin/dashboard.ts';
import { keyRoutes } from './admin/keys.ts';
import { mailRoutes } from './admin/mail.ts';
import { settingsRoutes } from './admin/settings.ts';
import { teamRoutes } from './admin/teams.ts';
import { requireStaff } from './staff/context.ts';

/** What the admin area may be told besides the composed app. */
export type AdminAreaOptions = {
  /** The account use cases' dependencies (for the pages' settings and sessions). */
  accounts: AccountDeps;
};

/**
 * The admin area under /admin: the dashboard, settings, accounts, failed email, keys,
 * the audit log and job runs. Administrators may do everything; auditors may read the
 * dashboard and the audit log (and download it), nothing else; senders and recipients
 * get the same 404 page as a page that does not exist; the signed-out go to sign in.
 * Admins reach it only after two-step verification (the staff area's gate).
 *
 * Every change is a POST with the CSRF token and is recorded in the audit trail by its
 * use case, with who, when, the client address and the target, never content.
 */
export function adminArea(app: Sealpost, options: AdminAreaOptions): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const deps: AdminAreaDeps = {
    accounts: options.accounts,
    admin: {
      storage: app.storage,
      cipher: app.cipher,
      blobs: app.blobs,
      ids: app.ids,
      clock: app.clock,
      secrets: app.secrets,
      templates: app.templates,
      settings: app.settings,
      publicUrl: app.config.publicUrl.replace(/\/+$/, ''),
    },
    ssoConfigured: app.config.sso != null,
  };
  for (const path of [ADMIN_PATHS.dashboard, `${ADMIN_PATHS.dashboard}/*`]) {
    area.use(path, requireStaff(deps), requireAdminRole(deps));
  }
  dashboardRoutes(area, deps);
  settingsRoutes(area, deps);
  accountRoutes(area, deps);
  teamRoutes(area, deps);
  mailRoutes(area, deps);
  keyRoutes(area, deps);
  auditRoutes(area, deps);
  return area;
}
