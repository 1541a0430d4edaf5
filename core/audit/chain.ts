import type { AuditEntry, AuditEvent } from './model.ts';

/** The hash that starts the chain (no previous event). */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The exact text an event's hash covers: every field in a fixed order, details with
 * sorted keys, so the same event always hashes the same on any database.
 */
export function canonicalAuditText(event: Omit<AuditEvent, 'hash'>): string {
  const details = Object.keys(event.details)
    .sort()
    .map((k) => [k, event.details[k] ?? null]);
  return JSON.stringify([
    event.seq,
    event.id,
    event.at.toISOString(),
    event.action,
    event.actorId,
    event.actorLabel,
    event.ip,
    event.targetType,
    event.targetId,
    details,
    event.prevHash,
  ]);
}

/** Builds the next event of the chain after `prev` (null for the first event). */
export function sealAuditEvent(args: {
  entry: AuditEntry;
  prev: { seq: number; hash: string } | null;
  id: string;
  at: Date;
  sha256Hex: (text: string) => string;
}): AuditEvent {
  const unsealed = {
    ...args.entry,
    seq: (args.prev?.seq ?? 0) + 1,
    id: args.id,
    at: args.at,
    prevHash: args.prev?.hash ?? GENESIS_HASH,
  };
  return { ...unsealed, hash: args.sha256Hex(canonicalAuditText(unsealed)) };
}

/** The first broken link of a chain read in `seq` order, or null when all hold. */
export function findBrokenLink(args: {
  events: AuditEvent[];
  prev: { seq: number; hash: string } | null;
  sha256Hex: (text: string) => string;
}): { seq: number; reason: string } | null {
  let prev = args.prev;
  for (const event of args.events) {
    const expectedPrev = prev?.hash ?? GENESIS_HASH;
    if (event.prevHash !== expectedPrev)
      return { seq: event.seq, reason: 'previous-hash mismatch' };
    if (prev !== null && event.seq !== prev.seq + 1)
      return { seq: event.seq, reason: 'sequence gap' };
    const { hash, ...rest } = event;
    if (args.sha256Hex(canonicalAuditText(rest)) !== hash)
      return { seq: event.seq, reason: 'event altered' };
    prev = { seq: event.seq, hash: event.hash };
  }
  return null;
}
