import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { compose } from '../../../adapters/compose.ts';
import { parseConfig } from '../../../adapters/config/config.ts';
import { createLogger } from '../../../adapters/logging/logger.ts';
import { gatewayDedupeKey } from '../../../core/gateway/dedupe.ts';
import { readAll } from '../../../core/shared/streams.ts';
import { ROOT, runCli, tempDir } from '../../support/cli.ts';
import { gatewayEnv } from './gateway-app.ts';

/** What a crash run is asked to do. */
export type CrashOptions = {
  /** SIGKILLs to deliver while mail is being sent. */
  kills: number;
  /** Messages to send at least; the client keeps sending new ones until the kills are done. */
  minMessages: number;
  /** Parallel SMTP clients. */
  clients: number;
  log?: (line: string) => void;
};

/** What happened, and every way the outcome broke the promise (empty when it held). */
export type CrashReport = {
  kills: number;
  killsBeforeReady: number;
  messages: number;
  /** Messages answered 250 (every message is retried until it is). */
  acknowledged: number;
  /** Sending attempts that failed (connection lost, 4xx) and were retried. */
  retries: number;
  /** 250s that said the mail had already been stored: the retries after a lost 250. */
  duplicateAcks: number;
  stored: number;
  problems: string[];
  seconds: number;
};

const SENDER = 'crash.sender@council.test';
const RECIPIENT = 'crash.recipient@example.org';
const BIN = path.join(ROOT, 'adapters/cli/bin.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

/** The attachment of message `n`: 1 to 40 KB, derived from `n`, so it can be checked later. */
export function crashAttachment(n: number): Buffer {
  const size = 1024 + ((n * 7919) % (39 * 1024));
  const blocks: Buffer[] = [];
  let block = createHash('sha256').update(`crash ${n}`).digest();
  let total = 0;
  while (total < size) {
    blocks.push(block);
    total += block.length;
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(blocks).subarray(0, size);
}

const bodyOf = (n: number) => `Crash test message ${n}. It must be stored exactly once.`;

/**
 * Mail n, built once: a mail server's queue resends the same bytes after a dropped
 * connection, and the gateway knows a copy by its bytes, so every retry sends these.
 */
const raws = new Map<number, Promise<Buffer>>();
function rawOf(n: number): Promise<Buffer> {
  let raw = raws.get(n);
  if (!raw) {
    raw = new MailComposer({
      from: `Crash Sender <${SENDER}>`,
      to: RECIPIENT,
      subject: `zixencrypt crash ${n}`,
      messageId: messageIdOf(n),
      text: bodyOf(n),
      attachments: [{ filename: `file-${n}.bin`, content: crashAttachment(n) }],
    })
      .compile()
      .build()
      .then((built) =>
        built.subarray(-2).toString() === '\r\n'
          ? built
          : Buffer.concat([built, Buffer.from('\r\n')]),
      );
    raws.set(n, raw);
  }
  return raw;
}
const messageIdOf = (n: number) => `<crash-${n}@council.test>`;

/**
 * A free port below Linux's ephemeral range (32768 and up). The gateway's port is free
 * for a moment at every restart; a port the kernel hands out for port 0 could be taken
 * by another test in that moment, and the restarted gateway would find it in use.
 */
async function portOutsideEphemeralRange(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

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

/**
 * The crash test: runs `sealpost gateway` as a child process, sends mail to it from
 * several clients that retry until they get a 250, and SIGKILLs the child at random
 * moments (some during start-up, most while it is taking mail), restarting it each
 * time. Then checks through the storage port that every acknowledged message is
 * stored exactly once and that nothing stored is partial: every body and attachment
 * decrypts whole and equals what was sent.
 */
export async function runCrashTest(options: CrashOptions): Promise<CrashReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const dir = tempDir('sealpost-gateway-crash-');
  const port = await portOutsideEphemeralRange();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...gatewayEnv(dir, { GATEWAY_PORT: String(port), LOG_LEVEL: 'error' }),
  };
  const migrated = await runCli(['migrate'], env);
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);

  const problems: string[] = [];
  let child: ChildProcess | null = null;
  let childOutput = '';
  const startChild = () => {
    const proc = spawn(process.execPath, [BIN, 'gateway'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr?.on('data', (d: Buffer) => {
      childOutput = (childOutput + d.toString()).slice(-4000);
    });
    child = proc;
    return proc;
  };
  const waitReady = async (proc: ChildProcess, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) return false;
      if (await greets(port)) return true;
      await sleep(15);
    }
    throw new Error(`the gateway did not start in ${timeoutMs} ms: ${childOutput}`);
  };
  const kill = async (proc: ChildProcess) => {
    if (proc.exitCode !== null) {
      problems.push(`the gateway exited by itself with code ${proc.exitCode}: ${childOutput}`);
    }
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    }
  };

  // The first start makes the keyring; it is left alone.
  await waitReady(startChild());

  const acknowledged = new Set<number>();
  let created = 0;
  let retries = 0;
  let duplicateAcks = 0;
  let killing = true;

  const sendOnce = async (n: number): Promise<'ok' | 'retry'> => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      connectionTimeout: 3_000,
      greetingTimeout: 3_000,
      socketTimeout: 10_000,
    });
    try {
      const info = await transport.sendMail({
        envelope: { from: SENDER, to: [RECIPIENT] },
        raw: await rawOf(n),
      });
      if (/already stored/.test(info.response)) duplicateAcks++;
      return 'ok';
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      if (typeof code === 'number' && code >= 500) {
        problems.push(`message ${n} was refused for good: ${(error as Error).message}`);
        return 'ok';
      }
      return 'retry';
    } finally {
      transport.close();
    }
  };

  const client = async () => {
    for (;;) {
      if (!killing && created >= options.minMessages) return;
      const n = ++created;
      for (;;) {
        const result = await sendOnce(n);
        if (result === 'ok') break;
        retries++;
        await sleep(between(10, 60));
      }
      acknowledged.add(n);
    }
  };

  let kills = 0;
  let killsBeforeReady = 0;
  const killer = async () => {
    while (kills < options.kills) {
      const proc = child ?? startChild();
      if (Math.random() < 0.25) {
        // Some kills land during start-up: migrations, keyring, listening.
        await sleep(between(50, 1200));
        if (!(await greets(port))) killsBeforeReady++;
      } else {
        await waitReady(proc);
        await sleep(between(20, 450));
      }
      await kill(proc);
      kills++;
      if (kills % 10 === 0) log(`${kills} kills, ${acknowledged.size} acknowledged`);
      startChild();
    }
    killing = false;
  };

  await Promise.all([killer(), ...Array.from({ length: options.clients }, client)]);
  const last = child as ChildProcess | null;
  if (last) {
    await waitReady(last);
    const exited = new Promise((r) => last.once('exit', r));
    last.kill('SIGTERM');
    await exited;
  }

  // Check through the storage port, as the portal would read it.
  const config = parseConfig(env);
  const app = await compose(config, { logger: createLogger({ level: 'silent' }), migrate: false });
  let stored = 0;
  try {
    const sender = await app.storage.repos.accounts.findByEmailKey({ emailKey: SENDER });
    const messages = sender
      ? await app.storage.repos.messages.listSent({
          senderId: sender.id,
          limit: 1_000_000,
          offset: 0,
        })
      : [];
    stored = messages.length;
    const byKey = new Map<string, number>();
    for (const m of messages) byKey.set(m.dedupeKey ?? '', (byKey.get(m.dedupeKey ?? '') ?? 0) + 1);
    const keyOf = async (n: number) =>
      gatewayDedupeKey(
        {
          rawSha256: createHash('sha256')
            .update(await rawOf(n))
            .digest('hex'),
          envelopeFrom: SENDER,
          envelopeTo: [RECIPIENT],
        },
        '',
        (value) => createHash('sha256').update(value).digest('hex'),
      );
    const expected = new Map<string, number>();
    for (const n of acknowledged) expected.set(await keyOf(n), n);
    for (const [key, n] of expected) {
      const count = byKey.get(key) ?? 0;
      if (count !== 1) problems.push(`message ${n} was acknowledged and stored ${count} times`);
    }
    for (const [key, count] of byKey) {
      if (!expected.has(key)) problems.push(`a stored message (${count}x) was never acknowledged`);
    }
    const decoder = new TextDecoder();
    for (const m of messages) {
      const n = expected.get(m.dedupeKey ?? '');
      if (n === undefined) continue;
      const body = await app.blobs.get({ id: m.bodyBlobId });
      const text = body
        ? decoder.decode(await readAll(await app.cipher.decryptStream({ ciphertext: body })))
        : null;
      if (text?.trim() !== bodyOf(n)) problems.push(`message ${n} has a wrong or missing body`);
      const files = await app.storage.repos.attachments.listForMessage({ messageId: m.id });
      const want = crashAttachment(n);
      if (files.length !== 1) {
        problems.push(`message ${n} has ${files.length} attachments`);
        continue;
      }
      const blob = await app.blobs.get({ id: files[0]?.blobId ?? '' });
      const bytes = blob
        ? Buffer.from(await readAll(await app.cipher.decryptStream({ ciphertext: blob })))
        : null;
      if (!bytes?.equals(want) || files[0]?.size !== want.length) {
        problems.push(`message ${n} has a partial or wrong attachment`);
      }
      const deliveries = await app.storage.repos.deliveries.listForMessage({ messageId: m.id });
      if (deliveries.length !== 1)
        problems.push(`message ${n} has ${deliveries.length} deliveries`);
    }
  } finally {
    await app.close();
  }
  return {
    kills,
    killsBeforeReady,
    messages: created,
    acknowledged: acknowledged.size,
    retries,
    duplicateAcks,
    stored,
    problems,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}
