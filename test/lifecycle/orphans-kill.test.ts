// The orphan clean-up after a real kill: `sealpost gateway` runs as a child process and
// is SIGKILLed while it stores a large mail, after its first blob is on disk and while
// the next is still a temporary file, so before the transaction that would name them.
// Housekeeping then keeps those leftovers inside the grace period, removes exactly them
// past it, reports how many, and every message that was acknowledged still opens whole.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { lifecycleDepsFrom } from '../../adapters/jobs/deps.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { ORPHAN_GRACE_HOURS } from '../../core/lifecycle/orphans.ts';
import { runJob } from '../../core/lifecycle/run-job.ts';
import { readAll } from '../../core/shared/streams.ts';
import { manualClock } from '../auth/support.ts';
import { gatewayEnv } from '../gateway/support/gateway-app.ts';
import { freePort, ROOT, runCli, tempDir } from '../support/cli.ts';

const BIN = path.join(ROOT, 'adapters/cli/bin.js');
const SENDER = 'kill.sender@council.test';
const RECIPIENT = 'kill.recipient@example.org';
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** True once something on `port` answers with an SMTP greeting. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('data', (d: Buffer) => done(d.toString().startsWith('220')));
    socket.once('error', () => done(false));
  });
}

/** The blob folder's completed blobs and temporary files, by name. */
function blobFolder(dir: string): { blobs: string[]; temps: string[] } {
  const root = path.join(dir, 'blobs');
  const blobs: string[] = [];
  const temps: string[] = [];
  let shards: string[] = [];
  try {
    shards = readdirSync(root);
  } catch {
    return { blobs, temps };
  }
  for (const shard of shards) {
    let names: string[] = [];
    try {
      names = readdirSync(path.join(root, shard));
    } catch {
      continue;
    }
    for (const name of names) (name.startsWith('.') ? temps : blobs).push(name);
  }
  return { blobs: blobs.sort(), temps: temps.sort() };
}

describe('orphan clean-up after the gateway is killed mid-intake', () => {
  const dir = tempDir('sealpost-orphans-kill-');
  let child: ChildProcess | null = null;
  let app: Sealpost | null = null;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await app?.close();
  });

  it('removes exactly what the kill left, after the grace period, and every message still opens', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // Every blob a file: the leftovers of a kill are files. Small blobs kept as rows
      // (decision 0027) commit with their message or not at all, so a kill leaves none
      // (test/storage/inline-blobs.test.ts).
      ...gatewayEnv(dir, {
        GATEWAY_PORT: String(port),
        LOG_LEVEL: 'error',
        INLINE_BLOB_MAX_KB: '0',
      }),
    };
    const migrated = await runCli(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    let output = '';
    const proc = spawn(process.execPath, [BIN, 'gateway'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    const deadline = Date.now() + 60_000;
    while (!(await greets(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the gateway did not start: ${output}`);
      }
      await sleep(50);
    }

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      socketTimeout: 60_000,
    });
    const mail = (n: number, file: Buffer) => ({
      envelope: { from: SENDER, to: [RECIPIENT] },
      from: SENDER,
      to: RECIPIENT,
      subject: `zixencrypt orphan test ${n}`,
      messageId: `<orphan-${n}-${randomBytes(4).toString('hex')}@council.test>`,
      text: `Orphan test message ${n}.`,
      attachments: [{ filename: `file-${n}.bin`, content: file }],
    });

    // Two messages stored and acknowledged before the kill.
    const files = new Map<number, Buffer>([
      [1, randomBytes(20_000)],
      [2, randomBytes(300_000)],
    ]);
    for (const [n, file] of files) await transport.sendMail(mail(n, file));
    const before = blobFolder(dir);
    expect(before.temps).toEqual([]);

    // The third is large, so it is still being stored when its first blob lands: the
    // kill comes as soon as a new blob is on disk and another is half written.
    const sending = transport.sendMail(mail(3, randomBytes(24 * 1024 * 1024))).then(
      () => 'acknowledged',
      () => 'lost',
    );
    let left = blobFolder(dir);
    const killBy = Date.now() + 60_000;
    for (;;) {
      left = blobFolder(dir);
      const fresh = left.blobs.filter((b) => !before.blobs.includes(b));
      if (fresh.length > 0 && left.temps.length > 0) break;
      if (Date.now() > killBy) throw new Error(`no blob of the third mail appeared: ${output}`);
      await sleep(1);
    }
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
    child = null;
    expect(await sending).toBe('lost');
    transport.close();
    left = blobFolder(dir);
    const orphans = left.blobs.filter((b) => !before.blobs.includes(b));
    expect(orphans.length).toBeGreaterThan(0);
    expect(left.temps.length).toBeGreaterThan(0);

    app = await compose(parseConfig(env), {
      logger: createLogger({ level: 'silent' }),
      migrate: false,
    });
    const opened = app;
    const sender = await opened.storage.repos.accounts.findByEmailKey({ emailKey: SENDER });
    const sent = sender
      ? await opened.storage.repos.messages.listSent({ senderId: sender.id, limit: 10, offset: 0 })
      : [];
    // The killed mail was never committed: only the two acknowledged ones are stored.
    expect(sent.length).toBe(2);
    const named = new Set<string>();
    for (const m of sent) {
      named.add(m.bodyBlobId);
      for (const f of await opened.storage.repos.attachments.listForMessage({ messageId: m.id })) {
        named.add(f.blobId);
      }
    }
    expect([...named].sort()).toEqual(before.blobs);
    expect(orphans.some((b) => named.has(b))).toBe(false);

    const housekeeping = async (at: Date) => {
      const deps = await lifecycleDepsFrom(opened, { withMailer: false });
      const result = await runJob({ ...deps, clock: manualClock(at) }, { name: 'housekeeping' });
      if (!result.ran) throw new Error('housekeeping did not run');
      expect(result.run.status).toBe('ok');
      return result.run.counts;
    };

    // Inside the grace period the leftovers stay: they could be a send still running.
    expect(
      await housekeeping(new Date(Date.now() + (ORPHAN_GRACE_HOURS - 1) * HOUR)),
    ).toMatchObject({ orphanBlobs: 0, unfinishedUploads: 0 });
    expect(blobFolder(dir)).toEqual(left);

    // Past it, exactly the kill's leftovers go, and the counts say so.
    const counts = await housekeeping(new Date(Date.now() + (ORPHAN_GRACE_HOURS + 1) * HOUR));
    expect(counts).toMatchObject({
      orphanBlobs: orphans.length,
      unfinishedUploads: left.temps.length,
    });
    expect(blobFolder(dir)).toEqual({ blobs: before.blobs, temps: [] });
    const [event] = await opened.storage.repos.audit.list({ limit: 1, order: 'desc' });
    expect(event?.details).toMatchObject({
      job: 'housekeeping',
      orphanBlobs: orphans.length,
      unfinishedUploads: left.temps.length,
    });

    // Every acknowledged message still opens whole: body and file decrypt.
    const decrypt = async (id: string) => {
      const stored = await opened.blobs.get({ id });
      if (!stored) throw new Error(`blob ${id} is gone`);
      return readAll(await opened.cipher.decryptStream({ ciphertext: stored }));
    };
    for (const m of sent) {
      const n = Number(
        /Orphan test message (\d)\./.exec(
          new TextDecoder().decode(await decrypt(m.bodyBlobId)),
        )?.[1],
      );
      const want = files.get(n);
      if (!want) throw new Error(`message ${m.id} has an unknown body`);
      const stored = await opened.storage.repos.attachments.listForMessage({ messageId: m.id });
      const digests = await Promise.all(stored.map(async (f) => sha256(await decrypt(f.blobId))));
      expect(digests).toContain(sha256(want));
    }

    // A second run past the grace period finds nothing more to remove.
    expect(
      await housekeeping(new Date(Date.now() + (ORPHAN_GRACE_HOURS + 2) * HOUR)),
    ).toMatchObject({ orphanBlobs: 0, unfinishedUploads: 0 });
  }, 180_000);
});
