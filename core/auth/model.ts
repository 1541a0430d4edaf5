/**
 * A signed-in browser. The cookie holds `<id>.<secret>`; only a SHA-256 hash of the
 * secret is stored, so a copy of the sessions table cannot be replayed (Lucia's design).
 */
export type Session = {
  id: string;
  accountId: string;
  secretHash: string;
  createdAt: Date;
  /** Last request seen: the inactivity timeout counts from here. */
  lastSeenAt: Date;
  /** The absolute end of this session, whatever the activity. */
  expiresAt: Date;
  /** Set by "Remember me": the cookie is persistent and the absolute lifetime is longer. */
  rememberMe: boolean;
  /** True until a staff member who has a second factor has entered it. */
  twoFactorPending: boolean;
  ip: string | null;
  userAgent: string | null;
  /**
   * The shared mailbox the person chose to act for (docs/decisions/0028), or null for
   * their own. Checked against their membership on every request.
   */
  actingMailboxId: string | null;
  /**
   * When this session last proved a second factor (an app code, a recovery code or a
   * passkey), or null when it never has. A message marked "second factor required"
   * opens only in a session that has one (step-up).
   */
  secondFactorAt: Date | null;
  /**
   * For a staff session started through the OpenID provider (docs/decisions/0029):
   * when the provider last confirmed the person still holds a role. Null for every
   * other session. The session ends if the next check, due within the idle timeout,
   * fails.
   */
  ssoCheckedAt: Date | null;
  /** The provider's refresh token for that check, encrypted by the Cipher; null when none was given. */
  ssoRefreshEnc: Uint8Array | null;
};

/**
 * What a one-time token is for. `resume` is not a link: it is left behind when a session
 * ends by inactivity (see `core/auth/sessions.ts`), under the session's own id and
 * secret hash, so the browser's cookie can still save what was being typed as a draft.
 */
export type TokenPurpose =
  | 'notify'
  | 'register'
  | 'reset'
  | 'set-password'
  | 'unlock'
  | 'resume'
  /** A sign-in through the OpenID provider under way: its `state` (docs/decisions/0029). */
  | 'sso'
  /** A WebAuthn challenge: single use, so an assertion cannot be replayed. */
  | 'passkey';

/**
 * A one-time secret sent by email: `<id>.<secret>` in the link, only the hash stored,
 * bound to one address. Spent by a POST, never by a GET (mail scanners follow links).
 */
export type OneTimeToken = {
  id: string;
  purpose: TokenPurpose;
  secretHash: string;
  /** The account it acts on, when one exists. */
  accountId: string | null;
  /** The address it was sent to. */
  email: string;
  /** For `notify` links: the delivery the link opens. */
  deliveryId: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
};

/**
 * OWASP's device-cookie lockout: failures from a browser that once signed in
 * successfully are counted for that browser alone, so strangers who lock an account
 * do not lock its owner out.
 */
export type DeviceLockout = {
  accountId: string;
  /** Hash of the device cookie's nonce. */
  deviceHash: string;
  failures: number;
  windowStartedAt: Date | null;
  lockedUntil: Date | null;
};

/** What an emailed code proves an address for. */
export type EmailCodePurpose = 'register' | 'access-request';

/**
 * A short code emailed to an address at the moment someone claims it: typing it back
 * proves they read that mailbox now (a forwarded notification proves nothing). Only a
 * keyed hash is kept; a code is single use, short lived and allows few wrong tries.
 */
export type EmailCode = {
  id: string;
  purpose: EmailCodePurpose;
  /** The address it was sent to, and its comparison key. */
  email: string;
  emailKey: string;
  /** What it is bound to: the registration link's token id, or the delivery asked about. */
  subjectId: string;
  codeHash: string;
  /** Wrong codes typed against it so far. */
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
};

/**
 * A passkey (WebAuthn credential) registered to an account. Only public material is
 * kept: the credential's id and public key, and the signature counter the
 * authenticator reports (a counter that goes backwards means a cloned key).
 */
export type Passkey = {
  id: string;
  accountId: string;
  /** The credential id, base64url, as the browser reports it. Unique. */
  credentialId: string;
  /** The COSE public key. */
  publicKey: Uint8Array;
  counter: number;
  /** Transports the authenticator named (usb, nfc, ble, internal, hybrid), for the browser's hints. */
  transports: string[];
  /** `singleDevice` or `multiDevice` (synced), as the registration reported. */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  /** The name the person gave it (plain text, at most 60 characters). */
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};
