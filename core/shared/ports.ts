/** The current time, injected so every rule can be tested at any date. */
export type Clock = {
  /** The current instant. */
  now(): Date;
};

/** Identifiers and secrets, injected so tests can make them predictable. */
export type Ids = {
  /** A new random identifier (at least 128 bits), URL-safe, for any entity or blob. */
  newId(): string;
};

/**
 * Randomness and one-way hashing for tokens. A token is shown to its holder once and
 * only its hash is stored, so a copy of the database does not let anyone sign in.
 */
export type Secrets = {
  /** `bytes` random bytes from a CSPRNG, encoded base32 lower-case without padding. */
  randomToken(args: { bytes: number }): string;
  /** SHA-256 of `value`, lower-case hex. */
  hashToken(args: { value: string }): string;
  /** Compares two strings in time that does not depend on where they differ. */
  constantTimeEqual(args: { a: string; b: string }): boolean;
  /** HMAC-SHA256 of `value` under the server's signing key, lower-case hex. */
  sign(args: { value: string }): string;
};
