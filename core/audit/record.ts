import type { Delegate } from '../mailboxes/model.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Repositories } from '../storage/ports.ts';
import { sealAuditEvent } from './chain.ts';
import type { AuditEntry, AuditEvent } from './model.ts';

/** What appending to the audit trail needs. */
export type AuditDeps = {
  ids: Ids;
  clock: Clock;
  secrets: Secrets;
  /**
   * Who is acting for a shared mailbox in the current request, if anyone (the adapters
   * keep it per request; docs/decisions/0028). Read when an event is recorded.
   */
  actingFor?: () => Delegate | null;
};

/**
 * The entry as the trail must keep it: an event whose actor is a shared mailbox that a
 * member is acting for names the member as actor and the mailbox in its details, so
 * every open, download and reply says which person did it.
 */
export function asActed(deps: Pick<AuditDeps, 'actingFor'>, entry: AuditEntry): AuditEntry {
  const delegate = deps.actingFor?.() ?? null;
  if (!delegate || entry.actorId !== delegate.mailboxId) return entry;
  return {
    ...entry,
    actorId: delegate.memberId,
    actorLabel: delegate.memberLabel,
    details: { ...entry.details, mailboxId: delegate.mailboxId, mailbox: delegate.mailboxLabel },
  };
}

type Seal = (prev: { seq: number; hash: string } | null) => AuditEvent;

/**
 * How `entry` is sealed onto whichever event the adapter finds last. The id and time
 * are taken when it is sealed, under the adapter's lock, unless `fixed` gives them
 * (`recordAuditSoon`: when the view happened).
 */
function sealerOf(deps: AuditDeps, entry: AuditEntry, fixed?: { id: string; at: Date }): Seal {
  return (prev) =>
    sealAuditEvent({
      entry,
      prev,
      id: fixed?.id ?? deps.ids.newId(),
      at: fixed?.at ?? deps.clock.now(),
      sha256Hex: (value) => deps.secrets.hashToken({ value }),
    });
}

/**
 * Appends an event to the tamper-evident trail, in the caller's transaction when
 * `repos` belongs to one, so the event commits with the change it describes.
 */
export function recordAudit(
  deps: AuditDeps,
  repos: Repositories,
  entry: AuditEntry,
): Promise<AuditEvent> {
  const acted = asActed(deps, entry);
  return repos.audit.append({ entry: acted, seal: sealerOf(deps, acted) });
}

/**
 * Appends several events in order under one lock (`AuditRepository.appendMany`), in the
 * caller's transaction when `repos` belongs to one: a purge batch's tombstones.
 */
export function recordAuditMany(
  deps: AuditDeps,
  repos: Repositories,
  entries: AuditEntry[],
): Promise<AuditEvent[]> {
  return repos.audit.appendMany({
    seals: entries.map((entry) => sealerOf(deps, asActed(deps, entry))),
  });
}

/**
 * Queues an event that a crash may lose (a repeat view: decision 0025), so the caller
 * does not wait for a commit. Its time is now, when it happened; its place in the
 * chain is where its batch is written, a few milliseconds later.
 */
export function recordAuditSoon(
  deps: AuditDeps,
  repos: Repositories,
  entry: AuditEntry,
): Promise<void> {
  const fixed = { id: deps.ids.newId(), at: deps.clock.now() };
  // Resolved now, in the request: the batch is sealed later, outside it.
  const acted = asActed(deps, entry);
  return repos.audit.appendSoon({ entry: acted, seal: sealerOf(deps, acted, fixed) });
}
