import { randomBytes } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';
import type { TotpCodes } from '../../core/auth/totp.ts';

// RFC 4226 recommends a 160-bit shared secret: the size of an HMAC-SHA1 block output.
const KEY_BYTES = 20;

/**
 * TOTP on @oslojs/otp, from the author of Lucia (see decision 0002). The core picks
 * the step and the window; this only does RFC 4226's arithmetic, whose comparison
 * (`verifyHOTP`) is constant-time.
 */
export function oslojsTotp(): TotpCodes {
  return {
    newKey: () => new Uint8Array(randomBytes(KEY_BYTES)),
    matches: ({ key, counter, code, digits }) =>
      counter >= 0 && verifyHOTP(key, BigInt(counter), digits, code),
    generate: ({ key, counter, digits }) => generateHOTP(key, BigInt(counter), digits),
    encodeKey: ({ key }) => encodeBase32UpperCaseNoPadding(key),
    decodeKey({ text }) {
      const cleaned = text.replace(/\s/g, '').toUpperCase();
      if (!/^[A-Z2-7]{16,128}$/.test(cleaned)) return null;
      try {
        return decodeBase32IgnorePadding(cleaned);
      } catch {
        return null;
      }
    },
    keyUri: ({ issuer, accountName, key, periodSeconds, digits }) =>
      createTOTPKeyURI(issuer, accountName, key, periodSeconds, digits),
  };
}
