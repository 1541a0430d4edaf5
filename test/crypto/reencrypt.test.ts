import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { progressBar, reencryptBlobs, runKeys } from '../../adapters/cli/commands/keys.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import type { Cipher } from '../../core/crypto/ports.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { digestOf, patternBytes } from '../contracts/blob-store-contract.ts';
import { tempDir } from '../support/cli.ts';
import { PASSPHRASE, testCipher } from './support.ts';

type Fixture = { blobs: BlobStore; cipher: Cipher; originals: Map<string, Uint8Array> };

/** Blobs `old-0..` under a first key, then a rotation, then `new-0..` under the second. */
async function fixture(oldCount: number, newCount: number): Promise<Fixture> {
  const cipher = testCipher({ chunkSize: 4096 });
  const blobs = fsBlobStore({ dir: tempDir('sealpost-reenc-') });
  const originals = new Map<string, Uint8Array>();
  const store = async (id: string, size: number) => {
    const plain = patternBytes(size, originals.size + 1);
    originals.set(id, plain);
    await blobs.put({ id, body: await cipher.encryptStream({ plaintext: streamOf(plain) }) });
  };
  for (let i = 0; i < oldCount; i++) await store(`old-${i}`, i * 3000);
  await cipher.rotateKey();
  for (let i = 0; i < newCount; i++) await store(`new-${i}`, 1000 + i);
  return { blobs, cipher, originals };
}

async function expectAllReadable(f: Fixture): Promise<void> {
  for (const [id, plain] of f.originals) {
    const stored = await f.blobs.get({ id });
    if (!stored) throw new Error(`${id} is missing`);
    const opened = await readAll(await f.cipher.decryptStream({ ciphertext: stored }));
    expect(digestOf(opened), id).toBe(digestOf(plain));
  }
}

async function isUnderPrimary(f: Fixture, id: string): Promise<boolean> {
  const stored = await f.blobs.get({ id });
  return f.cipher.isUnderPrimaryKey({
    ciphertext: await readAll(stored as ReadableStream),
    of: 'stream',
  });
}

describe('the progress bar', () => {
  it('fills in twentieths, floors the percentage, and stops at 100%', () => {
    expect(progressBar(0, 40)).toBe('[--------------------]   0%');
    expect(progressBar(1, 40)).toBe('[--------------------]   2%');
    expect(progressBar(2, 40)).toBe('[#-------------------]   5%');
    expect(progressBar(39, 40)).toBe('[###################-]  97%');
    expect(progressBar(40, 40)).toBe('[####################] 100%');
    expect(progressBar(45, 40)).toBe('[####################] 100%');
    expect(progressBar(0, 0)).toBe('[####################] 100%');
  });
});

describe('sealpost keys reencrypt', () => {
  it('rewrites exactly the blobs under older keys, page by page, with progress', async () => {
    const f = await fixture(7, 4);
    const lines: string[] = [];
    const report = await reencryptBlobs({
      blobs: f.blobs,
      cipher: f.cipher,
      workDir: tempDir('sealpost-work-'),
      progress: (line) => lines.push(line),
      pageSize: 3,
    });
    expect(report).toEqual({ checked: 11, rewritten: 7, failed: [] });
    expect(lines[0]).toBe('reencrypt: 11 blobs to check');
    expect(lines.at(-1)).toBe(
      'reencrypt: [####################] 100% 11 of 11 checked, 7 rewritten, 0 failed. Done.',
    );
    await expectAllReadable(f);
    for (const id of f.originals.keys()) expect(await isUnderPrimary(f, id), id).toBe(true);

    const again = await reencryptBlobs({
      blobs: f.blobs,
      cipher: f.cipher,
      workDir: tempDir('sealpost-work-'),
      progress: () => {},
    });
    expect(again).toEqual({ checked: 11, rewritten: 0, failed: [] });
  });

  it('resumes after a crash mid-rewrite, and every blob stays readable throughout', async () => {
    const f = await fixture(6, 0);
    const workDir = tempDir('sealpost-work-');
    // The "crash": the third replacement never completes, and the run is abandoned.
    let puts = 0;
    const crashing: BlobStore = {
      ...f.blobs,
      put: (args) => {
        puts += 1;
        return puts === 3 ? new Promise(() => {}) : f.blobs.put(args);
      },
    };
    void reencryptBlobs({ blobs: crashing, cipher: f.cipher, workDir, progress: () => {} });
    await expect.poll(() => puts, { timeout: 10_000 }).toBe(3);
    // The new version of the blob in flight was written aside, never over the old one.
    expect(readdirSync(workDir).filter((n) => n.endsWith('.tmp'))).toHaveLength(1);
    await expectAllReadable(f);

    const report = await reencryptBlobs({
      blobs: f.blobs,
      cipher: f.cipher,
      workDir,
      progress: () => {},
    });
    expect(report).toEqual({ checked: 6, rewritten: 4, failed: [] });
    expect(readdirSync(workDir)).toEqual([]);
    await expectAllReadable(f);
    for (const id of f.originals.keys()) expect(await isUnderPrimary(f, id), id).toBe(true);
  });

  it('leaves a damaged blob as it was, names it, and rewrites the rest', async () => {
    const f = await fixture(3, 0);
    const damaged = await readAll((await f.blobs.get({ id: 'old-2' })) as ReadableStream);
    damaged[damaged.byteLength - 5] = (damaged[damaged.byteLength - 5] as number) ^ 1;
    await f.blobs.put({ id: 'old-2', body: streamOf(damaged) });
    const lines: string[] = [];
    const report = await reencryptBlobs({
      blobs: f.blobs,
      cipher: f.cipher,
      workDir: tempDir('sealpost-work-'),
      progress: (line) => lines.push(line),
    });
    expect(report.rewritten).toBe(2);
    expect(report.failed.map((x) => x.id)).toEqual(['old-2']);
    expect(lines.some((l) => l.includes('blob old-2 left as it was'))).toBe(true);
    const after = await readAll((await f.blobs.get({ id: 'old-2' })) as ReadableStream);
    expect(digestOf(after)).toBe(digestOf(damaged));
  });

  it('does not bring back a blob deleted while it was being rewritten', async () => {
    const f = await fixture(2, 0);
    let gets = 0;
    const purging: BlobStore = {
      ...f.blobs,
      get: async (args) => {
        // Third read of old-0 is the "still there?" check before the swap.
        if (args.id === 'old-0' && ++gets === 3) await f.blobs.delete({ id: 'old-0' });
        return f.blobs.get(args);
      },
    };
    const report = await reencryptBlobs({
      blobs: purging,
      cipher: f.cipher,
      workDir: tempDir('sealpost-work-'),
      progress: () => {},
    });
    expect(report).toEqual({ checked: 2, rewritten: 1, failed: [] });
    expect(await f.blobs.get({ id: 'old-0' })).toBeNull();
  });

  it('runs as a command: list, rotate, reencrypt, exports', async () => {
    const dataDir = tempDir('sealpost-data-');
    const config = parseConfig({ DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: PASSPHRASE });
    const out: string[] = [];
    const ctx = { config, out: (l: string) => out.push(l), err: (l: string) => out.push(l) };

    expect(await runKeys(ctx, ['list'])).toBe(0);
    expect(out.filter((l) => /^\* [0-9a-f]{40} /.test(l))).toHaveLength(1);
    expect(await runKeys(ctx, ['rotate'])).toBe(0);
    expect(out.at(-2)).toMatch(/^New primary key [0-9a-f]{40}\./);
    // The trail records it, as it does for the admin page's button.
    const storage = sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });
    const rotations = await storage.repos.audit.list({
      filter: { action: 'key.rotate' },
      limit: 5,
    });
    await storage.close();
    expect(rotations.map((e) => e.actorLabel)).toEqual(['cli:sealpost keys rotate']);
    expect(out.at(-2)).toContain(rotations[0]?.targetId ?? 'no event');
    expect(await runKeys(ctx, ['reencrypt'])).toBe(0);
    expect(out.some((l) => l.endsWith('Done.'))).toBe(true);
    // The database values are walked too, with their own progress bar.
    expect(out.some((l) => /^reencrypt values: \[#+\] 100% \d+ of \d+ checked/.test(l))).toBe(true);

    const secret = path.join(dataDir, 'backup.asc');
    expect(await runKeys(ctx, ['export-secret', '--out', secret])).toBe(0);
    await expect(runKeys(ctx, ['export-secret', '--out', secret])).rejects.toThrow(
      'already exists',
    );
    await expect(runKeys(ctx, ['export-secret'])).rejects.toThrow('--out is required');
    await expect(runKeys(ctx, ['frobnicate'])).rejects.toThrow('expected one of');
    await expect(runKeys(ctx, ['list', '--out', 'x'])).rejects.toThrow('--out is only for');
    out.length = 0;
    expect(await runKeys(ctx, ['export-public'])).toBe(0);
    expect(out[0]).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    writeFileSync(path.join(dataDir, 'taken.asc'), '');
    await expect(
      runKeys(ctx, ['export-public', '--out', path.join(dataDir, 'taken.asc')]),
    ).rejects.toThrow('already exists');
  });
});
