import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { reencryptBlobs } from '../../adapters/cli/commands/keys.ts';
import { reencryptValues } from '../../adapters/cli/commands/reencrypt-values.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import type { Account } from '../../core/accounts/model.ts';
import type { Cipher } from '../../core/crypto/ports.ts';
import type { MailboxDeps } from '../../core/messages/deps.ts';
import { listInbox } from '../../core/messages/mailbox.ts';
import { openMessage } from '../../core/messages/open-message.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { DEFAULT_SETTINGS } from '../../core/settings/model.ts';
import { streamOf } from '../../core/shared/streams.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { manualClock } from '../auth/support.ts';
import { onEachDatabase } from '../crypto/field-key-databases.ts';
import { freshKeysDir, testCipher } from '../crypto/support.ts';
import { makeAccount, makeStaff } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { bodyFor } from '../support/html-body.ts';

const MESSAGES = 4;
const subjectOf = (i: number) => `Council tax reminder ${i} \u2013 \u00e9t\u00e9`;
const fileOf = (i: number) => `statement-${i}.pdf`;

/** An installation that ran before field keys: every value in the public-key format. */
async function olderInstallation(storage: Storage) {
  const keysDir = freshKeysDir();
  const clock = manualClock();
  const deps = (cipher: Cipher): MailboxDeps => ({
    storage,
    cipher,
    blobs,
    ids: randomIds(),
    clock,
    secrets: nodeSecrets({ signingKey: randomBytes(32) }),
    templates: mailTemplates,
    publicUrl: 'https://messages.example.gov.uk',
  });
  const blobs = fsBlobStore({ dir: tempDir('sealpost-migrate-blobs-') });
  const before = deps(testCipher({ keysDir }));
  const sender = makeStaff({ email: 'officer@barnet.gov.uk', createdAt: clock.now() });
  const recipient = makeAccount({ email: 'resident@example.org', createdAt: clock.now() });
  await storage.repos.accounts.insert({ account: sender });
  await storage.repos.accounts.insert({ account: recipient });
  for (let i = 0; i < MESSAGES; i++) {
    const sent = await sendMessage(
      before,
      { ...DEFAULT_SETTINGS, orgName: 'Barnet Council' },
      {
        senderId: sender.id,
        to: [recipient.email],
        cc: [],
        subject: subjectOf(i),
        ...bodyFor(`Body ${i}`),
        attachments: [
          { name: fileOf(i), contentType: 'application/pdf', content: streamOf(randomBytes(100)) },
        ],
        readOnly: false,
        classification: null,
        source: 'web',
      },
    );
    if (!sent.ok) throw new Error(JSON.stringify(sent.issues));
  }
  // Today's code, with field keys, over the same keyring and database.
  const after = deps(testCipher({ keysDir, fieldKeys: storage.repos.fieldKeys }));
  return { after, recipient };
}

/** Every subject and file name, read the way the recipient's pages read them. */
async function readEverything(deps: MailboxDeps, recipient: Account) {
  const inbox = await listInbox(deps, { account: recipient, page: 1 });
  const read: string[] = [];
  for (const row of inbox.rows) {
    const opened = await openMessage(deps, {
      account: recipient,
      deliveryId: row.delivery.id,
      ip: null,
    });
    if (!opened.ok) throw new Error(opened.reason);
    read.push(`${opened.opened.subject} / ${opened.opened.attachments.map((a) => a.name)}`);
  }
  return read.sort();
}

const expected = Array.from(
  { length: MESSAGES },
  (_, i) => `${subjectOf(i)} / ${fileOf(i)}`,
).sort();

async function formats(storage: Storage): Promise<string[]> {
  const values = await storage.repos.encryptedValues.list({ after: null, limit: 1000 });
  return [...new Set(values.map((v) => (v.ciphertext[0] === 0xc3 ? 'field key' : 'public key')))];
}

onEachDatabase('An installation from before field keys', (open) => {
  it('reads every old message without any migration', async () => {
    const { storage } = await open();
    const { after, recipient } = await olderInstallation(storage);
    expect(await formats(storage)).toEqual(['public key']);
    expect(await readEverything(after, recipient)).toEqual(expected);
  });

  it('is migrated by `keys reencrypt`, resumably, and reads everything after', async () => {
    const { storage } = await open();
    const { after, recipient } = await olderInstallation(storage);
    const total = await storage.repos.encryptedValues.count();
    // Subjects, file names and the notification mails queued for the recipient.
    expect(total).toBeGreaterThanOrEqual(2 * MESSAGES);

    // The "interruption": the third replacement never completes, and the run is abandoned.
    let replaced = 0;
    const interrupted: Storage = {
      ...storage,
      repos: {
        ...storage.repos,
        encryptedValues: {
          ...storage.repos.encryptedValues,
          replace: (args) => {
            replaced += 1;
            return replaced === 3
              ? new Promise(() => {})
              : storage.repos.encryptedValues.replace(args);
          },
        },
      },
    };
    void reencryptValues({ storage: interrupted, cipher: after.cipher, progress: () => {} });
    await expect.poll(() => replaced, { timeout: 10_000 }).toBe(3);
    const midway = await storage.repos.encryptedValues.list({ after: null, limit: 1000 });
    expect(midway.filter((v) => v.ciphertext[0] === 0xc3)).toHaveLength(2);
    expect(await readEverything(after, recipient)).toEqual(expected);

    const lines: string[] = [];
    const report = await reencryptValues({
      storage,
      cipher: after.cipher,
      progress: (line) => lines.push(line),
      pageSize: 3,
    });
    // The two values done before the interruption are not rewritten again.
    expect(report).toEqual({ checked: total, rewritten: total - 2, failed: [] });
    expect(lines[0]).toBe(`reencrypt values: ${total} encrypted database values to check`);
    expect(lines.at(-1)).toBe(
      `reencrypt values: [####################] 100% ${total} of ${total} checked, ${total - 2} rewritten, 0 failed. Done.`,
    );
    const done = await storage.repos.encryptedValues.list({ after: null, limit: 1000 });
    for (const value of midway.filter((v) => v.ciphertext[0] === 0xc3)) {
      const now = done.find((v) => v.column === value.column && v.id === value.id);
      expect(now?.ciphertext).toEqual(value.ciphertext);
    }
    expect(await formats(storage)).toEqual(['field key']);
    expect(await readEverything(after, recipient)).toEqual(expected);

    // Bodies and files keep the chunk format, already under the primary key.
    const blobs = await reencryptBlobs({
      blobs: after.blobs,
      cipher: after.cipher,
      workDir: tempDir('sealpost-migrate-work-'),
      progress: () => {},
    });
    expect(blobs).toEqual({ checked: 2 * MESSAGES, rewritten: 0, failed: [] });
    const again = await reencryptValues({ storage, cipher: after.cipher, progress: () => {} });
    expect(again).toEqual({ checked: total, rewritten: 0, failed: [] });

    // A rotation moves every value to the new primary key's field key.
    await after.cipher.rotateKey();
    const rotated = await reencryptValues({ storage, cipher: after.cipher, progress: () => {} });
    expect(rotated).toEqual({ checked: total, rewritten: total, failed: [] });
    expect((await storage.repos.fieldKeys.list()).length).toBe(2);
    expect(await readEverything(after, recipient)).toEqual(expected);
  });
});
