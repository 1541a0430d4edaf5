import { type ContainerClient, RestError } from '@azure/storage-blob';
import { readBlockId } from './block-ids.ts';

const PAGE = 1_000;

/** The HTTP status of an Azure SDK failure, or null for any other error. */
export function statusOf(error: unknown): number | null {
  return error instanceof RestError && typeof error.statusCode === 'number'
    ? error.statusCode
    : null;
}

/**
 * Removes the uncommitted blocks of puts that began before `before` and never
 * committed, and returns how many such puts there were. Azure would drop them by itself
 * after 7 days with no write to their blob; this makes it happen when Sealpost's orphan
 * clean-up asks, as the other stores do.
 *
 * Azure names no time for an uncommitted block, and lists them only per blob, so each
 * blob's block list is read (one request per blob: the cost of the orphan walk that
 * runs next). A blob's uncommitted blocks all go at once or not at all (Azure offers no
 * other way), so a blob is left alone while any block on it belongs to a put that began
 * at or after `before` (it may still be running), or was named by another tool.
 *
 * - On a committed blob, its own block list is committed again, on the condition that
 *   the blob has not changed since it was read: the bytes stay, and Azure discards every
 *   uncommitted block. The blob's last-modified time moves on (orphan clean-up then
 *   waits longer before looking at it) and, with versioning on, a version is kept.
 * - A blob with no committed version has nothing Azure documents as deletable (Azurite
 *   deletes it, the service need not), so an empty version is committed only if none
 *   exists meanwhile, then deleted only if it is still that version. A put of the same id that began before `before` and is
 *   still running then fails at its commit, which the port allows.
 */
export async function sweepUncommitted(args: {
  container: ContainerClient;
  before: Date;
  isId: (name: string) => boolean;
  withLock: <T>(id: string, run: () => Promise<T>) => Promise<T>;
}): Promise<number> {
  const { container, before, isId, withLock } = args;
  let removed = 0;
  const pages = container.listBlobsFlat({ includeUncommitedBlobs: true }).byPage({
    maxPageSize: PAGE,
  });
  for await (const page of pages) {
    for (const item of page.segment.blobItems) {
      if (!isId(item.name)) continue;
      removed += await withLock(item.name, () => sweepBlob(container, item.name, before));
    }
  }
  return removed;
}

async function sweepBlob(container: ContainerClient, id: string, before: Date): Promise<number> {
  const blob = container.getBlockBlobClient(id);
  let list: Awaited<ReturnType<typeof blob.getBlockList>>;
  try {
    list = await blob.getBlockList('all');
  } catch (error) {
    if (statusOf(error) === 404) return 0;
    throw error;
  }
  const uncommitted = list.uncommittedBlocks ?? [];
  if (uncommitted.length === 0) return 0;
  const puts = new Set<string>();
  for (const block of uncommitted) {
    const put = readBlockId(block.name);
    if (!put || put.startedAt.getTime() >= before.getTime()) return 0;
    puts.add(put.uploadId);
  }
  const committed = (list.committedBlocks ?? []).map((block) => block.name);
  try {
    if (committed.length > 0 || (await blob.exists())) {
      await blob.commitBlockList(committed, {
        conditions: list.etag ? { ifMatch: list.etag } : {},
      });
    } else {
      const empty = await blob.commitBlockList([], { conditions: { ifNoneMatch: '*' } });
      await blob.delete({ conditions: empty.etag ? { ifMatch: empty.etag } : {} });
    }
  } catch (error) {
    // 409 or 412: a put committed meanwhile, and its commit discarded the blocks
    // anyway; 404: deleted meanwhile. Either way there is nothing left to sweep here.
    const status = statusOf(error);
    if (status === 404 || status === 409 || status === 412) return 0;
    throw error;
  }
  return puts.size;
}
