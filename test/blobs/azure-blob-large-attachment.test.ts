// The acceptance test of the Azure Blob store (issue 23): a message with a 50 MB
// attachment, sent through the composed application with BLOB_STORE=azure-blob
// (Azurite here), comes back to its recipient byte for byte. The file is made and
// hashed a megabyte at a time on the way in and out, never held whole by the test.

import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sealpost } from '../../adapters/compose.ts';
import { emailKey } from '../../core/accounts/email.ts';
import { downloadAttachment } from '../../core/messages/download-attachment.ts';
import { openMessage } from '../../core/messages/open-message.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { instanceEnv, openInstance } from '../backup/support.ts';
import { makeStaff } from '../factories.ts';
import { patternBytes } from '../kit/index.ts';
import { type Azurite, azuriteAvailable, startAzurite } from '../support/azurite.ts';
import { tempDir } from '../support/cli.ts';

const MIB = 1024 * 1024;
const SIZE = 50 * MIB;

/** SIZE bytes, a different pattern per megabyte, generated as read; `digest` once read. */
function bigFile() {
  const hash = createHash('sha256');
  let at = 0;
  const content = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= SIZE) return controller.close();
      const piece = patternBytes(Math.min(MIB, SIZE - at), at / MIB + 1);
      hash.update(piece);
      at += piece.byteLength;
      controller.enqueue(piece);
    },
  });
  return { content, digest: () => hash.digest('hex') };
}

if (azuriteAvailable('50 MB attachment through azure-blob')) {
  describe('a 50 MB attachment through BLOB_STORE=azure-blob', () => {
    const root = tempDir('sealpost-azure-50mb-');
    let azurite: Azurite | undefined;
    let app: Sealpost | undefined;

    beforeAll(async () => {
      azurite = await startAzurite();
      app = await openInstance({
        ...instanceEnv({ dataDir: path.join(root, 'data') }),
        BLOB_STORE: 'azure-blob',
        AZURE_BLOB_CONTAINER: 'large-files',
        AZURE_BLOB_CONNECTION_STRING: azurite.connectionString,
      });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await azurite?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    it('is sent, stored as blocks in the container, and read back with the same SHA-256', async () => {
      if (!app || !azurite) throw new Error('not started');
      const sender = makeStaff({ email: 'officer@example.gov.uk' });
      await app.storage.repos.accounts.insert({ account: sender });
      const file = bigFile();
      const deps = { ...app, publicUrl: app.config.publicUrl };
      const result = await sendMessage(deps, await app.settings.get(), {
        senderId: sender.id,
        to: ['resident@example.org'],
        cc: [],
        subject: 'Planning file',
        body: 'The whole file is attached.',
        bodyFormat: 'text',
        attachments: [
          { name: 'plans.bin', contentType: 'application/octet-stream', content: file.content },
        ],
        readOnly: false,
        classification: null,
        source: 'portal',
        ip: '192.0.2.1',
      });
      if (!result.ok) throw new Error(`send failed: ${JSON.stringify(result.issues)}`);
      const sentDigest = file.digest();

      // The encrypted file is in the container, committed as many blocks.
      const container = BlobServiceClient.fromConnectionString(
        azurite.connectionString,
      ).getContainerClient('large-files');
      let largest = { name: '', size: 0 };
      for await (const blob of container.listBlobsFlat()) {
        const size = blob.properties.contentLength ?? 0;
        if (size > largest.size) largest = { name: blob.name, size };
      }
      expect(largest.size).toBeGreaterThan(SIZE);
      const blocks = await container.getBlockBlobClient(largest.name).getBlockList('committed');
      expect(blocks.committedBlocks?.length).toBeGreaterThan(10);

      const recipient = await app.storage.repos.accounts.findByEmailKey({
        emailKey: emailKey('resident@example.org'),
      });
      if (!recipient) throw new Error('no recipient account');
      const deliveryId = result.deliveryIds[0] as string;
      const opened = await openMessage(deps, { account: recipient, deliveryId, ip: null });
      if (!opened.ok) throw new Error(`did not open: ${opened.reason}`);
      const [summary] = opened.opened.attachments;
      const download = await downloadAttachment(deps, {
        account: recipient,
        deliveryId,
        attachmentId: summary?.id as string,
        ip: null,
      });
      if (!download) throw new Error('did not download');
      const hash = createHash('sha256');
      let size = 0;
      for await (const piece of download.content) {
        hash.update(piece);
        size += piece.byteLength;
      }
      expect(size).toBe(SIZE);
      expect(hash.digest('hex')).toBe(sentDigest);
    }, 300_000);
  });
}
