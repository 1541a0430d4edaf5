// `audit.appendSoon` (decision 0025): queued events are written a moment later, many to
// one transaction, between events appended at once, and the chain still verifies; a
// reader of the trail sees what this process queued; `close` writes the queue, so a
// graceful stop loses nothing; inside a transaction the event is part of it.

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeSecrets } from '../../adapters/security/secrets.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { recordAudit, recordAuditSoon } from '../../core/audit/record.ts';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { makeAuditEntry } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

const secrets = nodeSecrets({ signingKey: new Uint8Array(32).fill(7) });
let counter = 0;
const deps = {
  secrets,
  ids: { newId: () => `id-${++counter}-${Math.random().toString(36).slice(2)}` },
  clock: { now: () => new Date() },
};

type Opener = () => Promise<Storage>;

function suite(name: string, makeOpener: () => Promise<Opener>) {
  describe(name, () => {
    it('writes queued events between immediate ones, one chain that verifies, seen by list', async () => {
      const open = await makeOpener();
      const storage = await open();
      const writes: Array<Promise<unknown>> = [];
      for (let i = 0; i < 40; i++) {
        const entry = makeAuditEntry({ details: { n: i } });
        writes.push(
          i % 5 === 0
            ? recordAudit(deps, storage.repos, entry)
            : recordAuditSoon(deps, storage.repos, entry),
        );
      }
      await Promise.all(writes);
      // Read at once: list writes what is queued before it reads.
      const events = await storage.repos.audit.list({ limit: 100 });
      expect(events).toHaveLength(40);
      expect(new Set(events.map((e) => e.details.n)).size).toBe(40);
      expect(await verifyAuditChain({ storage, secrets })).toMatchObject({ ok: true, checked: 40 });
      await storage.close();
    });

    it('writes what is queued when the storage closes', async () => {
      const open = await makeOpener();
      const first = await open();
      for (let i = 0; i < 7; i++) {
        await recordAuditSoon(deps, first.repos, makeAuditEntry({ details: { n: i } }));
      }
      await first.close();
      await expect(recordAuditSoon(deps, first.repos, makeAuditEntry())).rejects.toThrow(/closed/);
      const again = await open();
      const events = await again.repos.audit.list({ limit: 100 });
      expect(events.map((e) => e.details.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(await verifyAuditChain({ storage: again, secrets })).toMatchObject({ ok: true });
      await again.close();
    });

    it('inside a transaction, appends there: a rollback takes the event with it', async () => {
      const open = await makeOpener();
      const storage = await open();
      await expect(
        storage.transaction(async (repos) => {
          await recordAuditSoon(deps, repos, makeAuditEntry({ details: { n: 'rolled back' } }));
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await storage.transaction(async (repos) => {
        await recordAuditSoon(deps, repos, makeAuditEntry({ details: { n: 'kept' } }));
      });
      const events = await storage.repos.audit.list({ limit: 10 });
      expect(events.map((e) => e.details.n)).toEqual(['kept']);
      await storage.close();
    });

    it('refuses the outer repositories inside a transaction, as every other call does', async () => {
      const open = await makeOpener();
      const storage = await open();
      await expect(
        storage.transaction(() => recordAuditSoon(deps, storage.repos, makeAuditEntry())),
      ).rejects.toThrow(/inside a transaction/);
      await storage.close();
    });
  });
}

suite('appendSoon on SQLite', async () => {
  const file = path.join(tempDir('sealpost-audit-soon-'), 'sealpost.db');
  const first = sqliteStorage({ path: file });
  await first.migrate();
  await first.close();
  return async () => sqliteStorage({ path: file });
});

describe.runIf(postgresAvailable('appendSoon'))('on PostgreSQL', () => {
  suite('appendSoon on PostgreSQL', async () => {
    const db = await createTestDatabase('sealpost_audit_soon');
    cleanups.push(db.drop);
    const first = postgresStorage({ url: db.url });
    await first.migrate();
    await first.close();
    return async () => postgresStorage({ url: db.url });
  });
});
