import { Readable } from 'node:stream';
import type { BlobStore, StoredBlob } from 'sealpost/adapter';
import { newUpload } from './block-ids.ts';
import { orderedListing } from './listing.ts';
import { type AzureBlobStoreOptions, checkOptions, containerClientOf } from './options.ts';
import { statusOf, sweepUncommitted } from './sweep.ts';

export {
  AzureBlobConfigurationError,
  type AzureBlobStoreOptions,
  azureBlobStoreOptions,
} from './options.ts';

/** The Azure Blob store: a BlobStore, and a close for symmetry with the other stores. */
export type AzureBlobStore = BlobStore & {
  /** Nothing to release today (the SDK keeps no connection open between requests). */
  close(): Promise<void>;
};

/** Raised when the container cannot be reached, read or created: what to fix, no secret. */
export class AzureBlobAccessError extends Error {
  readonly code = 'azure-blob-access';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AzureBlobAccessError';
  }
}

// The ids the other stores take, so a blob moves between stores unchanged. They are
// also safe blob names: no "/", so no virtual folders, nothing to escape in a URL.
const ID = /^[A-Za-z0-9_-]{1,200}$/;
const isId = (name: string) => ID.test(name);
// Azure takes at most 256 operations in one batch request.
const BATCH = 256;
const DELETES_IN_FLIGHT = 8;
const FIRST_BLOCK_BYTES = 64 * 1024;

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new RangeError(
      'A blob id may only hold letters, digits, "-" and "_" (1 to 200 of them).',
    );
  }
  return id;
}

function checkLimit(limit: unknown): number {
  if (!Number.isInteger(limit) || (limit as number) < 1) {
    throw new RangeError('The page size must be a whole number above 0.');
  }
  return limit as number;
}

/**
 * Encrypted blobs as block blobs in one Azure Storage container (BLOB_STORE=azure-blob).
 * A put streams the body into blocks of `blockBytes`, a few staged at once, then commits
 * the block list: the new version appears whole at the commit, and a put that fails
 * first leaves the previous version (or nothing), its staged blocks invisible until a
 * sweep or Azure's own clean-up removes them. Memory stays at `blockBytes` times
 * `blocksInFlight` whatever the blob's size. A get streams the download. A delete
 * removes the blob and its snapshots; whether Azure keeps a soft-deleted copy or a
 * version is the storage account's setting (README.md says what to set).
 *
 * Puts of one id are run one after another in this process: a commit discards every
 * uncommitted block of its blob, so two puts of one id staging at once would break the
 * later one. Ids are random, so two processes never put the same id unless something
 * else is wrong; the later commit would then fail, leaving the earlier version whole.
 */
export function azureBlobStore(options: AzureBlobStoreOptions): AzureBlobStore {
  const settings = checkOptions(options);
  const container = containerClientOf(settings);
  const listing = orderedListing(container, isId);
  const locks = new Map<string, Promise<unknown>>();
  let ready: Promise<void> | null = null;

  async function withLock<T>(id: string, run: () => Promise<T>): Promise<T> {
    const previous = locks.get(id) ?? Promise.resolve();
    const current = previous.then(run, run);
    const tail = current.catch(() => {});
    locks.set(id, tail);
    try {
      return await current;
    } finally {
      if (locks.get(id) === tail) locks.delete(id);
    }
  }

  /** Creates the container on first use; a failure is reported, then tried again next time. */
  function ensureContainer(): Promise<void> {
    ready ??= (async () => {
      try {
        if (await container.exists()) return;
        await container.createIfNotExists();
      } catch (error) {
        const status = statusOf(error);
        const hint =
          status === 403 || status === 401
            ? 'this identity may not read or create it: create the container, and give the identity the "Storage Blob Data Contributor" role on it'
            : 'check AZURE_BLOB_CONNECTION_STRING or AZURE_BLOB_ACCOUNT_URL, and that the account can be reached';
        // The first line of the SDK's or the credential's own words (no key or token is
        // in them: they name the service's error code or the credential that failed).
        const said = error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) : '';
        throw new AzureBlobAccessError(
          `Azure Blob store: cannot use container "${settings.container}" (${status ?? said ?? 'no answer'}): ${hint}.`,
          { cause: error },
        );
      }
    })().catch((error) => {
      ready = null;
      throw error;
    });
    return ready;
  }

  async function deleteOne(id: string): Promise<void> {
    await container.getBlobClient(id).deleteIfExists({ deleteSnapshots: 'include' });
  }

  async function deleteEach(ids: string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) await deleteOne(ids[next++] as string);
    };
    await Promise.all(Array.from({ length: Math.min(DELETES_IN_FLIGHT, ids.length) }, worker));
  }

  async function page(after: string | undefined, limit: number) {
    checkLimit(limit);
    await ensureContainer();
    return listing.page(after, limit);
  }

  return {
    async put({ id, body }) {
      checkId(id);
      await ensureContainer();
      return withLock(id, async () => {
        const blob = container.getBlockBlobClient(id);
        const upload = newUpload(new Date());
        const blockIds: string[] = [];
        const staging: Promise<unknown>[] = [];
        // The block being filled: each piece is copied in as it arrives (the producer may
        // reuse its buffer once the next piece is asked for). It starts small and doubles,
        // so a small blob never costs a whole block; once one block is full the blob is
        // large, and the next blocks start at full size.
        let block = Buffer.allocUnsafe(Math.min(settings.blockBytes, FIRST_BLOCK_BYTES));
        let filled = 0;
        let size = 0;
        const stage = async () => {
          const data = block.subarray(0, filled);
          block = Buffer.allocUnsafe(settings.blockBytes);
          filled = 0;
          const blockId = upload.blockId(blockIds.length);
          blockIds.push(blockId);
          const staged = blob.stageBlock(blockId, data, data.byteLength);
          // Awaited below in order; this only keeps a failure from going unhandled.
          staged.catch(() => {});
          staging.push(staged);
          if (staging.length >= settings.blocksInFlight) await staging.shift();
        };
        try {
          for await (const piece of body) {
            size += piece.byteLength;
            let at = 0;
            while (at < piece.byteLength) {
              const take = Math.min(settings.blockBytes - filled, piece.byteLength - at);
              if (filled + take > block.byteLength) {
                const wanted = Math.max(block.byteLength * 2, filled + take);
                const grown = Buffer.allocUnsafe(Math.min(settings.blockBytes, wanted));
                block.copy(grown, 0, 0, filled);
                block = grown;
              }
              block.set(piece.subarray(at, at + take), filled);
              filled += take;
              at += take;
              if (filled === settings.blockBytes) await stage();
            }
          }
          if (filled > 0) await stage();
          for (const staged of staging.splice(0)) await staged;
        } catch (error) {
          // Nothing is committed, so the previous version (or none) stays; wait for the
          // blocks in flight so nothing of this put runs on after it has failed.
          await Promise.allSettled(staging);
          throw error;
        }
        // The commit is the one moment the new version appears, whole; Azure has
        // written it durably (three copies at least) before it answers.
        await blob.commitBlockList(blockIds, {
          blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
        });
        return { size };
      });
    },

    async get({ id }) {
      checkId(id);
      await ensureContainer();
      try {
        const response = await container.getBlobClient(id).download(0);
        const stream = response.readableStreamBody;
        if (!stream) throw new Error('The Azure SDK gave no body stream for a download.');
        return Readable.toWeb(stream as Readable) as ReadableStream<Uint8Array>;
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },

    async delete({ id }) {
      checkId(id);
      await ensureContainer();
      await deleteOne(id);
    },

    // One batch request per 256 blobs rather than a request each. If the batch itself
    // cannot be sent (an endpoint without batch support, a credential it refuses), the
    // same blobs are deleted one by one, a few at a time, which surfaces a real error.
    async deleteMany({ ids }) {
      for (const id of ids) checkId(id);
      const unique = [...new Set(ids)];
      if (unique.length === 0) return;
      await ensureContainer();
      const batch = container.getBlobBatchClient();
      for (let at = 0; at < unique.length; at += BATCH) {
        const chunk = unique.slice(at, at + BATCH);
        let retry: boolean;
        try {
          const response = await batch.deleteBlobs(
            chunk.map((id) => container.getBlobClient(id)),
            { deleteSnapshots: 'include' },
          );
          // A missing blob (404) is not an error; anything else is tried again alone.
          retry = response.subResponses.some((sub) => sub.status >= 300 && sub.status !== 404);
        } catch {
          retry = true;
        }
        if (retry) await deleteEach(chunk);
      }
    },

    async list({ after, limit }) {
      return (await page(after, limit)).map((blob) => blob.id);
    },

    async listStored({ after, limit }) {
      return (await page(after, limit)).map(
        (blob): StoredBlob => ({ id: blob.id, storedAt: blob.lastModified }),
      );
    },

    async sweepUnfinished({ before }) {
      await ensureContainer();
      return sweepUncommitted({ container, before, isId, withLock });
    },

    async close() {},
  };
}
