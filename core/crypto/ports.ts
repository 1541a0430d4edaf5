/** One key of the organisation's keyring, as shown to an admin. */
export type KeyInfo = {
  /** Hex fingerprint of the primary key. */
  fingerprint: string;
  /** When the key was generated. */
  createdAt: Date;
  /** True for the one key new data is encrypted to. */
  isPrimary: boolean;
};

/**
 * Encryption at rest under the organisation's OpenPGP keyring. Everything a person
 * typed or uploaded goes through here before it is stored; every output is a
 * standard OpenPGP message that GnuPG can decrypt with the exported org secret key.
 * Failures are typed errors from `core/crypto/errors.ts`.
 */
export type Cipher = {
  /** Encrypts a plaintext stream to the primary key. Streams: never holds the whole input. */
  encryptStream(args: {
    plaintext: ReadableStream<Uint8Array>;
  }): Promise<ReadableStream<Uint8Array>>;
  /**
   * Decrypts a stream. No byte of plaintext is released before the data it belongs
   * to is authenticated; tampering makes the stream error with `IntegrityFailed`.
   */
  decryptStream(args: {
    ciphertext: ReadableStream<Uint8Array>;
  }): Promise<ReadableStream<Uint8Array>>;
  /** Encrypts a small value (a subject, a file name, a note) held in memory. */
  encryptBytes(args: { plaintext: Uint8Array }): Promise<Uint8Array>;
  /** Decrypts a value made by `encryptBytes`. */
  decryptBytes(args: { ciphertext: Uint8Array }): Promise<Uint8Array>;
  /** True when `ciphertext` (its first bytes suffice) is encrypted to the current primary key. */
  isUnderPrimaryKey(args: { ciphertext: Uint8Array }): Promise<boolean>;
  /** The keys of the keyring, primary first. */
  listKeys(): Promise<KeyInfo[]>;
  /** Generates a new primary key; older keys stay to decrypt what they encrypted. */
  rotateKey(): Promise<KeyInfo>;
};
