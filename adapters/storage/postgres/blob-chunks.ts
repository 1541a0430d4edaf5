import { and, count, eq, lt, notInArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { ConfigurationError } from '../../../core/shared/errors.ts';
import { type BlobChunks, IncompleteUpload } from '../../blobs/database/chunks.ts';
import type { PgDb } from './context.ts';
import { blobChunks, blobs } from './schema.ts';

/** Options of the PostgreSQL chunk tables. */
export type PostgresBlobChunksOptions = {
  /** The same URL as DATABASE_URL; the database must be migrated. */
  url: string;
  /** Connections of this pool; 4 unless set. */
  maxConnections?: number;
};

// The two-key form of advisory locks lives apart from the one-key form `withLock` uses,
// so a blob id can never collide with a job's lock. 'Seal' in ASCII.
const LOCK_CLASS = 0x5365616c;

/**
 * The `blobs` and `blob_chunks` tables of a PostgreSQL database, for
 * `databaseBlobStore`, on a small pool of their own: a slow upload or download then
 * never holds one of the connections the repositories serve requests with, and the
 * Storage port stays free of blob concerns. Chunks are bytea rows.
 */
export function postgresBlobChunks(options: PostgresBlobChunksOptions): BlobChunks {
  const url: unknown = (options as Partial<PostgresBlobChunksOptions> | undefined)?.url;
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//i.test(url.trim())) {
    // The URL may hold a password, so it is never repeated in the message.
    throw new ConfigurationError(
      'The database blob store on PostgreSQL needs a postgres:// URL (the same as DATABASE_URL).',
    );
  }
  const pool = postgres(url, { max: options.maxConnections ?? 4, onnotice: () => {} });
  const db: PgDb = drizzle({ client: pool });

  /** Holds, until the transaction ends, the lock that orders commits and removes of `id`. */
  const lockBlob = (tx: PgDb, id: string) =>
    tx.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${id}))`);

  return {
    dialect: 'postgres',

    async writeChunk({ uploadId, seq, data, at }) {
      await db.insert(blobChunks).values({ uploadId, seq, data, writtenAt: at });
    },

    async commit({ id, uploadId, size, chunkCount, at }) {
      await db.transaction(async (tx) => {
        await lockBlob(tx, id);
        // A sweep may have taken the chunks of an upload that ran for a day: better to
        // fail the put than to commit a blob with holes in it.
        const [written] = await tx
          .select({ n: count() })
          .from(blobChunks)
          .where(eq(blobChunks.uploadId, uploadId));
        if ((written?.n ?? 0) !== chunkCount) throw new IncompleteUpload(id);
        const [old] = await tx
          .select({ uploadId: blobs.uploadId })
          .from(blobs)
          .where(eq(blobs.id, id));
        await tx
          .insert(blobs)
          .values({ id, uploadId, size, chunkCount, storedAt: at })
          .onConflictDoUpdate({
            target: blobs.id,
            set: { uploadId, size, chunkCount, storedAt: at },
          });
        if (old) await tx.delete(blobChunks).where(eq(blobChunks.uploadId, old.uploadId));
      });
    },

    async discard({ uploadId }) {
      await db.delete(blobChunks).where(eq(blobChunks.uploadId, uploadId));
    },

    async find({ id }) {
      const [row] = await db
        .select({ uploadId: blobs.uploadId, size: blobs.size, chunkCount: blobs.chunkCount })
        .from(blobs)
        .where(eq(blobs.id, id));
      return row ?? null;
    },

    async readChunk({ uploadId, seq }) {
      const [row] = await db
        .select({ data: blobChunks.data })
        .from(blobChunks)
        .where(and(eq(blobChunks.uploadId, uploadId), eq(blobChunks.seq, seq)));
      return row?.data ?? null;
    },

    async remove({ id }) {
      await db.transaction(async (tx) => {
        await lockBlob(tx, id);
        const [old] = await tx
          .delete(blobs)
          .where(eq(blobs.id, id))
          .returning({ uploadId: blobs.uploadId });
        if (old) await tx.delete(blobChunks).where(eq(blobChunks.uploadId, old.uploadId));
      });
    },

    // The same per-blob locks as `remove`, taken in id order so two batches cannot deadlock.
    async removeMany({ ids }) {
      await db.transaction(async (tx) => {
        for (const id of [...new Set(ids)].sort()) {
          await lockBlob(tx, id);
          const [old] = await tx
            .delete(blobs)
            .where(eq(blobs.id, id))
            .returning({ uploadId: blobs.uploadId });
          if (old) await tx.delete(blobChunks).where(eq(blobChunks.uploadId, old.uploadId));
        }
      });
    },

    async listIds({ after, limit }) {
      // Code-unit order whatever the database's collation: "C" compares bytes, and the
      // blobs_id_c_idx index serves exactly this order.
      const byBytes = sql`${blobs.id} collate "C"`;
      const rows = await db
        .select({ id: blobs.id })
        .from(blobs)
        .where(after === undefined ? undefined : sql`${byBytes} > ${after}`)
        .orderBy(byBytes)
        .limit(limit);
      return rows.map((row) => row.id);
    },

    async listStored({ after, limit }) {
      // The same order and index as `listIds`.
      const byBytes = sql`${blobs.id} collate "C"`;
      return db
        .select({ id: blobs.id, storedAt: blobs.storedAt })
        .from(blobs)
        .where(after === undefined ? undefined : sql`${byBytes} > ${after}`)
        .orderBy(byBytes)
        .limit(limit);
    },

    async sweep({ before }) {
      const live = db.select({ uploadId: blobs.uploadId }).from(blobs);
      const gone = await db
        .delete(blobChunks)
        .where(and(lt(blobChunks.writtenAt, before), notInArray(blobChunks.uploadId, live)))
        .returning({ uploadId: blobChunks.uploadId });
      return { chunks: gone.length, uploads: new Set(gone.map((c) => c.uploadId)).size };
    },

    async close() {
      await pool.end({ timeout: 5 });
    },
  };
}
