/** Who an account belongs to: council staff, or a person outside the council. */
export type AccountKind = 'staff' | 'external';

/** What an account may do. External accounts are always `recipient`. */
export type Role = 'recipient' | 'sender' | 'admin' | 'auditor';

/** A person who can sign in (once they have a password). */
export type Account = {
  id: string;
  /** The address as normalised by `normaliseEmail`: domain lower-case punycode, local part as typed. */
  email: string;
  /** Lower-case `email`, unique: the key every lookup uses. */
  emailKey: string;
  displayName: string;
  kind: AccountKind;
  role: Role;
  /** argon2id PHC string, or null until the person registers or sets a password. */
  passwordHash: string | null;
  status: 'active' | 'disabled';
  /** Failed sign-ins in the current lockout window (from browsers without a device cookie). */
  failedSignIns: number;
  failureWindowStartedAt: Date | null;
  lockedUntil: Date | null;
  /** The TOTP key, encrypted by the Cipher; null when no second factor is enrolled. */
  totpKeyEnc: Uint8Array | null;
  /** SHA-256 hashes of unused recovery codes. */
  recoveryCodeHashes: string[];
  /** A legal hold stops erasure and purge of this person's data. */
  legalHold: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastSignInAt: Date | null;
  passwordChangedAt: Date | null;
  /**
   * A team mailbox (docs/decisions/0028): it never has a password and never signs in;
   * staff assigned to it act for it, each as themselves.
   */
  sharedMailbox: boolean;
  /**
   * For staff who sign in through the council's OpenID provider: the provider's issuer
   * and the person's subject there, `<issuer> <sub>` (docs/decisions/0029). Null for
   * everyone else. Unique: one person at the provider is one account here.
   */
  ssoSubject: string | null;
  /** How many passkeys the account has registered (kept with them in one transaction). */
  passkeyCount: number;
  /**
   * The language the person chose for their pages and emails, as a BCP 47 primary tag
   * (`en`, `cy`); null until they choose one. Core keeps it as a code: which languages
   * exist, and their words, are the views' business.
   */
  language: string | null;
};

/** True when the account can sign in with a password at all. */
export function isRegistered(account: Account): boolean {
  return account.passwordHash !== null && !account.sharedMailbox;
}

/** True when the account has a second factor: an authenticator app or a passkey. */
export function hasSecondFactor(account: Pick<Account, 'totpKeyEnc' | 'passkeyCount'>): boolean {
  return account.totpKeyEnc !== null || account.passkeyCount > 0;
}

/** True for staff roles that may see the admin pages. */
export function isAdmin(account: Account): boolean {
  return account.kind === 'staff' && account.role === 'admin';
}
