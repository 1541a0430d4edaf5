import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A WebAuthn authenticator in software (ES256, attestation `none`), for tests that check
 * passkeys without a browser: it answers the options the portal makes as a security key
 * would, and can be told to lie (another origin, a counter that went backwards, no user
 * verification) so each of the verifier's refusals can be shown to happen.
 */
export type SoftwareAuthenticator = {
  credentialId: string;
  /** A registration response to `navigator.credentials.create()`'s options. */
  register(options: Record<string, unknown>, over?: { origin?: string }): Record<string, unknown>;
  /** An assertion for `navigator.credentials.get()`'s options; the counter moves on by one. */
  assert(
    options: Record<string, unknown>,
    over?: { origin?: string; counter?: number; userVerified?: boolean },
  ): Record<string, unknown>;
};

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** A new authenticator for the relying party `rpId`, answering as if on `origin`. */
export function softwareAuthenticator(args: {
  rpId: string;
  origin: string;
}): SoftwareAuthenticator {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const rawId = randomBytes(16);
  let counter = 0;
  let userHandle: string | null = null;

  const clientData = (type: string, challenge: unknown, origin: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

  return {
    credentialId: b64url(rawId),
    register(options, over = {}) {
      const user = options.user as { id: string };
      userHandle = user.id;
      const cose = new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(String(jwk.x), 'base64url'))],
        [-3, new Uint8Array(Buffer.from(String(jwk.y), 'base64url'))],
      ]);
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(rawId.length);
      const count = Buffer.alloc(4);
      count.writeUInt32BE(counter);
      const authData = Buffer.concat([
        sha256(args.rpId),
        Buffer.from([0x45]), // user present, user verified, attested credential data
        count,
        Buffer.alloc(16), // AAGUID: none
        idLength,
        rawId,
        Buffer.from(isoCBOR.encode(cose)),
      ]);
      const attestation = isoCBOR.encode(
        new Map<string, string | Map<string, never> | Uint8Array>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, never>()],
          ['authData', new Uint8Array(authData)],
        ]),
      );
      return {
        id: b64url(rawId),
        rawId: b64url(rawId),
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(
            clientData('webauthn.create', options.challenge, over.origin ?? args.origin),
          ),
          attestationObject: b64url(attestation),
          transports: ['internal'],
        },
      };
    },
    assert(options, over = {}) {
      counter = over.counter ?? counter + 1;
      const count = Buffer.alloc(4);
      count.writeUInt32BE(counter);
      const flags = over.userVerified === false ? 0x01 : 0x05;
      const authData = Buffer.concat([sha256(args.rpId), Buffer.from([flags]), count]);
      const data = clientData('webauthn.get', options.challenge, over.origin ?? args.origin);
      const signature = sign('sha256', Buffer.concat([authData, sha256(data)]), privateKey);
      return {
        id: b64url(rawId),
        rawId: b64url(rawId),
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(data),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          ...(userHandle ? { userHandle } : {}),
        },
      };
    },
  };
}
