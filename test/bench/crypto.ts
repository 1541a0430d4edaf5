// `npm run bench:crypto`: encrypts and decrypts one 75 MB random file through the
// Sealpost cipher and through `gpg -z 0` to the same exported public key, in the same
// run, and prints one JSON line: MB/s each way for both, the ratios Sealpost/gpg, and
// Sealpost's peak RSS growth (with the CPU count and load average, since both tools
// share the machine with whatever else runs). Targets: ratios >= 1.0, RSS growth <= 64 MB.

import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { openpgpCipher } from '../../adapters/crypto/openpgp/index.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { atMost, emitReport } from './support/report.ts';

const MB = 1_000_000;
const SIZE = 75 * MB;
const ROUNDS = 5;
const PASSPHRASE = 'bench passphrase, not a secret';
// Files are read and written in 1 MiB pieces through a FileHandle, as the blob store
// does (gpg picks its own buffer sizes too); fs streams wrapped by Readable.toWeb
// cost about twice the CPU for the same bytes, which would measure Node's stream
// adapters rather than the cipher.
const IO_SIZE = 1024 * 1024;

/** A file as a web stream of 1 MiB pieces. */
function fileSource(name: string): ReadableStream<Uint8Array> {
  let handle: FileHandle | null = null;
  return new ReadableStream({
    async pull(controller) {
      handle ??= await open(name, 'r');
      const piece = Buffer.allocUnsafeSlow(IO_SIZE);
      const { bytesRead } = await handle.read(piece, 0, IO_SIZE, null);
      if (bytesRead === 0) {
        await handle.close();
        controller.close();
        return;
      }
      controller.enqueue(piece.subarray(0, bytesRead));
    },
    async cancel() {
      await handle?.close();
    },
  });
}

/** A web stream writing into a new file (no fsync: gpg does not either). */
async function fileSink(name: string): Promise<WritableStream<Uint8Array>> {
  const handle = await open(name, 'w');
  return new WritableStream({
    async write(chunk) {
      let at = 0;
      while (at < chunk.byteLength) {
        at += (await handle.write(chunk, at, chunk.byteLength - at)).bytesWritten;
      }
    },
    close: () => handle.close(),
    abort: () => handle.close(),
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-bench-'));
const gnupgHome = path.join(dir, 'gnupg');
const file = (name: string) => path.join(dir, name);

function run(
  command: string,
  args: string[],
  input?: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, GNUPGHOME: gnupgHome } });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    // A child that exits without reading its input must not crash the bench (EPIPE).
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

async function gpg(args: string[], input?: string): Promise<void> {
  const result = await run('gpg', ['--batch', '--yes', ...args], input);
  if (result.code !== 0) throw new Error(`gpg ${args.join(' ')} failed:\n${result.stderr}`);
}

async function sha256Of(name: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(name)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function writeRandomFile(name: string, size: number): void {
  const out = Buffer.allocUnsafe(4 * 1024 * 1024);
  writeFileSync(name, '');
  for (let done = 0; done < size; done += out.byteLength) {
    const piece = randomFillSync(out).subarray(0, Math.min(out.byteLength, size - done));
    writeFileSync(name, piece, { flag: 'a' });
  }
}

type Measured = { ms: number; rssGrowth: number };

/** Milliseconds `task` took, with the peak RSS growth seen while it ran. */
async function measure(task: () => Promise<void>): Promise<Measured> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  await task();
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, rssGrowth: peak - baseline };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const cipher = openpgpCipher({
    keysDir: file('keys'),
    passphrase: PASSPHRASE,
    logger: createLogger({ level: 'warn' }),
  });
  // Key generation and unlocking happen on first use; keep them out of the timing.
  await cipher.decryptBytes({
    ciphertext: await cipher.encryptBytes({ plaintext: new Uint8Array(1) }),
  });
  const [primary] = await cipher.listKeys();
  writeFileSync(file('public.asc'), await cipher.exportPublic());
  writeFileSync(file('secret.asc'), await cipher.exportSecret());
  await run('mkdir', ['-m', '700', gnupgHome]);
  await gpg(['--import', file('public.asc')]);
  await gpg(
    ['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--import', file('secret.asc')],
    PASSPHRASE,
  );
  const recipient = ['--trust-model', 'always', '--recipient', primary?.fingerprint as string];
  const decryptArgs = ['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--decrypt'];

  writeRandomFile(file('plain.bin'), SIZE);
  const expected = await sha256Of(file('plain.bin'));
  // Warm gpg up too: trust database, agent, unlocked key.
  writeFileSync(file('tiny.bin'), 'x');
  await gpg(['-z', '0', ...recipient, '-o', file('tiny.gpg'), '--encrypt', file('tiny.bin')]);
  await gpg([...decryptArgs, '-o', file('tiny.out'), file('tiny.gpg')], PASSPHRASE);
  // Sanity: the adapter reads back what it wrote before anything is timed.
  await cipher.decryptStream({
    ciphertext: await cipher.encryptStream({ plaintext: streamOf(new Uint8Array(3 * MB)) }),
  });

  const sealpostEncrypt = () =>
    measure(async () => {
      const output = await cipher.encryptStream({ plaintext: fileSource(file('plain.bin')) });
      await output.pipeTo(await fileSink(file('sealpost.pgp')));
    });
  const sealpostDecrypt = () =>
    measure(async () => {
      const output = await cipher.decryptStream({ ciphertext: fileSource(file('sealpost.pgp')) });
      await output.pipeTo(await fileSink(file('sealpost.out')));
    });
  const gpgEncrypt = () =>
    measure(() =>
      gpg(['-z', '0', ...recipient, '-o', file('gpg.pgp'), '--encrypt', file('plain.bin')]),
    );
  const gpgDecrypt = () =>
    measure(() => gpg([...decryptArgs, '-o', file('gpg.out'), file('gpg.pgp')], PASSPHRASE));

  // Each round times both tools back to back, taking turns at going first, so a
  // change in the machine's load hits both alike; the ratios are the medians of the
  // rounds' ratios, the speeds the medians of the rounds' speeds.
  const rounds: { sp: [number, number]; gpg: [number, number] }[] = [];
  let rssGrowth = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const spFirst = round % 2 === 0;
    let spEnc: Measured;
    let gEnc: Measured;
    if (spFirst) {
      spEnc = await sealpostEncrypt();
      gEnc = await gpgEncrypt();
    } else {
      gEnc = await gpgEncrypt();
      spEnc = await sealpostEncrypt();
    }
    let spDec: Measured;
    let gDec: Measured;
    if (spFirst) {
      spDec = await sealpostDecrypt();
      gDec = await gpgDecrypt();
    } else {
      gDec = await gpgDecrypt();
      spDec = await sealpostDecrypt();
    }
    if ((await sha256Of(file('sealpost.out'))) !== expected) {
      throw new Error('Sealpost round trip differs');
    }
    if ((await sha256Of(file('gpg.out'))) !== expected) throw new Error('gpg round trip differs');
    rssGrowth = Math.max(rssGrowth, spEnc.rssGrowth, spDec.rssGrowth);
    rounds.push({ sp: [spEnc.ms, spDec.ms], gpg: [gEnc.ms, gDec.ms] });
  }

  const speed = (ms: number) => SIZE / MB / (ms / 1000);
  const medianSpeed = (pick: (r: (typeof rounds)[number]) => number) =>
    round2(median(rounds.map((r) => speed(pick(r)))));
  const medianRatio = (way: 0 | 1) => median(rounds.map((r) => r.gpg[way] / r.sp[way]));
  const ratio = { encrypt: medianRatio(0), decrypt: medianRatio(1) };
  const rssMB = rssGrowth / MB;
  const result = {
    bench: 'crypto',
    sizeMB: SIZE / MB,
    rounds: ROUNDS,
    sealpostMBps: { encrypt: medianSpeed((r) => r.sp[0]), decrypt: medianSpeed((r) => r.sp[1]) },
    gpgMBps: { encrypt: medianSpeed((r) => r.gpg[0]), decrypt: medianSpeed((r) => r.gpg[1]) },
    ratio: { encrypt: round2(ratio.encrypt), decrypt: round2(ratio.decrypt) },
    sealpostPeakRssGrowthMB: round2(rssMB),
    cpus: availableParallelism(),
    loadAverage: round2(loadavg()[0] as number),
    ok: ratio.encrypt >= 1 && ratio.decrypt >= 1 && rssMB <= 64,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // The same figures for `npm run bench`'s table; the ratios are the medians of the
  // rounds' ratios computed above, not recomputed from the median speeds.
  const figure = (way: 'encrypt' | 'decrypt') => ({
    name: `${way} 75 MB`,
    unit: 'MB/s',
    sealpost: result.sealpostMBps[way],
    peer: result.gpgMBps[way],
    ratio: result.ratio[way],
    target: '>= 1.0x',
    met: ratio[way] >= 1,
  });
  emitReport(
    'crypto',
    [
      figure('encrypt'),
      figure('decrypt'),
      atMost({ name: 'peak RSS growth', unit: 'MB', sealpost: rssMB, limit: 64 }),
    ],
    [
      `${ROUNDS} rounds; the peer is gpg -z 0 to the same exported key; ` +
        `each ratio is the median of the rounds' ratios.`,
    ],
  );
}

try {
  await main();
} finally {
  await run('gpgconf', ['--kill', 'gpg-agent']).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
