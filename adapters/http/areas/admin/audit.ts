import type { Hono } from 'hono';
import {
  type AuditQuery,
  auditFilterFor,
  searchAudit,
} from '../../../../core/admin/audit-search.ts';
import { exportAudit, recordAuditExport } from '../../../../core/audit/export.ts';
import type { AuditAction } from '../../../../core/audit/model.ts';
import { AuditPage, type AuditSearchForm } from '../../../../views/pages/admin/audit.tsx';
import { ADMIN_PATHS } from '../../../../views/pages/admin/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import type { Ctx } from '../staff/context.ts';
import { type AdminAreaDeps, actorOf, adminPageProps, queryText } from './context.ts';
import { endOfUkDay, parseDay, startOfUkDay } from './dates.ts';

/** Events on a page of the audit log. */
const PAGE_SIZE = 50;

/** The search as typed, from the query string. */
function readSearch(c: Ctx): AuditSearchForm {
  return {
    actor: queryText(c, 'actor'),
    target: queryText(c, 'target', 200),
    action: queryText(c, 'action', 64),
    from: queryText(c, 'from', 20),
    to: queryText(c, 'to', 20),
  };
}

/** A cursor from the query string: a positive whole number, or null. */
function cursor(c: Ctx, name: string): number | null {
  const value = Number.parseInt(c.req.query(name) ?? '', 10);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** The search checked: the query for the use case, or every problem by field. */
function checkSearch(
  search: AuditSearchForm,
  strings: Strings,
): { ok: true; query: AuditQuery } | { ok: false; errors: Record<string, string> } {
  const e = strings.admin.audit.errors;
  const errors: Record<string, string> = {};
  const query: AuditQuery = { actor: search.actor, target: search.target };
  if (search.action !== '') {
    if (search.action in strings.admin.audit.actions) query.action = search.action as AuditAction;
    else errors.action = e.action;
  }
  if (search.from !== '') {
    const day = parseDay(search.from);
    if (day) query.from = startOfUkDay(day);
    else errors.from = e.from;
  }
  if (search.to !== '') {
    const day = parseDay(search.to);
    if (day) query.to = endOfUkDay(day);
    else errors.to = e.to;
  }
  if (query.from && query.to && query.to.getTime() <= query.from.getTime()) errors.to = e.order;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, query };
}

/** The CSV's file name: the day it was made, so several downloads do not clash. */
function csvFileName(now: Date): string {
  return `sealpost-audit-${now.toISOString().slice(0, 10)}.csv`;
}

/**
 * The audit log for admins and auditors: a search by person (address, account id or
 * label), target (address or id), action and dates, newest first, paged by sequence
 * number; and the same search as CSV, streamed a page of events at a time, with cells
 * a spreadsheet would run as formulas neutralised (see `csvField`).
 */
export function auditRoutes(area: Hono<AppEnv>, deps: AdminAreaDeps): void {
  area.get(ADMIN_PATHS.audit, async (c) => {
    const props = await adminPageProps(deps, c);
    const search = readSearch(c);
    const checked = checkSearch(search, props.strings);
    if (!checked.ok) {
      return c.html(
        AuditPage({
          ...props,
          search,
          errors: checked.errors,
          events: [],
          olderThan: null,
          newerThan: null,
        }),
        400,
      );
    }
    const filter = await auditFilterFor(deps.admin, checked.query);
    const page = await searchAudit(deps.admin, {
      filter,
      olderThan: cursor(c, 'older'),
      newerThan: cursor(c, 'newer'),
      limit: PAGE_SIZE,
    });
    return c.html(AuditPage({ ...props, search, ...page }));
  });

  area.get(ADMIN_PATHS.auditCsv, async (c) => {
    const props = await adminPageProps(deps, c);
    const search = readSearch(c);
    const checked = checkSearch(search, props.strings);
    if (!checked.ok) {
      return c.html(
        AuditPage({
          ...props,
          search,
          errors: checked.errors,
          events: [],
          olderThan: null,
          newerThan: null,
        }),
        400,
      );
    }
    const filter = await auditFilterFor(deps.admin, checked.query);
    await recordAuditExport(deps.admin, { actor: actorOf(c), format: 'csv', filter });
    const lines = exportAudit(deps.admin, { format: 'csv', filter });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      // Pulled as the client reads: one page of events from the database at a time.
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    return c.body(body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${csvFileName(deps.admin.clock.now())}"`,
      'X-Content-Type-Options': 'nosniff',
    });
  });
}
