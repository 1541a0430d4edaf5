import { describe, expect, it } from 'vitest';
import type { Secrets } from '../shared/ports.ts';
import { buildDeviceToken, verifyDeviceToken } from './device-cookie.ts';

// FNV-1a, widened to 64 hex characters by hashing with eight seeds. Not a MAC, but
// keyed and deterministic, which is all these tests of the token's logic need (core
// tests may not import node:crypto; the real HMAC lives in adapters/security).
function fakeHex(text: string): string {
  let out = '';
  for (let seed = 0; seed < 8; seed++) {
    let h = 0x811c9dc5 ^ seed;
    for (const ch of text) {
      h ^= ch.codePointAt(0) ?? 0;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

function fakeSecrets(key: string): Secrets {
  let counter = 0;
  return {
    randomToken: ({ bytes }) =>
      fakeHex(`nonce${counter++}`)
        .replace(/[0189]/g, 'a')
        .slice(0, Math.ceil((bytes * 8) / 5)),
    hashToken: ({ value }) => fakeHex(`hash:${value}`),
    constantTimeEqual: ({ a, b }) => a === b,
    sign: ({ value }) => fakeHex(`${key}|${value}`),
  };
}

describe('device cookie', () => {
  const secrets = fakeSecrets('server-key');

  it('verifies for the account it was issued to and names the device by a hash', () => {
    const token = buildDeviceToken(secrets, { emailKey: 'ann@example.org' });
    expect(token.split('.')).toHaveLength(3);
    const device = verifyDeviceToken(secrets, { token, emailKey: 'ann@example.org' });
    expect(device?.deviceHash).toMatch(/^[0-9a-f]{64}$/);
    // The cookie neither names the person nor carries the stored hash.
    expect(token).not.toContain('ann');
    expect(token).not.toContain(device?.deviceHash);
  });

  it('gives each sign-in a new nonce, so each browser has its own counter', () => {
    const a = buildDeviceToken(secrets, { emailKey: 'ann@example.org' });
    const b = buildDeviceToken(secrets, { emailKey: 'ann@example.org' });
    expect(a).not.toBe(b);
    expect(verifyDeviceToken(secrets, { token: a, emailKey: 'ann@example.org' })).not.toEqual(
      verifyDeviceToken(secrets, { token: b, emailKey: 'ann@example.org' }),
    );
  });

  it('does not trust a cookie for another account', () => {
    const token = buildDeviceToken(secrets, { emailKey: 'ann@example.org' });
    expect(verifyDeviceToken(secrets, { token, emailKey: 'bob@example.org' })).toBeNull();
  });

  it('refuses a tampered nonce, login part or MAC, and a cookie signed under another key', () => {
    const token = buildDeviceToken(secrets, { emailKey: 'ann@example.org' });
    const [login, nonce, mac] = token.split('.') as [string, string, string];
    const swap = (s: string) => (s[0] === 'a' ? `b${s.slice(1)}` : `a${s.slice(1)}`);
    for (const forged of [
      `${login}.${swap(nonce)}.${mac}`,
      `${swap(login)}.${nonce}.${mac}`,
      `${login}.${nonce}.${swap(mac)}`,
    ]) {
      expect(verifyDeviceToken(secrets, { token: forged, emailKey: 'ann@example.org' })).toBeNull();
    }
    const other = buildDeviceToken(fakeSecrets('another-key'), { emailKey: 'ann@example.org' });
    expect(verifyDeviceToken(secrets, { token: other, emailKey: 'ann@example.org' })).toBeNull();
  });

  it('returns null for malformed values instead of throwing', () => {
    for (const token of ['', 'a.b', 'a.b.c.d', '..', `${'x'.repeat(64)}.abc.${'0'.repeat(64)}`]) {
      expect(verifyDeviceToken(secrets, { token, emailKey: 'ann@example.org' })).toBeNull();
    }
  });
});
