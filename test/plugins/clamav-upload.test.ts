// With CLAMD_HOST set, every attachment is scanned as it streams in: an infected file
// stops the send with a plain sentence naming the file, and nothing of it is kept.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { createStaffAccount } from '../../core/accounts/create-staff.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { CLAMD_TEST_MARKER, clamdAvailable, startTestClamd } from '../support/clamd.ts';
import { tempDir } from '../support/cli.ts';

const encoder = new TextEncoder();

describe.runIf(clamdAvailable('ClamAV upload scanning'))('ClamAV upload scanning', () => {
  let clamd: { port: number; stop: () => void };
  let app: Sealpost;
  let senderId: string;
  const dataDir = tempDir('sealpost-scan-');

  beforeAll(async () => {
    clamd = await startTestClamd();
    app = await compose(
      parseConfig({
        DATA_DIR: dataDir,
        SEALPOST_KEY_PASSPHRASE: 'scan test passphrase',
        CLAMD_HOST: '127.0.0.1',
        CLAMD_PORT: String(clamd.port),
      }),
      { logger: createLogger({ level: 'silent' }) },
    );
    const staff = await createStaffAccount(app, {
      email: 'officer@barnet.gov.uk',
      name: 'Olive Officer',
      role: 'sender',
      actorId: null,
    });
    if (!staff.ok) throw new Error('staff');
    senderId = staff.account.id;
  }, 40_000);

  afterAll(async () => {
    await app?.close();
    clamd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (files: Array<{ name: string; bytes: Uint8Array }>) =>
    app.settings.get().then((settings) =>
      sendMessage({ ...app, publicUrl: app.config.publicUrl }, settings, {
        senderId,
        to: ['resident@example.org'],
        cc: [],
        subject: 'Your documents',
        body: 'Attached.',
        bodyFormat: 'text',
        attachments: files.map((f) => ({
          name: f.name,
          contentType: 'application/octet-stream',
          content: streamOf(f.bytes),
        })),
        readOnly: false,
        classification: null,
        source: 'web',
      }),
    );

  // Every stored blob, files and small ones kept as rows (decision 0027).
  const blobCount = async () => (await app.blobs.list({ limit: 10_000 })).length;

  it('sends clean files', async () => {
    const result = await send([{ name: 'letter.txt', bytes: encoder.encode('Dear resident') }]);
    expect(result.ok).toBe(true);
  });

  it('refuses an infected file by name, keeping nothing of the message', async () => {
    const before = await app.storage.repos.messages.countSent({ senderId });
    const blobsBefore = await blobCount();
    const result = await send([
      { name: 'letter.txt', bytes: encoder.encode('Dear resident') },
      {
        name: 'invoice.pdf',
        bytes: encoder.encode(`%PDF ${'x'.repeat(100_000)} ${CLAMD_TEST_MARKER}`),
      },
    ]);
    expect(result).toEqual({
      ok: false,
      infected: true,
      fileProblem: { code: 'infected', fileName: 'invoice.pdf' },
      // A code the page words in the sender's language (views/codes.ts).
      issues: { attachments: { code: 'infected', fileName: 'invoice.pdf' } },
    });
    expect(await app.storage.repos.messages.countSent({ senderId })).toBe(before);
    expect(await blobCount()).toBe(blobsBefore);
  });

  it('refuses to send while the scanner is down, rather than letting files through', async () => {
    clamd.stop();
    await new Promise((r) => setTimeout(r, 200));
    await expect(
      send([{ name: 'letter.txt', bytes: encoder.encode('Dear resident') }]),
    ).rejects.toThrow();
  });
});
