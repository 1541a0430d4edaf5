// The bulk cryptography of one chunk: OpenPGP CFB (RFC 4880 §5.13) and the MDC
// (§5.14) on node:crypto. Plain JavaScript on purpose: the same file runs in the main
// thread and as a worker_threads worker, and a worker has no TypeScript loader.
// Types: chunk-kernel.d.ts. The chunk layout is in format.ts and docs/decisions/0010.

import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { isMainThread, parentPort } from 'node:worker_threads';

const BLOCK = 16;
const MDC = 22;
// SEIPD v1 runs CFB with an IV of zeros and no resync; the random prefix stands in for the IV.
const ZERO_IV = Buffer.alloc(BLOCK);

/**
 * Seals one chunk in place and encrypts it. `plain` holds the random prefix (18 bytes),
 * the literal data packet and 22 spare bytes; the MDC (0xD3 0x14 + SHA-1 over all that
 * precedes its hash) is written into the spare bytes, then the whole is AES-256-CFB
 * encrypted. Returns the ciphertext, the body of a SEIPD v1 packet after its version.
 *
 * @param {Uint8Array} sessionKey
 * @param {Uint8Array} plain
 * @returns {Buffer}
 */
export function sealChunk(sessionKey, plain) {
  const bytes = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  const end = bytes.byteLength;
  bytes[end - MDC] = 0xd3;
  bytes[end - MDC + 1] = 0x14;
  createHash('sha1')
    .update(bytes.subarray(0, end - 20))
    .digest()
    .copy(bytes, end - 20);
  const cipher = createCipheriv('aes-256-cfb', sessionKey, ZERO_IV);
  const out = cipher.update(bytes);
  cipher.final();
  return out;
}

/**
 * Decrypts the body of a SEIPD v1 packet (after its version byte) and checks it.
 * Returns the plaintext (prefix, packets, MDC) only when the MDC matches and the
 * prefix repeats its last two bytes; null otherwise, whichever check failed, so a
 * caller cannot be made into an oracle for one of them.
 *
 * @param {Uint8Array} sessionKey
 * @param {Uint8Array} encrypted
 * @returns {Buffer | null}
 */
export function openChunk(sessionKey, encrypted) {
  if (encrypted.byteLength < BLOCK + 2 + MDC) return null;
  const decipher = createDecipheriv('aes-256-cfb', sessionKey, ZERO_IV);
  const plain = decipher.update(encrypted);
  decipher.final();
  const end = plain.byteLength;
  const digest = createHash('sha1')
    .update(plain.subarray(0, end - 20))
    .digest();
  const isMdcOk =
    plain[end - MDC] === 0xd3 &&
    plain[end - MDC + 1] === 0x14 &&
    timingSafeEqual(digest, plain.subarray(end - 20));
  const isPrefixOk = plain[BLOCK] === plain[BLOCK - 2] && plain[BLOCK + 1] === plain[BLOCK - 1];
  return isMdcOk && isPrefixOk ? plain : null;
}

/**
 * An ArrayBuffer holding exactly `bytes`, safe to transfer: the buffer itself when
 * `bytes` spans all of it (a large node:crypto output does), else a copy, so a
 * transfer never detaches memory something else (Node's Buffer pool) shares.
 *
 * @param {Buffer} bytes
 * @returns {ArrayBuffer}
 */
function transferable(bytes) {
  const buffer = /** @type {ArrayBuffer} */ (bytes.buffer);
  if (bytes.byteOffset === 0 && buffer.byteLength === bytes.byteLength) return buffer;
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

// As a worker: one job at a time, answered with the same id. The job's data was
// transferred to us; the answer, and the job's own buffer (`spare`, for the main
// thread to reuse), are transferred back. No copies either way, and no garbage left
// here for this thread's collector to find late: left to itself, each worker would sit
// on tens of MiB of spent buffers between collections.
if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on(
    'message',
    /** @param {{ id: number, op: 'seal' | 'open', key: Uint8Array, data: ArrayBuffer }} job */
    (job) => {
      const spare = job.data;
      try {
        const data = new Uint8Array(spare);
        const out = job.op === 'seal' ? sealChunk(job.key, data) : openChunk(job.key, data);
        const buffer = out === null ? null : transferable(out);
        port.postMessage(
          { id: job.id, data: buffer, spare },
          buffer === null ? [spare] : [buffer, spare],
        );
      } catch (error) {
        port.postMessage({ id: job.id, error: String(error), spare }, [spare]);
      }
    },
  );
}
