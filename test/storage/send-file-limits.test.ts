// The file limits count files only (issue 20): exactly MAX_TOTAL_MB of files with a
// text beside them is sent; one byte more is refused with a code each interface words
// once, and the refusal keeps nothing half-sent.

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { withInlineBlobs } from '../../core/blobs/with-inline.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import { type OutgoingAttachment, sendMessage } from '../../core/messages/send-message.ts';
import { DEFAULT_SETTINGS } from '../../core/settings/model.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { makeStaff } from '../factories.ts';
import { tempDir } from '../support/cli.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

/** `size` bytes as a stream of 1 MiB pieces, never held whole. */
function zeros(size: number): ReadableStream<Uint8Array> {
  let left = size;
  return new ReadableStream({
    pull(controller) {
      if (left === 0) return controller.close();
      const n = Math.min(left, 1024 * 1024);
      left -= n;
      controller.enqueue(new Uint8Array(n));
    },
  });
}

async function world() {
  const dir = tempDir('sealpost-file-limits-');
  const storage = sqliteStorage({ path: path.join(dir, 'sealpost.db') });
  cleanups.push(() => storage.close());
  await storage.migrate();
  const sender = makeStaff();
  await storage.repos.accounts.insert({ account: sender });
  const deps = {
    storage,
    cipher: await memoryCipher(),
    blobs: withInlineBlobs(
      fsBlobStore({ dir: path.join(dir, 'blobs') }),
      storage.repos.inlineBlobs,
    ),
    ids: randomIds(),
    clock: { now: () => new Date() },
    secrets: nodeSecrets({ signingKey: new Uint8Array(32).fill(7) }),
    templates: mailTemplates,
    publicUrl: 'https://messages.example.gov.uk',
    inlineBlobMaxBytes: 64 * 1024,
  };
  const send = (
    attachments: OutgoingAttachment[],
    limits = DEFAULT_SETTINGS,
    body = 'Please see the two scans.',
  ) =>
    sendMessage(deps, limits, {
      senderId: sender.id,
      to: ['resident@example.org'],
      cc: [],
      subject: 'The two scans',
      body,
      bodyFormat: 'text',
      attachments,
      readOnly: false,
      classification: null,
      source: 'web',
    });
  return { storage, sender, send };
}

const MB75 = DEFAULT_SETTINGS.maxTotalBytes;

describe('file limits count files only', () => {
  it('the default is 75 MB of files', () => {
    expect(MB75).toBe(75 * 1024 * 1024);
  });

  it('sends exactly 75 MB of files with a text beside them', async () => {
    const { storage, sender, send } = await world();
    const half = 40 * 1024 * 1024;
    const result = await send([
      { name: 'scan-1.pdf', contentType: 'application/pdf', content: zeros(half) },
      { name: 'scan-2.pdf', contentType: 'application/pdf', content: zeros(MB75 - half) },
    ]);
    expect(result.ok).toBe(true);
    expect(await storage.repos.messages.countSent({ senderId: sender.id })).toBe(1);
  });

  it('refuses 75 MB and one byte of files with the too-large code, sending nothing', async () => {
    const { storage, sender, send } = await world();
    const half = 40 * 1024 * 1024;
    const result = await send([
      { name: 'scan-1.pdf', contentType: 'application/pdf', content: zeros(half) },
      { name: 'scan-2.pdf', contentType: 'application/pdf', content: zeros(MB75 - half + 1) },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fileProblem).toEqual({ code: 'too-large', maxBytes: MB75 });
    expect(result.issues.attachments).toEqual({ code: 'too-large', maxBytes: MB75 });
    expect(await storage.repos.messages.countSent({ senderId: sender.id })).toBe(0);
  });

  it('never counts the text: a text longer than the whole file limit is sent', async () => {
    const { send } = await world();
    const limits = { ...DEFAULT_SETTINGS, maxTotalBytes: 1000 };
    const result = await send(
      [{ name: 'a.txt', contentType: 'text/plain', content: zeros(1000) }],
      limits,
      'x'.repeat(5000),
    );
    expect(result.ok).toBe(true);
  });

  it('refuses one file too many with the too-many-files code', async () => {
    const { send } = await world();
    const files = Array.from({ length: DEFAULT_SETTINGS.maxAttachments + 1 }, (_, i) => ({
      name: `f${i}.txt`,
      contentType: 'text/plain',
      content: zeros(10),
    }));
    const result = await send(files);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fileProblem).toEqual({
      code: 'too-many-files',
      max: DEFAULT_SETTINGS.maxAttachments,
    });
  });
});
