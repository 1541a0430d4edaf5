import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../adapters/logging/logger.ts';
import { outboxFolderMailer } from '../../adapters/mail/outbox-folder.ts';
import { smtpMailer } from '../../adapters/mail/smtp.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { runOutboxOnce } from '../../core/mail/outbox-worker.ts';
import type { Mailer } from '../../core/mail/ports.ts';
import { freePort } from '../support/cli.ts';
import { openTestQueue, type TestQueue, testMail } from './support/queue.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

const FROM = 'Barnet Council <no-reply@barnet.gov.uk>';
const MIN = 60_000;
const logger = createLogger({ level: 'silent' });

function manualClock(start = new Date('2025-03-01T09:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.reverse()) await fn();
  cleanups.length = 0;
});

async function queue(): Promise<TestQueue> {
  const q = await openTestQueue();
  cleanups.push(() => q.storage.close());
  return q;
}
async function sink(options: Parameters<typeof startSmtpSink>[0] = {}): Promise<SmtpSink> {
  const s = await startSmtpSink(options);
  cleanups.push(() => s.close());
  return s;
}
function smtp(port: number): Mailer {
  const m = smtpMailer({ url: `smtp://127.0.0.1:${port}`, requireTls: false, from: FROM, logger });
  cleanups.push(() => m.close());
  return m;
}

describe('the outbox worker with real SQLite, OpenPGP and SMTP', () => {
  it('keeps everything while the mail server is down and delivers each mail once when it is up', async () => {
    const q = await queue();
    const clock = manualClock();
    const ids = await q.enqueue({ count: 20, clock });
    const port = await freePort();
    const mailer = smtp(port);
    const deps = {
      storage: q.storage,
      cipher: q.cipher,
      mailer,
      clock,
      logger,
      limit: 50,
      leaseMs: 5 * MIN,
    };

    // Down: connection refused for every mail.
    expect(await runOutboxOnce(deps)).toMatchObject({
      claimed: 20,
      sent: 0,
      retried: 20,
      failed: 0,
    });
    for (const id of ids) {
      const row = await q.storage.repos.outbox.findById({ id });
      expect(row).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: null });
      // A code with the system's error as data; the admin page words it.
      expect(row?.lastError).toMatch(/^smtp-unreachable:E[A-Z]+/);
      // First retry after one minute, +-20% jitter.
      const wait = (row?.nextAttemptAt.getTime() ?? 0) - clock.now().getTime();
      expect(wait).toBeGreaterThanOrEqual(0.8 * MIN);
      expect(wait).toBeLessThanOrEqual(1.2 * MIN);
    }
    expect(await q.storage.repos.outbox.countUnsent()).toBe(20);
    // Not due yet: nothing is tried again at once.
    expect((await runOutboxOnce(deps)).claimed).toBe(0);

    const server = await sink({ port });
    expect((await runOutboxOnce(deps)).claimed).toBe(0);
    clock.advance(2 * MIN);
    expect(await runOutboxOnce(deps)).toMatchObject({ claimed: 20, sent: 20 });
    expect(await runOutboxOnce(deps)).toMatchObject({ claimed: 0 });

    const counts = server.countByMessageId();
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect([...counts.keys()].sort()).toEqual(ids.map((id) => `<${id}@barnet.gov.uk>`).sort());
    for (const [i, id] of ids.entries()) {
      const row = await q.storage.repos.outbox.findById({ id });
      expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      expect(row?.sentAt).toEqual(clock.now());
      const got = server.received.find((r) => r.messageId === `<${id}@barnet.gov.uk>`);
      expect(got?.to).toEqual([testMail(i + 1).to]);
      expect((await simpleParser(got?.raw ?? '')).subject).toBe(testMail(i + 1).subject);
    }
    expect(await q.storage.repos.outbox.countUnsent()).toBe(0);
  });

  it('fails a mail the server refuses for good, with the reason, visible in listFailed', async () => {
    const q = await queue();
    const clock = manualClock();
    const ids = await q.enqueue({
      count: 3,
      clock,
      over: (n) => (n === 2 ? { to: 'gone@example.org' } : {}),
    });
    const server = await sink({
      rcpt: (a) => (a === 'gone@example.org' ? { code: 550, message: '5.1.1 No such user' } : null),
    });
    const deps = {
      storage: q.storage,
      cipher: q.cipher,
      mailer: smtp(server.port),
      clock,
      logger,
      limit: 10,
      leaseMs: 5 * MIN,
    };
    expect(await runOutboxOnce(deps)).toMatchObject({ sent: 2, failed: 1, retried: 0 });

    const failed = await q.storage.repos.outbox.listFailed({ limit: 10, offset: 0 });
    expect(failed.map((m) => m.id)).toEqual([ids[1]]);
    const [row] = failed;
    expect(row).toMatchObject({ status: 'failed', attempts: 1, to: 'gone@example.org' });
    expect(row?.lastError).toMatch(/^smtp-refused:550 5\.1\.1 No such user/);
    expect(row?.lastError).not.toContain('Mail number');
    expect(await q.storage.repos.outbox.countUnsent()).toBe(0);
    // A failed mail is never tried again.
    clock.advance(24 * 60 * MIN);
    expect((await runOutboxOnce(deps)).claimed).toBe(0);
    expect(server.received).toHaveLength(2);
  });

  it('writes each queued mail to the outbox folder exactly once', async () => {
    const q = await queue();
    const clock = manualClock();
    const ids = await q.enqueue({ count: 5, clock });
    const dir = path.join(q.dir, 'outbox');
    const mailer = outboxFolderMailer({ dir, from: FROM, logger });
    const deps = {
      storage: q.storage,
      cipher: q.cipher,
      mailer,
      clock,
      logger,
      limit: 2,
      leaseMs: MIN,
    };
    let sent = 0;
    for (let pass = 0; pass < 4; pass++) sent += (await runOutboxOnce(deps)).sent;
    expect(sent).toBe(5);
    expect(readdirSync(dir).sort()).toEqual(ids.map((id) => `${id}.eml`).sort());
    const parsed = await simpleParser(readFileSync(path.join(dir, `${ids[0]}.eml`)));
    expect(parsed.messageId).toBe(`<${ids[0]}@barnet.gov.uk>`);
    expect(parsed.text?.trim()).toBe(testMail(1).text);
  });

  it('never lets two workers on one database send the same mail', async () => {
    const q = await queue();
    const clock = { now: () => new Date() };
    const ids = await q.enqueue({ count: 30, clock });
    // Each server reply waits a little, so both workers are mid-batch at once.
    const server = await sink({ dataDelayMs: () => Math.random() * 10 });
    // A second connection to the same file: what a second process would have.
    const other = sqliteStorage({ path: q.dbPath });
    cleanups.push(() => other.close());
    const run = async (storage: typeof q.storage) => {
      const mailer = smtp(server.port);
      let total = 0;
      for (;;) {
        const r = await runOutboxOnce({
          storage,
          cipher: q.cipher,
          mailer,
          clock,
          logger,
          limit: 4,
          leaseMs: MIN,
        });
        total += r.sent;
        if (r.claimed === 0) return total;
      }
    };
    const [a, b] = await Promise.all([run(q.storage), run(other)]);
    expect(a + b).toBe(30);
    // Both took part, or the test proved nothing about two workers.
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    const counts = server.countByMessageId();
    expect([...counts.keys()].sort()).toEqual(ids.map((id) => `<${id}@barnet.gov.uk>`).sort());
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
  });
});
