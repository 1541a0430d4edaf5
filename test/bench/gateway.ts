// `npm run bench:gateway`: how much mail the SMTP gateway takes. A client in its own
// process sends 1,000 messages of 20 KB (a letter and a PDF, the keyword in the subject)
// over 8 pooled connections, each reused for every message. Sealpost's gateway runs as
// an installation runs it, `sealpost gateway` in its own process: it reads each mail,
// asks the policy plugins, encrypts body and attachment, stores them and commits the
// message before its 250. The peer in the same run is a bare smtp-server that writes
// each message to a file and fsyncs it before its 250. Targets: >= 1.0x the peer's
// mails/s, and >= 200 mails/s, on 8 connections.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { freePort } from '../support/cli.ts';
import { COUNCIL, startBenchApp } from './support/app.ts';
import { describeProfile, monotonicMicros, summariseProfiles } from './support/cpu-profile.ts';
import { emitReport, type Figure, higherIsBetter, info, progress } from './support/report.ts';
import { sampleRss, toMB } from './support/rss.ts';
import { startServe } from './support/serve.ts';
import type { SmtpLoad, SmtpLoadResult } from './support/smtp-client.ts';

const BENCH = 'gateway';
const COUNT = 1_000;
const CONNECTIONS = 8;
const SIZE = 20_000;
const CLIENT = fileURLToPath(new URL('./support/smtp-client.ts', import.meta.url));
const SENDER = `adult.social.care@${COUNCIL}`;
const PROFILED = 300;

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

/** How many secure messages `SENDER` has sent, read through the composition root. */
async function storedBy(env: Record<string, string>): Promise<number> {
  const app = await compose(parseConfig({ PUBLIC_URL: 'http://127.0.0.1:1', ...env }));
  try {
    const sender = await app.storage.repos.accounts.findByEmailKey({ emailKey: SENDER });
    return await app.storage.repos.messages.countSent({ senderId: sender?.id ?? '' });
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-smtp-peer-'));
  // A fresh installation (its key made, so no mail waits for key generation), then
  // `sealpost gateway` on it.
  const bench = await startBenchApp({ env: { GATEWAY_NETWORKS: '127.0.0.1/32' } });
  await bench.close({ keepData: true });
  const gatewayPort = await freePort();
  const cleanUp = () => rmSync(bench.dataDir, { recursive: true, force: true });
  const gateway = await startServe({ command: 'gateway', env: bench.env, gatewayPort }).catch(
    (error: unknown) => {
      cleanUp();
      throw error;
    },
  );
  const peer = await startPeer(dir);
  const figures: Figure[] = [];
  const notes: string[] = [];
  let stopped = false;
  try {
    // A few mails first: the sender's account, the plugins and the statements warm up.
    const warm = await sendLoad(gatewayPort, 'warm', 50);
    if (warm.failed > 0) throw new Error(`the gateway refused mail: ${warm.error}`);
    // peer, gateway, peer: the gateway's run is framed by two of the peer's, and its rate
    // is compared with their mean, so a change in the machine's load hits both sides.
    const runPeer = async (tag: string) => {
      const result = await sendLoad(peer.port, tag);
      if (result.accepted !== COUNT) throw new Error(`the peer took ${result.accepted}`);
      return COUNT / result.seconds;
    };
    const before = await runPeer('p0');
    const sampler = sampleRss({ everyMs: 20, pid: gateway.pid });
    const result = await sendLoad(gatewayPort, 'g0');
    const rssGrowth = sampler.stop().growth;
    if (result.failed > 0 || result.accepted !== COUNT) {
      throw new Error(`the gateway took ${result.accepted} of ${COUNT}: ${result.error}`);
    }
    const rate = COUNT / result.seconds;
    const after = await runPeer('p1');
    progress(
      BENCH,
      `gateway ${Math.round(rate)} mails/s; bare ${Math.round(before)} before, ${Math.round(after)} after`,
    );
    // Every accepted mail is a stored secure message: check, so no fast path is timed.
    stopped = true;
    if (!(await gateway.stop())) throw new Error('sealpost gateway did not stop cleanly');
    const stored = await storedBy(bench.env);
    if (stored < COUNT) throw new Error(`only ${stored} secure messages were stored`);

    // Where the gateway's time goes: a second, shorter run under --cpu-prof (the
    // profiler slows it, so the measured run above is never profiled).
    const profDir = mkdtempSync(path.join(tmpdir(), 'sealpost-gateway-prof-'));
    const profiled = await startServe({
      command: 'gateway',
      env: bench.env,
      gatewayPort,
      cpuProfDir: profDir,
    });
    let window = { from: 0, to: 0 };
    try {
      await sendLoad(gatewayPort, 'warm-prof', 50);
      const from = monotonicMicros();
      await sendLoad(gatewayPort, 'prof', PROFILED);
      window = { from, to: monotonicMicros() };
    } finally {
      if (!(await profiled.stop())) notes.push('the profiled gateway did not stop cleanly');
    }
    const lines = describeProfile('CPU profile, gateway', summariseProfiles(profDir, window));
    process.stdout.write(`${lines.join('\n')}\n`);
    notes.push(lines.map((line) => line.trim()).join('; '));
    rmSync(profDir, { recursive: true, force: true });

    figures.push(
      higherIsBetter({
        name: '1,000 x 20 KB mails, 8 connections',
        unit: 'mails/s',
        sealpost: rate,
        peer: (before + after) / 2,
        atLeast: 1.0,
        alsoNeeds: { met: rate >= 200, words: '>= 200 mails/s' },
      }),
      info({ name: 'gateway RSS growth', unit: 'MB', sealpost: toMB(rssGrowth) }),
    );
    notes.push(
      `${COUNT} mails over ${CONNECTIONS} reused connections; the peer ran just before ` +
        `(${Math.round(before)} mails/s) and just after (${Math.round(after)} mails/s). ${stored} ` +
        'secure messages stored, each with its delivery, notification and audit event; ' +
        '`sealpost gateway` ran in its own process, RSS growth is of that process.',
    );
  } finally {
    await peer.close();
    if (!stopped) await gateway.stop();
    cleanUp();
    rmSync(dir, { recursive: true, force: true });
  }
  emitReport(BENCH, figures, notes);
}

await main();
