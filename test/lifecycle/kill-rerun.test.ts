// kill -9 in the middle of a retention purge, twice, then a run to the end: at every
// stop the database and the blob folder agree (no message whose content is gone, no
// delivery or file row without its message), and at the end exactly the due messages
// and their blobs are gone and nothing else was touched.

import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { allBlobIds } from '../../core/blobs/all-ids.ts';
import { tempDir } from '../support/cli.ts';
import { makeOrgKeys, type Seeded, seedMessages, startCli } from './seed.ts';

const DUE = 150;
const KEEP = 40;

describe('retention purge killed with SIGKILL and run again (SQLite)', () => {
  const dataDir = tempDir('sealpost-kill-');
  const env = {
    DATA_DIR: dataDir,
    SEALPOST_KEY_PASSPHRASE: 'kill and rerun test passphrase',
  };
  const blobs = fsBlobStore({ dir: path.join(dataDir, 'blobs') });
  let seeded: Seeded;

  beforeAll(async () => {
    const storage = sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });
    await storage.migrate();
    await makeOrgKeys(dataDir, 'kill and rerun test passphrase');
    seeded = await seedMessages(storage, blobs, { due: DUE, keep: KEEP });
    await storage.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Every blob in the folder. */
  async function allBlobs(): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const id of allBlobIds(blobs, 500)) ids.add(id);
    return ids;
  }

  /** The state on disk, read with a plain connection while no job runs. */
  async function snapshot() {
    const db = new Database(path.join(dataDir, 'sealpost.db'), { readonly: true });
    try {
      const messages = db.prepare('select id, body_blob_id as body from messages').all() as Array<{
        id: string;
        body: string;
      }>;
      const files = db
        .prepare('select message_id as m, blob_id as b from attachments')
        .all() as Array<{
        m: string;
        b: string;
      }>;
      const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
      return {
        messageIds: new Set(messages.map((m) => m.id)),
        rowBlobs: [...messages.map((m) => m.body), ...files.map((f) => f.b)],
        orphanDeliveries: count(
          'select count(*) from deliveries where message_id not in (select id from messages)',
        ),
        orphanFiles: count(
          'select count(*) from attachments where message_id is not null and message_id not in (select id from messages)',
        ),
        queued: count('select count(*) from blob_deletions'),
        runs: db
          .prepare('select status from job_runs order by started_at')
          .pluck()
          .all() as string[],
      };
    } finally {
      db.close();
    }
  }

  /** No row names a blob that is gone: the one thing a crash must never cause. */
  async function expectConsistent() {
    const state = await snapshot();
    const present = await allBlobs();
    expect(state.rowBlobs.filter((id) => !present.has(id))).toEqual([]);
    expect(state.orphanDeliveries).toBe(0);
    expect(state.orphanFiles).toBe(0);
    for (const id of seeded.keep) expect(state.messageIds.has(id)).toBe(true);
    return state;
  }

  async function killAfter(progressLines: number): Promise<void> {
    const run = startCli(
      ['jobs', 'run', 'retention-purge', '--batch-size', '10', '--pause-ms', '20'],
      env,
    );
    await run.waitForLine(/^retention-purge: running/);
    await run.waitForLine(/^retention-purge: purged=\d+/, { nth: progressLines });
    run.child.kill('SIGKILL');
    expect(await run.exited).toBeNull();
  }

  it('leaves a consistent state at every kill, and the rerun finishes the job', async () => {
    await killAfter(2);
    const first = await expectConsistent();
    expect(first.messageIds.size).toBeLessThan(DUE + KEEP);
    expect(first.messageIds.size).toBeGreaterThan(KEEP);

    await killAfter(4);
    const second = await expectConsistent();
    expect(second.messageIds.size).toBeLessThan(first.messageIds.size);

    const run = startCli(['jobs', 'run', 'retention-purge', '--batch-size', '50'], env);
    expect(await run.exited).toBe(0);
    expect(run.lines.at(-1)).toMatch(/^retention-purge: done in \d+ ms: purged=\d+ kept=0/);

    const end = await expectConsistent();
    expect([...end.messageIds].sort()).toEqual([...seeded.keep].sort());
    expect(end.queued).toBe(0);
    // Exactly the kept messages' blobs are left: nothing leaked, nothing else lost.
    const keptBlobs = seeded.keep.flatMap((id) => seeded.blobsOf.get(id) ?? []);
    expect([...(await allBlobs())].sort()).toEqual(keptBlobs.sort());
    // The two killed runs are recorded as interrupted, the last as done.
    expect(end.runs).toEqual(['failed', 'failed', 'ok']);
  });
});
