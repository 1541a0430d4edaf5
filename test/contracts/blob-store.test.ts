import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobChunks } from '../../adapters/blobs/database/chunks.ts';
import { type DatabaseBlobStore, databaseBlobStore } from '../../adapters/blobs/database/index.ts';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { postgresBlobChunks } from '../../adapters/storage/postgres/blob-chunks.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteBlobChunks } from '../../adapters/storage/sqlite/blob-chunks.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import {
  type AbandonPut,
  blobStoreContract,
  digestOf,
  patternBytes,
} from './blob-store-contract.ts';

// A killed put of the file store leaves its temporary file beside where the blob would go.
const fsFolders = new Map<BlobStore, string>();
blobStoreContract(
  'fsBlobStore',
  async () => {
    const dir = tempDir('sealpost-blobs-');
    const store = fsBlobStore({ dir });
    fsFolders.set(store, dir);
    return store;
  },
  {
    abandonPut:
      (store): AbandonPut =>
      async ({ id, at }) => {
        const shard = path.join(fsFolders.get(store) ?? '', id.slice(0, 2));
        mkdirSync(shard, { recursive: true });
        const file = path.join(shard, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
        writeFileSync(file, 'half a blob');
        utimesSync(file, at, at);
      },
  },
);

// A killed put of the database store leaves chunks of an upload no blob names.
const chunksOf = new Map<BlobStore, BlobChunks>();
const abandonChunks =
  (store: BlobStore): AbandonPut =>
  async ({ at }) => {
    const chunks = chunksOf.get(store);
    if (!chunks) throw new Error('no chunks for this store');
    const uploadId = randomBytes(12).toString('base64url');
    for (const seq of [0, 1]) {
      await chunks.writeChunk({ uploadId, seq, data: patternBytes(100, seq + 1), at });
    }
  };

// The database adapter runs the same suite on both dialects, with no known difference.
// Its chunks are 64 KiB here rather than 256 KiB, so the suite's 3 MB blob spans ~50
// chunks and its 200-300 kB blobs several: the chunk edges get exercised, not skipped.
describe('databaseBlobStore on SQLite', () => {
  const dir = tempDir('sealpost-dbblobs-');
  const open: DatabaseBlobStore[] = [];
  let n = 0;
  afterAll(async () => {
    for (const store of open) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  blobStoreContract(
    'databaseBlobStore (sqlite)',
    async () => {
      const file = path.join(dir, `blobs-${++n}.db`);
      const storage = sqliteStorage({ path: file });
      await storage.migrate();
      await storage.close();
      const chunks = sqliteBlobChunks({ path: file });
      const store = databaseBlobStore({ chunks, chunkBytes: 65_536 });
      chunksOf.set(store, chunks);
      open.push(store);
      return store;
    },
    { abandonPut: abandonChunks },
  );
});

if (postgresAvailable('BlobStore contract (databaseBlobStore)')) {
  describe('databaseBlobStore on PostgreSQL', () => {
    let database: { url: string; drop: () => Promise<void> } | undefined;
    let admin: postgres.Sql | undefined;
    let store: DatabaseBlobStore | undefined;

    beforeAll(async () => {
      database = await createTestDatabase('sealpost_blobs');
      const storage = postgresStorage({ url: database.url });
      await storage.migrate();
      await storage.close();
      admin = postgres(database.url, { max: 1, onnotice: () => {} });
      const chunks = postgresBlobChunks({ url: database.url });
      store = databaseBlobStore({ chunks, chunkBytes: 65_536 });
      chunksOf.set(store, chunks);
    });
    afterAll(async () => {
      await store?.close();
      await admin?.end();
      await database?.drop();
    });

    // One pool for the whole suite; each test starts from empty tables.
    blobStoreContract(
      'databaseBlobStore (postgres)',
      async () => {
        if (!admin || !store) throw new Error('the test database was not created');
        await admin.unsafe('delete from blob_chunks; delete from blobs;');
        return store;
      },
      { abandonPut: abandonChunks },
    );
  });
}

// What only the file-system adapter can show: files, modes, leftovers of a crash.
describe('fsBlobStore on disk', () => {
  it('refuses to be built without a folder', () => {
    expect(() => fsBlobStore({ dir: '' })).toThrow(ConfigurationError);
    expect(() => fsBlobStore({ dir: '   ' })).toThrow(ConfigurationError);
  });

  it('writes private files into shard folders and leaves no temporary file behind', async () => {
    const dir = path.join(tempDir('sealpost-blobs-'), 'blobs');
    const store = fsBlobStore({ dir });
    await store.put({ id: 'abcdef', body: streamOf(patternBytes(5000)) });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'ab')).mode & 0o777).toBe(0o700);
    expect(readdirSync(path.join(dir, 'ab'))).toEqual(['abcdef']);
    expect(statSync(path.join(dir, 'ab', 'abcdef')).mode & 0o777).toBe(0o600);
  });

  it('does not list the temporary file of a put that crashed', async () => {
    const dir = tempDir('sealpost-blobs-');
    const store = fsBlobStore({ dir });
    await store.put({ id: 'kept', body: streamOf(new Uint8Array([1])) });
    writeFileSync(path.join(dir, 'ke', '.kept2.0123456789ab.tmp'), 'half a blob');
    expect(await store.list({ limit: 10 })).toEqual(['kept']);
    expect(await store.get({ id: 'kept2' })).toBeNull();
  });

  it('reads a blob whole even if it is replaced or deleted while being read', async () => {
    const store = fsBlobStore({ dir: tempDir('sealpost-blobs-') });
    const first = patternBytes(1_000_000, 3);
    await store.put({ id: 'moving', body: streamOf(first) });
    const reading = await store.get({ id: 'moving' });
    await store.put({ id: 'moving', body: streamOf(new Uint8Array([9, 9, 9])) });
    await store.delete({ id: 'moving' });
    expect(digestOf(await readAll(reading as ReadableStream<Uint8Array>))).toBe(digestOf(first));
  });

  it('releases the file when a reader stops early', async () => {
    const store = fsBlobStore({ dir: tempDir('sealpost-blobs-') });
    await store.put({ id: 'partly', body: streamOf(patternBytes(2_000_000)) });
    const stream = (await store.get({ id: 'partly' })) as ReadableStream<Uint8Array>;
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    await store.delete({ id: 'partly' });
    expect(await store.get({ id: 'partly' })).toBeNull();
  });

  it('refuses a page size that is not a whole number above 0', async () => {
    const store = fsBlobStore({ dir: tempDir('sealpost-blobs-') });
    await expect(store.list({ limit: 0 })).rejects.toThrow();
    await expect(store.list({ limit: 1.5 })).rejects.toThrow();
  });
});
