// Blobs moving into and out of an Azure container (Azurite here): a populated instance
// with its blobs in files moves them with `sealpost migrate-data --blobs-from fs`,
// reads every message from the container, moves them back into a new blob folder with
// `--blobs-from azure-blob`, byte for byte; and a backup of an instance on Azure
// restores into a new DATA_DIR and a new container.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, type Manifest } from '../../adapters/backup/manifest.ts';
import { type Azurite, azuriteAvailable, startAzurite } from '../support/azurite.ts';
import { runCli, tempDir } from '../support/cli.ts';
import {
  copyKeys,
  expectEveryMessageReads,
  instanceEnv,
  openInstance,
  populate,
  type SentMessage,
} from './support.ts';

/** Every file under a blob folder (`<shard>/<id>`) with its SHA-256. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const shard of readdirSync(dir).sort()) {
    for (const id of readdirSync(path.join(dir, shard)).sort()) {
      const bytes = readFileSync(path.join(dir, shard, id));
      out.set(`${shard}/${id}`, createHash('sha256').update(bytes).digest('hex'));
    }
  }
  return out;
}

if (azuriteAvailable('Blob moves with Azure (Azurite)')) {
  describe('blobs moving between a folder and an Azure container', () => {
    const root = tempDir('sealpost-azure-moves-');
    const dataDir = path.join(root, 'data');
    let azurite: Azurite | undefined;
    let sent: SentMessage[] = [];
    // Every blob in the blob store, none inline in the database, so all of them move.
    const fsEnv = { ...instanceEnv({ dataDir }), INLINE_BLOB_MAX_KB: '0' };
    const azureEnv = (container: string, dir = dataDir) => ({
      ...instanceEnv({ dataDir: dir }),
      INLINE_BLOB_MAX_KB: '0',
      BLOB_STORE: 'azure-blob',
      AZURE_BLOB_CONTAINER: container,
      AZURE_BLOB_CONNECTION_STRING: azurite?.connectionString ?? '',
    });

    beforeAll(async () => {
      azurite = await startAzurite();
      const app = await openInstance(fsEnv);
      try {
        sent = await populate(app, 4);
      } finally {
        await app.close();
      }
    }, 120_000);
    afterAll(async () => {
      await azurite?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    it('moves the blobs fs -> azure-blob -> fs, every byte the same, every message readable', async () => {
      const original = filesOf(path.join(dataDir, 'blobs'));
      expect(original.size).toBeGreaterThan(3);

      const toAzure = await runCli(['migrate-data', '--blobs-from', 'fs'], azureEnv('moves'));
      expect(toAzure.code, toAzure.stderr).toBe(0);
      expect(toAzure.stdout).toContain(`Copied ${original.size} blobs`);
      const container = BlobServiceClient.fromConnectionString(
        azurite?.connectionString as string,
      ).getContainerClient('moves');
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat()) names.push(blob.name);
      expect(names.sort()).toEqual([...original.keys()].map((k) => k.split('/')[1]).sort());

      // The folder is moved aside: from here on the messages can only come from Azure.
      renameSync(path.join(dataDir, 'blobs'), path.join(root, 'blobs-before'));
      const onAzure = await openInstance(azureEnv('moves'));
      try {
        await expectEveryMessageReads(onAzure, sent);
      } finally {
        await onAzure.close();
      }
      expect(existsSync(path.join(dataDir, 'blobs'))).toBe(false);

      const back = await runCli(['migrate-data', '--blobs-from', 'azure-blob'], {
        ...azureEnv('moves'),
        BLOB_STORE: 'fs',
      });
      expect(back.code, back.stderr).toBe(0);
      expect(filesOf(path.join(dataDir, 'blobs'))).toEqual(original);
      const onFiles = await openInstance(fsEnv);
      try {
        await expectEveryMessageReads(onFiles, sent);
      } finally {
        await onFiles.close();
      }
    }, 120_000);

    it('refuses a copy from the store BLOB_STORE names, or with the database flags', async () => {
      const same = await runCli(['migrate-data', '--blobs-from', 'fs'], fsEnv);
      expect(same.code).toBe(2);
      expect(same.stderr).toContain('BLOB_STORE is fs already');
      const mixed = await runCli(
        ['migrate-data', '--blobs-from', 'fs', '--to', 'postgres://x@127.0.0.1/x'],
        azureEnv('moves'),
      );
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toContain('copies the blobs only');
      const unnamed = await runCli(['migrate-data', '--blobs-from', 'azure-blob'], fsEnv);
      expect(unnamed.code).toBe(2);
      expect(unnamed.stderr).toContain('needs AZURE_BLOB_CONTAINER');
    });

    it('backs up from a container and restores into a new DATA_DIR and a new container', async () => {
      const out = path.join(root, 'backup');
      const backup = await runCli(['backup', '--out', out], azureEnv('moves'));
      expect(backup.code, backup.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(path.join(out, MANIFEST_FILE), 'utf8')) as Manifest;
      expect(manifest.blobStore).toBe('fs');
      expect(manifest.blobCount).toBeGreaterThan(3);

      const targetDir = path.join(root, 'restored');
      copyKeys(dataDir, targetDir);
      const restore = await runCli(['restore', '--from', out], azureEnv('restored', targetDir));
      expect(restore.code, restore.stderr).toBe(0);
      const restored = await openInstance(azureEnv('restored', targetDir));
      try {
        await expectEveryMessageReads(restored, sent);
        expect(await restored.blobs.list({ limit: 1000 })).toHaveLength(manifest.blobCount);
      } finally {
        await restored.close();
      }
      // The container is not empty any more: a second restore is refused without --force.
      rmSync(path.join(targetDir, 'sealpost.db'), { force: true });
      const again = await runCli(['restore', '--from', out], azureEnv('restored', targetDir));
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain('blobs in the Azure container restored');
    }, 120_000);
  });
}
