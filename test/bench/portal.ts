// `npm run bench:portal`: how many signed-in page views a second the portal serves, and
// how fast. A recipient with 1,000 messages signs in; autocannon (its own process) asks
// for the inbox page, then for one message's page, over 50 connections. In the same run
// a bare node:http server answers a page of the same size, the same way (gzip, as every
// browser asks for it), with the same load: the machine's and the load generator's
// ceiling. Runs of the two take turns, so a change in the machine's load hits both.
// Targets: >= 0.6x the bare server's req/s, and p99 <= 50 ms, for each page.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { type BenchApp, COUNCIL, inParallel, startBenchApp } from './support/app.ts';
import { type LoadResult, runLoad } from './support/load.ts';
import {
  atMost,
  emitReport,
  type Figure,
  higherIsBetter,
  info,
  median,
  progress,
} from './support/report.ts';

const BENCH = 'portal';
const MESSAGES = 1_000;
const CONNECTIONS = 50;
const ROUNDS = 3;
const SECONDS = 4;
const WARMUP_SECONDS = 2;

/** A body of ordinary length: a council letter of a few paragraphs. */
function letter(n: number): string {
  const paragraph =
    'Thank you for your application. We have reviewed the documents you sent and need ' +
    'a copy of your tenancy agreement and a recent utility bill before we can decide. ' +
    'Please reply to this message with the documents attached, or call us if you have ';
  return `Dear resident,\n\n${paragraph.repeat(3)}\n\nReference HB-${100000 + n}.\n\nHousing Benefit team`;
}

/** A bare node:http server that answers every request with `page` (gzip), keep-alive. */
async function startPeer(page: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const body = gzipSync(page);
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=UTF-8',
      'content-encoding': 'gzip',
      'content-length': body.byteLength,
      'cache-control': 'no-store',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function seed(bench: BenchApp): Promise<{ cookie: string; deliveryId: string }> {
  const sender = await bench.addPerson(`housing.officer@${COUNCIL}`, 'staff');
  await bench.addPerson('resident@example.org');
  const started = performance.now();
  let newest = '';
  // Through the use case, as the staff compose page does: encrypted subject, body blob,
  // delivery, link token, notification and audit event for each, 8 sends at a time.
  await inParallel(
    Array.from({ length: MESSAGES }, (_, i) => i),
    8,
    async (i) => {
      const deliveryId = await bench.send({
        from: sender,
        to: ['resident@example.org'],
        subject: `Your housing benefit claim, part ${i + 1}`,
        body: letter(i),
      });
      if (i === MESSAGES - 1) newest = deliveryId;
    },
  );
  progress(BENCH, `seeded ${MESSAGES} messages in ${Math.round(performance.now() - started)} ms`);
  return { cookie: await bench.signIn('resident@example.org'), deliveryId: newest };
}

/** The page as a browser gets it (checked: 200, signed in), and its uncompressed size. */
async function fetchPage(url: string, cookie: string): Promise<Buffer> {
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const html = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  if (!html.includes('Sign out')) throw new Error(`${url} is not a signed-in page`);
  return html;
}

/** Both sides' runs, and how busy the portal's event loop was during its own runs. */
type Pair = { sealpost: LoadResult[]; peer: LoadResult[]; busy: number[] };

async function measurePage(url: string, peerUrl: string, cookie: string): Promise<Pair> {
  const headers = { cookie, 'accept-encoding': 'gzip' };
  const load = (target: string) =>
    runLoad({ url: target, connections: CONNECTIONS, seconds: SECONDS, headers });
  await runLoad({ url, connections: CONNECTIONS, seconds: WARMUP_SECONDS, headers });
  const pair: Pair = { sealpost: [], peer: [], busy: [] };
  const loadPortal = async () => {
    const before = performance.eventLoopUtilization();
    pair.sealpost.push(await load(url));
    pair.busy.push(performance.eventLoopUtilization(before).utilization);
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      pair.peer.push(await load(peerUrl));
      await loadPortal();
    } else {
      await loadPortal();
      pair.peer.push(await load(peerUrl));
    }
  }
  for (const run of pair.sealpost) {
    if (run.bad > 0) throw new Error(`${url}: ${run.bad} requests failed or were not 200`);
  }
  return pair;
}

function figuresOf(page: string, pair: Pair): Figure[] {
  // Each round's ratio is of two runs seconds apart; the median round is reported.
  const ratios = pair.sealpost.map((s, i) => s.rps / (pair.peer[i]?.rps ?? Number.NaN));
  const at = ratios.indexOf(median(ratios));
  const sealpost = pair.sealpost[at] as LoadResult;
  const peer = pair.peer[at] as LoadResult;
  return [
    higherIsBetter({
      name: `${page} req/s`,
      unit: 'req/s',
      sealpost: sealpost.rps,
      peer: peer.rps,
      atLeast: 0.6,
    }),
    atMost({
      name: `${page} p99`,
      unit: 'ms',
      sealpost: Math.max(...pair.sealpost.map((r) => r.p99)),
      limit: 50,
      peer: Math.max(...pair.peer.map((r) => r.p99)),
    }),
    info({
      name: `${page} p50`,
      unit: 'ms',
      sealpost: median(pair.sealpost.map((r) => r.p50)),
      peer: median(pair.peer.map((r) => r.p50)),
    }),
    info({ name: `${page}: event loop busy`, unit: '%', sealpost: 100 * median(pair.busy) }),
  ];
}

async function main(): Promise<void> {
  const bench = await startBenchApp();
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    const { cookie, deliveryId } = await seed(bench);
    const pages = [
      { name: 'inbox page', path: '/inbox' },
      { name: 'message page', path: `/inbox/${deliveryId}` },
    ];
    for (const page of pages) {
      const url = `${bench.url}${page.path}`;
      const html = await fetchPage(url, cookie);
      const peer = await startPeer(html);
      try {
        progress(BENCH, `${page.name}: ${html.byteLength} bytes of HTML, ${ROUNDS} rounds`);
        const pair = await measurePage(url, peer.url, cookie);
        figures.push(...figuresOf(page.name, pair));
        notes.push(
          `${page.name}: ${html.byteLength} bytes of HTML (gzip on the wire for both); ` +
            `sealpost req/s by round ${pair.sealpost.map((r) => Math.round(r.rps)).join(', ')}, ` +
            `peer ${pair.peer.map((r) => Math.round(r.rps)).join(', ')}`,
        );
      } finally {
        await peer.close();
      }
    }
    notes.push(
      `${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s each side; the ratio is the ` +
        'median round, p99 the worst round. autocannon takes about one of the 2 cores, so the ' +
        "peer's figure is partly the load generator's ceiling.",
    );
  } finally {
    await bench.close();
  }
  emitReport(BENCH, figures, notes);
}

await main();
