// The audit trail is tamper-evident: each event carries the hash of the one before, so
// `verifyAuditChain` finds an edited, removed or inserted row and names the first broken
// link, on SQLite and on PostgreSQL. An anchor (a head printed earlier) also catches a
// trail cut short at the end, which a chain alone cannot.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeSecrets } from '../../adapters/security/secrets.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { recordAudit } from '../../core/audit/record.ts';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { makeAuditEntry } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const secrets = nodeSecrets({ signingKey: randomBytes(32) });

/** Raw SQL on the same database, as someone with database access would tamper. */
type Raw = { run(sql: string): Promise<void>; close(): Promise<void> };

function tamperSuite(name: string, open: () => Promise<{ storage: Storage; raw: Raw }>) {
  describe(`audit tamper evidence: ${name}`, () => {
    let storage: Storage;
    let raw: Raw;
    beforeEach(async () => {
      ({ storage, raw } = await open());
      let at = Date.parse('2026-01-05T10:00:00Z');
      const deps = {
        ids: { newId: randomUUID },
        clock: {
          now: () => {
            at += 1000;
            return new Date(at);
          },
        },
        secrets,
      };
      for (let i = 1; i <= 30; i++) {
        await storage.transaction((tx) =>
          recordAudit(deps, tx, makeAuditEntry({ details: { n: i, note: `event ${i}` } })),
        );
      }
      return async () => {
        await storage.close();
        await raw.close();
      };
    });
    const verify = (args = {}) => verifyAuditChain({ storage, secrets }, { batchSize: 7, ...args });

    it('holds when nobody touched it, and gives the head to keep', async () => {
      const result = await verify();
      expect(result).toMatchObject({ ok: true, checked: 30, head: { seq: 30 } });
    });

    it('names an edited event', async () => {
      await raw.run(
        `update audit_events set actor_label = 'someone.else@example.org' where seq = 12`,
      );
      expect(await verify()).toEqual({
        ok: false,
        checked: 11,
        broken: { seq: 12, reason: 'event altered' },
      });
    });

    it('names the event after a removed one', async () => {
      await raw.run('delete from audit_events where seq = 20');
      expect(await verify()).toMatchObject({
        ok: false,
        broken: { seq: 21, reason: 'previous-hash mismatch' },
      });
    });

    it('names an event whose hash was recomputed to hide an edit', async () => {
      // Rewriting one event and its own hash still breaks the next link.
      const [row] = await storage.repos.audit.list({ afterSeq: 4, limit: 1 });
      if (!row) throw new Error('no event 5');
      const { canonicalAuditText } = await import('../../core/audit/chain.ts');
      const { hash: _old, ...rest } = { ...row, ip: '203.0.113.9' };
      const forged = createHash('sha256').update(canonicalAuditText(rest)).digest('hex');
      await raw.run(`update audit_events set ip = '203.0.113.9', hash = '${forged}' where seq = 5`);
      expect(await verify()).toMatchObject({
        ok: false,
        broken: { seq: 6, reason: 'previous-hash mismatch' },
      });
    });

    it('catches a trail cut short at the end with an anchor', async () => {
      const before = await verify();
      if (!before.ok || !before.head) throw new Error('expected an intact trail');
      await raw.run('delete from audit_events where seq > 25');
      expect(await verify()).toMatchObject({ ok: true, checked: 25 });
      expect(await verify({ anchor: before.head })).toMatchObject({
        ok: false,
        broken: { seq: 30, reason: 'the anchored event is missing: the trail was cut short' },
      });
      expect(await verify({ anchor: { seq: 20, hash: '0'.repeat(64) } })).toMatchObject({
        ok: false,
        broken: { seq: 20 },
      });
    });
  });
}

const dir = tempDir('sealpost-audit-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
tamperSuite('sqlite', async () => {
  const file = path.join(dir, `audit-${++n}.db`);
  const storage = sqliteStorage({ path: file });
  await storage.migrate();
  const db = new Database(file);
  return {
    storage,
    raw: {
      run: async (sql) => {
        db.exec(sql);
      },
      close: async () => {
        db.close();
      },
    },
  };
});

if (postgresAvailable('Audit tamper evidence')) {
  // One database for the suite, emptied for each test: creating one takes seconds.
  let shared: { database: { url: string; drop: () => Promise<void> }; sql: postgres.Sql } | null =
    null;
  afterAll(async () => {
    await shared?.sql.end();
    await shared?.database.drop();
  });
  tamperSuite('postgres', async () => {
    if (!shared) {
      const database = await createTestDatabase('sealpost_audit');
      const migrating = postgresStorage({ url: database.url });
      await migrating.migrate();
      await migrating.close();
      shared = { database, sql: postgres(database.url, { max: 1, onnotice: () => {} }) };
    }
    const { sql, database } = shared;
    await sql`delete from audit_events`;
    return {
      storage: postgresStorage({ url: database.url }),
      raw: {
        run: async (text) => {
          await sql.unsafe(text);
        },
        close: async () => {},
      },
    };
  });
}
