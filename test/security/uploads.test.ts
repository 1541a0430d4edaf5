import { once } from 'node:events';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { createGzip, constants as zlib } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { type RunningServer, startServer } from '../../adapters/http/server.ts';
import { sharedCipher } from '../http/mailbox-support.ts';
import { countCases } from './support/counts.ts';
import { BASE, COUNCIL, openWorld, type World } from './support/world.ts';

const keys = sharedCipher();
let w: World;
beforeAll(async () => {
  w = await openWorld(keys.cipher());
}, 120_000);
afterAll(async () => {
  await w?.close();
  keys.close();
});

const MB = 1024 * 1024;
/** maxTotalBytes: the message's text and its files together. */
const LIMIT = 75 * MB;
const BODY = 'Here they are.';

type Part =
  | { name: string; value: string }
  | { name: string; filename: string; bytes: number | Uint8Array; type?: string };

/** Bytes of zeros, produced 64 KiB at a time as they are read. */
async function* zeros(total: number): AsyncGenerator<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024);
  for (let left = total; left > 0; left -= chunk.byteLength) {
    yield left >= chunk.byteLength ? chunk : chunk.subarray(0, left);
  }
}

/**
 * A multipart body generated as the server reads it, so the test never holds it;
 * `pulled()` says how much the server had read when it answered.
 */
function multipart(parts: Part[]) {
  const boundary = `----security${Math.random().toString(16).slice(2)}`;
  const encoder = new TextEncoder();
  let pulled = 0;
  async function* generate(): AsyncGenerator<Uint8Array> {
    for (const part of parts) {
      const isFile = 'filename' in part;
      yield encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${
          isFile ? `; filename="${part.filename}"` : ''
        }\r\n${isFile ? `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n` : ''}\r\n`,
      );
      if (!isFile) yield encoder.encode(part.value);
      else if (typeof part.bytes === 'number') yield* zeros(part.bytes);
      else yield part.bytes;
      yield encoder.encode('\r\n');
    }
    yield encoder.encode(`--${boundary}--\r\n`);
  }
  const source = generate();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else {
        pulled += next.value.byteLength;
        controller.enqueue(next.value);
      }
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, pulled: () => pulled };
}

/** Samples the process's memory while `work` runs; returns the largest growth in bytes. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const start = used();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, used());
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, used());
    return { result, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}

/** What an upload must leave behind when it is refused: nothing at all. */
function stored() {
  const [counts] = w.query<{ messages: number; attachments: number }>(
    'SELECT (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM attachments) AS attachments',
  );
  return { ...counts, blobs: w.blobFiles().length };
}

async function upload(path: string, cookie: string, token: string, parts: Part[]) {
  const body = multipart(parts);
  const res = await w.request('POST', `${path}?_csrf=${encodeURIComponent(token)}`, {
    cookie,
    headers: { origin: BASE, 'content-type': body.contentType },
    body: body.body,
  });
  const text = await res.text();
  return { res, text, pulled: body.pulled() };
}

const recipientFields: Part[] = [
  { name: 'to', value: `officer@${COUNCIL}` },
  { name: 'subject', value: 'Documents' },
  { name: 'body', value: BODY },
];
const staffFields = (): Part[] => [
  { name: 'to', value: w.people.ann.email },
  { name: 'cc', value: '' },
  { name: 'subject', value: 'Documents' },
  { name: 'body', value: BODY },
  { name: 'accessDays', value: '7' },
  { name: 'classification', value: 'none' },
];
const routes = () => [
  { path: '/compose', cookie: w.cookies.ann, token: w.tokens.ann, fields: recipientFields },
  {
    path: '/staff/compose/send',
    cookie: w.cookies.olive,
    token: w.tokens.olive,
    fields: staffFields(),
  },
];

describe('uploads are cut off at their limits, early, with memory flat', () => {
  it('refuses the 11th file on its headers, before reading a byte of it', async ({ task }) => {
    for (const route of routes()) {
      const before = stored();
      const files: Part[] = Array.from({ length: 10 }, (_, i) => ({
        name: 'attachments',
        filename: `file-${i}.pdf`,
        bytes: 1024,
      }));
      files.push({ name: 'attachments', filename: 'eleventh.bin', bytes: 50 * MB });
      const { result, growth } = await peakGrowth(() =>
        upload(route.path, route.cookie, route.token, [...route.fields, ...files]),
      );
      expect(result.res.status, route.path).toBe(400);
      expect(result.text).toMatch(/10 files/);
      // The first ten files and a little of the eleventh's part header, no more.
      expect(result.pulled, route.path).toBeLessThan(1 * MB);
      expect(growth, route.path).toBeLessThan(32 * MB);
      expect(stored(), `${route.path}: nothing stored`).toEqual(before);
    }
    countCases(task, 'uploads: cut-off uploads', 2);
  });

  it('refuses 75 MB + 1 byte (text and files together) at that byte, and reads no further', async ({
    task,
  }) => {
    for (const route of routes()) {
      const before = stored();
      const { result, growth } = await peakGrowth(() =>
        upload(route.path, route.cookie, route.token, [
          ...route.fields,
          { name: 'attachments', filename: 'large.bin', bytes: LIMIT - BODY.length + 1 },
          // What follows the byte over the limit must never be read.
          { name: 'attachments', filename: 'after.bin', bytes: 40 * MB },
        ]),
      );
      expect(result.res.status, route.path).toBe(400);
      expect(result.text).toMatch(/75 MB/);
      expect(result.pulled, route.path).toBeGreaterThan(LIMIT);
      expect(result.pulled, route.path).toBeLessThan(LIMIT + 2 * MB);
      // Streamed through the cipher to disk, never held: far less than the upload.
      expect(growth, route.path).toBeLessThan(48 * MB);
      expect(stored(), `${route.path}: the blobs written so far were removed`).toEqual(before);
    }
    countCases(task, 'uploads: cut-off uploads', 2);
  }, 120_000);

  it('takes exactly 75 MB (the control: the limit is the limit)', async ({ task }) => {
    const before = stored();
    const { result, growth } = await peakGrowth(() =>
      upload('/staff/compose/send', w.cookies.olive, w.tokens.olive, [
        ...staffFields(),
        { name: 'attachments', filename: 'exact.bin', bytes: LIMIT - BODY.length },
      ]),
    );
    expect(result.res.status).toBe(303);
    expect(growth).toBeLessThan(48 * MB);
    expect(stored().messages).toBe((before.messages ?? 0) + 1);
    countCases(task, 'uploads: cut-off uploads', 1);
  }, 120_000);

  it('refuses forms with too many or too large fields without reading on', async ({ task }) => {
    const before = stored();
    const many = await upload(
      '/compose',
      w.cookies.ann,
      w.tokens.ann,
      Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}`, value: 'x' })),
    );
    expect(many.res.status).toBe(400);
    expect(many.pulled).toBeLessThan(200_000);
    const long = await upload('/compose', w.cookies.ann, w.tokens.ann, [
      ...recipientFields.slice(0, 2),
      { name: 'body', value: 'x'.repeat(MB + 1) },
      { name: 'attachments', filename: 'never.bin', bytes: 10 * MB },
    ]);
    expect(long.res.status).toBe(400);
    expect(long.pulled).toBeLessThan(3 * MB);
    expect(stored()).toEqual(before);
    countCases(task, 'uploads: cut-off uploads', 2);
  });

  it('stores a zip bomb as the bytes it is, never inflating it', async ({ task }) => {
    // 200 MB of zeros, deflated into a zip of a few hundred kilobytes.
    const zip = new ZipFile();
    zip.addReadStream(Readable.from(zeros(200 * MB)), 'zeros.bin', { compress: true });
    zip.end();
    const bomb = Buffer.concat(await (zip.outputStream as Readable).toArray());
    expect(bomb.byteLength).toBeLessThan(2 * MB);
    const { result, growth } = await peakGrowth(() =>
      upload('/staff/compose/send', w.cookies.olive, w.tokens.olive, [
        ...staffFields(),
        { name: 'attachments', filename: 'bomb.zip', bytes: bomb, type: 'application/zip' },
      ]),
    );
    expect(result.res.status).toBe(303);
    expect(growth).toBeLessThan(32 * MB);
    const messageId = (result.res.headers.get('location') ?? '').split('/').pop() ?? '';
    const [file] = await w.storage.repos.attachments.listForMessage({ messageId });
    expect(file?.size).toBe(bomb.byteLength);
    const deliveries = await w.storage.repos.deliveries.listForMessage({ messageId });
    const copy = deliveries.find((d) => d.recipientId === w.people.ann.id);
    const download = await w.get(`/inbox/${copy?.id}/attachments/${file?.id}`, w.cookies.ann);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await download.arrayBuffer()).equals(bomb)).toBe(true);
    countCases(task, 'uploads: cut-off uploads', 1);
  }, 60_000);

  it('does not inflate a gzip-encoded request body (a compression bomb)', async ({ task }) => {
    const before = stored();
    const gzip = createGzip({ level: zlib.Z_BEST_COMPRESSION });
    const compressed = Readable.from(zeros(200 * MB)).pipe(gzip);
    const bomb = Buffer.concat(await compressed.toArray());
    const { result, growth } = await peakGrowth(async () => {
      const res = await w.request('POST', `/compose?_csrf=${encodeURIComponent(w.tokens.ann)}`, {
        cookie: w.cookies.ann,
        headers: {
          origin: BASE,
          'content-type': 'multipart/form-data; boundary=x',
          'content-encoding': 'gzip',
        },
        body: bomb,
      });
      await res.arrayBuffer();
      return res;
    });
    expect(result.status).toBe(400);
    expect(growth).toBeLessThan(32 * MB);
    expect(stored()).toEqual(before);
    countCases(task, 'uploads: cut-off uploads', 1);
  });
});

describe('slow uploads (slowloris) on a real socket', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ app: w.http, host: '127.0.0.1', port: 0, logger: w.app.logger });
  });
  afterAll(async () => {
    await server?.stop({ graceMs: 100 });
  });

  /** A valid compose form's fields, so the upload gets as far as its file. */
  const FIELDS = [
    ['to', `officer@${COUNCIL}`],
    ['subject', 'Slow'],
    ['body', 'Slow'],
  ]
    .map(
      ([name, value]) =>
        `--x\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');

  /** Opens a connection and starts an upload whose body trickles in, one byte at a time. */
  function trickle(intervalMs: number) {
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    let closedAt: number | null = null;
    const opened = Date.now();
    socket.on('close', () => {
      closedAt = Date.now();
    });
    socket.write(
      `POST /compose?_csrf=${encodeURIComponent(w.tokens.ann)} HTTP/1.1\r\nHost: ${new URL(BASE).host}\r\nCookie: ${w.cookies.ann}\r\nOrigin: ${BASE}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000000\r\n\r\n${FIELDS}--x\r\nContent-Disposition: form-data; name="attachments"; filename="slow.bin"\r\n\r\n`,
    );
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write('a');
    }, intervalMs);
    return {
      closedAfterMs: () => (closedAt === null ? null : closedAt - opened),
      stop() {
        clearInterval(timer);
        socket.destroy();
      },
    };
  }

  it('does not stop other people using the portal, nor grow memory', async ({ task }) => {
    const slow = Array.from({ length: 100 }, () => trickle(200));
    try {
      const { growth } = await peakGrowth(async () => {
        const times: number[] = [];
        const url = `http://127.0.0.1:${server.port}`;
        for (let i = 0; i < 40; i++) {
          const started = performance.now();
          const res = await fetch(`${url}/inbox`, {
            headers: { cookie: w.cookies.bob },
          });
          await res.arrayBuffer();
          expect(res.status).toBe(200);
          times.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 25));
        }
        times.sort((a, b) => a - b);
        expect(times[Math.floor(times.length * 0.9)]).toBeLessThan(1_000);
      });
      expect(growth).toBeLessThan(48 * MB);
    } finally {
      for (const s of slow) s.stop();
    }
    countCases(task, 'uploads: cut-off uploads', 100);
  }, 60_000);

  // ASVS V15.2.2: the server itself drops a body that arrives slower than 1 KB in 5 s
  // (adapters/http/server.ts), so a trickle cannot hold a connection for long.
  it('drops a body trickling at 2 bytes a second within 10 seconds', async ({ task }) => {
    const slow = trickle(500);
    try {
      await new Promise((r) => setTimeout(r, 10_000));
      countCases(task, 'uploads: cut-off uploads', 1);
      expect(slow.closedAfterMs()).not.toBeNull();
    } finally {
      slow.stop();
    }
  }, 20_000);

  it('refuses a smuggled request (Content-Length with Transfer-Encoding) outright', async ({
    task,
  }) => {
    const answers: string[] = [];
    for (const head of [
      'Content-Length: 6\r\nTransfer-Encoding: chunked',
      'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity',
      'Content-Length: 6\r\nContent-Length: 40',
      'Transfer-Encoding: xchunked',
    ]) {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      const chunks: Buffer[] = [];
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.write(
        `POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n${head}\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      );
      await new Promise<void>((resolve) => {
        socket.on('close', () => resolve());
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 3_000);
      });
      const reply = Buffer.concat(chunks).toString('latin1');
      answers.push(reply);
      expect(reply.startsWith('HTTP/1.1 400'), `${head}: ${reply.slice(0, 80)}`).toBe(true);
      // One answer only: the smuggled GET was never read as a second request.
      expect(reply.match(/HTTP\/1\.1 \d{3}/g)?.length, head).toBe(1);
    }
    countCases(task, 'uploads: cut-off uploads', answers.length);
  });

  it('does not support TRACE (nothing echoes a request back)', async ({ task }) => {
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.write(
      `TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${w.cookies.ann}\r\nConnection: close\r\n\r\n`,
    );
    await once(socket, 'close');
    const reply = Buffer.concat(chunks).toString('latin1');
    expect(reply).toMatch(/^HTTP\/1\.1 (400|404|405|501)/);
    expect(reply).not.toContain('sealpost_session');
    countCases(task, 'uploads: cut-off uploads', 1);
  });

  it('reads nothing of an upload that a refused CSRF check stops', async ({ task }) => {
    const before = stored();
    const body = multipart([{ name: 'attachments', filename: 'x.bin', bytes: 200 * MB }]);
    const res = await w.request('POST', '/compose', {
      cookie: w.cookies.ann,
      headers: { origin: BASE, 'content-type': body.contentType },
      body: body.body,
    });
    expect(res.status).toBe(403);
    expect(body.pulled()).toBeLessThan(1 * MB);
    expect(stored()).toEqual(before);
    countCases(task, 'uploads: cut-off uploads', 1);
  });
});
