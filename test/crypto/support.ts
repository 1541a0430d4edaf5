import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type OpenpgpCipherOptions, openpgpCipher } from '../../adapters/crypto/openpgp/index.ts';
import { createLogger, type Logger } from '../../adapters/logging/logger.ts';
import { ROOT, tempDir } from '../support/cli.ts';

/** The passphrase of test keyrings. */
export const PASSPHRASE = 'crypto test passphrase, long enough';

/** A fresh `keys` folder path (not yet created) in a new temporary folder. */
export function freshKeysDir(): string {
  return path.join(tempDir('sealpost-crypto-'), 'keys');
}

/** A cipher over a fresh keyring, with a silent logger unless one is given. */
export function testCipher(over: Partial<OpenpgpCipherOptions> = {}) {
  return openpgpCipher({
    keysDir: freshKeysDir(),
    passphrase: PASSPHRASE,
    logger: createLogger({ level: 'silent' }),
    ...over,
  });
}

/** A logger whose lines (parsed JSON) land in `lines`. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

/** Every plaintext byte a decryption released, and the error it ended with (or null). */
export async function decryptReleasing(
  cipher: {
    decryptStream: (args: {
      ciphertext: ReadableStream<Uint8Array>;
    }) => Promise<ReadableStream<Uint8Array>>;
  },
  ciphertext: ReadableStream<Uint8Array>,
): Promise<{ released: Buffer; error: unknown }> {
  const pieces: Uint8Array[] = [];
  try {
    const stream = await cipher.decryptStream({ ciphertext });
    for await (const piece of stream) pieces.push(piece);
    return { released: Buffer.concat(pieces), error: null };
  } catch (error) {
    return { released: Buffer.concat(pieces), error };
  }
}

/** Byte offsets where each chunk (PKESK + SEIPD message) of a Sealpost blob starts, plus the end. */
export function chunkOffsets(blob: Uint8Array): number[] {
  const bytes = Buffer.from(blob);
  const packetEnd = (at: number) => {
    const length = bytes[at + 1] as number;
    if (length < 192) return at + 2 + length;
    if (length < 224) return at + 3 + ((length - 192) << 8) + (bytes[at + 2] as number) + 192;
    return at + 6 + bytes.readUInt32BE(at + 2);
  };
  const offsets = [0];
  let at = 0;
  while (at < bytes.byteLength) {
    at = packetEnd(packetEnd(at));
    offsets.push(at);
  }
  return offsets;
}

/** The chunks of a blob as separate byte arrays. */
export function splitChunks(blob: Uint8Array): Buffer[] {
  const offsets = chunkOffsets(blob);
  return offsets.slice(0, -1).map((start, i) => Buffer.from(blob.subarray(start, offsets[i + 1])));
}

/** The `split-chunks.mjs` script exactly as docs/admin/keys.md prints it. */
export function splitScriptFromDocs(): string {
  const doc = readFileSync(path.join(ROOT, 'docs/admin/keys.md'), 'utf8');
  const block = /^( *)```js\n((?:.*\n)*?)\1```$/m.exec(doc);
  if (!block?.[2]?.includes('// split-chunks.mjs')) {
    throw new Error('docs/admin/keys.md no longer has the split-chunks.mjs block');
  }
  const indent = block[1]?.length ?? 0;
  return (block[2] as string)
    .split('\n')
    .map((line) => line.slice(indent))
    .join('\n');
}

/** Runs a program to completion, feeding it `input`; never rejects for a non-zero exit. */
export function runProgram(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    // A child that exits without reading its input must not fail the test (EPIPE).
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A private GnuPG home for one test, and a way to run gpg in it. */
export function gnupgHome() {
  const home = path.join(tempDir('sealpost-gnupg-'), 'home');
  mkdirSync(home, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  return {
    home,
    gpg: (args: string[], input?: string) =>
      runProgram('gpg', ['--batch', '--no-tty', ...args], { env, input }),
    /** Stops this home's gpg-agent, which would otherwise outlive the test. */
    stopAgent: () => runProgram('gpgconf', ['--kill', 'gpg-agent'], { env }),
  };
}
