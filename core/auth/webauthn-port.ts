/**
 * The WebAuthn arithmetic the passkey use cases need: making the options a browser
 * passes to `navigator.credentials`, and checking what it sends back (the signature,
 * the origin, the relying party, the counter). Implemented in adapters (on
 * @simplewebauthn/server, adapters/auth/webauthn.ts): the core may not import packages.
 *
 * The options are opaque to the core: it hands them to the browser as they are.
 * `challenge` is always a string the core made (a one-time token's value); the adapter
 * carries it as its UTF-8 bytes, and reading a response gives the same string back.
 */
export type WebAuthnVerifier = {
  /** Options for `navigator.credentials.create()`: a new passkey for this account. */
  registrationOptions(args: {
    /** The council's name, shown by the browser. */
    rpName: string;
    /** A stable, opaque id of the account (the user handle): never the address. */
    userId: string;
    /** What the browser shows to pick the passkey by: the address. */
    userName: string;
    userDisplayName: string;
    challenge: string;
    /** The account's passkeys already registered: an authenticator holding one is refused. */
    exclude: PasskeyDescriptor[];
  }): Promise<PasskeyOptions>;
  /** The challenge a registration response signed, or null when it is not one. */
  registrationChallenge(args: { response: unknown }): string | null;
  /**
   * Checks a registration response against the challenge issued for it, our origin and
   * relying party; null when anything is wrong.
   */
  verifyRegistration(args: { response: unknown; challenge: string }): Promise<{
    credentialId: string;
    publicKey: Uint8Array;
    counter: number;
    transports: string[];
    deviceType: 'singleDevice' | 'multiDevice';
    backedUp: boolean;
  } | null>;
  /** Options for `navigator.credentials.get()`. An empty `allow` lets the browser offer any passkey of ours. */
  authenticationOptions(args: {
    challenge: string;
    allow: PasskeyDescriptor[];
    userVerification: 'preferred' | 'required';
  }): Promise<PasskeyOptions>;
  /**
   * What an assertion names before it is checked: the credential, the challenge it
   * signed and the user handle (the account id given at registration, when the
   * authenticator returns it); null when it is not an assertion at all.
   */
  readAssertion(args: {
    response: unknown;
  }): { credentialId: string; challenge: string; userHandle: string | null } | null;
  /**
   * Checks an assertion: signature by the stored public key, our origin and relying
   * party, the challenge, user verification when required, and a counter that moved
   * forward (`counter`: refused as a possibly cloned authenticator).
   */
  verifyAuthentication(args: {
    response: unknown;
    challenge: string;
    credential: Pick<PasskeyDescriptor, 'credentialId' | 'transports'> & {
      publicKey: Uint8Array;
      counter: number;
    };
    requireUserVerification: boolean;
  }): Promise<{ ok: true; newCounter: number } | { ok: false; reason: 'counter' | 'invalid' }>;
};

/** A registered passkey as the browser is told of it. */
export type PasskeyDescriptor = { credentialId: string; transports: string[] };

/** The JSON options for the browser, as the adapter made them. */
export type PasskeyOptions = Record<string, unknown>;
