import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import {
  type AbandonPut,
  type BlobStore,
  blobStoreContract,
  digestOf,
  patternBytes,
} from 'sealpost/test-kit';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUpload } from '../../adapters/blobs/azure-blob/block-ids.ts';
import {
  AzureBlobAccessError,
  AzureBlobConfigurationError,
  azureBlobStore,
  azureBlobStoreOptions,
} from '../../adapters/blobs/azure-blob/index.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { type Azurite, azuriteAvailable, startAzurite } from '../support/azurite.ts';
import { ROOT } from '../support/cli.ts';

// The Azure Blob adapter runs the contract every store runs, against Azurite (the
// emulator, from npm) started here on a loopback port. Each store gets a new container.
// Known difference: a walk's next page starts from Azure's continuation token, so a blob
// put between two pages of a walk, before that point, is not seen until the next walk
// (adapters/blobs/azure-blob/listing.ts); the contract does not put between pages.
if (azuriteAvailable('BlobStore contract (azureBlobStore)')) {
  let azurite: Azurite | undefined;
  const containers = new Map<BlobStore, ContainerClient>();
  let n = 0;

  beforeAll(async () => {
    azurite = await startAzurite();
  }, 60_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  const connection = () => {
    if (!azurite) throw new Error('Azurite did not start');
    return azurite.connectionString;
  };

  const newStore = (blockBytes = 64 * 1024) => {
    const container = `contract-${++n}-${randomBytes(4).toString('hex')}`;
    const store = azureBlobStore({ connectionString: connection(), container, blockBytes });
    containers.set(
      store,
      BlobServiceClient.fromConnectionString(connection()).getContainerClient(container),
    );
    return store;
  };

  // A killed put leaves staged, uncommitted blocks, named as the put names them: the
  // hook stages one block exactly so, as if the put had begun at `at`.
  blobStoreContract('azureBlobStore (Azurite)', async () => newStore(), {
    abandonPut:
      (store): AbandonPut =>
      async ({ id, at }) => {
        const container = containers.get(store);
        if (!container) throw new Error('no container for this store');
        const data = patternBytes(100, 9);
        await container
          .getBlockBlobClient(id)
          .stageBlock(newUpload(at).blockId(0), data, data.byteLength);
      },
  });

  describe('azureBlobStore against Azurite', () => {
    it('imports only what a package of its own could: the SDK, zod, node and sealpost/adapter', () => {
      const dir = path.join(ROOT, 'adapters/blobs/azure-blob');
      const allowed =
        /^(@azure\/storage-blob|@azure\/identity|zod|node:[a-z]+|sealpost\/adapter|\.\/[a-z-]+\.ts)$/;
      const found: string[] = [];
      for (const file of readdirSync(dir).filter(
        (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
      )) {
        const { importedFiles } = ts.preProcessFile(
          readFileSync(path.join(dir, file), 'utf8'),
          true,
          true,
        );
        for (const { fileName } of importedFiles) found.push(fileName);
      }
      expect(found).toContain('@azure/storage-blob');
      expect(found.filter((name) => !allowed.test(name))).toEqual([]);
    });

    it('refuses options it cannot work with, naming each', () => {
      expect(() => azureBlobStore({ container: 'ok-name' } as never)).toThrow(
        AzureBlobConfigurationError,
      );
      expect(() =>
        azureBlobStore({
          connectionString: 'x',
          accountUrl: 'https://a.example',
          container: 'c1c',
        }),
      ).toThrow(/exactly one of connectionString and accountUrl/);
      expect(() => azureBlobStore({ connectionString: 'x', container: 'Bad_Name' })).toThrow(
        /container must be 3 to 63/,
      );
      expect(() =>
        azureBlobStore({ connectionString: 'x', container: 'fine', blockBytes: 10 }),
      ).toThrow(/blockBytes/);
      expect(
        azureBlobStoreOptions.safeParse({ connectionString: 'x', container: 'fine' }).success,
      ).toBe(true);
    });

    it('never repeats a connection string it cannot read', () => {
      const secret = 'AccountKey=not-a-real-key-but-secret';
      let message = '';
      try {
        azureBlobStore({ connectionString: secret, container: 'fine' });
      } catch (error) {
        message = String((error as Error).message);
      }
      expect(message).toMatch(/connection string cannot be read/);
      expect(message).not.toContain('not-a-real-key');
    });

    it('says what to fix when the account refuses it, without the key', async () => {
      const wrongKey = Buffer.from('not the emulator key, 32 bytes!!').toString('base64');
      const refused = azureBlobStore({
        connectionString: connection().replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`),
        container: 'refused',
      });
      const error = await refused.list({ limit: 1 }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(AzureBlobAccessError);
      expect(error?.message).toMatch(/cannot use container "refused" \(403\)/);
      expect(error?.message).toMatch(/Storage Blob Data Contributor/);
      expect(error?.message).not.toContain(wrongKey);
    });

    it('creates its container on first use', async () => {
      const store = newStore();
      const container = containers.get(store) as ContainerClient;
      expect(await container.exists()).toBe(false);
      expect(await store.list({ limit: 1 })).toEqual([]);
      expect(await container.exists()).toBe(true);
    });

    it('stores a put as blocks of blockBytes, committed once, with no block left over', async () => {
      const store = newStore(64 * 1024);
      const body = patternBytes(64 * 1024 * 5 + 3, 5);
      await store.put({ id: 'blocks', body: streamOf(body) });
      const blob = (containers.get(store) as ContainerClient).getBlockBlobClient('blocks');
      const list = await blob.getBlockList('all');
      expect(list.committedBlocks?.length).toBe(6);
      expect(list.uncommittedBlocks ?? []).toEqual([]);
    });

    it('deletes snapshots with their blob, so nothing of it can be read back', async () => {
      const store = newStore();
      await store.put({ id: 'snapped', body: streamOf(patternBytes(1000)) });
      const blob = (containers.get(store) as ContainerClient).getBlobClient('snapped');
      const { snapshot } = await blob.createSnapshot();
      await store.delete({ id: 'snapped' });
      expect(await blob.exists()).toBe(false);
      expect(await blob.withSnapshot(snapshot as string).exists()).toBe(false);
    });

    it('skips names another tool left in the container', async () => {
      const store = newStore();
      await store.put({ id: 'ours', body: streamOf(patternBytes(10)) });
      const container = containers.get(store) as ContainerClient;
      await container.getBlockBlobClient('not/ours.txt').upload('x', 1);
      expect(await store.list({ limit: 10 })).toEqual(['ours']);
      expect(await store.list({ after: 'n', limit: 10 })).toEqual(['ours']);
    });

    it('pages through more blobs than one page, from any `after`', async () => {
      const store = newStore();
      const ids = Array.from({ length: 40 }, (_, i) => randomBytes(6).toString('base64url') + i);
      for (const id of ids) await store.put({ id, body: streamOf(new Uint8Array([1])) });
      const sorted = [...ids].sort();
      for (const after of [sorted[7] as string, `${sorted[20]}0`, 'M', '-', 'zzz']) {
        expect(await store.list({ after, limit: 100 })).toEqual(sorted.filter((i) => i > after));
      }
      const walked: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.list(after === undefined ? { limit: 7 } : { after, limit: 7 });
        walked.push(...page);
        if (page.length < 7) break;
        after = page[page.length - 1];
      }
      expect(walked).toEqual(sorted);
    });

    it('costs a walk one list request per page, however long the ids', async () => {
      const store = newStore();
      const ids = Array.from({ length: 30 }, (_, i) => `${randomBytes(12).toString('hex')}${i}`);
      for (const id of ids) await store.put({ id, body: streamOf(new Uint8Array([1])) });
      const container = (containers.get(store) as ContainerClient).containerName;
      const lists = () =>
        (azurite as Azurite)
          .requests()
          .filter((r) => r.includes(`/${container}?`) && r.includes('comp=list')).length;
      const before = lists();
      let pages = 0;
      let after: string | undefined;
      for (;;) {
        const page = await store.list(after === undefined ? { limit: 4 } : { after, limit: 4 });
        pages += 1;
        if (page.length < 4) break;
        after = page[page.length - 1];
      }
      // Azurite's access log is written as it answers: wait until it shows every request.
      await expect.poll(lists, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + pages);
      expect(lists() - before).toBe(pages);
      // An id from the middle of a page (as `withInlineBlobs` passes on when database
      // rows filled the rest of its page) resumes from that request: one more.
      // Counted from the settled log before the request: Azurite may log it before
      // `list` returns or a moment after, and either must give the same count.
      const settled = lists();
      const first = await store.list({ limit: 4 });
      const middle = settled + 1;
      await expect.poll(lists, { timeout: 10_000 }).toBe(middle);
      expect(await store.list({ after: first[1] as string, limit: 4 })).toEqual(
        [...ids].sort().slice(2, 6),
      );
      await expect.poll(lists, { timeout: 10_000 }).toBeGreaterThanOrEqual(middle + 1);
      expect(lists()).toBe(middle + 1);
      // A store that has listed nothing yet (a new process) answers from prefixes:
      // right, in many more requests.
      const fresh = azureBlobStore({ connectionString: connection(), container });
      const from = lists();
      expect(await fresh.list({ after: ids[5] as string, limit: 4 })).toEqual(
        [...ids]
          .sort()
          .filter((i) => i > (ids[5] as string))
          .slice(0, 4),
      );
      await expect.poll(lists, { timeout: 10_000 }).toBeGreaterThan(from + 1);
    });

    it('reads back a blob of many blocks, byte for byte', async () => {
      const store = newStore(256 * 1024);
      const body = patternBytes(5 * 1024 * 1024 + 11, 8);
      expect(await store.put({ id: 'large', body: streamOf(body) })).toEqual({
        size: body.byteLength,
      });
      const stream = await store.get({ id: 'large' });
      expect(digestOf(await readAll(stream as ReadableStream<Uint8Array>))).toBe(digestOf(body));
    });
  });
}
