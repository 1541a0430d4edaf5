import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { ENCRYPTED_COLUMNS as PG_COLUMNS } from '../../adapters/storage/postgres/repos/encrypted-values.ts';
import { ENCRYPTED_COLUMNS } from '../../adapters/storage/sqlite/repos/encrypted-values.ts';
import type { StoredFieldKey } from '../../core/crypto/ports.ts';
import {
  bytes,
  makeAccessRequest,
  makeAccount,
  makeAttachment,
  makeContact,
  makeContactGroup,
  makeDelivery,
  makeDraft,
  makeMessage,
  makeOutboxMail,
  makeSession,
  makeStaff,
} from '../factories.ts';
import { onEachDatabase } from './field-key-databases.ts';

const key = (id: string, at: number): StoredFieldKey => ({
  id,
  wrapped: new Uint8Array([0xc1, 0, at % 256, 255, 7]),
  createdAt: new Date(1_700_000_000_000 + at),
});

onEachDatabase('Field key store and encrypted values', (open) => {
  it('keeps field keys byte for byte, oldest first, and refuses a duplicate id', async () => {
    const { storage } = await open();
    expect(await storage.repos.fieldKeys.list()).toEqual([]);
    await storage.repos.fieldKeys.add({ key: key('00000000000000bb', 2) });
    await storage.repos.fieldKeys.add({ key: key('00000000000000aa', 1) });
    expect(await storage.repos.fieldKeys.list()).toEqual([
      key('00000000000000aa', 1),
      key('00000000000000bb', 2),
    ]);
    await expect(
      storage.repos.fieldKeys.add({ key: key('00000000000000aa', 3) }),
    ).rejects.toThrow();
  });

  it('walks every encrypted column in pages, resumes anywhere, and swaps only unchanged values', async () => {
    const { storage } = await open();
    const { repos } = storage;
    const staff = makeStaff({ totpKeyEnc: bytes('totp') });
    const person = makeAccount();
    await repos.accounts.insert({ account: staff });
    await repos.accounts.insert({ account: person });
    const message = makeMessage({ senderId: staff.id, subjectEnc: bytes('subject') });
    await repos.messages.insert({ message });
    const delivery = makeDelivery({ messageId: message.id, recipientId: person.id });
    await repos.deliveries.insert({ delivery });
    await repos.attachments.insert({
      attachment: makeAttachment({ messageId: message.id, nameEnc: bytes('name') }),
    });
    await repos.drafts.save({ draft: makeDraft({ accountId: staff.id }) });
    await repos.accessRequests.insert({
      request: makeAccessRequest({
        messageId: message.id,
        deliveryId: delivery.id,
        requesterId: person.id,
        reasonEnc: bytes('reason'),
      }),
    });
    const contact = makeContact({ ownerId: staff.id, noteEnc: bytes('note') });
    await repos.contacts.save({ contact });
    await repos.contacts.saveGroup({ group: makeContactGroup({ ownerId: staff.id }) });
    await repos.outbox.insert({ mail: makeOutboxMail() });
    // A session through the OpenID provider keeps its refresh token sealed (decision 0029).
    await repos.sessions.insert({
      session: makeSession({ accountId: staff.id, ssoRefreshEnc: bytes('refresh') }),
    });
    await repos.sessions.insert({ session: makeSession({ accountId: person.id }) });

    // One value per column; the person's missing TOTP key and refresh token (null) are not among them.
    expect(await repos.encryptedValues.count()).toBe(10);
    const all = await repos.encryptedValues.list({ after: null, limit: 100 });
    expect(all.map((v) => v.column)).toEqual(ENCRYPTED_COLUMNS.map((c) => c.name));
    expect(Buffer.from(all[1]?.ciphertext ?? []).toString()).toBe('subject');
    const paged = [];
    let after = null;
    for (;;) {
      const page = await repos.encryptedValues.list({ after, limit: 2 });
      if (page.length === 0) break;
      paged.push(...page);
      const last = page[page.length - 1] as { column: string; id: string };
      after = { column: last.column, id: last.id };
    }
    expect(paged).toEqual(all);

    const note = all.find((v) => v.column === 'contacts.note_enc');
    if (!note) throw new Error('no note');
    const swap = { column: note.column, id: note.id, ciphertext: bytes('new note') };
    // Someone changed the value meanwhile: ours is older and must not win.
    expect(await repos.encryptedValues.replace({ ...swap, expected: bytes('other') })).toBe(false);
    expect(await repos.encryptedValues.replace({ ...swap, expected: note.ciphertext })).toBe(true);
    const found = await repos.contacts.findById({ id: contact.id });
    expect(Buffer.from(found?.noteEnc ?? []).toString()).toBe('new note');
    expect(found?.nameEnc).toEqual(contact.nameEnc);
    await expect(
      repos.encryptedValues.replace({ ...swap, column: 'accounts.email', expected: bytes('x') }),
    ).rejects.toThrow('not an encrypted column');
  });
});

it('lists every *_enc column of the schema, the same on both dialects', async () => {
  // A new encrypted column missing from the list would stay under old keys forever.
  const { sqliteStorage } = await import('../../adapters/storage/sqlite/index.ts');
  const { tempDir } = await import('../support/cli.ts');
  const file = `${tempDir('sealpost-columns-')}/columns.db`;
  const storage = sqliteStorage({ path: file });
  await storage.migrate();
  await storage.close();
  const db = new Database(file, { readonly: true });
  const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{
    name: string;
  }>;
  const encrypted = tables.flatMap(({ name }) =>
    (db.prepare(`pragma table_info("${name}")`).all() as Array<{ name: string }>)
      .filter((c) => c.name.endsWith('_enc'))
      .map((c) => `${name}.${c.name}`),
  );
  db.close();
  expect(encrypted.sort()).toEqual(ENCRYPTED_COLUMNS.map((c) => c.name).sort());
  expect(PG_COLUMNS.map((c) => c.name)).toEqual(ENCRYPTED_COLUMNS.map((c) => c.name));
});
