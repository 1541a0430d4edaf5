/** argon2id hashing of passwords (and of nothing else). */
export type PasswordHasher = {
  /** A PHC-format argon2id hash of `password` with a fresh salt. */
  hash(args: { password: string }): Promise<string>;
  /** True when `password` matches `hash`; false for any malformed hash. Never throws for a mismatch. */
  verify(args: { hash: string; password: string }): Promise<boolean>;
};
