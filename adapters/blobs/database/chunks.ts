/**
 * What the database blob store needs from a SQL database: the `blobs` and `blob_chunks`
 * tables (adapters/storage/{sqlite,postgres}/schema.ts) behind a few async calls. Each
 * dialect implements it beside its schema (`sqliteBlobChunks`, `postgresBlobChunks`);
 * the blob store above it is the same for both.
 *
 * An upload is one put's new version: its chunks are written first, each on its own,
 * then `commit` points the blob at it in one transaction. Until then no reader can
 * see them, and if the put fails or the process dies they belong to no blob.
 */
export type BlobChunks = {
  /** Which SQL dialect holds the chunks (for logs and backups). */
  dialect: 'sqlite' | 'postgres';
  /** Stores chunk `seq` (0, 1, 2, ...) of an upload that no blob names yet. */
  writeChunk(args: { uploadId: string; seq: number; data: Uint8Array; at: Date }): Promise<void>;
  /**
   * In one transaction: checks that all `chunkCount` chunks of the upload are there
   * (else throws `IncompleteUpload`), points blob `id` at it (creating the blob or
   * replacing its version) and deletes the chunks of the version it replaces. Two
   * commits to one id run one after the other, so exactly one version wins.
   */
  commit(args: {
    id: string;
    uploadId: string;
    size: number;
    chunkCount: number;
    at: Date;
  }): Promise<void>;
  /** Deletes the chunks of an upload that will never be committed. */
  discard(args: { uploadId: string }): Promise<void>;
  /** Blob `id`'s current version, or null when there is no such blob. */
  find(args: {
    id: string;
  }): Promise<{ uploadId: string; size: number; chunkCount: number } | null>;
  /** One chunk's bytes, or null when it is gone (its blob was replaced or deleted). */
  readChunk(args: { uploadId: string; seq: number }): Promise<Uint8Array | null>;
  /** In one transaction: deletes blob `id` and its chunks. A missing blob is not an error. */
  remove(args: { id: string }): Promise<void>;
  /** As `remove` for every blob of `ids`, in one transaction (one commit for a batch). */
  removeMany(args: { ids: string[] }): Promise<void>;
  /** Blob ids in code-unit order (whatever the collation), after `after`, at most `limit`. */
  listIds(args: { after?: string; limit: number }): Promise<string[]>;
  /** As `listIds`, with each blob's `stored_at` (the commit of its current version). */
  listStored(args: { after?: string; limit: number }): Promise<{ id: string; storedAt: Date }[]>;
  /**
   * Deletes the chunks written before `before` that no blob names: puts that died half
   * way. Returns how many chunks went, and of how many uploads.
   */
  sweep(args: { before: Date }): Promise<{ chunks: number; uploads: number }>;
  /** Closes the connection; calls after it fail. */
  close(): Promise<void>;
};

/** A commit found fewer chunks than the put wrote: they were swept meanwhile. */
export class IncompleteUpload extends Error {
  constructor(id: string) {
    super(`The upload of blob ${id} lost chunks before it was committed; put it again.`);
    this.name = 'IncompleteUpload';
  }
}
