import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore, StoredBlob } from '../../../core/blobs/ports.ts';
import { ConfigurationError, ValidationError } from '../../../core/shared/errors.ts';
import { sharedDirectorySync, syncDirectory } from './directory-sync.ts';

/** Options of the file-system blob store. */
export type FsBlobStoreOptions = {
  /** The folder blobs live in, normally `DATA_DIR/blobs`; created (0700) if missing. */
  dir: string;
};

// Ids become file names, so only characters that are safe in any path component are
// allowed: no separators, no dots (so no `..`), nothing a shell or a backup tool
// treats specially. Callers pass random ids; anything else is a bug, not user input.
const ID = /^[A-Za-z0-9_-]{1,200}$/;
// Blobs go into subfolders named after the id's first two characters, so no single
// folder holds every blob. The shard keeps the id's order: listing shards in order,
// then each shard's ids in order, lists every id in order.
const SHARD_LENGTH = 2;
const READ_SIZE = 256 * 1024;
const UNLINKS_IN_FLIGHT = 8;
const TEMP = /^\./;
// What `put` names its temporary files: `.<id>.<12 hex digits>.tmp`.
const TEMP_FILE = /^\.[A-Za-z0-9_-]{1,200}\.[0-9a-f]{12}\.tmp$/;

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new ValidationError({
      id: 'A blob id may only hold letters, digits, "-" and "_" (1 to 200 of them).',
    });
  }
  return id;
}

function shardOf(id: string): string {
  return id.slice(0, SHARD_LENGTH);
}

// Plain code-unit order, the same as Array.prototype.sort and as bytes for ASCII ids.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The file's modification time, or null when it is gone (deleted since the listing). */
async function modifiedAt(file: string): Promise<Date | null> {
  try {
    return (await stat(file)).mtime;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function checkLimit(limit: unknown): number {
  if (!Number.isInteger(limit) || (limit as number) < 1) {
    throw new ValidationError({ limit: 'The page size must be a whole number above 0.' });
  }
  return limit as number;
}

/**
 * Blobs as files under `dir/<first two characters of id>/<id>`. A put streams into a
 * temporary file beside the target, fsyncs it, renames it over the target and fsyncs
 * the folder, so a crash leaves the old version or the new one, never a mix. A get
 * opens the file first, so a blob replaced or deleted meanwhile still reads whole.
 */
export function fsBlobStore(options: FsBlobStoreOptions): BlobStore {
  if (typeof options?.dir !== 'string' || options.dir.trim() === '') {
    throw new ConfigurationError('The blob folder path is empty; set DATA_DIR.');
  }
  const root = path.resolve(options.dir);
  const fileOf = (id: string) => path.join(root, shardOf(id), id);
  // Puts and deletes in one folder at the same moment share its fsync.
  const syncShard = sharedDirectorySync();

  async function ensureShard(id: string): Promise<string> {
    const dir = path.join(root, shardOf(id));
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    // A new shard folder must itself survive a crash, or its files vanish with it.
    if (created !== undefined) {
      await syncDirectory(root);
      await syncDirectory(path.dirname(root));
    }
    return dir;
  }

  /** Ids in code-unit order after `after`, at most `limit` (a checked page size). */
  async function listIds(after: string | undefined, limit: number): Promise<string[]> {
    const out: string[] = [];
    const shards = (await listDir(root)).filter((name) => !TEMP.test(name)).sort(compare);
    for (const shard of shards) {
      // A shard whose every id sorts at or before `after` can be skipped unread: its
      // ids all start with the shard, so the shard orders them against `after`.
      if (after !== undefined && compare(shard, after.slice(0, SHARD_LENGTH)) < 0) continue;
      // Only names a put could have made: anything else in the folder (a backup tool's
      // file, lost+found) is not a blob, and is never offered for deletion.
      const ids = (await listDir(path.join(root, shard)))
        .filter(
          (name) =>
            ID.test(name) &&
            shardOf(name) === shard &&
            (after === undefined || compare(name, after) > 0),
        )
        .sort(compare);
      for (const id of ids) {
        out.push(id);
        if (out.length === limit) return out;
      }
    }
    return out;
  }

  return {
    async put({ id, body }) {
      const dir = await ensureShard(checkId(id));
      const temp = path.join(dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
      const handle = await open(temp, 'wx', 0o600);
      let size = 0;
      try {
        for await (const chunk of body) {
          let at = 0;
          while (at < chunk.byteLength) {
            const { bytesWritten } = await handle.write(chunk, at, chunk.byteLength - at);
            at += bytesWritten;
          }
          size += chunk.byteLength;
        }
        await handle.sync();
        await handle.close();
        await rename(temp, fileOf(id));
      } catch (error) {
        await handle.close().catch(() => {});
        await unlink(temp).catch(() => {});
        throw error;
      }
      await syncShard(dir);
      return { size };
    },

    async get({ id }) {
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(fileOf(checkId(id)), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const buffer = Buffer.allocUnsafe(READ_SIZE);
            const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, null);
            if (bytesRead === 0) {
              await handle.close();
              controller.close();
              return;
            }
            controller.enqueue(buffer.subarray(0, bytesRead));
          } catch (error) {
            await handle.close().catch(() => {});
            throw error;
          }
        },
        async cancel() {
          await handle.close();
        },
      });
    },

    async delete({ id }) {
      const file = fileOf(checkId(id));
      try {
        await unlink(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      await syncShard(path.dirname(file));
    },

    // No folder fsync, unlike `delete`: a batch's blobs lie in hundreds of shard folders,
    // and syncing each would cost what the purge used to pay per blob. An unlink a power
    // cut undoes leaves a file no row or queue entry names (the rows committed first),
    // ciphertext only, which orphan clean-up removes after its grace period.
    async deleteMany({ ids }) {
      const files = ids.map((id) => fileOf(checkId(id)));
      let next = 0;
      const worker = async () => {
        while (next < files.length) {
          const file = files[next++] as string;
          try {
            await unlink(file);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
        }
      };
      // A few unlinks in flight keep libuv's threads busy without flooding its queue.
      await Promise.all(Array.from({ length: Math.min(UNLINKS_IN_FLIGHT, files.length) }, worker));
    },

    async list({ after, limit }) {
      return listIds(after, checkLimit(limit));
    },

    async listStored({ after, limit }) {
      checkLimit(limit);
      const out: StoredBlob[] = [];
      let from = after;
      while (out.length < limit) {
        const wanted = limit - out.length;
        const ids = await listIds(from, wanted);
        for (const id of ids) {
          // Deleted between the listing and the stat: left out, and the page topped up.
          const storedAt = await modifiedAt(fileOf(id));
          if (storedAt) out.push({ id, storedAt });
        }
        if (ids.length < wanted) break;
        from = ids[ids.length - 1];
      }
      return out;
    },

    async sweepUnfinished({ before }) {
      // A put writes its temporary file as the bytes arrive, so the file's modification
      // time is its last progress. One older than `before` belongs to a put that died
      // (or stalled that long: its rename then fails, and the put with it).
      let removed = 0;
      for (const shard of (await listDir(root)).filter((name) => !TEMP.test(name))) {
        const dir = path.join(root, shard);
        let changed = false;
        for (const name of (await listDir(dir)).filter((n) => TEMP_FILE.test(n))) {
          const file = path.join(dir, name);
          const written = await modifiedAt(file);
          if (!written || written.getTime() >= before.getTime()) continue;
          try {
            await unlink(file);
            removed += 1;
            changed = true;
          } catch (error) {
            // Renamed into place or removed by its own put meanwhile.
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
        }
        if (changed) await syncDirectory(dir);
      }
      return removed;
    },
  };
}
