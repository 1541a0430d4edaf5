import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { ConfigurationError } from '../../core/shared/errors.ts';
import type { Ids, Secrets } from '../../core/shared/ports.ts';

/**
 * Token randomness and hashing on @oslojs, following Lucia's session guide: tokens
 * are random base32 strings, only their SHA-256 is stored, and comparisons of
 * hashes are constant-time so response timing does not leak how much matched.
 */
export function nodeSecrets(args: { signingKey: Uint8Array }): Secrets {
  if (args.signingKey.byteLength < 32) {
    throw new ConfigurationError('The signing key must be at least 32 bytes.');
  }
  const key = Buffer.from(args.signingKey);
  const encoder = new TextEncoder();
  return {
    randomToken({ bytes }) {
      return encodeBase32LowerCaseNoPadding(randomBytes(bytes));
    },
    hashToken({ value }) {
      return encodeHexLowerCase(sha256(encoder.encode(value)));
    },
    constantTimeEqual({ a, b }) {
      return constantTimeEqual(encoder.encode(a), encoder.encode(b));
    },
    sign({ value }) {
      return createHmac('sha256', key).update(value, 'utf8').digest('hex');
    },
  };
}

/** Random 128-bit identifiers, base32 lower-case (26 characters, URL-safe). */
export function randomIds(): Ids {
  return { newId: () => encodeBase32LowerCaseNoPadding(randomBytes(16)) };
}

/** Constant-time comparison of two hex HMACs of equal length. */
export function isSameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
