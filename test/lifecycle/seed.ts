// Seeds a database and blob folder with many messages for the tests that run
// `sealpost jobs run` in child processes: some past retention, some not. The content is
// random bytes (the purge never decrypts), written through the real adapters.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openpgpCipher } from '../../adapters/crypto/openpgp/index.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { streamOf } from '../../core/shared/streams.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { makeAccount, makeAttachment, makeDelivery, makeMessage, makeStaff } from '../factories.ts';
import { ROOT } from '../support/cli.ts';

const DAY = 86_400_000;

/** What was seeded: message ids by fate, and every blob id of each message. */
export type Seeded = { due: string[]; keep: string[]; blobsOf: Map<string, string[]> };

/**
 * `due` messages with `retainUntil` a day ago and `keep` messages not due for a year,
 * each with one delivery and one attachment, so two blobs.
 */
export async function seedMessages(
  storage: Storage,
  blobs: BlobStore,
  counts: { due: number; keep: number },
): Promise<Seeded> {
  const now = Date.now();
  const sender = makeStaff({ email: 'officer@barnet.gov.uk' });
  const recipient = makeAccount({ email: 'ann@example.org' });
  const seeded: Seeded = { due: [], keep: [], blobsOf: new Map() };
  const plans = [
    ...Array.from({ length: counts.due }, () => ({ due: true })),
    ...Array.from({ length: counts.keep }, () => ({ due: false })),
  ];
  const rows = plans.map(({ due }) => {
    const id = randomUUID();
    const message = makeMessage({
      id,
      senderId: sender.id,
      bodyBlobId: randomUUID(),
      createdAt: new Date(now - 100 * DAY),
      retainUntil: new Date(due ? now - DAY : now + 365 * DAY),
    });
    const delivery = makeDelivery({
      messageId: id,
      recipientId: recipient.id,
      recipientEmail: recipient.email,
      accessEndsAt: new Date(now - 50 * DAY),
    });
    const attachment = makeAttachment({ messageId: id, blobId: randomUUID() });
    (due ? seeded.due : seeded.keep).push(id);
    seeded.blobsOf.set(id, [message.bodyBlobId, attachment.blobId]);
    return { message, delivery, attachment };
  });
  const all = [...seeded.blobsOf.values()].flat();
  for (let i = 0; i < all.length; i += 64) {
    await Promise.all(
      all
        .slice(i, i + 64)
        .map((id) => blobs.put({ id, body: streamOf(new Uint8Array(randomBytes(512))) })),
    );
  }
  await storage.transaction(async (tx) => {
    await tx.accounts.insert({ account: sender });
    await tx.accounts.insert({ account: recipient });
    for (const { message, delivery, attachment } of rows) {
      await tx.messages.insert({ message });
      await tx.deliveries.insert({ delivery });
      await tx.attachments.insert({ attachment });
    }
  });
  return seeded;
}

/** A running `sealpost ...` child with its output as lines, and a way to wait for one. */
export type CliChild = {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the `nth` line (1 by default; already seen or still to come) that matches. */
  waitForLine(match: RegExp, options?: { nth?: number; timeoutMs?: number }): Promise<string>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
};

/** Starts `sealpost ...args` with only `env` (plus PATH and HOME) in its environment. */
export function startCli(args: string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, ['adapters/cli/bin.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
  });
  const lines: string[] = [];
  const waiters: Array<{ match: RegExp; left: number; resolve: (line: string) => void }> = [];
  let buffered = '';
  const take = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match.test(line) && --w.left === 0) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  );
  return {
    child,
    lines,
    exited,
    waitForLine(match, { nth = 1, timeoutMs = 30_000 } = {}) {
      const seen = lines.filter((l) => match.test(l));
      if (seen.length >= nth) return Promise.resolve(seen[nth - 1] as string);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${match} in: ${lines.join('\n')}`)),
          timeoutMs,
        );
        const waiter = {
          match,
          left: nth - seen.length,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`exited before a line matching ${match}: ${lines.join('\n')}`));
        });
      });
    },
  };
}

/**
 * Makes the org keys in `dataDir`, as the installation's first start does. Seeded data
 * stands for data encrypted to them: without keys, the key guard rightly refuses to
 * make a new one over it.
 */
export async function makeOrgKeys(dataDir: string, passphrase: string): Promise<void> {
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  await openpgpCipher({ keysDir: path.join(dataDir, 'keys'), passphrase, logger }).listKeys();
}
