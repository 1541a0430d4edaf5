// `npm run bench:gateway`: how much mail the SMTP gateway takes. A client in its own
// process sends 1,000 messages of 20 KB (a letter and a PDF, the keyword in the subject)
// over 8 pooled connections, each reused for every message. Sealpost's gateway reads
// each one, asks the policy plugins, encrypts body and attachment, stores them and
// commits the message before its 250 (SQLite synchronous=FULL, blobs fsync'd). The peer
// in the same run is a bare smtp-server that writes each message to a file and fsyncs
// it before its 250. Targets: >= 0.5x the peer's msg/s, and >= 200 msg/s.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { startGateway } from '../../adapters/gateway/start-gateway.ts';
import { COUNCIL, startBenchApp } from './support/app.ts';
import { emitReport, type Figure, higherIsBetter, info, progress } from './support/report.ts';
import { sampleRss, toMB } from './support/rss.ts';
import type { SmtpLoad, SmtpLoadResult } from './support/smtp-client.ts';

const BENCH = 'gateway';
const COUNT = 1_000;
const CONNECTIONS = 8;
const SIZE = 20_000;
const CLIENT = fileURLToPath(new URL('./support/smtp-client.ts', import.meta.url));
const SENDER = `adult.social.care@${COUNCIL}`;

/** Runs the client process against `port` and resolves with what it printed. */
function sendLoad(port: number, tag: string, count = COUNT): Promise<SmtpLoadResult> {
  const load: SmtpLoad = {
    port,
    count,
    connections: CONNECTIONS,
    size: SIZE,
    tag,
    from: SENDER,
    recipients: 50,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(load)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`SMTP client: ${out}`));
      else resolve(JSON.parse(line) as SmtpLoadResult);
    });
  });
}

/** The peer: smtp-server that writes each message to its own file and fsyncs it. */
async function startPeer(dir: string): Promise<{ port: number; close(): Promise<void> }> {
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    maxClients: 50,
    closeTimeout: 200,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const file = path.join(dir, `${++n}.eml`);
        (async () => {
          const handle = await open(file, 'w');
          await handle.write(Buffer.concat(chunks));
          await handle.sync();
          await handle.close();
        })().then(() => callback(null, 'queued'), callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-smtp-peer-'));
  const bench = await startBenchApp({ env: { GATEWAY_NETWORKS: '127.0.0.1/32' } });
  const gateway = await startGateway(bench.app, { port: 0 });
  const peer = await startPeer(dir);
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    // A few mails first: the sender's account, the plugins and the statements warm up.
    const warm = await sendLoad(gateway.port, 'warm', 50);
    if (warm.failed > 0) throw new Error(`the gateway refused mail: ${warm.error}`);
    // peer, gateway, peer: the gateway's run is framed by two of the peer's, and its rate
    // is compared with their mean, so a change in the machine's load hits both sides.
    const runPeer = async (tag: string) => {
      const result = await sendLoad(peer.port, tag);
      if (result.accepted !== COUNT) throw new Error(`the peer took ${result.accepted}`);
      return COUNT / result.seconds;
    };
    const before = await runPeer('p0');
    const sampler = sampleRss({ everyMs: 20 });
    const result = await sendLoad(gateway.port, 'g0');
    const rssGrowth = sampler.stop().growth;
    if (result.failed > 0 || result.accepted !== COUNT) {
      throw new Error(`the gateway took ${result.accepted} of ${COUNT}: ${result.error}`);
    }
    const rate = COUNT / result.seconds;
    const after = await runPeer('p1');
    progress(
      BENCH,
      `gateway ${Math.round(rate)} msg/s; bare ${Math.round(before)} before, ${Math.round(after)} after`,
    );
    // Every accepted mail is a stored secure message: check, so no fast path is timed.
    const sender = await bench.app.storage.repos.accounts.findByEmailKey({ emailKey: SENDER });
    const stored = await bench.app.storage.repos.messages.countSent({ senderId: sender?.id ?? '' });
    if (stored < COUNT) throw new Error(`only ${stored} secure messages were stored`);

    figures.push(
      higherIsBetter({
        name: '1,000 x 20 KB mails',
        unit: 'msg/s',
        sealpost: rate,
        peer: (before + after) / 2,
        atLeast: 0.5,
        alsoNeeds: { met: rate >= 200, words: '>= 200 msg/s' },
      }),
      info({ name: 'gateway RSS growth', unit: 'MB', sealpost: toMB(rssGrowth) }),
    );
    notes.push(
      `${COUNT} mails over ${CONNECTIONS} reused connections; the peer ran just before ` +
        `(${Math.round(before)} msg/s) and just after (${Math.round(after)} msg/s). ${stored} secure ` +
        'messages stored, each with its delivery, notification and audit event.',
    );
  } finally {
    await peer.close();
    await gateway.close();
    await bench.close();
    rmSync(dir, { recursive: true, force: true });
  }
  emitReport(BENCH, figures, notes);
}

await main();
