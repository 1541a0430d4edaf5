import { createHash, randomFillSync } from 'node:crypto';
import { IntegrityFailed } from '../../../core/crypto/errors.ts';

// The stored format (docs/decisions/0010-openpgp-format-and-chunking.md):
//
//   blob  = chunk+                      standard OpenPGP messages, back to back
//   chunk = PKESK packet, SEIPD packet  (RFC 4880 §5.1 and §5.13), new-format
//                                       headers with definite lengths
//   SEIPD = version 1, then AES-256 CFB (IV of zeros, no resync) over
//           prefix (18 bytes) | literal data packet | MDC packet (0xD3 0x14 + SHA-1)
//   literal data packet: format 'b', date 0, file name
//           "sealpost-1-<blob id, 32 hex>-<chunk index, 8 hex>-<mid|end>", then the
//           chunk's plaintext (1 MiB, the last one less; at most CHUNK_MAX).
//
// Every chunk of a blob carries the same PKESK (one session key per blob), so the
// session key is unwrapped once; the blob id is derived from that PKESK. The file name
// sits inside the encrypted, MDC-covered data: it binds each chunk to its blob, its
// position and whether it is the last, so truncation, reordering and splicing are all
// detected, while `gpg -d` of one chunk prints nothing but the chunk's plaintext.

/** Plaintext bytes per chunk by default: small enough to hold, big enough to be cheap. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;
/** The largest chunk a reader accepts, so a forged length cannot make it buffer gigabytes. */
export const CHUNK_MAX = 16 << 20;

const TAG_PKESK = 1;
const TAG_SEIPD = 18;
const TAG_LITERAL = 11;
/** The version byte that opens a SEIPD packet's body: 1, the RFC 4880 MDC variant. */
export const SEIPD_VERSION = 1;
const BLOCK = 16;
// Random prefix: one block plus a repeat of its last two bytes (RFC 4880 §5.13).
const PREFIX = BLOCK + 2;
const MDC = 22;
const NAME_PREFIX = 'sealpost-1-';
const NAME = /^sealpost-1-([0-9a-f]{32})-([0-9a-f]{8})-(mid|end)$/;
const NAME_LENGTH = NAME_PREFIX.length + 32 + 1 + 8 + 1 + 3;
// Literal packet: tag, 5-byte length, format, name length, name, 4-byte date.
const LITERAL_HEADER = 1 + 5 + 1 + 1 + NAME_LENGTH + 4;
/** The largest SEIPD body a reader accepts (CHUNK_MAX of plaintext plus framing). */
export const SEIPD_MAX = 1 + PREFIX + LITERAL_HEADER + CHUNK_MAX + MDC;

/** What binds a chunk to its place: its blob's id, its index, and whether it is last. */
export type ChunkLabel = { blobId: string; index: number; isFinal: boolean };

/** The session key of one blob, and the PKESK packet that carries it to the org key. */
export type BlobKey = { sessionKey: Buffer; pkesk: Buffer };

/** `IntegrityFailed` with the detail a log reader needs (never any content). */
export function integrity(detail: string): IntegrityFailed {
  return new IntegrityFailed(
    `Stored data failed its integrity check and was not released (${detail}).`,
  );
}

/**
 * The blob id of the blob whose chunks carry this PKESK: the first 16 bytes of its
 * SHA-256. The PKESK holds a fresh ephemeral key and a freshly wrapped session key, so
 * the id is random per blob; deriving it (rather than drawing it) also binds the
 * PKESK's clear fields, such as the key id, into every chunk's authenticated label.
 */
export function blobIdOf(pkesk: Uint8Array): string {
  return createHash('sha256').update(pkesk).digest().subarray(0, 16).toString('hex');
}

function writeNewFormatHeader(target: Buffer, at: number, tag: number, bodyLength: number) {
  // Always the 5-byte length form: fixed-size headers make every full chunk of a blob
  // the same size, and the splitting script in docs/admin/keys.md stays trivial.
  target[at] = 0xc0 | tag;
  target[at + 1] = 0xff;
  target.writeUInt32BE(bodyLength, at + 2);
}

/**
 * Lays out one chunk's plaintext for `sealChunk`: a random prefix, the literal packet
 * (header with the label, then `pieces`), and room for the MDC, in a buffer from
 * `allocate` that spans an ArrayBuffer of its own, so it can go to a worker thread.
 */
export function chunkPlaintext(
  label: ChunkLabel,
  pieces: Buffer[],
  allocate: (size: number) => Buffer,
): Buffer {
  let dataLength = 0;
  for (const piece of pieces) dataLength += piece.byteLength;
  const out = allocate(PREFIX + LITERAL_HEADER + dataLength + MDC);
  randomFillSync(out, 0, BLOCK);
  out[BLOCK] = out[BLOCK - 2] as number;
  out[BLOCK + 1] = out[BLOCK - 1] as number;
  let at = PREFIX;
  writeNewFormatHeader(out, at, TAG_LITERAL, LITERAL_HEADER - 6 + dataLength);
  at += 6;
  out[at++] = 0x62; // 'b': binary data
  out[at++] = NAME_LENGTH;
  const index = label.index.toString(16).padStart(8, '0');
  const name = `${NAME_PREFIX}${label.blobId}-${index}-${label.isFinal ? 'end' : 'mid'}`;
  at += out.write(name, at, 'latin1');
  out.writeUInt32BE(0, at); // date 0: when a blob was written is the store's business
  at += 4;
  for (const piece of pieces) {
    piece.copy(out, at);
    at += piece.byteLength;
  }
  return out;
}

/** The bytes before a sealed chunk's ciphertext: the PKESK, the SEIPD header and version. */
export function chunkHead(pkesk: Buffer, encryptedLength: number): Buffer {
  const out = Buffer.allocUnsafe(pkesk.byteLength + 6 + 1);
  pkesk.copy(out, 0);
  writeNewFormatHeader(out, pkesk.byteLength, TAG_SEIPD, 1 + encryptedLength);
  out[pkesk.byteLength + 6] = SEIPD_VERSION;
  return out;
}

/**
 * Reads the label and the data of a chunk that `openChunk` authenticated. Anything but
 * exactly one Sealpost literal packet is `IntegrityFailed`: authentic OpenPGP that
 * Sealpost did not write is not Sealpost's data.
 */
export function parseOpenedChunk(plain: Buffer): { label: ChunkLabel; data: Buffer } {
  const literal = plain.subarray(PREFIX, plain.byteLength - MDC);
  const header = readPacketHeader(literal, () => integrity('not a Sealpost literal packet'));
  if (
    !header ||
    header.tag !== TAG_LITERAL ||
    header.headerLength + header.bodyLength !== literal.byteLength ||
    header.bodyLength < LITERAL_HEADER - 6 ||
    literal[header.headerLength] !== 0x62 ||
    literal[header.headerLength + 1] !== NAME_LENGTH
  ) {
    throw integrity('not a Sealpost literal packet');
  }
  const nameAt = header.headerLength + 2;
  const match = NAME.exec(literal.subarray(nameAt, nameAt + NAME_LENGTH).toString('latin1'));
  if (!match) throw integrity('not a Sealpost chunk label');
  return {
    label: {
      blobId: match[1] as string,
      index: Number.parseInt(match[2] as string, 16),
      isFinal: match[3] === 'end',
    },
    data: literal.subarray(nameAt + NAME_LENGTH + 4),
  };
}

/** A packet header read from the stream. */
export type PacketHeader = { tag: number; bodyLength: number; headerLength: number };

/**
 * Reads a new-format packet header with a definite length from the start of `bytes`,
 * or null when more bytes are needed. Throws `fail(...)` for anything Sealpost does
 * not write (old-format headers, partial lengths): the reader only reads its own format.
 */
export function readPacketHeader(
  bytes: Uint8Array,
  fail: (reason: string) => Error,
): PacketHeader | null {
  const first = bytes[0];
  if (first === undefined) return null;
  if ((first & 0xc0) !== 0xc0) throw fail('not a new-format OpenPGP packet');
  const tag = first & 0x3f;
  const b1 = bytes[1];
  if (b1 === undefined) return null;
  if (b1 < 192) return { tag, bodyLength: b1, headerLength: 2 };
  if (b1 < 224) {
    const b2 = bytes[2];
    if (b2 === undefined) return null;
    return { tag, bodyLength: ((b1 - 192) << 8) + b2 + 192, headerLength: 3 };
  }
  if (b1 === 0xff) {
    if (bytes.byteLength < 6) return null;
    const view = new DataView(bytes.buffer, bytes.byteOffset, 6);
    return { tag, bodyLength: view.getUint32(2), headerLength: 6 };
  }
  throw fail('partial-length OpenPGP packet');
}

/** True for a PKESK packet's tag. */
export function isPkeskTag(tag: number): boolean {
  return tag === TAG_PKESK;
}

/** True for a SEIPD packet's tag. */
export function isSeipdTag(tag: number): boolean {
  return tag === TAG_SEIPD;
}

/**
 * The hex key id a Sealpost chunk (or any v3 PKESK) is encrypted to, from its first
 * bytes (11 suffice), or null when they do not start with a v3 PKESK packet.
 */
export function readRecipientKeyId(bytes: Uint8Array): string | null {
  let header: PacketHeader | null;
  try {
    header = readPacketHeader(bytes, (reason) => new Error(reason));
  } catch {
    return null;
  }
  if (!header || header.tag !== TAG_PKESK) return null;
  const body = bytes.subarray(header.headerLength);
  if (body.byteLength < 9 || body[0] !== 3) return null;
  return Buffer.from(body.subarray(1, 9)).toString('hex');
}

/** A copy of a v3 PKESK packet (as checked by `readRecipientKeyId`) naming another key id. */
export function withRecipientKeyId(pkesk: Uint8Array, keyId: string): Buffer {
  const copy = Buffer.from(pkesk);
  const header = readPacketHeader(copy, (reason) => new Error(reason)) as PacketHeader;
  Buffer.from(keyId, 'hex').copy(copy, header.headerLength + 1);
  return copy;
}
