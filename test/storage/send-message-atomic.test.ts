// Sending writes the message, its deliveries, recipients' accounts, link tokens,
// attachments, notification mails and audit events in ONE transaction: a failure
// half-way through leaves none of them behind, on SQLite and on PostgreSQL, and the
// blobs already written are removed.

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { DEFAULT_SETTINGS } from '../../core/settings/model.ts';
import { streamOf } from '../../core/shared/streams.ts';
import type { Repositories, Storage } from '../../core/storage/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { makeStaff } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

/** The same storage, except that inserting an attachment inside a transaction fails. */
function failingHalfWay(storage: Storage): Storage {
  return {
    ...storage,
    transaction: (fn) =>
      storage.transaction((repos) =>
        fn({
          ...repos,
          attachments: {
            ...repos.attachments,
            insert: async () => {
              throw new Error('disk gone half-way through the send');
            },
          },
        } as Repositories),
      ),
  };
}

async function provesAtomic(storage: Storage): Promise<void> {
  await storage.migrate();
  const sender = makeStaff();
  await storage.repos.accounts.insert({ account: sender });
  const blobDir = tempDir('sealpost-atomic-blobs-');
  const blobs = fsBlobStore({ dir: path.join(blobDir, 'blobs') });
  const deps = {
    storage: failingHalfWay(storage),
    cipher: await memoryCipher(),
    blobs,
    ids: randomIds(),
    clock: { now: () => new Date() },
    secrets: nodeSecrets({ signingKey: new Uint8Array(32).fill(7) }),
    templates: mailTemplates,
    publicUrl: 'https://messages.example.gov.uk',
  };
  const auditBefore = await storage.repos.audit.list({ limit: 100 });
  await expect(
    sendMessage(deps, DEFAULT_SETTINGS, {
      senderId: sender.id,
      to: ['new.person@example.org', 'another@example.org'],
      cc: [],
      subject: 'Your care plan',
      body: 'Attached.',
      bodyFormat: 'text',
      attachments: [
        {
          name: 'plan.pdf',
          contentType: 'application/pdf',
          content: streamOf(new Uint8Array(5000)),
        },
      ],
      readOnly: false,
      classification: null,
      source: 'web',
    }),
  ).rejects.toThrow('half-way');

  const repos = storage.repos;
  expect(await repos.messages.countSent({ senderId: sender.id })).toBe(0);
  expect(await repos.outbox.countUnsent()).toBe(0);
  expect(await repos.accounts.findByEmailKey({ emailKey: 'new.person@example.org' })).toBeNull();
  expect(await repos.accounts.findByEmailKey({ emailKey: 'another@example.org' })).toBeNull();
  expect(await repos.audit.list({ limit: 100 })).toEqual(auditBefore);
  // The body and attachment blobs written before the transaction are gone again.
  expect(await blobs.list({ limit: 100 })).toEqual([]);

  // And the same send with a working storage commits everything.
  const ok = await sendMessage({ ...deps, storage }, DEFAULT_SETTINGS, {
    senderId: sender.id,
    to: ['new.person@example.org'],
    cc: [],
    subject: 'Your care plan',
    body: 'Attached.',
    bodyFormat: 'text',
    attachments: [],
    readOnly: false,
    classification: null,
    source: 'web',
  });
  expect(ok.ok).toBe(true);
  expect(await repos.messages.countSent({ senderId: sender.id })).toBe(1);
  expect(await repos.outbox.countUnsent()).toBe(1);
}

describe('sendMessage is one transaction', () => {
  it('on SQLite: a failure half-way leaves nothing behind', async () => {
    const dir = tempDir('sealpost-atomic-');
    const storage = sqliteStorage({ path: path.join(dir, 'sealpost.db') });
    cleanups.push(() => storage.close());
    await provesAtomic(storage);
  });

  if (postgresAvailable('sendMessage atomicity on PostgreSQL')) {
    it('on PostgreSQL: a failure half-way leaves nothing behind', async () => {
      const db = await createTestDatabase('sealpost_atomic');
      const storage = postgresStorage({ url: db.url });
      cleanups.push(db.drop);
      cleanups.push(() => storage.close());
      await provesAtomic(storage);
    });
  }
});
