// The server drops a request body that arrives too slowly (a slowloris upload), but
// never a client that keeps up, nor one the app itself is slow to read.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { enforceMinimumUploadRate } from '../../adapters/http/server.ts';

const RATE = { minBytes: 100, windowMs: 300 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: Server;
afterEach(() => new Promise<void>((done) => server.close(() => done())));

/** A server that reads each body, after `delayMs`, and answers with its length. */
async function listen(delayMs = 0): Promise<number> {
  server = createServer((req, res) => {
    req.pause();
    setTimeout(() => {
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      req.on('end', () => res.end(String(size)));
      req.resume();
    }, delayMs);
  });
  enforceMinimumUploadRate(server, RATE);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

/** Sends `chunks` pieces of `size` bytes, `gapMs` apart; resolves with the answer or 'dropped'. */
function upload(port: number, chunks: number, size: number, gapMs: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/' }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', () => resolve('dropped'));
    (async () => {
      for (let i = 0; i < chunks; i++) {
        if (req.destroyed) return;
        req.write(Buffer.alloc(size, 97));
        await sleep(gapMs);
      }
      req.end();
    })();
  });
}

describe('minimum upload rate', () => {
  it('drops a body that trickles', async () => {
    const port = await listen();
    expect(await upload(port, 20, 5, 100)).toBe('dropped');
  });

  it('keeps a slow client that keeps up with the minimum', async () => {
    const port = await listen();
    expect(await upload(port, 8, 200, 150)).toBe('1600');
  });

  it('keeps a client the app is slow to read', async () => {
    const port = await listen(1_200);
    expect(await upload(port, 4, 1000, 0)).toBe('4000');
  });
});
