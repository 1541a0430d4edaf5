import type { AuditFilter, Storage } from '../storage/ports.ts';
import type { AuditEvent } from './model.ts';
import { type AuditDeps, recordAudit } from './record.ts';

/** The formats `exportAudit` writes. */
export type AuditExportFormat = 'csv' | 'jsonl';

const COLUMNS = [
  'seq',
  'id',
  'at',
  'action',
  'actorId',
  'actorLabel',
  'ip',
  'targetType',
  'targetId',
  'details',
  'prevHash',
  'hash',
] as const;

/** An event as plain JSON values, in column order: the JSON lines record. */
export function auditRecord(event: AuditEvent): Record<(typeof COLUMNS)[number], unknown> {
  return {
    seq: event.seq,
    id: event.id,
    at: event.at.toISOString(),
    action: event.action,
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    ip: event.ip,
    targetType: event.targetType,
    targetId: event.targetId,
    details: event.details,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A value
 * a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
 * leading `'`, as OWASP advises, since actor labels and details come from outside.
 * The JSON lines export keeps every value exactly.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The audit trail, or the part `filter` selects (`from` inclusive, `to` exclusive), as
 * lines of CSV (with a header) or JSON lines, in `seq` order. Read page by page, so an
 * export of millions of events needs no more memory than one page. Each line ends
 * with a line break (CRLF for CSV, as RFC 4180 says; LF for JSON lines).
 */
export async function* exportAudit(
  deps: { storage: Storage },
  args: { format: AuditExportFormat; filter?: AuditFilter; batchSize?: number },
): AsyncGenerator<string> {
  const limit = args.batchSize ?? 1_000;
  if (args.format === 'csv') yield `${COLUMNS.join(',')}\r\n`;
  let afterSeq: number | undefined;
  for (;;) {
    const events = await deps.storage.repos.audit.list({
      filter: args.filter,
      limit,
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
    for (const event of events) {
      const record = auditRecord(event);
      yield args.format === 'csv'
        ? `${COLUMNS.map((c) => csvField(record[c])).join(',')}\r\n`
        : `${JSON.stringify(record)}\n`;
    }
    const last = events[events.length - 1];
    if (!last || events.length < limit) return;
    afterSeq = last.seq;
  }
}

/**
 * Records that someone exported the trail (`audit.export`): who, in which format, and
 * the filter (dates and ids only), so reading the record in bulk is itself on record.
 * Called before the export starts; a full export therefore includes its own event.
 */
export async function recordAuditExport(
  deps: AuditDeps & { storage: Storage },
  args: {
    actor: { id: string | null; label: string; ip: string | null };
    format: AuditExportFormat;
    filter: AuditFilter;
  },
): Promise<void> {
  const { filter } = args;
  await recordAudit(deps, deps.storage.repos, {
    action: 'audit.export',
    actorId: args.actor.id,
    actorLabel: args.actor.label,
    ip: args.actor.ip,
    targetType: null,
    targetId: null,
    details: {
      format: args.format,
      from: filter.from?.toISOString() ?? null,
      to: filter.to?.toISOString() ?? null,
      action: filter.action ?? null,
      actorId: filter.actorId ?? null,
      actorLabel: filter.actorLabel ?? null,
      targetId: filter.targetId ?? null,
    },
  });
}
