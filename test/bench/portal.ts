// `npm run bench:portal`: how many signed-in page views a second the portal serves, and
// how fast, with data that no cache flatters. 200 recipients get 25 to 120 messages
// each from 2,500 messages sent through the send use case (more bodies than the
// OpenPGP session-key cache holds); each signs in once. Then `sealpost serve` runs on
// that DATA_DIR in its own process and autocannon (its own process) asks, over 50
// connections, for random inbox pages (a random recipient, a random page of theirs)
// and random message pages (a random recipient's random delivery).
// Peers in the same run, asked the same way:
//   realistic  node:http, one prepared better-sqlite3 query per request on a plain-text
//              copy of the same rows in the same database file, a template string of
//              the same size, gzip (support/peer-server.ts): target >= 0.5x its req/s;
//   bare       node:http answering Sealpost's page from memory, gzipped: the ceiling of
//              node:http and of the load generator on this machine (reported).
// Also p99 <= 50 ms. With WORKERS supported by `sealpost serve`, both 1 and one per
// core, each peer with as many processes. Last, a CPU profile of the server (--cpu-prof,
// one process) under each page's load: the top five frames and the areas.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { describeProfile, monotonicMicros, summariseProfiles } from './support/cpu-profile.ts';
import { runLoad } from './support/load.ts';
import { seedMailboxes } from './support/mailboxes.ts';
import { openPeerQueries, renderInbox, renderMessage } from './support/peer-pages.ts';
import { startPeerServer } from './support/peer-server.ts';
import {
  CONNECTIONS,
  fetchPage,
  figuresOf,
  measure,
  type Page,
  ROUNDS,
  SECONDS,
} from './support/portal-runs.ts';
import { emitReport, type Figure, info, progress } from './support/report.ts';
import { serveKnowsWorkers, startServe } from './support/serve.ts';

const BENCH = 'portal';
const PLAN = { recipients: 200, messages: 2_500, perRecipient: [25, 120] as [number, number] };
const PROFILE_SECONDS = 5;
const PAGE_SIZE = 25;

async function main(): Promise<void> {
  const seeded = await seedMailboxes(PLAN, (message) => progress(BENCH, message));
  const figures: Figure[] = [];
  const notes: string[] = [];
  const work = mkdtempSync(path.join(tmpdir(), 'sealpost-bench-portal-'));
  try {
    const { mailboxes } = seeded;
    const pagesOf = (n: number) =>
      Array.from({ length: Math.ceil(n / PAGE_SIZE) }, (_, i) => i + 1);
    const group = (cookie: string, paths: string[]) => ({ headers: { cookie }, paths });
    const inbox: Omit<Page, 'sample' | 'samplePath'> = {
      name: 'inbox page',
      sealpost: mailboxes.map((m) =>
        group(
          m.cookie,
          pagesOf(m.deliveryIds.length).map((p) => `/inbox?page=${p}`),
        ),
      ),
      peer: mailboxes.map((m) =>
        group(
          m.cookie,
          pagesOf(m.deliveryIds.length).map((p) => `/r/${m.id}/inbox?page=${p}`),
        ),
      ),
    };
    const message: Omit<Page, 'sample' | 'samplePath'> = {
      name: 'message page',
      sealpost: mailboxes.map((m) =>
        group(
          m.cookie,
          m.deliveryIds.map((d) => `/inbox/${d}`),
        ),
      ),
      peer: mailboxes.map((m) =>
        group(
          m.cookie,
          m.deliveryIds.map((d) => `/r/${m.id}/m/${d}`),
        ),
      ),
    };
    const first = mailboxes[0] as (typeof mailboxes)[number];
    const firstDelivery = first.deliveryIds[0] as string;

    const cores = availableParallelism();
    const workersKnown = serveKnowsWorkers();
    const configs = workersKnown && cores > 1 ? [1, cores] : [1];
    if (!workersKnown) {
      notes.push('`sealpost serve` has no WORKERS setting yet: one process measured.');
    }
    let pages: Page[] = [];
    let pads = { inbox: 0, message: 0 };
    for (const workers of configs) {
      const server = await startServe({
        env: seeded.env,
        ...(workersKnown ? { workers } : {}),
      });
      try {
        if (pages.length === 0) {
          // Sizes from one sample of each page: the peer pads its layout to match them.
          const inboxHtml = await fetchPage(`${server.url}/inbox?page=1`, first.cookie);
          const messageHtml = await fetchPage(`${server.url}/inbox/${firstDelivery}`, first.cookie);
          const queries = openPeerQueries(seeded.dbPath);
          const peerInbox = renderInbox(queries.inbox(first.id, 1), 1, '');
          const found = queries.message(first.id, firstDelivery);
          queries.close();
          if (!found) throw new Error('the peer table lacks a delivery Sealpost shows');
          pads = {
            inbox: Math.max(0, Buffer.byteLength(inboxHtml) - Buffer.byteLength(peerInbox)),
            message: Math.max(
              0,
              Buffer.byteLength(messageHtml) - Buffer.byteLength(renderMessage(found, '')),
            ),
          };
          pages = [
            { ...inbox, sample: inboxHtml, samplePath: path.join(work, 'inbox.html') },
            { ...message, sample: messageHtml, samplePath: path.join(work, 'message.html') },
          ];
          for (const page of pages) writeFileSync(page.samplePath, page.sample);
        }
        const realistic = await startPeerServer({
          mode: 'realistic',
          workers,
          dbPath: seeded.dbPath,
          padInbox: pads.inbox,
          padMessage: pads.message,
        });
        try {
          for (const page of pages) {
            const bare = await startPeerServer({
              mode: 'bare',
              workers,
              pageFile: page.samplePath,
            });
            try {
              progress(BENCH, `${page.name}, ${workers} process(es): ${ROUNDS} rounds`);
              const runs = await measure(
                { sealpost: server.url, peer: realistic.url, bare: bare.url },
                page,
              );
              const label = `${page.name}, ${workers === 1 ? '1 process' : `${workers} processes`}`;
              figures.push(...figuresOf(label, runs));
              notes.push(
                `${label}: req/s by round ${runs.sealpost.map((r) => Math.round(r.rps)).join(', ')}, ` +
                  `realistic peer ${runs.peer.map((r) => Math.round(r.rps)).join(', ')}, ` +
                  `bare ${Math.round(runs.bare.rps)}`,
              );
            } finally {
              await bare.close();
            }
          }
        } finally {
          await realistic.close();
        }
      } finally {
        await server.stop();
      }
    }

    // The profile: one process under --cpu-prof, each page's load in its own window.
    const profDir = path.join(work, 'profiles');
    const profiled = await startServe({
      env: seeded.env,
      ...(workersKnown ? { workers: 1 } : {}),
      cpuProfDir: profDir,
    });
    const windows: Array<{ page: Page; from: number; to: number }> = [];
    try {
      for (const page of pages) {
        const load = (seconds: number) =>
          runLoad({
            url: profiled.url,
            targets: page.sealpost,
            connections: CONNECTIONS,
            seconds,
            headers: { 'accept-encoding': 'gzip' },
          });
        await load(1);
        const from = monotonicMicros();
        await load(PROFILE_SECONDS);
        windows.push({ page, from, to: monotonicMicros() });
      }
    } finally {
      const clean = await profiled.stop();
      if (!clean)
        notes.push('the profiled server did not stop cleanly; its profile may be missing');
    }
    for (const { page, from, to } of windows) {
      const summary = summariseProfiles(profDir, { from, to });
      const lines = describeProfile(`CPU profile, ${page.name}`, summary);
      process.stdout.write(`${lines.join('\n')}\n`);
      notes.push(lines.map((line) => line.trim()).join('; '));
      figures.push(
        info({
          name: `${page.name}: main thread busy (profile)`,
          unit: '%',
          sealpost: 100 * summary.busy,
        }),
        info({
          name: `${page.name}: top five frames (profile)`,
          unit: '%',
          sealpost: 100 * summary.frames.slice(0, 5).reduce((sum, f) => sum + f.share, 0),
        }),
      );
    }
    notes.push(
      `${seeded.messages} messages, ${seeded.deliveries} deliveries to ${mailboxes.length} ` +
        `recipients (${PLAN.perRecipient.join(' to ')} each), seeded in ${Math.round(seeded.seconds)} s; ` +
        `${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s each side, the ratio is the ` +
        `median round, p99 the worst round. Sample pages: inbox ${Buffer.byteLength(pages[0]?.sample ?? '')} ` +
        `bytes, message ${Buffer.byteLength(pages[1]?.sample ?? '')} bytes (the realistic peer pads to ` +
        'them). A message view is a first open (a write) until that delivery has been seen. ' +
        'autocannon takes about one core of two, so the bare figure is partly its own ceiling.',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
    seeded.remove();
  }
  emitReport(BENCH, figures, notes);
}

await main();
