// `npm run bench:upload`: a signed-in recipient sends 10 files, 75 MB in all, through
// the real compose form (multipart over loopback HTTP, posted by curl as a browser
// would, in its own process). The portal streams each file into encryption and onto
// disk (fsync'd); the peer in the same run writes the same bytes to one file on the
// same disk, with one fsync at the end. Figures: MB/s for both and the ratio (reported),
// and the portal process's peak RSS growth during the upload (target <= 64 MB).

import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BenchApp, COUNCIL, startBenchApp } from './support/app.ts';
import { atMost, emitReport, type Figure, info, median, progress } from './support/report.ts';
import { sampleRss, toMB } from './support/rss.ts';

const BENCH = 'upload';
const MB = 1_000_000;
const FILES = 10;
const TOTAL = 75 * MB;
const ROUNDS = 3;
const IO_SIZE = 1024 * 1024;

function writeRandomFile(name: string, size: number): void {
  const piece = Buffer.allocUnsafe(IO_SIZE);
  writeFileSync(name, '');
  for (let done = 0; done < size; done += piece.byteLength) {
    writeFileSync(name, randomFillSync(piece).subarray(0, Math.min(IO_SIZE, size - done)), {
      flag: 'a',
    });
  }
}

/** The compose form's action (it carries the CSRF token, as multipart bodies are streamed). */
async function composeAction(bench: BenchApp, cookie: string): Promise<string> {
  const res = await fetch(`${bench.url}/compose`, { headers: { cookie } });
  const html = await res.text();
  const action = /<form[^>]+action="(\/compose\?_csrf=[^"]+)"[^>]+multipart/.exec(html)?.[1];
  if (res.status !== 200 || !action) throw new Error(`no compose form (status ${res.status})`);
  return action.replaceAll('&amp;', '&');
}

/** Posts the form with curl; resolves with the seconds it took, once the portal answered. */
function postWithCurl(args: { url: string; cookie: string; origin: string; files: string[] }) {
  const form = [
    ['to', `housing.officer@${COUNCIL}`],
    ['cc', ''],
    ['subject', 'Documents for my claim'],
    ['body', 'Here are the documents you asked for.'],
  ];
  const curlArgs = ['--silent', '--show-error', '--max-time', '120', '--output', '/dev/null'];
  curlArgs.push('--write-out', '%{http_code} %{time_total}');
  curlArgs.push('--header', `cookie: ${args.cookie}`, '--header', `origin: ${args.origin}`);
  // No "Expect: 100-continue" pause: browsers do not send it.
  curlArgs.push('--header', 'expect:');
  for (const [name, value] of form) curlArgs.push('--form-string', `${name}=${value}`);
  for (const file of args.files) {
    curlArgs.push('--form', `attachments=@${file};type=application/octet-stream`);
  }
  curlArgs.push(args.url);
  return new Promise<number>((resolve, reject) => {
    const child = spawn('curl', curlArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', (error) =>
      reject(new Error(`curl could not run (${error.message}); install curl`)),
    );
    child.on('close', () => {
      const [status, seconds] = out.trim().split(' ');
      if (status !== '303') reject(new Error(`the compose form answered: ${out.trim()}`));
      else resolve(Number(seconds));
    });
  });
}

/** The peer: the same bytes, read from the same files, written to one file and fsync'd. */
async function rawWrite(files: string[], target: string): Promise<number> {
  const started = performance.now();
  const out = await open(target, 'w');
  const piece = Buffer.allocUnsafe(IO_SIZE);
  for (const file of files) {
    const input = await open(file, 'r');
    for (;;) {
      const { bytesRead } = await input.read(piece, 0, IO_SIZE, null);
      if (bytesRead === 0) break;
      await out.write(piece, 0, bytesRead);
    }
    await input.close();
  }
  await out.sync();
  await out.close();
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-upload-'));
  const bench = await startBenchApp();
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    const files = Array.from({ length: FILES }, (_, i) => path.join(dir, `scan-${i + 1}.pdf`));
    for (const file of files) writeRandomFile(file, TOTAL / FILES);
    await bench.addPerson('resident@example.org');
    const cookie = await bench.signIn('resident@example.org');

    // Each send fetches the form afresh, as a browser would, for its token.
    const upload = async (chosen: string[]) => {
      const url = `${bench.url}${await composeAction(bench, cookie)}`;
      return postWithCurl({ url, cookie, origin: bench.url, files: chosen });
    };
    // One 3 MB send first, as the crypto benchmark warms up: the cipher's worker threads
    // start on the first large file and stay, a one-off cost reported on its own.
    const warmUp = path.join(dir, 'letter.pdf');
    writeRandomFile(warmUp, 3 * MB);
    const firstSampler = sampleRss({ everyMs: 5 });
    await upload([warmUp]);
    const first = firstSampler.stop();

    const sealpostSeconds: number[] = [];
    const peerSeconds: number[] = [];
    let rssGrowth = 0;
    let rssBaseline = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const peer = () => rawWrite(files, path.join(dir, 'raw.bin'));
      const portal = async () => {
        const sampler = sampleRss({ everyMs: 5 });
        const seconds = await upload(files);
        const seen = sampler.stop();
        rssGrowth = Math.max(rssGrowth, seen.growth);
        rssBaseline = seen.baseline;
        return seconds;
      };
      if (round % 2 === 0) {
        peerSeconds.push(await peer());
        sealpostSeconds.push(await portal());
      } else {
        sealpostSeconds.push(await portal());
        peerSeconds.push(await peer());
      }
      rmSync(path.join(dir, 'raw.bin'), { force: true });
      progress(
        BENCH,
        `round ${round + 1}: portal ${sealpostSeconds.at(-1)?.toFixed(2)} s, raw write ${peerSeconds.at(-1)?.toFixed(2)} s`,
      );
    }
    const sent = statSync(files[0] as string).size * FILES;
    const speeds = sealpostSeconds.map((s) => sent / MB / s);
    const peerSpeeds = peerSeconds.map((s) => sent / MB / s);
    const ratios = speeds.map((s, i) => s / (peerSpeeds[i] ?? Number.NaN));
    figures.push(
      info({
        name: '10 files, 75 MB, MB/s',
        unit: 'MB/s',
        sealpost: median(speeds),
        peer: median(peerSpeeds),
        ratio: median(ratios),
      }),
      atMost({ name: 'peak RSS growth', unit: 'MB', sealpost: toMB(rssGrowth), limit: 64 }),
      info({
        name: 'RSS growth, first file after start',
        unit: 'MB',
        sealpost: toMB(first.growth),
      }),
    );
    notes.push(
      `${ROUNDS} rounds, medians; portal RSS before an upload ${Math.round(toMB(rssBaseline))} MB ` +
        `(${Math.round(toMB(first.baseline))} MB before the first file ever, when the cipher's ` +
        'worker threads had not started). ' +
        'The portal encrypts (OpenPGP, AES-256) and fsyncs each file as it streams in; ' +
        'the raw write only copies bytes already in the page cache.',
    );
  } finally {
    await bench.close();
    rmSync(dir, { recursive: true, force: true });
  }
  emitReport(BENCH, figures, notes);
}

await main();
