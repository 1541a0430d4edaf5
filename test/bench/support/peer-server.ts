// The portal benchmark's peers, each in its own process (started by startPeerServer):
//   bare       answers every request with the same gzipped page: node:http's ceiling
//              (and the load generator's) on this machine.
//   realistic  per request, one prepared better-sqlite3 query for the page's rows,
//              a template string, gzip with node:zlib; no crypto, no framework:
//                GET /r/<recipient id>/inbox?page=N  and  GET /r/<recipient id>/m/<delivery id>
// With `workers` > 1 it forks that many node:cluster workers sharing the port, so it
// gets as many processes as the Sealpost it is compared with.

import { type ChildProcess, spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openPeerQueries, padding, renderInbox, renderMessage } from './peer-pages.ts';

/** What the parent asks for. */
export type PeerOptions =
  | { mode: 'bare'; workers: number; pageFile: string }
  | { mode: 'realistic'; workers: number; dbPath: string; padInbox: number; padMessage: number };

const READY = 'PEER-READY ';

function send(res: ServerResponse, html: string | Buffer, gzip: boolean): void {
  const body = gzip ? gzipSync(html) : Buffer.from(html);
  res.writeHead(200, {
    'content-type': 'text/html; charset=UTF-8',
    'content-length': body.byteLength,
    'cache-control': 'no-store',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(body);
}

function serve(options: PeerOptions, port: number, onListening: (port: number) => void): void {
  let handle: Parameters<typeof createServer>[1];
  if (options.mode === 'bare') {
    const body = gzipSync(readFileSync(options.pageFile));
    handle = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=UTF-8',
        'content-encoding': 'gzip',
        'content-length': body.byteLength,
        'cache-control': 'no-store',
      });
      res.end(body);
    };
  } else {
    const queries = openPeerQueries(options.dbPath);
    const padInbox = padding(options.padInbox);
    const padMessage = padding(options.padMessage);
    handle = (req, res) => {
      const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      const url = new URL(req.url ?? '/', 'http://peer');
      const [, r, recipientId, what, deliveryId] = url.pathname.split('/');
      if (r === 'r' && recipientId && what === 'inbox') {
        const page = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
        send(res, renderInbox(queries.inbox(recipientId, page), page, padInbox), gzip);
        return;
      }
      const row = r === 'r' && recipientId && what === 'm' && deliveryId;
      const found = row ? queries.message(recipientId, deliveryId) : undefined;
      if (found) send(res, renderMessage(found, padMessage), gzip);
      else {
        res.writeHead(404);
        res.end();
      }
    };
  }
  const server = createServer({ keepAliveTimeout: 30_000 }, handle);
  server.listen(port, '127.0.0.1', () => onListening((server.address() as AddressInfo).port));
}

/** The child's own start: one server, or a cluster primary that forks `workers` of them. */
async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_PEER ?? '{}') as PeerOptions;
  if (options.workers <= 1) {
    serve(options, 0, (port) => process.stdout.write(`${READY}${port}\n`));
    return;
  }
  if (cluster.isPrimary) {
    // Workers listening on port 0 share one port the primary picks.
    let listening = 0;
    cluster.on('listening', (_worker, address) => {
      if (++listening === options.workers) process.stdout.write(`${READY}${address.port}\n`);
    });
    for (let i = 0; i < options.workers; i++) cluster.fork();
    return;
  }
  serve(options, 0, () => {});
}

/** A running peer: its base URL, and how to stop it. */
export type PeerServer = { url: string; close(): Promise<void> };

/** Starts a peer in its own process and resolves once it listens. */
export function startPeerServer(options: PeerOptions): Promise<PeerServer> {
  const self = fileURLToPath(import.meta.url);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', self], {
    env: { ...process.env, BENCH_PEER: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    void exited.then(() => reject(new Error(`the ${options.mode} peer exited: ${out}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const port = new RegExp(`${READY}(\\d+)`).exec(out)?.[1];
      if (port) {
        resolve({
          url: `http://127.0.0.1:${port}`,
          close: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

if (process.env.BENCH_PEER && process.argv[1] === fileURLToPath(import.meta.url)) await main();
