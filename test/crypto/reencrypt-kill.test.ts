// `sealpost keys rotate` then `sealpost keys reencrypt`, killed with SIGKILL half-way
// and run again: every blob ends under the new key and still decrypts to exactly what
// was stored. Nothing is lost at any point.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { ROOT, runCli, tempDir } from '../support/cli.ts';

const BLOBS = 160;
const dataDir = tempDir('sealpost-reencrypt-kill-');
const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: 'reencrypt kill passphrase' };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const open = () =>
  compose(parseConfig(env), { logger: createLogger({ level: 'silent' }), migrate: true });

async function underPrimary(app: Sealpost, ids: string[]): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const stream = await app.blobs.get({ id });
    if (!stream) throw new Error(`blob ${id} is gone`);
    const head = await readAll(stream);
    if (await app.cipher.isUnderPrimaryKey({ ciphertext: head.slice(0, 512), of: 'stream' })) n++;
  }
  return n;
}

/** Starts `keys reencrypt`, kills it with SIGKILL after `ms`, resolves when it is gone. */
function killAfter(ms: number): Promise<void> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'adapters/cli/bin.js'), 'keys', 'reencrypt'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
      stdio: 'ignore',
    },
  );
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('keys reencrypt survives SIGKILL', () => {
  it('rewrites every blob under the new key after a kill and a rerun, losing nothing', async () => {
    // Blobs under the first key, each with a known content.
    let app = await open();
    const expected = new Map<string, string>();
    for (let i = 0; i < BLOBS; i++) {
      const id = app.ids.newId();
      const plain = randomBytes(8_192 + i);
      await app.blobs.put({
        id,
        body: await app.cipher.encryptStream({ plaintext: streamOf(plain) }),
      });
      expected.set(id, sha(plain));
    }
    await app.close();
    expect((await runCli(['keys', 'rotate'], env)).code).toBe(0);

    // Kill it part-way: wait longer each time until a kill lands mid-run.
    const ids = [...expected.keys()];
    let rewritten = 0;
    for (const ms of [800, 1_200, 1_600, 2_000, 2_500, 3_000, 4_000, 6_000]) {
      await killAfter(ms);
      app = await open();
      rewritten = await underPrimary(app, ids);
      await app.close();
      if (rewritten > 0) break;
    }
    console.info(`reencrypt killed with ${rewritten} of ${BLOBS} blobs rewritten`);
    // Half-way: some blobs rewritten, some not.
    expect(rewritten).toBeGreaterThan(0);
    expect(rewritten).toBeLessThan(BLOBS);

    // Every blob still decrypts to what was stored, before the rerun too.
    app = await open();
    for (const [id, hash] of expected) {
      const stream = await app.blobs.get({ id });
      expect(stream, id).not.toBeNull();
      const plain = await readAll(
        await app.cipher.decryptStream({ ciphertext: stream as ReadableStream<Uint8Array> }),
      );
      expect(sha(plain), id).toBe(hash);
    }
    await app.close();

    const rerun = await runCli(['keys', 'reencrypt'], env);
    expect(rerun.code).toBe(0);
    app = await open();
    try {
      expect(await underPrimary(app, ids)).toBe(BLOBS);
      for (const [id, hash] of expected) {
        const stream = await app.blobs.get({ id });
        const plain = await readAll(
          await app.cipher.decryptStream({ ciphertext: stream as ReadableStream<Uint8Array> }),
        );
        expect(sha(plain), id).toBe(hash);
      }
    } finally {
      await app.close();
    }
  }, 120_000);
});
