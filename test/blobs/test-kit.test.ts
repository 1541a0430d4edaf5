// The exported contract suites, used the way an adapter in its own package uses them:
// through the package name, not a path into this repository. Here the database blob
// store runs it with its real 256 KiB chunks (the contract run in test/contracts uses
// smaller ones, to cross more chunk edges).

import { rmSync } from 'node:fs';
import path from 'node:path';
import { blobStoreContract } from 'sealpost/test-kit';
import { afterAll } from 'vitest';
import { type DatabaseBlobStore, databaseBlobStore } from '../../adapters/blobs/database/index.ts';
import { sqliteBlobChunks } from '../../adapters/storage/sqlite/blob-chunks.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { tempDir } from '../support/cli.ts';

const dir = tempDir('sealpost-test-kit-');
const open: DatabaseBlobStore[] = [];
let n = 0;
afterAll(async () => {
  for (const store of open) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

blobStoreContract('databaseBlobStore through sealpost/test-kit', async () => {
  const file = path.join(dir, `kit-${++n}.db`);
  const storage = sqliteStorage({ path: file });
  await storage.migrate();
  await storage.close();
  const store = databaseBlobStore({ chunks: sqliteBlobChunks({ path: file }) });
  open.push(store);
  return store;
});
