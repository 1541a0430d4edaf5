import { describe, expect, it } from 'vitest';
import { memoryCipher } from '../crypto/memory-cipher.ts';
import type { OutboxRepository } from '../storage/ports.ts';
import { memoryOutbox } from './memory-outbox.ts';
import type { MailContent } from './model.ts';
import { prepareOutboxMail } from './outbox.ts';
import {
  findUnsafeHeader,
  type OutboxLogger,
  runOutboxOnce,
  shortError,
  startOutboxWorker,
} from './outbox-worker.ts';
import type { Mailer, SendResult } from './ports.ts';

function manualClock(start = new Date('2025-03-01T09:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

type Sent = { id: string; mail: MailContent };

function scriptedMailer(
  script: (sent: Sent) => SendResult | Promise<SendResult> = () => ({ ok: true }),
) {
  const sent: Sent[] = [];
  const mailer: Mailer & { sent: Sent[] } = {
    sent,
    async send(args) {
      sent.push(args);
      return script(args);
    },
    async close() {},
  };
  return mailer;
}

function recordingLogger() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  const logger: OutboxLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logger };
}

const content = (n: number, over: Partial<MailContent> = {}): MailContent => ({
  to: `person${n}@example.org`,
  subject: 'Secure message from Barnet Council',
  text: `SECRET-BODY-${n} https://portal.example/r/abc.def`,
  html: `<p>SECRET-BODY-${n}</p>`,
  headers: { 'Auto-Submitted': 'auto-generated' },
  ...over,
});

async function setup(count: number, over: Partial<MailContent> = {}) {
  const clock = manualClock();
  const cipher = await memoryCipher();
  const outbox = memoryOutbox();
  let seq = 0;
  const ids = { newId: () => `mail${String(++seq).padStart(4, '0')}` };
  for (let n = 1; n <= count; n++) {
    const mail = await prepareOutboxMail(
      { cipher, ids, clock },
      { kind: 'notification', mail: content(n, over) },
    );
    await outbox.insert({ mail });
  }
  const storage = { repos: { outbox } };
  return { clock, cipher, outbox, storage };
}

const MIN = 60_000;

describe('runOutboxOnce', () => {
  it('sends due mails and marks each sent with the time', async () => {
    const { clock, cipher, outbox, storage } = await setup(3);
    const mailer = scriptedMailer();
    const result = await runOutboxOnce({ storage, cipher, mailer, clock, limit: 10, leaseMs: MIN });
    expect(result).toEqual({ claimed: 3, sent: 3, retried: 0, failed: 0, released: 0 });
    expect(mailer.sent.map((s) => s.id)).toEqual(['mail0001', 'mail0002', 'mail0003']);
    expect(mailer.sent[0]?.mail).toEqual(content(1));
    for (const row of outbox.rows.values()) {
      expect(row).toMatchObject({ status: 'sent', attempts: 1, leaseUntil: null, lastError: null });
      expect(row.sentAt).toEqual(clock.now());
    }
    expect(await outbox.countUnsent()).toBe(0);
    // Nothing is left to claim, so a second pass sends nothing again.
    expect(
      (await runOutboxOnce({ storage, cipher, mailer, clock, limit: 10, leaseMs: MIN })).claimed,
    ).toBe(0);
    expect(mailer.sent).toHaveLength(3);
  });

  it('takes at most `limit` mails per pass', async () => {
    const { clock, cipher, storage } = await setup(5);
    const mailer = scriptedMailer();
    const first = await runOutboxOnce({ storage, cipher, mailer, clock, limit: 2, leaseMs: MIN });
    expect(first.sent).toBe(2);
    const rest = await runOutboxOnce({ storage, cipher, mailer, clock, limit: 10, leaseMs: MIN });
    expect(rest.sent).toBe(3);
    expect(new Set(mailer.sent.map((s) => s.id)).size).toBe(5);
  });

  it('retries a temporary failure with backoff, then sends it when due', async () => {
    const { clock, cipher, outbox, storage } = await setup(1);
    let serverUp = false;
    const mailer = scriptedMailer(() =>
      serverUp ? { ok: true } : { ok: false, permanent: false, error: 'Connection refused' },
    );
    const deps = { storage, cipher, mailer, clock, limit: 10, leaseMs: MIN, random: () => 0.5 };
    const start = clock.now().getTime();

    expect(await runOutboxOnce(deps)).toMatchObject({ retried: 1, sent: 0 });
    let row = await outbox.findById({ id: 'mail0001' });
    // A transport's own words are kept as data, under a code the admin page words.
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'transport-said:Connection refused',
    });
    expect(row?.nextAttemptAt.getTime()).toBe(start + MIN);

    // Not due yet: the pass leaves it alone.
    clock.advance(MIN - 1);
    expect((await runOutboxOnce(deps)).claimed).toBe(0);
    clock.advance(1);
    await runOutboxOnce(deps);
    row = await outbox.findById({ id: 'mail0001' });
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row?.nextAttemptAt.getTime()).toBe(clock.now().getTime() + 2 * MIN);

    serverUp = true;
    clock.advance(2 * MIN);
    expect(await runOutboxOnce(deps)).toMatchObject({ sent: 1 });
    row = await outbox.findById({ id: 'mail0001' });
    expect(row).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(mailer.sent).toHaveLength(3);
  });

  it('gives up after the last attempt and says why', async () => {
    const { clock, cipher, outbox, storage } = await setup(1);
    const mailer = scriptedMailer(() => ({ ok: false, permanent: false, error: '421 busy' }));
    const retry = { baseMs: 1_000, capMs: 4_000, maxAttempts: 4 };
    const deps = {
      storage,
      cipher,
      mailer,
      clock,
      limit: 1,
      leaseMs: MIN,
      retry,
      random: () => 0.5,
    };
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await runOutboxOnce(deps);
      outcomes.push(r.failed ? 'failed' : r.retried ? 'retried' : 'idle');
      clock.advance(10_000);
    }
    expect(outcomes).toEqual(['retried', 'retried', 'retried', 'failed', 'idle', 'idle']);
    const row = await outbox.findById({ id: 'mail0001' });
    expect(row).toMatchObject({ status: 'failed', attempts: 4 });
    expect(row?.lastError).toBe('gave-up:4:transport-said:421 busy');
    expect(await outbox.listFailed({ limit: 10, offset: 0 })).toHaveLength(1);
  });

  it('fails a permanent refusal at once, with a reason but none of the content', async () => {
    const { clock, cipher, outbox, storage } = await setup(1);
    const mailer = scriptedMailer(() => ({
      ok: false,
      permanent: true,
      error: '550 5.1.1 mailbox unknown\r\nSECRET-BODY-1',
    }));
    const { lines, logger } = recordingLogger();
    const r = await runOutboxOnce({
      storage,
      cipher,
      mailer,
      clock,
      logger,
      limit: 1,
      leaseMs: MIN,
    });
    expect(r).toMatchObject({ failed: 1, retried: 0 });
    const [failed] = await outbox.listFailed({ limit: 10, offset: 0 });
    expect(failed?.status).toBe('failed');
    // The transport's text is kept on one line; the worker adds nothing of the payload.
    expect(failed?.lastError).toBe('transport-said:550 5.1.1 mailbox unknown SECRET-BODY-1');
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain('person1@example.org');
    expect(lines.some((l) => l.level === 'warn' && l.fields.outboxId === 'mail0001')).toBe(true);
  });

  it('refuses a subject or header with CR or LF without calling the transport', async () => {
    for (const over of [
      { subject: 'Hello\r\nBcc: attacker@evil.example' },
      { subject: 'Hello\nthere' },
      { headers: { 'X-Note': 'a\r\nBcc: attacker@evil.example' } },
      { headers: { Bcc: 'attacker@evil.example' } },
      { to: 'a@example.org, attacker@evil.example' },
      { to: 'a@example.org\r\nBcc: x@evil.example' },
    ] as Partial<MailContent>[]) {
      const { clock, cipher, outbox, storage } = await setup(1, over);
      const mailer = scriptedMailer();
      const r = await runOutboxOnce({ storage, cipher, mailer, clock, limit: 1, leaseMs: MIN });
      expect(r.failed, JSON.stringify(over)).toBe(1);
      expect(mailer.sent).toHaveLength(0);
      expect((await outbox.findById({ id: 'mail0001' }))?.lastError).toMatch(
        /^(subject-line-break|header-line-break:X-Note|header-reserved:Bcc|recipient-not-plain)$/,
      );
    }
  });

  it('fails a tampered payload for good and retries a transport that throws', async () => {
    const { clock, cipher, outbox, storage } = await setup(2);
    const tampered = outbox.rows.get('mail0001');
    if (!tampered) throw new Error('missing row');
    const last = tampered.payloadEnc.length - 1;
    tampered.payloadEnc[last] = (tampered.payloadEnc[last] ?? 0) ^ 0x01;
    const mailer = scriptedMailer(() => {
      throw new Error('socket exploded');
    });
    const { lines, logger } = recordingLogger();
    const r = await runOutboxOnce({
      storage,
      cipher,
      mailer,
      clock,
      logger,
      limit: 5,
      leaseMs: MIN,
    });
    expect(r).toMatchObject({ failed: 1, retried: 1 });
    expect(await outbox.findById({ id: 'mail0001' })).toMatchObject({
      status: 'failed',
      lastError: 'stored-damaged',
    });
    expect(await outbox.findById({ id: 'mail0002' })).toMatchObject({
      status: 'pending',
      lastError: 'transport-threw',
    });
    expect(mailer.sent.map((s) => s.id)).toEqual(['mail0002']);
    expect(lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('does not take a mail another worker holds until its lease runs out', async () => {
    const { clock, cipher, outbox, storage } = await setup(1);
    // Another worker claimed it and died mid-send.
    await outbox.claimDue({
      now: clock.now(),
      leaseUntil: new Date(clock.now().getTime() + 5 * MIN),
      limit: 1,
    });
    const mailer = scriptedMailer();
    const deps = { storage, cipher, mailer, clock, limit: 5, leaseMs: MIN };
    expect((await runOutboxOnce(deps)).claimed).toBe(0);
    // The lease holds through its own instant ("only after this instant").
    clock.advance(5 * MIN);
    expect((await runOutboxOnce(deps)).claimed).toBe(0);
    clock.advance(1);
    expect(await runOutboxOnce(deps)).toMatchObject({ claimed: 1, sent: 1 });
  });

  it('hands back unsent mails once a slow pass reaches half its lease', async () => {
    const { clock, cipher, outbox, storage } = await setup(4);
    // Each send takes 20 s of a 60 s lease: two fit before the 30 s mark.
    const mailer = scriptedMailer(() => {
      clock.advance(20_000);
      return { ok: true };
    });
    const r = await runOutboxOnce({ storage, cipher, mailer, clock, limit: 4, leaseMs: MIN });
    expect(r).toMatchObject({ claimed: 4, sent: 2, released: 2 });
    const released = [...outbox.rows.values()].filter((m) => m.status === 'pending');
    expect(released.map((m) => m.id)).toEqual(['mail0003', 'mail0004']);
    for (const m of released) {
      expect(m).toMatchObject({ attempts: 0, leaseUntil: null });
      expect(m.nextAttemptAt.getTime()).toBeLessThanOrEqual(clock.now().getTime());
    }
    expect(
      await runOutboxOnce({ storage, cipher, mailer, clock, limit: 4, leaseMs: MIN }),
    ).toMatchObject({
      sent: 2,
    });
  });

  it('rejects nonsense limits', async () => {
    const { clock, cipher, storage } = await setup(0);
    const mailer = scriptedMailer();
    await expect(
      runOutboxOnce({ storage, cipher, mailer, clock, limit: 0, leaseMs: MIN }),
    ).rejects.toThrow(/limit/);
    await expect(
      runOutboxOnce({ storage, cipher, mailer, clock, limit: 1, leaseMs: 0 }),
    ).rejects.toThrow(/leaseMs/);
  });
});

describe('findUnsafeHeader and shortError', () => {
  it('accepts an ordinary mail', () => {
    expect(findUnsafeHeader(content(1))).toBeNull();
  });

  it('keeps errors to one short line', () => {
    expect(shortError('a\r\nb\tc')).toBe('a b c');
    expect(shortError('x'.repeat(500))).toHaveLength(200);
    expect(shortError('  ')).toBe('');
  });
});

describe('startOutboxWorker', () => {
  function deferred() {
    let resolve: () => void = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  it('sends what is queued, sends again when nudged, and stops after the pass in flight', async () => {
    const { clock, cipher, outbox, storage } = await setup(2);
    let gate = deferred();
    let entered = deferred();
    const mailer = scriptedMailer(async () => {
      entered.resolve();
      await gate.promise;
      return { ok: true };
    });
    // A long interval: anything after the first pass happens only because of nudge().
    const worker = startOutboxWorker({
      storage,
      cipher,
      mailer,
      clock,
      limit: 10,
      leaseMs: MIN,
      intervalMs: 60_000,
    });
    await entered.promise;
    gate.resolve();
    await waitFor(async () => (await outbox.countUnsent()) === 0);
    expect(mailer.sent).toHaveLength(2);

    // A new mail arrives; the nudge sends it without waiting a minute.
    const mail = await prepareOutboxMail(
      { cipher, ids: { newId: () => 'mail0003' }, clock },
      { kind: 'reset', mail: content(3) },
    );
    await outbox.insert({ mail });
    gate = deferred();
    entered = deferred();
    worker.nudge();
    await entered.promise;

    // stop() is called mid-send: it must wait for the send and its update.
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect((await outbox.findById({ id: 'mail0003' }))?.status).toBe('sent');

    // Stopped means stopped: a nudge no longer sends.
    const late = await prepareOutboxMail(
      { cipher, ids: { newId: () => 'mail0004' }, clock },
      { kind: 'reset', mail: content(4) },
    );
    await outbox.insert({ mail: late });
    worker.nudge();
    await new Promise((r) => setTimeout(r, 50));
    expect((await outbox.findById({ id: 'mail0004' }))?.status).toBe('pending');
  });

  it('keeps polling after a storage failure', async () => {
    const { clock, cipher, outbox, storage } = await setup(1);
    let failures = 1;
    const flaky = {
      repos: {
        outbox: {
          ...outbox,
          claimDue: async (args: Parameters<OutboxRepository['claimDue']>[0]) => {
            if (failures-- > 0) throw new Error('database is locked');
            return outbox.claimDue(args);
          },
        },
      },
    };
    const { lines, logger } = recordingLogger();
    const mailer = scriptedMailer();
    const worker = startOutboxWorker({
      storage: flaky,
      cipher,
      mailer,
      clock,
      logger,
      limit: 10,
      leaseMs: MIN,
      intervalMs: 20,
    });
    await waitFor(async () => (await outbox.countUnsent()) === 0);
    await worker.stop();
    expect(lines.some((l) => l.level === 'error' && l.message.includes('outbox pass failed'))).toBe(
      true,
    );
    expect(storage.repos.outbox.rows.get('mail0001')?.status).toBe('sent');
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
