// kill -9 in the middle of the unretrieved-message job with UNRETRIEVED_ACTION=delete
// (the Lancashire set-up), twice, then a run to the end: at every stop each message is
// either untouched or gone with its sender's one email queued, never half-done, and at
// the end every sender was told exactly once per message and every blob is gone.

import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { allBlobIds } from '../../core/blobs/all-ids.ts';
import { tempDir } from '../support/cli.ts';
import { makeOrgKeys, type Seeded, seedMessages, startCli } from './seed.ts';

// Every seeded delivery was sent 100 days ago and never opened, so all are due.
const MESSAGES = 160;

describe('unretrieved notice (delete) killed with SIGKILL and run again (SQLite)', () => {
  const dataDir = tempDir('sealpost-kill-unretrieved-');
  const env = {
    DATA_DIR: dataDir,
    SEALPOST_KEY_PASSPHRASE: 'kill and rerun unretrieved passphrase',
    UNRETRIEVED_ACTION: 'delete',
  };
  const blobs = fsBlobStore({ dir: path.join(dataDir, 'blobs') });
  let seeded: Seeded;

  beforeAll(async () => {
    const storage = sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });
    await storage.migrate();
    await makeOrgKeys(dataDir, 'kill and rerun unretrieved passphrase');
    seeded = await seedMessages(storage, blobs, { due: MESSAGES / 2, keep: MESSAGES / 2 });
    await storage.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function blobCount(): Promise<number> {
    let n = 0;
    for await (const _ of allBlobIds(blobs, 500)) n += 1;
    return n;
  }

  /** The state on disk, checked for the one invariant: done means mailed, once. */
  async function expectConsistent() {
    const db = new Database(path.join(dataDir, 'sealpost.db'), { readonly: true });
    try {
      const rows = <T>(sql: string) => db.prepare(sql).all() as T[];
      const count = (sql: string) => db.prepare(sql).pluck().get() as number;
      const left = new Set(rows<{ id: string }>('select id from messages').map((r) => r.id));
      const told = rows<{ m: string; n: number }>(
        `select json_extract(details, '$.messageId') as m, count(*) as n from audit_events
         where action = 'delivery.unretrieved' group by m`,
      );
      const mails = count(`select count(*) from outbox where kind = 'unretrieved'`);
      // Handled messages are gone, each recorded once; the others are untouched.
      for (const { m, n } of told) {
        expect(left.has(m), `message ${m} handled but still there`).toBe(false);
        expect(n).toBe(1);
      }
      expect(left.size + told.length).toBe(MESSAGES);
      // One email to the sender per handled message: never lost, never twice.
      expect(mails).toBe(told.length);
      expect(
        count('select count(*) from deliveries where message_id not in (select id from messages)'),
      ).toBe(0);
      expect(
        count(
          'select count(*) from attachments where message_id is not null and message_id not in (select id from messages)',
        ),
      ).toBe(0);
      return { left: left.size, handled: told.length };
    } finally {
      db.close();
    }
  }

  async function killAfter(progressLines: number): Promise<void> {
    const run = startCli(
      ['jobs', 'run', 'unretrieved-notice', '--batch-size', '10', '--pause-ms', '20'],
      env,
    );
    await run.waitForLine(/^unretrieved-notice: running/);
    await run.waitForLine(/^unretrieved-notice: \w+=\d+/, { nth: progressLines });
    run.child.kill('SIGKILL');
    expect(await run.exited).toBeNull();
  }

  it('leaves each message untouched or fully handled at every kill, and the rerun finishes', async () => {
    expect(seeded.due.length + seeded.keep.length).toBe(MESSAGES);
    const before = await blobCount();
    expect(before).toBe(MESSAGES * 2);

    await killAfter(2);
    const first = await expectConsistent();
    expect(first.handled).toBeGreaterThan(0);
    expect(first.left).toBeGreaterThan(0);

    await killAfter(3);
    const second = await expectConsistent();
    expect(second.handled).toBeGreaterThan(first.handled);

    const run = startCli(['jobs', 'run', 'unretrieved-notice', '--batch-size', '50'], env);
    expect(await run.exited).toBe(0);
    const end = await expectConsistent();
    expect(end).toEqual({ left: 0, handled: MESSAGES });
    // A blob whose deletion a kill interrupted waits in the queue for housekeeping's
    // sweep; after it, none is left.
    const sweep = startCli(['jobs', 'run', 'housekeeping'], env);
    expect(await sweep.exited).toBe(0);
    expect(await blobCount()).toBe(0);
  }, 120_000);
});
