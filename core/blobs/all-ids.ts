import type { BlobStore } from './ports.ts';

/**
 * Every blob id in the store, in id order, fetched a page at a time (`BlobStore.list`),
 * so walking millions of blobs holds one page of ids at most. A blob added or deleted
 * during the walk may or may not be seen.
 */
export async function* allBlobIds(blobs: BlobStore, pageSize: number): AsyncGenerator<string> {
  let after: string | undefined;
  for (;;) {
    const page = await blobs.list(
      after === undefined ? { limit: pageSize } : { after, limit: pageSize },
    );
    yield* page;
    if (page.length < pageSize) return;
    after = page[page.length - 1];
  }
}
