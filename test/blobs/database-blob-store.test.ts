// What only the database blob store can show, beyond the BlobStore contract: chunk rows
// of bounded size, puts that died leaving nothing visible and being swept later, reads
// that fetch one chunk at a time, a replaced blob failing a read loudly rather than
// mixing versions, and BLOB_STORE choosing it.

import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BlobChangedWhileReading,
  type BlobChunks,
  databaseBlobStore,
} from '../../adapters/blobs/database/index.ts';
import { chooseBlobStore } from '../../adapters/compose.ts';
import { type ConfigProblems, parseConfig } from '../../adapters/config/config.ts';
import { sqliteBlobChunks } from '../../adapters/storage/sqlite/blob-chunks.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { digestOf, patternBytes, streamInPieces } from '../contracts/blob-store-contract.ts';
import { tempDir } from '../support/cli.ts';

const root = tempDir('sealpost-dbblob-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A migrated SQLite file and its path. */
async function migratedFile(): Promise<string> {
  const file = path.join(root, `db-${++n}.db`);
  const storage = sqliteStorage({ path: file });
  await storage.migrate();
  await storage.close();
  return file;
}

function rowsOf(file: string, query: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(query).all();
  } finally {
    db.close();
  }
}

describe('databaseBlobStore', () => {
  it('refuses to be built without chunk tables or with an odd chunk size', () => {
    expect(() => databaseBlobStore({ chunks: undefined as unknown as BlobChunks })).toThrow(
      ConfigurationError,
    );
    const fake = { writeChunk: async () => {} } as unknown as BlobChunks;
    expect(() => databaseBlobStore({ chunks: fake, chunkBytes: 0 })).toThrow(ConfigurationError);
    expect(() => databaseBlobStore({ chunks: fake, chunkBytes: 1.5 })).toThrow(ConfigurationError);
    expect(() => sqliteBlobChunks({ path: ':memory:' })).toThrow(ConfigurationError);
    expect(() => sqliteBlobChunks({ path: '' })).toThrow(ConfigurationError);
  });

  it('stores chunks of at most chunkBytes, and replacing a blob removes the old chunks', async () => {
    const file = await migratedFile();
    const store = databaseBlobStore({ chunks: sqliteBlobChunks({ path: file }), chunkBytes: 1000 });
    try {
      const body = patternBytes(4_500, 3);
      expect(await store.put({ id: 'b1', body: streamInPieces(body, [7, 2_999, 1]) })).toEqual({
        size: 4_500,
      });
      expect(rowsOf(file, 'select seq, length(data) as n from blob_chunks order by seq')).toEqual([
        { seq: 0, n: 1000 },
        { seq: 1, n: 1000 },
        { seq: 2, n: 1000 },
        { seq: 3, n: 1000 },
        { seq: 4, n: 500 },
      ]);
      await store.put({ id: 'b1', body: streamOf(patternBytes(10, 4)) });
      expect(rowsOf(file, 'select count(*) as n from blob_chunks')).toEqual([{ n: 1 }]);
      expect(rowsOf(file, 'select id, size, chunk_count from blobs')).toEqual([
        { id: 'b1', size: 10, chunk_count: 1 },
      ]);
      await store.delete({ id: 'b1' });
      expect(rowsOf(file, 'select count(*) as n from blob_chunks')).toEqual([{ n: 0 }]);
    } finally {
      await store.close();
    }
  });

  it('reads one chunk at a time, as the reader asks for them', async () => {
    const file = await migratedFile();
    const chunks = sqliteBlobChunks({ path: file });
    let reads = 0;
    const counting: BlobChunks = {
      ...chunks,
      readChunk: (args) => {
        reads += 1;
        return chunks.readChunk(args);
      },
    };
    const store = databaseBlobStore({ chunks: counting, chunkBytes: 1000 });
    try {
      await store.put({ id: 'lazy', body: streamOf(patternBytes(10_000)) });
      const reader = (await store.get({ id: 'lazy' }))?.getReader();
      if (!reader) throw new Error('missing');
      expect(reads).toBe(0);
      expect((await reader.read()).value?.byteLength).toBe(1000);
      expect(reads).toBe(1);
      await reader.read();
      expect(reads).toBe(2);
      await reader.cancel();
    } finally {
      await store.close();
    }
  });

  it('fails a read loudly when the blob is replaced part-way, never mixing versions', async () => {
    const file = await migratedFile();
    const store = databaseBlobStore({ chunks: sqliteBlobChunks({ path: file }), chunkBytes: 1000 });
    try {
      await store.put({ id: 'moving', body: streamOf(patternBytes(5_000, 1)) });
      const reader = (await store.get({ id: 'moving' }))?.getReader();
      if (!reader) throw new Error('missing');
      await reader.read();
      await store.put({ id: 'moving', body: streamOf(patternBytes(5_000, 2)) });
      await expect(reader.read()).rejects.toThrow(BlobChangedWhileReading);
      // A new read gets the new version whole.
      const again = await store.get({ id: 'moving' });
      expect(digestOf(await readAll(again as ReadableStream<Uint8Array>))).toBe(
        digestOf(patternBytes(5_000, 2)),
      );
    } finally {
      await store.close();
    }
  });

  it('leaves nothing visible of a put that died, and sweeps its chunks once old enough', async () => {
    const file = await migratedFile();
    let now = new Date('2026-11-01T10:00:00Z');
    const chunks = sqliteBlobChunks({ path: file });
    const store = databaseBlobStore({
      chunks,
      chunkBytes: 1000,
      abandonedAfterMs: 60 * 60_000,
      now: () => now,
    });
    try {
      await store.put({ id: 'kept', body: streamOf(patternBytes(2_500, 5)) });
      // A process killed after writing two chunks of a new version, before its commit.
      await chunks.writeChunk({
        uploadId: 'dead-upload',
        seq: 0,
        data: new Uint8Array(1000),
        at: now,
      });
      await chunks.writeChunk({
        uploadId: 'dead-upload',
        seq: 1,
        data: new Uint8Array(1000),
        at: now,
      });
      expect(await store.list({ limit: 10 })).toEqual(['kept']);
      expect(
        digestOf(await readAll((await store.get({ id: 'kept' })) as ReadableStream<Uint8Array>)),
      ).toBe(digestOf(patternBytes(2_500, 5)));

      // Too recent to be called dead: an upload may still be running.
      expect(await store.sweep()).toBe(0);
      now = new Date(now.getTime() + 2 * 60 * 60_000);
      expect(await store.sweep()).toBe(2);
      expect(
        rowsOf(file, "select count(*) as n from blob_chunks where upload_id = 'dead-upload'"),
      ).toEqual([{ n: 0 }]);
      // The committed blob's chunks, however old, are never swept.
      expect(await store.sweep()).toBe(0);
      expect((await store.get({ id: 'kept' })) === null).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('is refused inside a storage transaction rather than waiting for it forever', async () => {
    const file = await migratedFile();
    const storage = sqliteStorage({ path: file });
    const store = databaseBlobStore({ chunks: sqliteBlobChunks({ path: file }) });
    try {
      await expect(
        storage.transaction(() => store.put({ id: 'inside', body: streamOf(new Uint8Array(3)) })),
      ).rejects.toThrow('inside a transaction');
      // Beside the storage's own statements, it takes turns and both go on.
      await Promise.all([
        store.put({ id: 'beside', body: streamOf(patternBytes(300_000)) }),
        storage.repos.settings.set({ key: 'k', value: 1 }),
      ]);
      expect(await store.list({ limit: 5 })).toEqual(['beside']);
    } finally {
      await store.close();
      await storage.close();
    }
  });
});

describe('BLOB_STORE', () => {
  it('chooses the file store by default and the database store when asked', async () => {
    const dataDir = path.join(root, 'choose');
    const fsConfig = parseConfig({ DATA_DIR: dataDir });
    expect(fsConfig.blobStore).toBe('fs');
    const storage = sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });
    await storage.migrate();
    await storage.close();

    const dbConfig = parseConfig({ DATA_DIR: dataDir, BLOB_STORE: 'database' });
    const chosen = chooseBlobStore(dbConfig);
    try {
      await chosen.blobs.put({ id: 'in-db', body: streamOf(new Uint8Array([1, 2, 3])) });
      expect(rowsOf(path.join(dataDir, 'sealpost.db'), 'select id from blobs')).toEqual([
        { id: 'in-db' },
      ]);
    } finally {
      await chosen.close();
    }
  });

  it('names the allowed values when it is wrong', () => {
    try {
      parseConfig({ BLOB_STORE: 's3', METRICS_TOKEN: 'too short' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigProblems).problems).toEqual([
        'BLOB_STORE must be one of fs, database, azure-blob (got "s3").',
        'METRICS_TOKEN must be at least 32 characters with no spaces, e.g. the output of: openssl rand -hex 32',
      ]);
    }
  });
});
