import type { Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import { findBrokenLink } from './chain.ts';

/** The last event checked: record it somewhere else to detect a trail cut short later. */
export type AuditHead = { seq: number; hash: string };

/** What walking the chain found. */
export type VerifyResult =
  | { ok: true; checked: number; head: AuditHead | null }
  | {
      ok: false;
      checked: number;
      /** The first link that does not hold, and why. */
      broken: { seq: number; reason: string };
    };

/**
 * Walks the whole audit trail in `seq` order, page by page (constant memory), and
 * checks every link: each event's hash covers its fields and the previous event's
 * hash, so an edited, inserted or removed event breaks the chain at that event, and
 * the first broken link is named. Removing events from the end leaves a shorter chain
 * that still holds; `anchor`, a head printed by an earlier run, catches that (and any
 * rewrite of the trail up to it).
 */
export async function verifyAuditChain(
  deps: { storage: Storage; secrets: Secrets },
  args: { anchor?: AuditHead; batchSize?: number; onProgress?: (checked: number) => void } = {},
): Promise<VerifyResult> {
  const limit = args.batchSize ?? 1_000;
  const sha256Hex = (text: string) => deps.secrets.hashToken({ value: text });
  let prev: AuditHead | null = null;
  let checked = 0;
  let anchorSeen = false;
  for (;;) {
    const events = await deps.storage.repos.audit.list({
      limit,
      ...(prev ? { afterSeq: prev.seq } : {}),
    });
    const broken = findBrokenLink({ events, prev, sha256Hex });
    if (broken) {
      return {
        ok: false,
        checked: checked + events.findIndex((e) => e.seq === broken.seq),
        broken,
      };
    }
    for (const event of events) {
      if (args.anchor && event.seq === args.anchor.seq) {
        anchorSeen = true;
        if (event.hash !== args.anchor.hash) {
          return {
            ok: false,
            checked: checked + events.indexOf(event),
            broken: { seq: event.seq, reason: 'differs from the anchor: the trail was rewritten' },
          };
        }
      }
    }
    checked += events.length;
    const last = events[events.length - 1];
    if (last) prev = { seq: last.seq, hash: last.hash };
    args.onProgress?.(checked);
    if (events.length < limit) break;
  }
  if (args.anchor && !anchorSeen) {
    return {
      ok: false,
      checked,
      broken: {
        seq: args.anchor.seq,
        reason: 'the anchored event is missing: the trail was cut short',
      },
    };
  }
  return { ok: true, checked, head: prev };
}
