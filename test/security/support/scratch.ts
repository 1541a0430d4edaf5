import { accessSync, constants, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The folder the security suites keep their databases and blobs in. SQLite runs with
 * `synchronous=FULL`, so every commit waits for an fsync; on a tmpfs (`/dev/shm`) that
 * costs nothing and the suites fit their CI budget. What is tested (the app's answers,
 * what it stores) does not depend on the file system. A small /dev/shm (Docker gives
 * 64 MB) cannot hold the 75 MB uploads, so it is used only with room to spare.
 * `SEALPOST_TEST_TMP` overrides the choice.
 */
export function scratchRoot(): string {
  const chosen = process.env.SEALPOST_TEST_TMP;
  if (chosen) return chosen;
  try {
    accessSync('/dev/shm', constants.W_OK);
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize >= 2 * 1024 ** 3) return '/dev/shm';
  } catch {
    // No /dev/shm here: the ordinary temporary folder.
  }
  return tmpdir();
}

/** A new empty folder under `scratchRoot()`, and how to remove it. */
export function scratchDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(scratchRoot(), `sealpost-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
