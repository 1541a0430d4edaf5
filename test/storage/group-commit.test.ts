// Group commit on SQLite (decision 0025): transactions that wait for the connection at
// the same time share one BEGIN IMMEDIATE ... COMMIT, each in its own savepoint. One
// unit's failure undoes only that unit; the others commit. Nothing is acknowledged
// before the shared COMMIT: a process SIGKILLed mid-batch loses no acknowledged unit.

import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { ROOT, tempDir } from '../support/cli.ts';

const CHILD = path.join(ROOT, 'test/storage/support/group-commit-child.ts');

async function freshFile(): Promise<string> {
  const file = path.join(tempDir('sealpost-group-commit-'), 'sealpost.db');
  const storage = sqliteStorage({ path: file });
  await storage.migrate();
  await storage.close();
  return file;
}

/** WAL frames written so far: each is a 24-byte header and one page (4096 bytes here). */
const walFrames = (file: string) => statSync(`${file}-wal`).size / (24 + 4096);

/** A unit that stores `unit-N`, and a second row, then fails when told to. */
const unit = (storage: Storage, n: number, fails = false) =>
  storage.transaction(async (repos) => {
    await repos.settings.set({ key: `unit-${n}`, value: n });
    await repos.settings.set({ key: `unit-${n}-b`, value: n });
    if (fails) throw new Error(`unit ${n} failed`);
    return n;
  });

describe('group commit on SQLite', () => {
  it('commits the concurrent units, undoes only the one that failed, and shares the commit', async () => {
    const file = await freshFile();
    const storage = sqliteStorage({ path: file });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, n) => unit(storage, n, n === 17)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(39);
      expect(results[17]).toMatchObject({
        status: 'rejected',
        reason: { message: 'unit 17 failed' },
      });
      expect(results[18]).toEqual({ status: 'fulfilled', value: 18 });
      const stored = await storage.repos.settings.getAll();
      expect(Object.keys(stored)).toHaveLength(78);
      expect(stored['unit-17']).toBeUndefined();
      expect(stored['unit-17-b']).toBeUndefined();

      // Each COMMIT appends at least one page to the WAL: 40 units one after the other
      // write 40 or more, 40 at once far fewer.
      const beforeOneByOne = walFrames(file);
      for (let n = 100; n < 140; n++) await unit(storage, n);
      const oneByOne = walFrames(file) - beforeOneByOne;
      const beforeTogether = walFrames(file);
      await Promise.all(Array.from({ length: 40 }, (_, i) => unit(storage, 200 + i)));
      const together = walFrames(file) - beforeTogether;
      console.info(`WAL pages for 40 units: ${oneByOne} one by one, ${together} together`);
      expect(oneByOne).toBeGreaterThanOrEqual(40);
      expect(together * 4).toBeLessThan(oneByOne);
    } finally {
      await storage.close();
    }
  });

  it('loses no acknowledged unit when the process is SIGKILLed mid-batch', async () => {
    const file = await freshFile();
    for (let round = 0; round < 3; round++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CHILD, file, String(round * 1_000_000)],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const acked: number[] = [];
      const failed: number[] = [];
      let buffer = '';
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const enough = new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => {
          buffer += d.toString();
          const lines = buffer.split('\n');
          buffer = lines.pop() ?? '';
          for (const line of lines) {
            if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
            if (line.startsWith('failed ')) failed.push(Number(line.slice(7)));
          }
          // Killed at a different point of a batch each round.
          if (acked.length >= 150 + round * 37) resolve();
        });
        child.on('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
      });
      await enough;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      const storage = sqliteStorage({ path: file });
      try {
        const stored = await storage.repos.settings.getAll();
        const missing = acked.filter((n) => stored[`unit-${n}`] !== n);
        expect(missing).toEqual([]);
        expect(failed.length).toBeGreaterThan(0);
        expect(failed.filter((n) => `unit-${n}` in stored)).toEqual([]);
      } finally {
        await storage.close();
      }
    }
  });
});
