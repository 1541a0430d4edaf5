import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Repositories } from '../storage/ports.ts';
import { sealAuditEvent } from './chain.ts';
import type { AuditEntry, AuditEvent } from './model.ts';

/** What appending to the audit trail needs. */
export type AuditDeps = { ids: Ids; clock: Clock; secrets: Secrets };

/**
 * Appends an event to the tamper-evident trail, in the caller's transaction when
 * `repos` belongs to one, so the event commits with the change it describes.
 */
export function recordAudit(
  deps: AuditDeps,
  repos: Repositories,
  entry: AuditEntry,
): Promise<AuditEvent> {
  return repos.audit.append({
    entry,
    seal: (prev) =>
      sealAuditEvent({
        entry,
        prev,
        id: deps.ids.newId(),
        at: deps.clock.now(),
        sha256Hex: (value) => deps.secrets.hashToken({ value }),
      }),
  });
}
