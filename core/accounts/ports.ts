/** argon2id hashing of passwords (and of nothing else). */
export type PasswordHasher = {
  /** A PHC-format argon2id hash of `password` with a fresh salt. */
  hash(args: { password: string }): Promise<string>;
  /** True when `password` matches `hash`; false for any malformed hash. Never throws for a mismatch. */
  verify(args: { hash: string; password: string }): Promise<boolean>;
};

/**
 * The most common passwords, which a new password must not be (NIST SP 800-63B rev 4,
 * section 3.1.1.2; docs/decisions/0008). An adapter owns the list and how it is loaded.
 */
export type CommonPasswords = {
  /** True when `lowercasedPassword` (NFC-normalised, then lower-cased) is on the list. */
  has(lowercasedPassword: string): boolean;
};
