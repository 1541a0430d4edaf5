// Through the real gateway (`startGateway`, as `serve` and `sealpost gateway` run it):
// an accepted mail's short text and small file are rows of inline_blobs, written with
// the message (decision 0027); a file over INLINE_BLOB_MAX_KB is a file in the blob
// folder; with INLINE_BLOB_MAX_KB=0 every blob is a file again.

import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { COUNCIL, type GatewayApp, openGatewayApp } from './support/gateway-app.ts';

const SENDER = `inline.sender@${COUNCIL}`;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

function blobFiles(dir: string): string[] {
  const root = path.join(dir, 'blobs');
  let shards: string[] = [];
  try {
    shards = readdirSync(root);
  } catch {
    return [];
  }
  return shards
    .flatMap((shard) => readdirSync(path.join(root, shard)))
    .filter((name) => !name.startsWith('.'))
    .sort();
}

async function sendOne(gw: GatewayApp, files: Array<{ filename: string; content: Buffer }>) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gw.port });
  try {
    await transport.sendMail({
      from: SENDER,
      to: 'resident@example.org',
      subject: 'zixencrypt Your housing letter',
      text: 'Please find the letter attached.',
      attachments: files,
    });
  } finally {
    transport.close();
  }
  const [message] = await gw.sentBy(SENDER);
  if (!message) throw new Error('the gateway stored no message');
  const attachments = await gw.app.storage.repos.attachments.listForMessage({
    messageId: message.id,
  });
  return { message, attachments };
}

describe('the gateway keeps small blobs in the message transaction', () => {
  it('stores the text and a small file as rows, a large file as a file', async () => {
    const gw = await openGatewayApp();
    cleanups.push(() => gw.close());
    const small = randomBytes(10_000);
    const large = randomBytes(300_000);
    const { message, attachments } = await sendOne(gw, [
      { filename: 'letter.pdf', content: small },
      { filename: 'scan.pdf', content: large },
    ]);
    const rows = gw.app.storage.repos.inlineBlobs;
    const smallFile = attachments.find((a) => a.size === small.byteLength);
    const largeFile = attachments.find((a) => a.size === large.byteLength);
    if (!smallFile || !largeFile) throw new Error('the files were not stored');
    expect(await rows.has({ id: message.bodyBlobId })).toBe(true);
    expect(await rows.has({ id: smallFile.blobId })).toBe(true);
    expect(await rows.has({ id: largeFile.blobId })).toBe(false);
    expect(blobFiles(gw.dir)).toEqual([largeFile.blobId]);
  });

  it('writes every blob as a file with INLINE_BLOB_MAX_KB=0', async () => {
    const gw = await openGatewayApp({ INLINE_BLOB_MAX_KB: '0' });
    cleanups.push(() => gw.close());
    const { message, attachments } = await sendOne(gw, [
      { filename: 'letter.pdf', content: randomBytes(10_000) },
    ]);
    expect(await gw.app.storage.repos.inlineBlobs.listStored({ limit: 10 })).toEqual([]);
    expect(blobFiles(gw.dir)).toEqual(
      [message.bodyBlobId, ...attachments.map((a) => a.blobId)].sort(),
    );
  });
});
