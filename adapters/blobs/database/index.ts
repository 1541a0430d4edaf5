import { randomBytes } from 'node:crypto';
import type { BlobStore } from '../../../core/blobs/ports.ts';
import { ConfigurationError, ValidationError } from '../../../core/shared/errors.ts';
import type { BlobChunks } from './chunks.ts';

export type { BlobChunks } from './chunks.ts';

/** Options of the database blob store. */
export type DatabaseBlobStoreOptions = {
  /** The chunk tables of the database: `sqliteBlobChunks(...)` or `postgresBlobChunks(...)`. */
  chunks: BlobChunks;
  /** Bytes per stored chunk; 256 KiB unless a test wants smaller. */
  chunkBytes?: number;
  /** How old an uncommitted upload's chunks must be before a sweep removes them. */
  abandonedAfterMs?: number;
  /** The time, for the chunk timestamps and the sweep; the system clock by default. */
  now?: () => Date;
};

/** The database blob store: a BlobStore with a sweep for dead uploads and a close. */
export type DatabaseBlobStore = BlobStore & {
  /**
   * Deletes the chunks of puts that died before they committed (a crash, a killed
   * process), once older than `abandonedAfterMs`. Puts run it by themselves at most
   * once an hour; returns how many chunks went.
   */
  sweep(): Promise<number>;
  /** Waits for a sweep in progress, then closes the database connection. */
  close(): Promise<void>;
};

/** Raised inside a read when the blob was replaced or deleted before it was read whole. */
export class BlobChangedWhileReading extends Error {
  constructor(id: string) {
    super(`Blob ${id} was replaced or deleted while it was being read; read it again.`);
    this.name = 'BlobChangedWhileReading';
  }
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;
const DEFAULT_ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 60 * 60 * 1000;
// The same ids the file adapter takes, so a blob can move between the two unchanged
// (sealpost migrate-data --blobs-to-database, a restore into another store).
const ID = /^[A-Za-z0-9_-]{1,200}$/;

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new ValidationError({
      id: 'A blob id may only hold letters, digits, "-" and "_" (1 to 200 of them).',
    });
  }
  return id;
}

/**
 * Encrypted blobs inside the SQL database, so several app nodes can share one
 * PostgreSQL with no shared disk (BLOB_STORE=database). A put streams the body into
 * chunks of `chunkBytes` under a new upload id, each written on its own (so a slow
 * upload never holds a transaction open), then swaps the blob to the new upload in one
 * short transaction: a crash leaves the old version or nothing, and the new upload's
 * chunks, which no blob names, are swept later. A get streams one chunk at a time, so
 * memory stays bounded whatever the blob's size.
 */
export function databaseBlobStore(options: DatabaseBlobStoreOptions): DatabaseBlobStore {
  const chunks = options?.chunks;
  if (!chunks || typeof chunks.writeChunk !== 'function') {
    throw new ConfigurationError(
      'The database blob store needs the chunk tables of a database: sqliteBlobChunks or postgresBlobChunks.',
    );
  }
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > 16 * 1024 * 1024) {
    throw new ConfigurationError('The blob chunk size must be from 1 byte to 16 MiB.');
  }
  const abandonedAfterMs = options.abandonedAfterMs ?? DEFAULT_ABANDONED_AFTER_MS;
  const now = options.now ?? (() => new Date());
  let lastSweep = 0;
  let sweeping: Promise<unknown> | null = null;

  const sweep = async () =>
    (await chunks.sweep({ before: new Date(now().getTime() - abandonedAfterMs) })).chunks;

  // A sweep runs beside the put that started it; it is only tidying, so its failure
  // is left for the next one rather than failing the put.
  const maybeSweep = () => {
    if (sweeping || Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    sweeping = sweep()
      .catch(() => 0)
      .finally(() => {
        sweeping = null;
      });
  };

  return {
    async put({ id, body }) {
      checkId(id);
      maybeSweep();
      // 96 random bits: two puts never share an upload, even on different nodes.
      const uploadId = randomBytes(12).toString('base64url');
      const pending: Uint8Array[] = [];
      let pendingBytes = 0;
      let seq = 0;
      let size = 0;
      const flush = async () => {
        const data = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending);
        pending.length = 0;
        pendingBytes = 0;
        await chunks.writeChunk({ uploadId, seq, data, at: now() });
        seq += 1;
      };
      try {
        for await (const piece of body) {
          size += piece.byteLength;
          let at = 0;
          while (at < piece.byteLength) {
            const take = Math.min(chunkBytes - pendingBytes, piece.byteLength - at);
            // A copy: the producer may reuse its buffer once we ask for the next piece.
            pending.push(piece.slice(at, at + take));
            pendingBytes += take;
            at += take;
            if (pendingBytes === chunkBytes) await flush();
          }
        }
        if (pendingBytes > 0) await flush();
        await chunks.commit({ id, uploadId, size, chunkCount: seq, at: now() });
      } catch (error) {
        await chunks.discard({ uploadId }).catch(() => {});
        throw error;
      }
      return { size };
    },

    async get({ id }) {
      const found = await chunks.find({ id: checkId(id) });
      if (!found) return null;
      let seq = 0;
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (seq >= found.chunkCount) {
              controller.close();
              return;
            }
            const data = await chunks.readChunk({ uploadId: found.uploadId, seq });
            // The version being read was replaced or deleted: its chunks went with it.
            // Failing loudly beats handing out half of one version.
            if (!data) throw new BlobChangedWhileReading(id);
            seq += 1;
            controller.enqueue(data);
          },
        },
        // Nothing is read ahead of the consumer: one chunk in memory at a time.
        { highWaterMark: 0 },
      );
    },

    async delete({ id }) {
      await chunks.remove({ id: checkId(id) });
    },

    // One transaction per batch rather than one commit (an fsync) per blob.
    async deleteMany({ ids }) {
      for (const id of ids) checkId(id);
      if (ids.length > 0) await chunks.removeMany({ ids });
    },

    async list({ after, limit }) {
      if (!Number.isInteger(limit) || limit < 1) {
        throw new ValidationError({ limit: 'The page size must be a whole number above 0.' });
      }
      return chunks.listIds(after === undefined ? { limit } : { after, limit });
    },

    async listStored({ after, limit }) {
      if (!Number.isInteger(limit) || limit < 1) {
        throw new ValidationError({ limit: 'The page size must be a whole number above 0.' });
      }
      return chunks.listStored(after === undefined ? { limit } : { after, limit });
    },

    // Chunks are stamped as they are written, so only a put that has run for longer
    // than the caller's grace can lose any; its commit then fails with IncompleteUpload
    // rather than storing a blob with holes.
    async sweepUnfinished({ before }) {
      return (await chunks.sweep({ before })).uploads;
    },

    sweep,

    async close() {
      await sweeping;
      await chunks.close();
    },
  };
}
