import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { rotateOrgKey } from '../../../core/admin/rotate-key.ts';
import { allBlobIds } from '../../../core/blobs/all-ids.ts';
import type { BlobStore } from '../../../core/blobs/ports.ts';
import type { Cipher } from '../../../core/crypto/ports.ts';
import { compose } from '../../compose.ts';
import type { KeyringAdmin } from '../../crypto/openpgp/index.ts';
import { createLogger } from '../../logging/logger.ts';
import { parseFlags, required } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';
import { progressBar } from '../progress-bar.ts';
import { reencryptValues } from './reencrypt-values.ts';

export { progressBar };

const SUBCOMMANDS = 'list, rotate, reencrypt, export-public, export-secret';
// Enough of a blob to read the key id of its first PKESK packet.
const HEAD_BYTES = 64;
const PAGE_SIZE = 200;
const PROGRESS_MS = 2_000;

/** What a rewrite pass did. */
export type ReencryptReport = {
  /** Blobs looked at. */
  checked: number;
  /** Blobs rewritten under the primary key. */
  rewritten: number;
  /** Blobs that could not be rewritten, with why; they were left as they were. */
  failed: { id: string; reason: string }[];
};

/** The first bytes of a stream (enough to see its key id); the rest is not read. */
async function headOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const pieces: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < HEAD_BYTES) {
      const next = await reader.read();
      if (next.done) break;
      pieces.push(next.value);
      size += next.value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(pieces);
}

async function readHead(blobs: BlobStore, id: string): Promise<Uint8Array | null> {
  const stream = await blobs.get({ id });
  return stream ? headOf(stream) : null;
}

/** Passes bytes through unchanged, hashing them on the way. */
function hashing(hash: ReturnType<typeof createHash>): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      hash.update(chunk);
      controller.enqueue(chunk);
    },
  });
}

function fileStream(file: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
}

async function writeDurably(file: string, body: ReadableStream<Uint8Array>): Promise<void> {
  const handle = await open(file, 'w', 0o600);
  try {
    for await (const chunk of body) {
      let at = 0;
      while (at < chunk.byteLength) {
        at += (await handle.write(chunk, at, chunk.byteLength - at)).bytesWritten;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Rewrites one blob under the primary key. The new version goes to a file in
 * `workDir` (ciphertext only), is synced, then decrypted in full and compared with the
 * plaintext of the old one; only then does `put` replace the blob, atomically. A
 * crash at any point leaves the old version or the new one, both readable.
 */
async function rewriteBlob(args: {
  blobs: BlobStore;
  cipher: Cipher;
  id: string;
  workDir: string;
}): Promise<'rewritten' | 'gone'> {
  const { blobs, cipher, id } = args;
  const source = await blobs.get({ id });
  if (!source) return 'gone';
  const temp = path.join(args.workDir, `${id}.tmp`);
  try {
    const before = createHash('sha256');
    const plaintext = (await cipher.decryptStream({ ciphertext: source })).pipeThrough(
      hashing(before),
    );
    await writeDurably(temp, await cipher.encryptStream({ plaintext }));

    const after = createHash('sha256');
    const check = await cipher.decryptStream({ ciphertext: fileStream(temp) });
    for await (const chunk of check) after.update(chunk);
    if (after.digest('hex') !== before.digest('hex')) {
      throw new Error('the new version does not decrypt to the same bytes');
    }
    if (
      !(await cipher.isUnderPrimaryKey({
        ciphertext: await headOf(fileStream(temp)),
        of: 'stream',
      }))
    ) {
      throw new Error('the new version is not under the primary key');
    }
    // A blob purged meanwhile must stay purged, not come back from our copy. (A purge
    // between this check and the put can still resurrect it: see docs/admin/keys.md.)
    if (!(await readHead(blobs, id))) return 'gone';
    await blobs.put({ id, body: fileStream(temp) });
    return 'rewritten';
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * Rewrites every blob not under the primary key, page by page in id order, printing a
 * progress line every few seconds. Resumable: blobs already under the primary key are
 * skipped after reading their first bytes, so running it again after a crash or a
 * failure continues where it stopped. A blob that fails (damaged, key missing) is
 * reported and left untouched.
 */
export async function reencryptBlobs(args: {
  blobs: BlobStore;
  cipher: Cipher;
  /** A private folder for new versions before they replace the old; created if missing. */
  workDir: string;
  progress: (line: string) => void;
  pageSize?: number;
}): Promise<ReencryptReport> {
  const { blobs, cipher, workDir, progress } = args;
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  // Leftovers of an earlier run that crashed: ciphertext nobody will use.
  for (const name of await readdir(workDir)) {
    if (name.endsWith('.tmp')) await unlink(path.join(workDir, name)).catch(() => {});
  }
  const report: ReencryptReport = { checked: 0, rewritten: 0, failed: [] };
  const limit = args.pageSize ?? PAGE_SIZE;
  // A first pass over the ids only (no content) gives the total the bar is drawn against;
  // blobs added meanwhile are still rewritten, and the bar stops at 100%.
  let total = 0;
  for await (const _ of allBlobIds(blobs, limit)) total += 1;
  const line = () =>
    `reencrypt: ${progressBar(report.checked, total)} ${report.checked} of ${total} checked, ${report.rewritten} rewritten, ${report.failed.length} failed`;
  progress(`reencrypt: ${total} blobs to check`);
  let lastProgress = Date.now();
  for await (const id of allBlobIds(blobs, limit)) {
    report.checked += 1;
    try {
      const head = await readHead(blobs, id);
      if (head && !(await cipher.isUnderPrimaryKey({ ciphertext: head, of: 'stream' }))) {
        const outcome = await rewriteBlob({ blobs, cipher, id, workDir });
        if (outcome === 'rewritten') report.rewritten += 1;
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      report.failed.push({ id, reason });
      progress(`reencrypt: blob ${id} left as it was: ${reason}`);
    }
    if (Date.now() - lastProgress >= PROGRESS_MS) {
      lastProgress = Date.now();
      progress(`${line()} (at ${id})`);
    }
  }
  progress(`${line()}. Done.`);
  return report;
}

function keyringAdminOf(cipher: Cipher): KeyringAdmin {
  const admin = cipher as Partial<KeyringAdmin>;
  if (typeof admin.exportPublic !== 'function' || typeof admin.exportSecret !== 'function') {
    throw new Error('the configured cipher cannot export its keys');
  }
  return admin as KeyringAdmin;
}

async function writeNewFile(file: string, content: string, mode: number): Promise<void> {
  try {
    await writeFile(file, content, { flag: 'wx', mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`sealpost keys: ${file} already exists; choose a new file name`);
    }
    throw error;
  }
}

/**
 * `sealpost keys list|rotate|reencrypt|export-public [--out FILE]|export-secret --out FILE`:
 * the org keyring. See docs/admin/keys.md.
 */
export async function runKeys(ctx: CommandContext, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const command = `keys ${sub ?? ''}`.trim();
  if (!['list', 'rotate', 'reencrypt', 'export-public', 'export-secret'].includes(sub ?? '')) {
    throw new UsageError(`sealpost keys: expected one of ${SUBCOMMANDS} (see 'sealpost help')`);
  }
  const flags = parseFlags(command, rest, { out: { type: 'string' } });
  const isExport = sub === 'export-public' || sub === 'export-secret';
  if (!isExport && flags.out !== undefined) {
    throw new UsageError(`sealpost ${command}: --out is only for export-public and export-secret`);
  }
  const out = sub === 'export-secret' ? required(command, flags.out, '--out') : flags.out;

  const app = await compose(ctx.config, {
    logger: createLogger({ level: 'warn' }),
    // Only rotate (its audit event) and reencrypt (values, field keys) write to the
    // database, so only they need the schema; the others work on a keyring whose
    // database is not there or not migrated yet.
    migrate: sub === 'rotate' || sub === 'reencrypt',
  });
  try {
    if (sub === 'list') {
      const keys = await app.cipher.listKeys();
      ctx.out('  fingerprint                               created');
      for (const key of keys) {
        ctx.out(`${key.isPrimary ? '*' : ' '} ${key.fingerprint}  ${key.createdAt.toISOString()}`);
      }
      ctx.out('* primary: new data is encrypted to it; the others still decrypt older data.');
      return 0;
    }
    if (sub === 'rotate') {
      // Through the use case the admin page uses, so the trail records `key.rotate` too.
      const key = await rotateOrgKey(app, {
        actor: { id: null, label: 'cli:sealpost keys rotate', ip: null },
      });
      ctx.out(`New primary key ${key.fingerprint}. Older keys stay, to decrypt older data.`);
      ctx.out(
        "Next: back the keys up again ('sealpost keys export-secret --out FILE'), then run 'sealpost keys reencrypt'.",
      );
      return 0;
    }
    if (sub === 'reencrypt') {
      // The small values first: quick, and what moves an older installation's values
      // to field keys; then the blobs, which take as long as their bytes.
      const values = await reencryptValues({
        storage: app.storage,
        cipher: app.cipher,
        progress: ctx.out,
      });
      const report = await reencryptBlobs({
        blobs: app.blobs,
        cipher: app.cipher,
        workDir: path.join(ctx.config.dataDir, 'reencrypt'),
        progress: ctx.out,
      });
      const failed = values.failed.length + report.failed.length;
      if (failed === 0) {
        ctx.out(
          'Values and blobs are now under the primary key; keep the older keys anyway, for backups made before this run.',
        );
      }
      if (failed > 0) {
        ctx.err(
          `sealpost keys reencrypt: ${values.failed.length} value(s) and ${report.failed.length} blob(s) could not be rewritten (listed above); run it again once fixed.`,
        );
        return 1;
      }
      return 0;
    }
    const admin = keyringAdminOf(app.cipher);
    if (sub === 'export-public') {
      const armored = await admin.exportPublic();
      if (out === undefined) ctx.out(armored.trimEnd());
      else {
        await writeNewFile(out, armored, 0o644);
        ctx.out(`Wrote the public keys to ${out}.`);
      }
      return 0;
    }
    await writeNewFile(out as string, await admin.exportSecret(), 0o600);
    ctx.out(`Wrote every secret key to ${out}, protected by the key passphrase.`);
    ctx.out(
      ctx.config.keyPassphrase === null
        ? `The passphrase is the generated file ${path.join(ctx.config.dataDir, 'keys', 'org-key.passphrase')}: keep a copy of it with this backup, and both away from the data backups.`
        : 'Keep it, and the passphrase, away from the data backups.',
    );
    return 0;
  } finally {
    await app.close();
  }
}
