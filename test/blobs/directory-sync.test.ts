// The fs blob store's shared directory fsync (decision 0025): a writer is told its
// rename is durable only by an fsync that began after it asked, and writers that ask
// together share one.

import { describe, expect, it } from 'vitest';
import { sharedDirectorySync } from '../../adapters/blobs/fs/directory-sync.ts';

/** A directory fsync the test finishes by hand, recording each one begun. */
function manualSync() {
  const begun: Array<{ dir: string; finish: () => void }> = [];
  const sync = (dir: string) =>
    new Promise<void>((resolve) => {
      begun.push({ dir, finish: resolve });
    });
  return { begun, sync };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('shared directory fsync', () => {
  it('answers a caller only with an fsync begun after it asked, shared with the others', async () => {
    const { begun, sync } = manualSync();
    const shared = sharedDirectorySync(sync);
    const done: string[] = [];
    const first = shared('/a').then(() => done.push('first'));
    expect(begun).toHaveLength(1);
    // These arrive while the first fsync runs: it may have begun before their renames.
    const later = [1, 2, 3, 4].map((n) => shared('/a').then(() => done.push(`later-${n}`)));
    const other = shared('/b').then(() => done.push('other'));
    expect(begun.map((b) => b.dir)).toEqual(['/a', '/b']);
    begun[0]?.finish();
    await first;
    await tick();
    expect(done).toEqual(['first']);
    // One more fsync of /a covers all four.
    expect(begun.map((b) => b.dir)).toEqual(['/a', '/b', '/a']);
    begun[2]?.finish();
    await Promise.all(later);
    expect(done).toEqual(['first', 'later-1', 'later-2', 'later-3', 'later-4']);
    begun[1]?.finish();
    await other;
    // Idle again: the next caller starts an fsync at once.
    void shared('/a');
    expect(begun).toHaveLength(4);
  });

  it('passes a failed fsync on to its callers, and the next caller tries again', async () => {
    let fail = true;
    const shared = sharedDirectorySync(async () => {
      if (fail) throw new Error('EIO');
    });
    await expect(shared('/a')).rejects.toThrow('EIO');
    fail = false;
    await expect(shared('/a')).resolves.toBeUndefined();
  });
});
