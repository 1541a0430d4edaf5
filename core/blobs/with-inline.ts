import { readAll, streamOf } from '../shared/streams.ts';
import type { BlobStore, InlineBlobRepository, StoredBlob } from './ports.ts';

/**
 * One BlobStore over two tiers (docs/decisions/0027): small blobs that a send wrote as
 * rows in its own transaction (`rows`), and everything else in `large`. A blob's tier
 * is decided once, when it is first written, and a row is its record: a read looks for
 * a row first, and a rewrite of an id that has a row replaces the row. So a rewrite
 * (key rotation, `keys reencrypt`, making an old body safe) can never leave a newer
 * version in one tier shadowed by an older one in the other. A new id put through this
 * store always goes to `large`: only a send's transaction creates rows.
 */
export function withInlineBlobs(
  large: BlobStore,
  rows: InlineBlobRepository,
  clock: { now(): Date } = { now: () => new Date() },
): BlobStore {
  return {
    async put({ id, body }) {
      if (await rows.has({ id })) {
        const data = await readAll(body);
        // A row deleted meanwhile stays deleted: a rewrite must not bring it back as a file.
        await rows.replace({ id, data, at: clock.now() });
        return { size: data.byteLength };
      }
      return large.put({ id, body });
    },

    async get({ id }) {
      const data = await rows.get({ id });
      if (data) return streamOf(data);
      return large.get({ id });
    },

    async delete({ id }) {
      await rows.deleteMany({ ids: [id] });
      await large.delete({ id });
    },

    async deleteMany({ ids }) {
      await rows.deleteMany({ ids });
      await large.deleteMany({ ids });
    },

    async list({ after, limit }) {
      const [a, b] = await Promise.all([
        rows.listStored(after === undefined ? { limit } : { after, limit }),
        large.list(after === undefined ? { limit } : { after, limit }),
      ]);
      return mergeIds(
        a.map((blob) => blob.id),
        b,
        limit,
      );
    },

    async listStored({ after, limit }) {
      const [a, b] = await Promise.all([
        rows.listStored(after === undefined ? { limit } : { after, limit }),
        large.listStored(after === undefined ? { limit } : { after, limit }),
      ]);
      const byId = new Map<string, StoredBlob>();
      for (const blob of [...a, ...b]) if (!byId.has(blob.id)) byId.set(blob.id, blob);
      return mergeIds(
        a.map((blob) => blob.id),
        b.map((blob) => blob.id),
        limit,
      ).map((id) => byId.get(id) as StoredBlob);
    },

    // Rows are written in one transaction with their message: a put never leaves half a row.
    sweepUnfinished: (args) => large.sweepUnfinished(args),
  };
}

/** Two ascending id lists merged into one, without repeats, at most `limit` long. */
function mergeIds(a: string[], b: string[], limit: number): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    let next: string;
    if (y === undefined || (x !== undefined && x < y)) next = a[i++] as string;
    else if (x === undefined || y < x) next = b[j++] as string;
    else {
      next = x;
      i++;
      j++;
    }
    out.push(next);
  }
  return out;
}
