import { and, asc, count, eq, gt, lt, notInArray } from 'drizzle-orm';
import { ConfigurationError } from '../../../core/shared/errors.ts';
import { type BlobChunks, IncompleteUpload } from '../../blobs/database/chunks.ts';
import {
  acquireGate,
  inImmediateTransaction,
  openFile,
  refuseInsideTransaction,
  releaseGate,
  translateBusy,
} from './connection.ts';
import { blobChunks, blobs } from './schema.ts';

/** Options of the SQLite chunk tables. */
export type SqliteBlobChunksOptions = {
  /** The database file: the same file as DATABASE_URL, already migrated. */
  path: string;
};

/**
 * The `blobs` and `blob_chunks` tables of a SQLite file, for `databaseBlobStore`.
 *
 * It opens its own connection to the file rather than borrowing the storage adapter's,
 * so the Storage port stays free of blob concerns and blob bytes never pass through
 * repository code. The connection still takes turns with every other connection to
 * the same file in this process (the file's gate, see connection.ts): a second
 * connection that did not would block the event loop in busy_timeout, waiting for a
 * transaction that only this event loop can finish. `:memory:` is refused, since a
 * second connection to it would be a second, empty database.
 */
export function sqliteBlobChunks(options: SqliteBlobChunksOptions): BlobChunks {
  const path: unknown = (options as Partial<SqliteBlobChunksOptions> | undefined)?.path;
  if (typeof path !== 'string' || path.trim() === '' || path === ':memory:') {
    throw new ConfigurationError(
      'The database blob store on SQLite needs the database file, such as DATA_DIR/sealpost.db (not :memory:).',
    );
  }
  const { raw, db, gateKey } = openFile(path);
  const gate = acquireGate(gateKey);
  let closed = false;

  // One statement (or one transaction) per turn of the file's gate.
  const turn = async <T>(work: () => T): Promise<T> => {
    refuseInsideTransaction(gate, 'The database blob store');
    return gate.mutex.run(() => {
      if (closed) throw new Error('This database blob store has been closed.');
      try {
        return work();
      } catch (error) {
        throw translateBusy(error);
      }
    });
  };

  return {
    dialect: 'sqlite',

    writeChunk({ uploadId, seq, data, at }) {
      return turn(() => {
        db.insert(blobChunks).values({ uploadId, seq, data, writtenAt: at }).run();
      });
    },

    commit({ id, uploadId, size, chunkCount, at }) {
      return turn(() =>
        inImmediateTransaction(raw, () => {
          // A sweep may have taken the chunks of an upload that ran for a day: better
          // to fail the put than to commit a blob with holes in it.
          const [written] = db
            .select({ n: count() })
            .from(blobChunks)
            .where(eq(blobChunks.uploadId, uploadId))
            .all();
          if ((written?.n ?? 0) !== chunkCount) throw new IncompleteUpload(id);
          const old = db
            .select({ uploadId: blobs.uploadId })
            .from(blobs)
            .where(eq(blobs.id, id))
            .get();
          db.insert(blobs)
            .values({ id, uploadId, size, chunkCount, storedAt: at })
            .onConflictDoUpdate({
              target: blobs.id,
              set: { uploadId, size, chunkCount, storedAt: at },
            })
            .run();
          if (old) db.delete(blobChunks).where(eq(blobChunks.uploadId, old.uploadId)).run();
        }),
      );
    },

    discard({ uploadId }) {
      return turn(() => {
        db.delete(blobChunks).where(eq(blobChunks.uploadId, uploadId)).run();
      });
    },

    find({ id }) {
      return turn(
        () =>
          db
            .select({ uploadId: blobs.uploadId, size: blobs.size, chunkCount: blobs.chunkCount })
            .from(blobs)
            .where(eq(blobs.id, id))
            .get() ?? null,
      );
    },

    readChunk({ uploadId, seq }) {
      return turn(
        () =>
          db
            .select({ data: blobChunks.data })
            .from(blobChunks)
            .where(and(eq(blobChunks.uploadId, uploadId), eq(blobChunks.seq, seq)))
            .get()?.data ?? null,
      );
    },

    remove({ id }) {
      return turn(() =>
        inImmediateTransaction(raw, () => {
          const old = db
            .delete(blobs)
            .where(eq(blobs.id, id))
            .returning({ uploadId: blobs.uploadId })
            .get();
          if (old) db.delete(blobChunks).where(eq(blobChunks.uploadId, old.uploadId)).run();
        }),
      );
    },

    removeMany({ ids }) {
      return turn(() =>
        inImmediateTransaction(raw, () => {
          for (const id of ids) {
            const old = db
              .delete(blobs)
              .where(eq(blobs.id, id))
              .returning({ uploadId: blobs.uploadId })
              .get();
            if (old) db.delete(blobChunks).where(eq(blobChunks.uploadId, old.uploadId)).run();
          }
        }),
      );
    },

    listIds({ after, limit }) {
      // SQLite compares text with BINARY collation: byte order, the same as code-unit
      // order for the ASCII ids a blob may have.
      return turn(() =>
        db
          .select({ id: blobs.id })
          .from(blobs)
          .where(after === undefined ? undefined : gt(blobs.id, after))
          .orderBy(asc(blobs.id))
          .limit(limit)
          .all()
          .map((row) => row.id),
      );
    },

    listStored({ after, limit }) {
      return turn(() =>
        db
          .select({ id: blobs.id, storedAt: blobs.storedAt })
          .from(blobs)
          .where(after === undefined ? undefined : gt(blobs.id, after))
          .orderBy(asc(blobs.id))
          .limit(limit)
          .all(),
      );
    },

    sweep({ before }) {
      return turn(() => {
        const live = db.select({ uploadId: blobs.uploadId }).from(blobs);
        const gone = db
          .delete(blobChunks)
          .where(and(lt(blobChunks.writtenAt, before), notInArray(blobChunks.uploadId, live)))
          .returning({ uploadId: blobChunks.uploadId })
          .all();
        return { chunks: gone.length, uploads: new Set(gone.map((c) => c.uploadId)).size };
      });
    },

    async close() {
      if (closed) return;
      await gate.mutex.run(() => {
        if (closed) return;
        closed = true;
        raw.close();
      });
      releaseGate(gateKey, gate);
    },
  };
}
