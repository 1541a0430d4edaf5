import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { PasskeyOptions, WebAuthnVerifier } from '../../core/auth/webauthn-port.ts';

/** A WebAuthn setting that cannot work, found when the adapter is built. */
export class WebAuthnConfigError extends Error {
  readonly code = 'webauthn-config';
}

const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
/** How long the browser waits for the authenticator: as long as the challenge lives. */
const TIMEOUT_MS = 5 * 60_000;

/**
 * The WebAuthn port on @simplewebauthn/server. The relying party is the portal's public
 * URL: its hostname is the RP ID and its origin the only origin accepted, so an
 * assertion made for any other site (a look-alike domain, a proxy) is refused. The RP
 * ID must be a domain name, not an IP address (browsers refuse those).
 */
export function simpleWebAuthn(options: { publicUrl: string }): WebAuthnVerifier {
  let url: URL;
  try {
    url = new URL(options.publicUrl);
  } catch {
    throw new WebAuthnConfigError(`PUBLIC_URL is not a URL: ${options.publicUrl}`);
  }
  const rpID = url.hostname;
  const origin = url.origin;

  return {
    async registrationOptions(args) {
      const created = await generateRegistrationOptions({
        rpName: args.rpName,
        rpID,
        userName: args.userName,
        userID: new TextEncoder().encode(args.userId),
        userDisplayName: args.userDisplayName,
        challenge: args.challenge,
        timeout: TIMEOUT_MS,
        attestationType: 'none',
        excludeCredentials: args.exclude.map((p) => ({
          id: p.credentialId,
          transports: transportsOf(p.transports),
        })),
        // Discoverable where the authenticator can, so it can also sign in on its own.
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      });
      return created as unknown as PasskeyOptions;
    },

    registrationChallenge({ response }) {
      const json = asObject(response);
      const inner = asObject(json?.response);
      return challengeOf(inner?.clientDataJSON);
    },

    async verifyRegistration({ response, challenge }) {
      try {
        const result = await verifyRegistrationResponse({
          response: response as RegistrationResponseJSON,
          expectedChallenge: toBase64Url(challenge),
          expectedOrigin: origin,
          expectedRPID: rpID,
          requireUserVerification: false,
        });
        if (!result.verified) return null;
        const info = result.registrationInfo;
        return {
          credentialId: info.credential.id,
          publicKey: new Uint8Array(info.credential.publicKey),
          counter: info.credential.counter,
          transports: (info.credential.transports ?? []).filter((t) => TRANSPORTS.has(t)),
          deviceType: info.credentialDeviceType,
          backedUp: info.credentialBackedUp,
        };
      } catch {
        // Malformed, wrong origin, wrong challenge: all the same refusal.
        return null;
      }
    },

    async authenticationOptions({ challenge, allow, userVerification }) {
      const created = await generateAuthenticationOptions({
        rpID,
        challenge,
        timeout: TIMEOUT_MS,
        userVerification,
        allowCredentials: allow.map((p) => ({
          id: p.credentialId,
          transports: transportsOf(p.transports),
        })),
      });
      return created as unknown as PasskeyOptions;
    },

    readAssertion({ response }) {
      const json = asObject(response);
      const inner = asObject(json?.response);
      const id = json?.id;
      if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,1400}$/.test(id)) return null;
      const challenge = challengeOf(inner?.clientDataJSON);
      if (!challenge) return null;
      const handle = inner?.userHandle;
      const userHandle = typeof handle === 'string' && handle !== '' ? fromBase64Url(handle) : null;
      return { credentialId: id, challenge, userHandle };
    },

    async verifyAuthentication({ response, challenge, credential, requireUserVerification }) {
      try {
        const result = await verifyAuthenticationResponse({
          response: response as AuthenticationResponseJSON,
          expectedChallenge: toBase64Url(challenge),
          expectedOrigin: origin,
          expectedRPID: rpID,
          credential: {
            id: credential.credentialId,
            publicKey: new Uint8Array(credential.publicKey),
            counter: credential.counter,
            transports: transportsOf(credential.transports),
          },
          requireUserVerification,
        });
        if (!result.verified) return { ok: false, reason: 'invalid' };
        return { ok: true, newCounter: result.authenticationInfo.newCounter };
      } catch (error) {
        // The library refuses a counter that did not move forward with this message.
        const counter = error instanceof Error && /counter value/i.test(error.message);
        return { ok: false, reason: counter ? 'counter' : 'invalid' };
      }
    },
  };
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function transportsOf(values: string[]): AuthenticatorTransportFuture[] {
  return values.filter((t) => TRANSPORTS.has(t)) as AuthenticatorTransportFuture[];
}

/** The challenge in a clientDataJSON (base64url JSON), as the string the core issued. */
function challengeOf(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) return null;
  try {
    const data = asObject(JSON.parse(fromBase64Url(clientDataJSON)));
    const challenge = data?.challenge;
    if (typeof challenge !== 'string' || challenge.length > 512) return null;
    return fromBase64Url(challenge);
  } catch {
    return null;
  }
}

function toBase64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function fromBase64Url(value: string): string {
  return Buffer.from(value, 'base64url').toString('utf8');
}
