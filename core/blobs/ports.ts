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
  /** Ids in ascending order after `after`, at most `limit` of them (for rewrites and backups). */
  list(args: { after?: string; limit: number }): Promise<string[]>;
};
