/** One stored blob, as `BlobStore.listStored` reports it. */
export type StoredBlob = {
  id: string;
  /**
   * When the current version was written: the end of the put that stored it (the file's
   * modification time, the row's commit time). Orphan clean-up measures age by it.
   */
  storedAt: Date;
};

/**
 * Opaque byte streams by id: the encrypted bodies and attachments. A BlobStore never
 * sees plaintext; it only keeps what the Cipher produced.
 */
export type BlobStore = {
  /**
   * Writes `body` under `id`, creating or atomically replacing it. Resolves only once
   * the bytes are durable (a crash afterwards keeps them; a crash before leaves the
   * previous version, or nothing). Resolves with the number of bytes stored.
   */
  put(args: { id: string; body: ReadableStream<Uint8Array> }): Promise<{ size: number }>;
  /** The stored bytes as a stream, or null when there is no blob with this id. */
  get(args: { id: string }): Promise<ReadableStream<Uint8Array> | null>;
  /** Removes the blob for good; removing a missing blob is not an error. */
  delete(args: { id: string }): Promise<void>;
  /**
   * Removes every blob of `ids` for good, as `delete` does one at a time, but at the
   * cost of a batch (the purge removes thousands): a missing blob is not an error, and
   * the removals need not be durable when it resolves. A crash may bring some back;
   * nothing names them then, so orphan clean-up (core/lifecycle/orphans.ts) removes them.
   */
  deleteMany(args: { ids: string[] }): Promise<void>;
  /** Ids in ascending order after `after`, at most `limit` of them (for rewrites and backups). */
  list(args: { after?: string; limit: number }): Promise<string[]>;
  /**
   * Like `list`, with when each blob was stored (for orphan clean-up). The same order
   * and paging; a blob deleted between listing and reading its time is left out.
   */
  listStored(args: { after?: string; limit: number }): Promise<StoredBlob[]>;
  /**
   * Removes what puts that never finished left behind (a process killed mid-put): a
   * temporary file, or chunks no blob names, written before `before`. A put still
   * running is touched only if it began before `before`; it then fails, never stores a
   * blob with holes. Resolves with how many puts' leftovers went.
   */
  sweepUnfinished(args: { before: Date }): Promise<number>;
};

/**
 * Small blobs kept as database rows (docs/decisions/0027): `insert` runs inside the
 * transaction of the message that names the blob, so the blob and its message commit
 * together. A blob that has a row lives there for good; `withInlineBlobs`
 * (core/blobs/with-inline.ts) reads and rewrites it there and everything else in the
 * BlobStore it wraps.
 */
export type InlineBlobRepository = {
  /** Adds a blob; fails if the id is taken. */
  insert(args: { id: string; data: Uint8Array; at: Date }): Promise<void>;
  /** The bytes, or null when no row has this id. */
  get(args: { id: string }): Promise<Uint8Array | null>;
  /** Whether a row has this id. */
  has(args: { id: string }): Promise<boolean>;
  /** Replaces the bytes of an existing row; false (and nothing written) when there is none. */
  replace(args: { id: string; data: Uint8Array; at: Date }): Promise<boolean>;
  /** Removes the rows of `ids`; missing ones are not an error. */
  deleteMany(args: { ids: string[] }): Promise<void>;
  /** Ids with when each was stored, ascending after `after`, at most `limit`. */
  listStored(args: { after?: string; limit: number }): Promise<StoredBlob[]>;
};
