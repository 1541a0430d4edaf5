import type { Hono } from 'hono';
import { loadDashboard } from '../../../../core/admin/dashboard.ts';
import { DashboardPage } from '../../../../views/pages/admin/dashboard.tsx';
import { JobsPage } from '../../../../views/pages/admin/jobs.tsx';
import { ADMIN_PATHS } from '../../../../views/pages/admin/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { type AdminAreaDeps, adminPageProps } from './context.ts';

/** Job runs listed on the job runs page. */
const JOB_RUNS = 100;

/**
 * The dashboard (admins and auditors) and the job runs page (admins): figures only,
 * never content, read fresh on every visit.
 */
export function dashboardRoutes(area: Hono<AppEnv>, deps: AdminAreaDeps): void {
  area.get(ADMIN_PATHS.dashboard, async (c) => {
    const stats = await loadDashboard(deps.admin);
    return c.html(DashboardPage({ ...(await adminPageProps(deps, c)), stats }));
  });

  area.get(ADMIN_PATHS.jobs, async (c) => {
    const runs = await deps.admin.storage.repos.jobRuns.listRecent({ limit: JOB_RUNS });
    return c.html(JobsPage({ ...(await adminPageProps(deps, c)), runs }));
  });
}
