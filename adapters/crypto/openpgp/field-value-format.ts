import { createHash, randomFillSync } from 'node:crypto';
import { DecryptFailed } from '../../../core/crypto/errors.ts';
import { openChunk, sealChunk } from './chunk-kernel.js';
import { integrity, readPacketHeader, SEIPD_VERSION } from './format.ts';

// The format of a small value under a field key (docs/decisions/0023-field-keys.md):
//
//   value = SKESK packet, SEIPD packet     a standard OpenPGP symmetric message
//   SKESK = version 4, cipher 9 (AES-256), S2K type 1 (salted), hash 8 (SHA-256),
//           salt = the 8 bytes of the field key's id; no encrypted session key, so
//           the session key is SHA-256(salt | passphrase), the passphrase being the
//           field key as 64 lowercase hex characters
//   SEIPD = as in a chunk (format.ts): version 1, AES-256 CFB over an 18-byte random
//           prefix | literal data packet (format 'b', no name, date 0) | MDC
//
// `gpg --passphrase-file field-key.txt --decrypt value.pgp` prints the value. The
// session key is the same for every value of one field key, so it is derived once
// and a value costs one AES pass and one SHA-1: microseconds, no public-key step.

const TAG_SKESK = 3;
const TAG_SEIPD = 18;
const TAG_LITERAL = 11;
const BLOCK = 16;
const PREFIX = BLOCK + 2;
const MDC = 22;
// version, cipher, S2K type, hash, salt
const SKESK_BODY = 4 + 8;
const SKESK_LENGTH = 2 + SKESK_BODY;
// Literal packet after its header: format, name length (0), 4-byte date.
const LITERAL_FIXED = 1 + 1 + 4;
// Random prefixes come from a pool refilled 4 KiB at a time: one call into the CSPRNG
// costs more than sealing a subject, and the bytes are as random either way.
const RANDOM_POOL = 4096;
const randomPool = Buffer.alloc(RANDOM_POOL);
let randomAt = RANDOM_POOL;

function fillRandom(target: Buffer, length: number): void {
  if (randomAt + length > RANDOM_POOL) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  randomPool.copy(target, 0, randomAt, randomAt + length);
  // Never handed out twice.
  randomPool.fill(0, randomAt, randomAt + length);
  randomAt += length;
}

/** Bytes of a field key id; it is also the S2K salt of every value it seals. */
export const FIELD_KEY_ID_BYTES = 8;

/**
 * The AES-256 key of every value under one field key: OpenPGP salted S2K
 * (RFC 4880 §3.7.1.2) with SHA-256, whose 32-byte output is exactly the key.
 */
export function deriveValueKey(args: { id: string; passphrase: string }): Buffer {
  return createHash('sha256')
    .update(Buffer.from(args.id, 'hex'))
    .update(args.passphrase, 'latin1')
    .digest();
}

function writeHeader(target: Buffer, at: number, tag: number, bodyLength: number): number {
  // The 5-byte length form always, as in the chunk format: simple, and GnuPG reads it.
  target[at] = 0xc0 | tag;
  target[at + 1] = 0xff;
  target.writeUInt32BE(bodyLength, at + 2);
  return at + 6;
}

/** Seals `plaintext` under the field key `id` (hex) whose derived key is `valueKey`. */
export function sealValue(args: { id: string; valueKey: Buffer; plaintext: Uint8Array }): Buffer {
  const { plaintext } = args;
  const literalBody = LITERAL_FIXED + plaintext.byteLength;
  const plain = Buffer.alloc(PREFIX + 6 + literalBody + MDC);
  fillRandom(plain, BLOCK);
  plain[BLOCK] = plain[BLOCK - 2] as number;
  plain[BLOCK + 1] = plain[BLOCK - 1] as number;
  let at = writeHeader(plain, PREFIX, TAG_LITERAL, literalBody);
  plain[at++] = 0x62; // 'b': binary data
  plain[at++] = 0; // no file name
  plain.writeUInt32BE(0, at); // date 0, as in chunks
  Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).copy(plain, at + 4);
  const encrypted = sealChunk(args.valueKey, plain);

  const out = Buffer.allocUnsafe(SKESK_LENGTH + 6 + 1 + encrypted.byteLength);
  out[0] = 0xc0 | TAG_SKESK;
  out[1] = SKESK_BODY;
  out[2] = 4; // SKESK version 4
  out[3] = 9; // AES-256
  out[4] = 1; // salted S2K
  out[5] = 8; // SHA-256
  Buffer.from(args.id, 'hex').copy(out, 6);
  at = writeHeader(out, SKESK_LENGTH, TAG_SEIPD, 1 + encrypted.byteLength);
  out[at++] = SEIPD_VERSION;
  encrypted.copy(out, at);
  return out;
}

/** True when `bytes` start with an SKESK packet: a value under a field key. */
export function isFieldValue(bytes: Uint8Array): boolean {
  return bytes[0] === (0xc0 | TAG_SKESK);
}

/**
 * The hex id of the field key a value was sealed under, or null when it does not start
 * with the exact SKESK Sealpost writes.
 */
export function readFieldKeyId(bytes: Uint8Array): string | null {
  if (bytes.byteLength < SKESK_LENGTH || !isFieldValue(bytes) || bytes[1] !== SKESK_BODY) {
    return null;
  }
  if (bytes[2] !== 4 || bytes[3] !== 9 || bytes[4] !== 1 || bytes[5] !== 8) return null;
  return Buffer.from(bytes.subarray(6, SKESK_LENGTH)).toString('hex');
}

/**
 * Opens a value whose field key (`readFieldKeyId`) derived `valueKey`. Nothing is
 * returned unless the MDC verified: a changed byte is `IntegrityFailed`, bytes that are
 * not this format at all are `DecryptFailed`.
 */
export function openValue(args: { valueKey: Buffer; ciphertext: Uint8Array }): Buffer {
  const bytes = Buffer.from(
    args.ciphertext.buffer,
    args.ciphertext.byteOffset,
    args.ciphertext.byteLength,
  );
  const notOurs = (reason: string) =>
    new DecryptFailed(`Stored data is not a Sealpost field value (${reason}).`);
  const rest = bytes.subarray(SKESK_LENGTH);
  const header = readPacketHeader(rest, notOurs);
  if (!header || header.tag !== TAG_SEIPD) throw notOurs('no encrypted data packet');
  // The SKESK's clear fields were read to choose the key; the SEIPD is what the MDC
  // covers, so a length or version changed in storage is a change, not foreign data.
  if (header.headerLength + header.bodyLength !== rest.byteLength) throw integrity('bad length');
  if (rest[header.headerLength] !== SEIPD_VERSION) throw integrity('not SEIPD version 1');
  const plain = openChunk(args.valueKey, rest.subarray(header.headerLength + 1));
  if (!plain) throw integrity('MDC mismatch');
  const literal = plain.subarray(PREFIX, plain.byteLength - MDC);
  const inner = readPacketHeader(literal, () => integrity('not a Sealpost literal packet'));
  if (
    !inner ||
    inner.tag !== TAG_LITERAL ||
    inner.headerLength + inner.bodyLength !== literal.byteLength ||
    inner.bodyLength < LITERAL_FIXED ||
    literal[inner.headerLength] !== 0x62 ||
    literal[inner.headerLength + 1] !== 0
  ) {
    throw integrity('not a Sealpost literal packet');
  }
  return Buffer.from(literal.subarray(inner.headerLength + LITERAL_FIXED));
}
