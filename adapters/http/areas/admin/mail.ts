import type { Hono } from 'hono';
import { retryFailedMail } from '../../../../core/admin/retry-mail.ts';
import { FailedMailPage } from '../../../../views/pages/admin/mail.tsx';
import { ADMIN_PATHS } from '../../../../views/pages/admin/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { type Ctx, notFound } from '../staff/context.ts';
import { idParam } from '../staff/params.ts';
import { type AdminAreaDeps, actorOf, adminPageProps, pageOf } from './context.ts';

/** Failed mails listed on a page. */
const PAGE_SIZE = 25;

/**
 * Failed email: what gave up, to whom and why (the last error), never the content, which
 * stays encrypted. "Try again" puts one back in the queue and records `mail.retry`.
 */
export function mailRoutes(area: Hono<AppEnv>, deps: AdminAreaDeps): void {
  const page = async (c: Ctx, extra: { notice?: 'retried'; problem?: 'not-failed' } = {}) => {
    const repos = deps.admin.storage.repos;
    const n = pageOf(c);
    const [failed, waiting] = await Promise.all([
      repos.outbox.listFailed({ limit: PAGE_SIZE + 1, offset: (n - 1) * PAGE_SIZE }),
      repos.outbox.countUnsent(),
    ]);
    return FailedMailPage({
      ...(await adminPageProps(deps, c)),
      rows: failed.slice(0, PAGE_SIZE).map((mail) => ({
        id: mail.id,
        kind: mail.kind,
        to: mail.to,
        attempts: mail.attempts,
        lastError: mail.lastError,
        createdAt: mail.createdAt,
      })),
      waiting,
      page: n,
      hasMore: failed.length > PAGE_SIZE,
      ...extra,
    });
  };

  area.get(ADMIN_PATHS.mail, async (c) =>
    c.html(await page(c, c.req.query('done') === 'retried' ? { notice: 'retried' } : {})),
  );

  area.post(`${ADMIN_PATHS.mail}/:id/retry`, async (c) => {
    const id = idParam(c, 'id');
    if (!id) return notFound(deps, c);
    const result = await retryFailedMail(deps.admin, { mailId: id, actor: actorOf(c) });
    if (result.ok) return redirectKeepingLang(c, `${ADMIN_PATHS.mail}?done=retried`);
    if (result.reason === 'not-found') return notFound(deps, c);
    return c.html(await page(c, { problem: 'not-failed' }), 400);
  });
}
