import type { Secrets } from '../shared/ports.ts';

/**
 * OWASP's device cookie ("Slow Down Online Guessing Attacks with Device Cookies"):
 * after a successful sign-in the browser gets `<login>.<nonce>.<mac>`, where `login`
 * is a keyed hash of the account's email key (so the cookie does not name the
 * person), `nonce` is random, and `mac` is an HMAC over both under the server's
 * signing key. A browser presenting a valid cookie for the address it types is
 * "trusted": its failures are counted for that device alone, and a lock on the
 * account (caused by strangers guessing) does not stop it.
 */

/** What a verified device cookie tells: the hash its lockout counter is stored under. */
export type TrustedDevice = { deviceHash: string };

const NONCE_BYTES = 16;
const HEX64 = /^[0-9a-f]{64}$/;
const NONCE = /^[a-z2-7]{16,64}$/;

/**
 * The keyed hash of an email key, as the cookie holds it. Keyed (HMAC, not plain
 * SHA-256) because a plain hash of an address can be reversed by guessing addresses.
 */
function loginPart(secrets: Secrets, emailKey: string): string {
  return secrets.sign({ value: `device-login:${emailKey}` });
}

function macOf(secrets: Secrets, login: string, nonce: string): string {
  return secrets.sign({ value: `device-cookie:${login}.${nonce}` });
}

/** A new device token for the account with `emailKey`, to set after a successful sign-in. */
export function buildDeviceToken(secrets: Secrets, args: { emailKey: string }): string {
  const login = loginPart(secrets, args.emailKey);
  const nonce = secrets.randomToken({ bytes: NONCE_BYTES });
  return `${login}.${nonce}.${macOf(secrets, login, nonce)}`;
}

/**
 * Checks a device token against the address being signed in to. Null when the token
 * is malformed, forged, or was issued for another account; otherwise the hash that
 * names this device in the device-lockout table (the nonce itself is never stored).
 */
export function verifyDeviceToken(
  secrets: Secrets,
  args: { token: string; emailKey: string },
): TrustedDevice | null {
  const parts = args.token.split('.');
  if (parts.length !== 3) return null;
  const [login, nonce, mac] = parts as [string, string, string];
  if (!HEX64.test(login) || !NONCE.test(nonce) || !HEX64.test(mac)) return null;
  // Both compares are constant-time, so timing tells nothing about how close a forged
  // cookie came. The MAC is checked first: it covers the login part as well.
  if (!secrets.constantTimeEqual({ a: mac, b: macOf(secrets, login, nonce) })) return null;
  if (!secrets.constantTimeEqual({ a: login, b: loginPart(secrets, args.emailKey) })) return null;
  return { deviceHash: secrets.hashToken({ value: nonce }) };
}
