import { allBlobIds } from '../../core/blobs/all-ids.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';

/** What a copy between two blob stores did. */
export type CopyBlobsReport = {
  /** Blobs put into the target. */
  copied: number;
  /** Their bytes, as the target counted them. */
  bytes: number;
};

/** The target lacks blobs the source holds after the copy: something removed them. */
export class BlobCopyIncomplete extends Error {
  constructor(missing: string[]) {
    super(
      `${missing.length} blob(s) of the source are not in the target after the copy ` +
        `(first: ${missing.slice(0, 3).join(', ')}). Nothing was removed from the source; run the copy again.`,
    );
    this.name = 'BlobCopyIncomplete';
  }
}

const PAGE = 500;
const PROGRESS_EVERY = 500;

/**
 * Copies every blob of `from` into `into` through the BlobStore port, one stream at a
 * time, so any store moves to any other (fs, database, azure-blob) with memory bounded
 * by each store's own buffering. A blob already in the target is written again (the
 * copy can be run again after an interruption). Then both stores are listed side by
 * side, and any id of the source missing from the target fails the copy. The source is
 * never changed: removing it is the admin's step, once the new store is in use.
 */
export async function copyBlobs(args: {
  from: BlobStore;
  into: BlobStore;
  progress?: (line: string) => void;
}): Promise<CopyBlobsReport> {
  const progress = args.progress ?? (() => {});
  let copied = 0;
  let bytes = 0;
  for await (const id of allBlobIds(args.from, PAGE)) {
    const body = await args.from.get({ id });
    // Deleted since it was listed (a purge running meanwhile): nothing to copy.
    if (!body) continue;
    bytes += (await args.into.put({ id, body })).size;
    copied += 1;
    if (copied % PROGRESS_EVERY === 0) progress(`migrate-data: ${copied} blobs copied`);
  }
  const missing: string[] = [];
  const target = allBlobIds(args.into, PAGE);
  let next = await target.next();
  for await (const id of allBlobIds(args.from, PAGE)) {
    // Both walks are in ascending order: the target's ids before `id` are extra (left
    // from before), and `id` itself must be next.
    while (!next.done && next.value < id) next = await target.next();
    if (next.done || next.value !== id) missing.push(id);
  }
  if (missing.length > 0) throw new BlobCopyIncomplete(missing);
  return { copied, bytes };
}
