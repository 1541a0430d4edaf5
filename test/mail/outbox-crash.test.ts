import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { OutboxMail } from '../../core/mail/model.ts';
import { prepareOutboxMail } from '../../core/mail/outbox.ts';
import { ROOT } from '../support/cli.ts';
import type { ChildOptions } from './support/outbox-child.ts';
import { openTestQueue, PASSPHRASE, type TestQueue, testMail } from './support/queue.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

const CHILD = path.join(ROOT, 'test/mail/support/outbox-child.ts');
const DOMAIN = 'sealpost.test';
const KILLS = 5;

type Child = {
  process: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  /** Outbox ids the transport accepted in this process, in order. */
  accepted: string[];
};

const running: Child[] = [];
afterEach(() => {
  for (const c of running) if (c.process.exitCode === null) c.process.kill('SIGKILL');
  running.length = 0;
});

function startChild(options: ChildOptions): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const accepted: string[] = [];
  let stderr = '';
  let buffer = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  proc.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') onReady();
      else if (line.startsWith('accepted ')) accepted.push(line.slice('accepted '.length));
    }
  });
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`outbox child exited ${code}:\n${stderr}`);
      resolve(code);
    });
  });
  const child = {
    process: proc,
    ready: Promise.race([ready, exited.then(() => {})]),
    exited,
    accepted,
  };
  running.push(child);
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

async function readRows(q: TestQueue, ids: string[]): Promise<Map<string, OutboxMail>> {
  // A fresh connection each time: the worker process owns the file while it runs.
  const storage = sqliteStorage({ path: q.dbPath });
  try {
    const rows = new Map<string, OutboxMail>();
    for (const id of ids) {
      const row = await storage.repos.outbox.findById({ id });
      if (row) rows.set(id, row);
    }
    return rows;
  } finally {
    await storage.close();
  }
}

const messageId = (id: string) => `<${id}@${DOMAIN}>`;

async function withQueue(count: number): Promise<{ q: TestQueue; ids: string[] }> {
  const q = await openTestQueue();
  const ids = await q.enqueue({ count, clock: { now: () => new Date() } });
  await q.storage.close();
  return { q, ids };
}

function options(
  q: TestQueue,
  over: Partial<ChildOptions> & Pick<ChildOptions, 'transport'>,
): ChildOptions {
  return {
    db: q.dbPath,
    keysDir: q.keysDir,
    passphrase: PASSPHRASE,
    leaseMs: 1_000,
    limit: 3,
    slowMs: 10,
    exitWhenDone: false,
    ...over,
  };
}

/**
 * Starts a worker, waits until it has handed at least one mail to the transport (so
 * the kill lands on a worker that is busy, however slow the machine), lets it go on
 * for a random moment, SIGKILLs it; `afterKill` inspects the wreck.
 */
async function killRepeatedly(
  make: () => Child,
  afterKill: () => Promise<void>,
  beforeStart: () => void = () => {},
): Promise<{ acceptedWhileKilled: number }> {
  let acceptedWhileKilled = 0;
  for (let round = 0; round < KILLS; round++) {
    beforeStart();
    const child = make();
    await child.ready;
    const deadline = Date.now() + 10_000;
    while (child.accepted.length === 0 && Date.now() < deadline) await sleep(5);
    await sleep(between(0, 120));
    child.process.kill('SIGKILL');
    expect(await child.exited).toBeNull();
    acceptedWhileKilled += child.accepted.length;
    await afterKill();
  }
  return { acceptedWhileKilled };
}

describe('the outbox survives SIGKILL at random moments', () => {
  it('over SMTP: every mail arrives; a repeat only for a mail caught mid-send', async () => {
    const { q, ids } = await withQueue(40);
    // The server holds its 250 for a moment, widening the window a kill can hit.
    const server: SmtpSink = await startSmtpSink({ dataDelayMs: () => between(0, 30) });
    try {
      const transport = { kind: 'smtp' as const, port: server.port };
      // Per mail, the kills that caught it in flight: claimed, not yet recorded as
      // sent, but received by the server during that worker's life.
      const caughtInFlight = new Map<string, number>();
      const inFlightPerKill: number[] = [];
      let before = new Map<string, number>();
      const { acceptedWhileKilled } = await killRepeatedly(
        () => startChild(options(q, { transport })),
        async () => {
          // Let a 250 that was still pending at the kill land before looking.
          await sleep(60);
          const received = server.countByMessageId();
          const rows = await readRows(q, ids);
          let inFlight = 0;
          for (const [id, row] of rows) {
            const mid = messageId(id);
            if (row.status === 'sending' && (received.get(mid) ?? 0) > (before.get(mid) ?? 0)) {
              caughtInFlight.set(id, (caughtInFlight.get(id) ?? 0) + 1);
              inFlight++;
            }
          }
          inFlightPerKill.push(inFlight);
        },
        () => {
          before = new Map(server.countByMessageId());
        },
      );
      // The kills hit a worker that was doing something.
      expect(acceptedWhileKilled).toBeGreaterThan(0);

      const last = startChild(options(q, { transport, exitWhenDone: true }));
      expect(await last.exited).toBe(0);

      const rows = await readRows(q, ids);
      expect([...rows.values()].every((r) => r.status === 'sent')).toBe(true);
      const counts = server.countByMessageId();
      expect([...counts.keys()].sort()).toEqual(ids.map(messageId).sort());
      const duplicates = [...counts].filter(([, n]) => n > 1).map(([mid]) => mid);
      // At least once: nothing lost. A repeat only of a mail a kill caught in flight,
      // once more per such kill (a mail caught by two kills may arrive three times),
      // and at most one mail in flight per kill (the worker sends one at a time).
      for (const mid of duplicates) {
        const id = mid.slice(1, mid.indexOf('@'));
        expect(counts.get(mid)).toBeLessThanOrEqual(1 + (caughtInFlight.get(id) ?? 0));
      }
      expect(inFlightPerKill.every((n) => n <= 1)).toBe(true);
      console.info(
        `SMTP crash test: ${KILLS} kills, ${acceptedWhileKilled} mails accepted before kills, ` +
          `${caughtInFlight.size} caught mid-send, ${duplicates.length} delivered more than once, 0 lost.`,
      );
    } finally {
      await server.close();
    }
  });

  it('to the outbox folder: one whole file per mail, even when written again', async () => {
    const { q, ids } = await withQueue(40);
    const dir = path.join(q.dir, 'outbox');
    const transport = { kind: 'folder' as const, dir };
    const accepted: string[] = [];
    const { acceptedWhileKilled } = await killRepeatedly(
      () => {
        const child = startChild(options(q, { transport, slowMs: 15 }));
        child.exited.then(() => accepted.push(...child.accepted));
        return child;
      },
      async () => {
        // Between kills there are never partial or stray mails, only hidden temp files.
        const emls = readdirSync(dir).filter((f) => f.endsWith('.eml'));
        expect(emls.every((f) => ids.includes(f.slice(0, -4)))).toBe(true);
      },
    );
    expect(acceptedWhileKilled).toBeGreaterThan(0);
    const last = startChild(options(q, { transport, exitWhenDone: true }));
    expect(await last.exited).toBe(0);
    accepted.push(...last.accepted);

    const rows = await readRows(q, ids);
    expect([...rows.values()].every((r) => r.status === 'sent')).toBe(true);
    const emls = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(emls.sort()).toEqual(ids.map((id) => `${id}.eml`).sort());
    for (const [i, id] of ids.entries()) {
      const parsed = await simpleParser(readFileSync(path.join(dir, `${id}.eml`)));
      expect(parsed.messageId).toBe(messageId(id));
      expect(parsed.text?.trim()).toBe(testMail(i + 1).text);
    }
    const rewritten = new Set(accepted.filter((id, i) => accepted.indexOf(id) !== i));
    console.info(
      `Folder crash test: ${KILLS} kills, ${rewritten.size} mails written again, each still one file.`,
    );
  });
});

describe('two worker processes on one database', () => {
  it('never send the same mail twice', async () => {
    const q = await openTestQueue();
    const server = await startSmtpSink({ dataDelayMs: () => between(0, 10) });
    try {
      const transport = { kind: 'smtp' as const, port: server.port };
      const workers = [
        startChild(options(q, { transport, leaseMs: 10_000, slowMs: 5 })),
        startChild(options(q, { transport, leaseMs: 10_000, slowMs: 5 })),
      ];
      await Promise.all(workers.map((w) => w.ready));
      // Queued in one transaction after both are polling, so both race for every batch.
      const clock = { now: () => new Date() };
      const mails: OutboxMail[] = [];
      for (let n = 1; n <= 40; n++) {
        const id = `both${String(n).padStart(3, '0')}`;
        mails.push(
          await prepareOutboxMail(
            { cipher: q.cipher, clock, ids: { newId: () => id } },
            { kind: 'notification', mail: testMail(n) },
          ),
        );
      }
      await q.storage.transaction(async (repos) => {
        for (const mail of mails) await repos.outbox.insert({ mail });
      });
      const deadline = Date.now() + 15_000;
      while ((await q.storage.repos.outbox.countUnsent()) > 0) {
        if (Date.now() > deadline) throw new Error('the workers did not finish');
        await sleep(50);
      }
      for (const w of workers) w.process.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));

      const counts = server.countByMessageId();
      expect([...counts.keys()].sort()).toEqual(mails.map((m) => messageId(m.id)).sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      // Both took part, or this proved nothing about two workers.
      expect(workers.every((w) => w.accepted.length > 0)).toBe(true);
      expect(workers[0]?.accepted.filter((id) => workers[1]?.accepted.includes(id))).toEqual([]);
    } finally {
      await q.storage.close();
      await server.close();
    }
  });
});
