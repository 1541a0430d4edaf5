import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { recordAudit } from '../../core/audit/record.ts';
import type { Storage } from '../../core/storage/ports.ts';
import {
  FIXED_NOW,
  fromNow,
  makeAccessRequest,
  makeAccount,
  makeDelivery,
  makeMessage,
  makeStaff,
} from '../factories.ts';
import { ROOT, tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

// Migration 0003 makes forwards private. Forwards made before it have no chain columns;
// its backfill statements rebuild the chain from the audit trail (forwards made in the
// portal) and from granted forward requests. Run here on data shaped as an older
// version left it, on both databases.

/** The backfill statements of migration 0003 for a dialect (its UPDATEs). */
function backfillOf(dialect: 'sqlite' | 'postgres'): string[] {
  const file = path.join(ROOT, 'migrations', dialect, '0003_forward_safe_identity.sql');
  return readFileSync(file, 'utf8')
    .split('--> statement-breakpoint')
    .filter((chunk) => /\bUPDATE\b/.test(chunk));
}

/** Data as a version before 0003 left it: two forwards with no chain recorded. */
async function seedLegacy(storage: Storage) {
  const repos = storage.repos;
  const sender = makeStaff({ email: 'officer@barnet.gov.uk' });
  const ann = makeAccount({ email: 'ann@example.org' });
  const team = makeAccount({ email: 'team@barnet.gov.uk' });
  const solicitor = makeAccount({ email: 'solicitor@law.example' });
  for (const account of [sender, ann, team, solicitor]) await repos.accounts.insert({ account });
  const message = makeMessage({ senderId: sender.id });
  await repos.messages.insert({ message });
  const addressed = makeDelivery({
    messageId: message.id,
    recipientId: ann.id,
    recipientEmail: ann.email,
  });
  const forwarded = makeDelivery({
    messageId: message.id,
    recipientId: team.id,
    recipientEmail: team.email,
    createdAt: fromNow(60_000),
  });
  const granted = makeDelivery({
    messageId: message.id,
    recipientId: solicitor.id,
    recipientEmail: solicitor.email,
    createdAt: fromNow(120_000),
  });
  for (const delivery of [addressed, forwarded, granted]) {
    await repos.deliveries.insert({ delivery });
  }
  const deps = {
    ids: randomIds(),
    clock: { now: () => FIXED_NOW },
    secrets: nodeSecrets({ signingKey: randomBytes(32) }),
  };
  await recordAudit(deps, repos, {
    action: 'message.forward',
    actorId: ann.id,
    actorLabel: ann.email,
    ip: null,
    targetType: 'delivery',
    targetId: forwarded.id,
    details: { messageId: message.id, fromDeliveryId: addressed.id },
  });
  await repos.accessRequests.insert({
    request: makeAccessRequest({
      kind: 'forward',
      messageId: message.id,
      deliveryId: addressed.id,
      requesterId: ann.id,
      forwardToEmail: 'Solicitor@Law.example',
      status: 'granted',
      decidedAt: fromNow(90_000),
      decidedById: sender.id,
    }),
  });
  return { ann, addressed, forwarded, granted };
}

async function expectChains(storage: Storage, seeded: Awaited<ReturnType<typeof seedLegacy>>) {
  const find = (id: string) => storage.repos.deliveries.findById({ id });
  expect(await find(seeded.addressed.id)).toMatchObject({
    forwardedFromId: null,
    forwardedById: null,
  });
  for (const copy of [seeded.forwarded, seeded.granted]) {
    expect(await find(copy.id)).toMatchObject({
      forwardedFromId: seeded.addressed.id,
      forwardedById: seeded.ann.id,
    });
  }
}

describe('migration 0003 backfill', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds the chain of earlier forwards on SQLite', async () => {
    const dir = tempDir('sealpost-backfill-');
    dirs.push(dir);
    const file = path.join(dir, 'legacy.db');
    const storage = sqliteStorage({ path: file });
    await storage.migrate();
    const seeded = await seedLegacy(storage);
    const db = new Database(file);
    for (const statement of backfillOf('sqlite')) db.exec(statement);
    db.close();
    await expectChains(storage, seeded);
    await storage.close();
  });

  if (postgresAvailable('Migration 0003 backfill')) {
    it('rebuilds the chain of earlier forwards on PostgreSQL', async () => {
      const database = await createTestDatabase('sealpost_backfill');
      const storage = postgresStorage({ url: database.url });
      try {
        await storage.migrate();
        const seeded = await seedLegacy(storage);
        const sql = postgres(database.url, { max: 1, onnotice: () => {} });
        for (const statement of backfillOf('postgres')) await sql.unsafe(statement);
        await sql.end();
        await expectChains(storage, seeded);
      } finally {
        await storage.close();
        await database.drop();
      }
    });
  }
});
