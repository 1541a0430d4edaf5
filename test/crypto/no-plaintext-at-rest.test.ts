// Nothing a person typed or uploaded may sit in plaintext on disk or in the database.
// Each run sends a message whose subject, body, attachment name and attachment bytes
// carry a unique marker, saves a draft and a contact note with it too, lets the outbox
// worker write its mail, then reads every byte under DATA_DIR (database, WAL, blobs,
// keys, outbox) and, on PostgreSQL, every row of every table: the marker never appears.

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { createStaffAccount } from '../../core/accounts/create-staff.ts';
import { saveContact } from '../../core/contacts/address-book.ts';
import { runOutboxOnce } from '../../core/mail/outbox-worker.ts';
import { saveDraft } from '../../core/messages/drafts.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const encoder = new TextEncoder();

/** Every file below `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** The marker as it could be written: UTF-8, UTF-16LE, and lower-case hex (bytea text). */
function spellings(marker: string): Buffer[] {
  return [
    Buffer.from(marker, 'utf8'),
    Buffer.from(marker, 'utf16le'),
    Buffer.from(Buffer.from(marker, 'utf8').toString('hex'), 'utf8'),
  ];
}

async function fillWithMarker(app: Sealpost, marker: string): Promise<void> {
  const deps = {
    storage: app.storage,
    cipher: app.cipher,
    blobs: app.blobs,
    ids: app.ids,
    clock: app.clock,
    secrets: app.secrets,
    templates: app.templates,
    publicUrl: app.config.publicUrl,
  };
  const staff = await createStaffAccount(deps, {
    email: 'officer@barnet.gov.uk',
    name: 'Olive Officer',
    role: 'sender',
    actorId: null,
  });
  if (!staff.ok) throw new Error(JSON.stringify(staff.issues));
  const fileBytes = Buffer.concat([randomBytes(4096), Buffer.from(marker), randomBytes(4096)]);
  const sent = await sendMessage(deps, await app.settings.get(), {
    senderId: staff.account.id,
    to: ['resident@example.org'],
    cc: [],
    subject: `Subject ${marker}`,
    body: `Body line one\n${marker}\nend`,
    bodyFormat: 'text',
    attachments: [
      { name: `${marker}.pdf`, contentType: 'application/pdf', content: streamOf(fileBytes) },
    ],
    readOnly: false,
    classification: 'OFFICIAL-SENSITIVE',
    source: 'web',
  });
  if (!sent.ok) throw new Error(JSON.stringify(sent.issues));
  await saveDraft(deps, {
    accountId: staff.account.id,
    content: { to: ['x@barnet.gov.uk'], cc: [], subject: marker, body: marker, inReplyToId: null },
  });
  const contact = await saveContact(deps, {
    ownerId: staff.account.id,
    name: `Name ${marker}`,
    email: 'someone@barnet.gov.uk',
    note: `Note ${marker}`,
  });
  expect(contact.ok).toBe(true);
  // The notification leaves through the outbox folder transport, as on a new install.
  const run = await runOutboxOnce({
    storage: app.storage,
    cipher: app.cipher,
    mailer: app.mailer,
    clock: app.clock,
    limit: 10,
    leaseMs: 60_000,
  });
  expect(run.sent).toBeGreaterThan(0);
}

function hitsUnder(dataDir: string, marker: string): string[] {
  const hits: string[] = [];
  const files = filesUnder(dataDir);
  // Guard against a vacuous pass: the database, the blobs and the outbox are all there.
  expect(files.some((f) => f.endsWith('.db') || f.includes('blobs'))).toBe(true);
  expect(files.some((f) => f.includes(`${path.sep}outbox${path.sep}`))).toBe(true);
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const spelling of spellings(marker)) {
      if (bytes.includes(spelling)) hits.push(path.relative(dataDir, file));
    }
  }
  return hits;
}

function configFor(dataDir: string, databaseUrl?: string) {
  return parseConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://messages.barnet.gov.uk',
    SEALPOST_KEY_PASSPHRASE: 'marker test passphrase',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
}

const logger = createLogger({ level: 'silent' });
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

describe('no plaintext at rest', () => {
  it('on SQLite: no byte of DATA_DIR (database, WAL, blobs, keys, outbox) holds the marker', async () => {
    const dataDir = tempDir('sealpost-marker-');
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const marker = `MARKER-${randomBytes(12).toString('hex')}`;
    const app = await compose(configFor(dataDir), { logger });
    await fillWithMarker(app, marker);
    // Scanned while open too, so the WAL is read before a checkpoint folds it in.
    expect(filesUnder(dataDir).some((f) => f.endsWith('-wal'))).toBe(true);
    expect(hitsUnder(dataDir, marker)).toEqual([]);
    await app.close();
    expect(hitsUnder(dataDir, marker)).toEqual([]);
    // The check can fail: the same scan finds the marker in a file that holds it.
    const control = path.join(dataDir, 'control.txt');
    writeFileSync(control, encoder.encode(marker));
    expect(hitsUnder(dataDir, marker)).toEqual(['control.txt']);
  });

  if (postgresAvailable('no plaintext at rest on PostgreSQL')) {
    it('on PostgreSQL: no row of any table, nor any file of DATA_DIR, holds the marker', async () => {
      const db = await createTestDatabase('sealpost_marker');
      cleanups.push(db.drop);
      const dataDir = tempDir('sealpost-marker-pg-');
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const marker = `MARKER-${randomBytes(12).toString('hex')}`;
      const app = await compose(configFor(dataDir, db.url), { logger });
      await fillWithMarker(app, marker);
      await app.close();
      expect(hitsUnder(dataDir, marker)).toEqual([]);

      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      try {
        const tables = await sql<{ name: string }[]>`
          SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
        expect(tables.length).toBeGreaterThan(10);
        let rowsRead = 0;
        const hits: string[] = [];
        for (const { name } of tables) {
          const rows = await sql.unsafe<{ row: string }[]>(
            `SELECT t::text AS row FROM "${name.replaceAll('"', '""')}" t`,
          );
          rowsRead += rows.length;
          for (const { row } of rows) {
            const text = Buffer.from(row, 'utf8');
            if (spellings(marker).some((s) => text.includes(s))) hits.push(name);
          }
        }
        expect(rowsRead).toBeGreaterThan(5);
        expect(hits).toEqual([]);
      } finally {
        await sql.end();
      }
    });
  }
});
