import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sealpost } from '../../adapters/compose.ts';
import { buildLinkToken } from '../../core/auth/one-time-tokens.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { runOutboxOnce } from '../../core/mail/outbox-worker.ts';
import type { Mailer } from '../../core/mail/ports.ts';
import { addDays } from '../../core/shared/time.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { capturingLogger } from '../crypto/support.ts';
import { type GatewayApp, openGatewayApp } from '../gateway/support/gateway-app.ts';
import { sharedCipher } from '../http/mailbox-support.ts';
import { countCases } from './support/counts.ts';
import { expectSecurityHeaders } from './support/headers.ts';
import { BASE, COUNCIL, openWorld, type World } from './support/world.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

/**
 * Another process holding SQLite's write lock (BEGIN IMMEDIATE) on `path` until
 * `release()`: for the portal, the database is busy.
 */
async function holdWriteLock(path: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('held\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', script, path], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  expect(String(line)).toContain('held');
  return {
    async release() {
      child.stdin?.write('go\n');
      await once(child, 'exit');
    },
  };
}

/** A failure as a full disk makes it: an errno error with code ENOSPC. */
function diskFull(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}

/** Nothing of the error's inside may reach the person: no code, path, stack or library. */
function expectPlainError(body: string, what: string) {
  expect(body, what).not.toMatch(
    /ENOSPC|SQLITE|sqlite|better-sqlite3|node_modules|\/dev\/shm|\/tmp\/|\bat [\w.]+ \(|Error:/,
  );
}

async function formUpload(
  w: World,
  fields: Array<[string, string]>,
  files: Array<[string, Uint8Array]>,
) {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  for (const [name, bytes] of files)
    form.append('attachments', new Blob([Buffer.from(bytes)]), name);
  return w.request('POST', `/compose?_csrf=${encodeURIComponent(w.tokens.ann)}`, {
    cookie: w.cookies.ann,
    headers: { origin: BASE },
    body: form,
  });
}

function stored(w: World) {
  const [counts] = w.query<{ messages: number; attachments: number; outbox: number }>(
    'SELECT (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM attachments) AS attachments, (SELECT count(*) FROM outbox) AS outbox',
  );
  return { ...counts, blobs: w.blobFiles() };
}

const FIELDS: Array<[string, string]> = [
  ['to', `officer@${COUNCIL}`],
  ['subject', 'Documents'],
  ['body', 'Here they are.'],
];

describe('faults in the portal', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld(keys.cipher());
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it('database busy: a clear "try again" (503), nothing stored, and it works once free', async ({
    task,
  }) => {
    const before = stored(w);
    const lock = await holdWriteLock(w.dbPath);
    let busy: Response;
    try {
      busy = await w.post('/contacts', {
        cookie: w.cookies.ann,
        csrf: w.tokens.ann,
        fields: { name: 'Busy', email: `busy@${COUNCIL}`, note: '' },
      });
    } finally {
      await lock.release();
    }
    expect(busy.status).toBe(503);
    expectSecurityHeaders(busy, 'busy');
    const text = await busy.text();
    expect(text).toMatch(/busy.*try again/i);
    expectPlainError(text, 'busy');
    expect(stored(w)).toEqual(before);
    const again = await w.post('/contacts', {
      cookie: w.cookies.ann,
      csrf: w.tokens.ann,
      fields: { name: 'Busy', email: `busy@${COUNCIL}`, note: '' },
    });
    expect(again.status).toBe(303);
    countCases(task, 'faults: injected faults', 1);
  }, 30_000);

  it('disk full while a file is written: an error page, and no message or blob left', async ({
    task,
  }) => {
    const broken = await openWorld(keys.cipher(), {
      wrap: (app: Sealpost) => ({
        ...app,
        blobs: failingBlobs(app.blobs, 40_000),
      }),
    });
    try {
      const before = stored(broken);
      const res = await formUpload(broken, FIELDS, [
        ['small.pdf', new Uint8Array(1_000)],
        ['large.pdf', new Uint8Array(200_000)],
      ]);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expectSecurityHeaders(res, 'disk full');
      const text = await res.text();
      expect(text).toMatch(/Try again later/);
      expect(text).toMatch(/check whether it was sent/);
      expectPlainError(text, 'disk full');
      // The body and the first file were written before the disk filled: all removed.
      expect(stored(broken)).toEqual(before);
      countCases(task, 'faults: injected faults', 1);
    } finally {
      await broken.close();
    }
  });

  it('database gone mid-send: an error page, and the files written are removed', async ({
    task,
  }) => {
    const fault = { armed: false };
    const broken = await openWorld(keys.cipher(), {
      wrap: (app: Sealpost) => ({ ...app, storage: losingCommits(app.storage, fault) }),
    });
    try {
      fault.armed = true;
      const before = stored(broken);
      const res = await formUpload(broken, FIELDS, [['file.pdf', new Uint8Array(50_000)]]);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toMatch(/Try again later/);
      expectPlainError(text, 'connection lost');
      expect(stored(broken)).toEqual(before);
      countCases(task, 'faults: injected faults', 1);
    } finally {
      await broken.close();
    }
  });

  it('database gone altogether: health says so, pages say "try again later", nothing leaks', async ({
    task,
  }) => {
    const gone = await openWorld(keys.cipher());
    const cookie = gone.cookies.ann;
    const token = gone.tokens.ann;
    await gone.storage.close();
    try {
      const health = await gone.get('/healthz');
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unavailable' });
      // A page that needs nothing from the database still comes up.
      expect((await gone.get('/sign-in')).status).toBe(200);
      const answers = [
        await gone.get('/inbox', cookie),
        await gone.post('/contacts', {
          cookie,
          csrf: token,
          fields: { name: 'x', email: `x@${COUNCIL}`, note: '' },
        }),
        await gone.post('/sign-in', {
          csrf: gone.anonymousToken('/sign-in'),
          fields: { email: gone.people.ann.email, password: 'whatever it is' },
        }),
      ];
      for (const res of answers) {
        expect(res.status).toBeGreaterThanOrEqual(500);
        expectSecurityHeaders(res, 'database gone');
        const text = await res.text();
        expect(text).toMatch(/Try again later|try again/i);
        expectPlainError(text, 'database gone');
      }
      countCases(task, 'faults: injected faults', answers.length + 1);
    } finally {
      await gone.close().catch(() => {});
    }
  });

  it('mail server down: nothing is lost; every mail goes once it is back', async ({ task }) => {
    await w.send({ from: w.people.olive, to: ['down-1@example.org', 'down-2@example.org'] });
    const [{ n: queued } = { n: 0 }] = w.query<{ n: number }>(
      "SELECT count(*) AS n FROM outbox WHERE status = 'pending'",
    );
    expect(queued).toBeGreaterThanOrEqual(2);
    let up = false;
    const delivered: string[] = [];
    const mailer: Mailer = {
      async send({ id }) {
        if (!up) return { ok: false, permanent: false, error: 'connect ECONNREFUSED 127.0.0.1:25' };
        delivered.push(id);
        return { ok: true };
      },
      async close() {},
    };
    const deps = {
      storage: w.storage,
      cipher: w.app.cipher,
      mailer,
      clock: w.clock,
      limit: 1_000,
      leaseMs: 60_000,
      random: () => 0,
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const pass = await runOutboxOnce(deps);
      expect(pass.sent).toBe(0);
      expect(pass.failed).toBe(0);
      w.clock.advance(60 * 60_000);
    }
    const [{ n: waiting } = { n: 0 }] = w.query<{ n: number }>(
      "SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')",
    );
    expect(waiting).toBe(queued);
    up = true;
    w.clock.advance(24 * 60 * 60_000);
    const pass = await runOutboxOnce(deps);
    expect(pass.sent).toBe(queued);
    expect(new Set(delivered).size).toBe(delivered.length);
    // The world's sessions sat idle for a day of clock: sign everyone in again.
    for (const name of ['ann', 'olive'] as const) {
      w.cookies[name] = (await w.passwordStep(w.people[name].email)).cookie;
      w.tokens[name] = await w.sessionToken(w.cookies[name]);
    }
    countCases(task, 'faults: injected faults', 4);
  });
});

describe('what the logs keep', () => {
  it('never a password, a session or a link token, even from a failing request', async ({
    task,
  }) => {
    const { logger, lines } = capturingLogger();
    const w = await openWorld(keys.cipher(), { logger });
    try {
      const { token, value } = buildLinkToken(
        { ids: w.ids, secrets: w.secrets, clock: w.clock },
        {
          purpose: 'reset',
          accountId: w.people.ann.id,
          email: w.people.ann.email,
          deliveryId: null,
          expiresAt: addDays(w.clock.now(), 1),
        },
      );
      await w.storage.repos.tokens.insert({ token });
      await w.get(`/reset/${value}`);
      await w.get(`/r/${value}`);
      await w.post('/sign-in', {
        csrf: w.anonymousToken('/sign-in'),
        fields: { email: w.people.ann.email, password: 'a wrong password, typed in full' },
      });
      await w.get(`/inbox/${'x'.repeat(300)}?token=${value}`, w.cookies.ann);
      // A line break in the path must not start a forged log line: each record the
      // logger wrote parsed as one JSON object (capturingLogger parses every write).
      await w.get('/inbox/%0d%0a%7B%22level%22%3A60%7D', w.cookies.ann);
      const text = lines.map((line) => JSON.stringify(line)).join('\n');
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.every((line) => typeof line === 'object' && line !== null)).toBe(true);
      expect(lines.filter((line) => line.level === 60)).toHaveLength(0);
      const secret = value.split('.')[1] ?? value;
      expect(text).not.toContain(secret);
      expect(text).not.toContain('a wrong password');
      expect(text).not.toContain(GOOD_PASSWORD);
      for (const cookie of Object.values(w.cookies).filter(Boolean)) {
        const session = /sealpost_session=([^;]+)/.exec(cookie)?.[1] ?? '';
        expect(text).not.toContain(session.split('.')[1] ?? session);
      }
      countCases(task, 'faults: injected faults', 4);
    } finally {
      await w.close();
    }
  });
});

describe('faults at the SMTP gateway', () => {
  let gw: GatewayApp;
  beforeAll(async () => {
    // A relay address nothing listens on: the council's mail server is down.
    gw = await openGatewayApp({ RELAY_SMTP_URL: 'smtp://127.0.0.1:9' });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
  });

  const client = () => nodemailer.createTransport({ host: '127.0.0.1', port: gw.port });

  it('relay down: 451, so the sending server keeps the mail and tries again', async ({ task }) => {
    const transport = client();
    try {
      await expect(
        transport.sendMail({
          from: `jo@${'council.test'}`,
          to: 'someone@example.org',
          subject: 'No keyword: relayed as it is',
          text: 'x',
        }),
      ).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      transport.close();
    }
    countCases(task, 'faults: injected faults', 1);
  });

  it('database busy: 451 and nothing stored; the retry is stored once', async ({ task }) => {
    const sender = 'jo@council.test';
    // Built once: a mail server resends the same bytes, and the gateway knows a copy by
    // its bytes (nodemailer would write a new Date header on each send).
    const raw = await new MailComposer({
      from: sender,
      to: 'citizen@example.org',
      subject: 'ZixEncrypt your documents',
      text: 'Please find them attached.',
      messageId: '<busy-test@council.test>',
    })
      .compile()
      .build();
    const mail = { envelope: { from: sender, to: ['citizen@example.org'] }, raw };
    const path = gw.app.config.database.kind === 'sqlite' ? gw.app.config.database.path : '';
    const lock = await holdWriteLock(path);
    const transport = client();
    try {
      await expect(transport.sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      await lock.release();
    }
    expect(await gw.sentBy(sender)).toHaveLength(0);
    const info = await transport.sendMail(mail);
    expect(info.response).toMatch(/^250/);
    await transport.sendMail(mail).catch(() => {});
    expect(await gw.sentBy(sender)).toHaveLength(1);
    transport.close();
    countCases(task, 'faults: injected faults', 3);
  }, 60_000);
});

/** A blob store whose disk fills after `bytes` bytes (across every put). */
function failingBlobs(inner: BlobStore, bytes: number): BlobStore {
  let written = 0;
  return {
    ...inner,
    put({ id, body }) {
      const limited = body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            written += chunk.byteLength;
            if (written > bytes) controller.error(diskFull());
            else controller.enqueue(chunk);
          },
        }),
      );
      return inner.put({ id, body: limited });
    },
  };
}

/**
 * Storage whose transactions fail at the end, as a connection lost before COMMIT does,
 * once `fault.armed` (the world signs everyone in first).
 */
function losingCommits(inner: Storage, fault: { armed: boolean }): Storage {
  return {
    ...inner,
    transaction: async (work) =>
      inner.transaction(async (repos) => {
        const result = await work(repos);
        if (!fault.armed) return result;
        throw Object.assign(new Error('SQLITE_IOERR: disk I/O error'), { code: 'SQLITE_IOERR' });
      }),
  } as Storage;
}
