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
  /**
   * True when `ciphertext` is encrypted the way new data is: for a stream (its first
   * bytes suffice), to the current primary key; for a value of `encryptBytes`, under
   * the current field key of that primary key, so a value in the older public-key format
   * is false even when it names the primary key. `of` says which of the two it is: the
   * first bytes of a stream and an old-format value look the same.
   */
  isUnderPrimaryKey(args: { ciphertext: Uint8Array; of: 'stream' | 'value' }): Promise<boolean>;
  /** The keys of the keyring, primary first. */
  listKeys(): Promise<KeyInfo[]>;
  /** Generates a new primary key; older keys stay to decrypt what they encrypted. */
  rotateKey(): Promise<KeyInfo>;
};

/**
 * A field key as stored: the key that seals small values (`encryptBytes`), itself
 * encrypted to an org key. See docs/decisions/0023-field-keys.md.
 */
export type StoredFieldKey = {
  /** 16 lowercase hex characters (8 random bytes); also the salt of every value it seals. */
  id: string;
  /** A standard OpenPGP message to one org key whose literal data is the key as 64 hex. */
  wrapped: Uint8Array;
  createdAt: Date;
};

/** Where the field keys of an installation are kept (the `field_keys` table). */
export type FieldKeyStore = {
  /** Every field key, oldest first. */
  list(): Promise<StoredFieldKey[]>;
  /** Adds a new field key; its id is fresh, so two processes adding at once both succeed. */
  add(args: { key: StoredFieldKey }): Promise<void>;
};
