import type { BlobStore } from '../blobs/ports.ts';
import type { Storage } from '../storage/ports.ts';
import { pause } from './deps.ts';

/**
 * How old a blob no row names must be before orphan clean-up removes it, and how long
 * since its last write a put's leftovers (temporary file, chunks) are kept.
 *
 * A send writes its blobs first and commits the rows that name them last, so until the
 * commit every blob of a send in progress is, to this sweep, an orphan. The grace must
 * outlast the longest a send takes from its first blob to its commit:
 * - the SMTP gateway has the whole mail before its first put, so its puts and commit
 *   take seconds, however slowly the mail arrived;
 * - the portal streams files from the request into the store, so a send lasts as long
 *   as its upload: 75 MB (MAX_TOTAL_MB) over a 64 kbit/s line is under three hours.
 * 24 hours is eight times that, and still clears a crash's leftovers within a day. Only
 * an upload dragged out deliberately at the server's floor rate (1 KB every 5 seconds,
 * `DEFAULT_MINIMUM_UPLOAD_RATE`) could run longer; what it risks is its own message.
 */
export const ORPHAN_GRACE_HOURS = 24;

/** The shortest grace a caller may ask for: less would race sends in progress. */
export const MIN_ORPHAN_GRACE_HOURS = 1;

/** `graceHours`, or the default; a grace short enough to race sends is a bug in the caller. */
export function checkGraceHours(graceHours: number | undefined): number {
  const hours = graceHours ?? ORPHAN_GRACE_HOURS;
  if (!Number.isFinite(hours) || hours < MIN_ORPHAN_GRACE_HOURS) {
    throw new RangeError(
      `The orphan grace period must be at least ${MIN_ORPHAN_GRACE_HOURS} hour.`,
    );
  }
  return hours;
}

/** The most ids one reference query checks (`BlobReferenceRepository.listReferenced`). */
const MAX_PAGE = 1000;

/** What one orphan sweep removed. */
export type OrphanCounts = {
  /** Blobs no row named, stored before the grace period. */
  orphanBlobs: number;
  /** Puts that never finished: their temporary files or chunks. */
  unfinishedUploads: number;
};

/**
 * Removes what a process killed mid-send leaves behind: the leftovers of puts that
 * never finished, and stored blobs that no committed row names, both older than the
 * grace period (`ORPHAN_GRACE_HOURS`).
 *
 * The blob store is walked a page at a time in id order, and each page's old blobs are
 * checked against the rows in one query, so memory is one page and the database does
 * O(page) index probes per page. Each orphan is asked about once more just before it is
 * deleted, so a row committed since the page was checked still keeps its blob. A blob
 * a purge queued for deletion counts as named: the queue removes it, and counts it.
 */
export async function removeOrphans(
  deps: { storage: Storage; blobs: BlobStore },
  args: { now: Date; graceHours?: number; pageSize: number; pauseMs: number },
): Promise<OrphanCounts> {
  const graceHours = checkGraceHours(args.graceHours);
  const pageSize = Math.min(Math.max(Math.floor(args.pageSize), 1), MAX_PAGE);
  const before = new Date(args.now.getTime() - graceHours * 3_600_000);
  const references = deps.storage.repos.blobReferences;
  const isNamed = async (id: string) =>
    (await references.listReferenced({ blobIds: [id] })).length > 0;

  const unfinishedUploads = await deps.blobs.sweepUnfinished({ before });
  let orphanBlobs = 0;
  let after: string | undefined;
  for (;;) {
    const page = await deps.blobs.listStored(
      after === undefined ? { limit: pageSize } : { after, limit: pageSize },
    );
    const old = page.filter((b) => b.storedAt.getTime() < before.getTime()).map((b) => b.id);
    if (old.length > 0) {
      const named = new Set(await references.listReferenced({ blobIds: old }));
      for (const id of old) {
        if (named.has(id) || (await isNamed(id))) continue;
        await deps.blobs.delete({ id });
        orphanBlobs += 1;
      }
    }
    const last = page[page.length - 1];
    if (page.length < pageSize || !last) break;
    after = last.id;
    await pause(args.pauseMs);
  }
  return { orphanBlobs, unfinishedUploads };
}
