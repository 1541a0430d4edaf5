import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { DecryptFailed, KeyNotFound } from '../../../core/crypto/errors.ts';
import type { Cipher, FieldKeyStore, KeyInfo } from '../../../core/crypto/ports.ts';
import { ConfigurationError } from '../../../core/shared/errors.ts';
import { readAll, streamOf } from '../../../core/shared/streams.ts';
import type { Logger } from '../../logging/logger.ts';
import { peekFirst } from './byte-reader.ts';
import { decryptChunks, encryptChunks } from './chunk-streams.ts';
import { fieldKeys } from './field-key.ts';
import { isFieldValue, openValue, readFieldKeyId, sealValue } from './field-value-format.ts';
import {
  type BlobKey,
  CHUNK_MAX,
  DEFAULT_CHUNK_SIZE,
  readRecipientKeyId,
  withRecipientKeyId,
} from './format.ts';
import { fileKeyring, type OrgKey, PASSPHRASE_FILE } from './keyring.ts';
import { chunkWorkers } from './worker-pool.ts';

/** What the CLI needs beyond the Cipher port: key backups. */
export type KeyringAdmin = {
  /** Every public key of the keyring, primary first, as one armoured block. */
  exportPublic(): Promise<string>;
  /**
   * Every secret key of the keyring, primary first, as one armoured block, still
   * protected by the keyring's passphrase (GnuPG asks for it at the first decryption).
   */
  exportSecret(): Promise<string>;
  /**
   * Unwraps every stored field key with the keyring (for `sealpost doctor`); resolves
   * with how many there are, and fails as decryption would for one that cannot be.
   */
  unwrapFieldKeys(): Promise<number>;
  /**
   * Loads the field keys and makes the current one if needed (see `FieldKeys.prepare`);
   * nothing without a field key store.
   */
  prepareFieldKeys(): Promise<void>;
};

/** Options of the OpenPGP cipher. */
export type OpenpgpCipherOptions = {
  /** The folder holding the org keyring, normally `DATA_DIR/keys`; created (0700) if missing. */
  keysDir: string;
  /**
   * Protects the secret keys on disk. Without one, a random passphrase is generated
   * into a file beside the keys, which protects nothing against someone who copies
   * the folder; a warning says so at every start.
   */
  passphrase?: string;
  logger: Logger;
  /** Plaintext bytes per chunk; 1 MiB unless a test wants many small chunks. */
  chunkSize?: number;
  /** The key guard (see `fileKeyring`): why no first key may be made here, or null. */
  refuseFirstKey?: () => Promise<string | null>;
  /** The guard's check that the keys found belong to this installation (see `fileKeyring`). */
  checkKeys?: (keys: Array<{ seq: number; fingerprint: string }>) => Promise<string | null>;
  /** False to stay quiet about a missing passphrase (commands other than `serve`). */
  warnPassphrase?: boolean;
  /**
   * Where the field keys live (the database's `field_keys`). With it, small values are
   * sealed under a field key (docs/decisions/0023-field-keys.md); without it (tools and
   * tests with no database), `encryptBytes` writes the older public-key format. Either
   * way every value of either format reads, the field-key ones only with a store.
   */
  fieldKeys?: FieldKeyStore;
};

// Unwrapping a session key is a public-key operation (about a millisecond); the same
// PKESK comes back for every chunk of a blob and for every read of a small value.
const SESSION_CACHE_SIZE = 1024;

function sessionCache() {
  const entries = new Map<string, Buffer>();
  return {
    get(pkesk: Buffer): Buffer | undefined {
      const id = pkesk.toString('base64');
      const key = entries.get(id);
      if (key) {
        entries.delete(id);
        entries.set(id, key);
      }
      return key;
    },
    set(pkesk: Buffer, key: Buffer): void {
      entries.set(pkesk.toString('base64'), key);
      if (entries.size > SESSION_CACHE_SIZE) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
  };
}

function validate(options: OpenpgpCipherOptions): void {
  const problems: string[] = [];
  if (typeof options?.keysDir !== 'string' || options.keysDir.trim() === '') {
    problems.push('The keys folder (keysDir) is empty; set DATA_DIR.');
  }
  if (
    options?.passphrase !== undefined &&
    (typeof options.passphrase !== 'string' || options.passphrase.trim() === '')
  ) {
    problems.push(
      'SEALPOST_KEY_PASSPHRASE is set but empty; set a long passphrase, or unset it to use a generated passphrase file.',
    );
  }
  if (typeof options?.logger?.warn !== 'function') problems.push('The cipher needs a logger.');
  const size = options?.chunkSize;
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > CHUNK_MAX)) {
    problems.push(`chunkSize must be a whole number of bytes from 1 to ${CHUNK_MAX}.`);
  }
  if (problems.length > 0) throw new ConfigurationError(problems.join(' '));
}

function keyInfo(key: OrgKey, primary: OrgKey): KeyInfo {
  return { fingerprint: key.fingerprint, createdAt: key.createdAt, isPrimary: key === primary };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Encryption at rest as chunked standard OpenPGP (docs/decisions/0010): each chunk of
 * at most 1 MiB is a PKESK + SEIPDv1 (MDC) message GnuPG 2.2 decrypts, bound to its
 * blob and position. Decryption releases a chunk only after its MDC and its place in
 * the blob are checked, so no unauthenticated byte ever leaves. openpgp.js handles
 * keys and session-key packets; the bulk AES-CFB and SHA-1 run in node:crypto. Small
 * values (`encryptBytes`) are instead symmetric messages under a field key, itself
 * encrypted to the org key (docs/decisions/0023), when given a `fieldKeys` store.
 */
export function openpgpCipher(options: OpenpgpCipherOptions): Cipher & KeyringAdmin {
  validate(options);
  const keysDir = path.resolve(options.keysDir);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (options.warnPassphrase === false) {
    // Said once, by `serve` (and `doctor`), not by every command.
  } else if (options.passphrase === undefined) {
    options.logger.warn(
      { keysDir },
      `SEALPOST_KEY_PASSPHRASE is not set: the org secret key is protected only by the generated file ${path.join(keysDir, PASSPHRASE_FILE)}, kept beside it. Anyone with a copy of that folder can read every message. Set SEALPOST_KEY_PASSPHRASE (see docs/admin/keys.md).`,
    );
  } else if (options.passphrase.length < 12) {
    options.logger.warn('SEALPOST_KEY_PASSPHRASE is short; use at least 12 characters.');
  }
  const keyring = fileKeyring({
    dir: keysDir,
    passphrase: options.passphrase,
    ...(options.refuseFirstKey ? { refuseFirstKey: options.refuseFirstKey } : {}),
    ...(options.checkKeys ? { checkKeys: options.checkKeys } : {}),
  });
  const sessions = sessionCache();
  const fields = options.fieldKeys ? fieldKeys({ store: options.fieldKeys, keyring }) : null;

  async function fieldKeyOf(ciphertext: Uint8Array) {
    const id = readFieldKeyId(ciphertext);
    if (id === null) throw new DecryptFailed('Stored data is not a Sealpost field value.');
    const key = fields ? await fields.byId(id) : null;
    if (!key) {
      throw new KeyNotFound(
        `The value was encrypted under field key ${id}, which is not in the database's field_keys (restore the database backup).`,
      );
    }
    return key;
  }

  async function decryptField(ciphertext: Uint8Array): Promise<Uint8Array> {
    const { valueKey } = await fieldKeyOf(ciphertext);
    return openValue({ valueKey, ciphertext });
  }

  async function newBlobKey(): Promise<BlobKey> {
    const primary = await keyring.primary();
    const sessionKey = randomBytes(32);
    const pkesk = toBuffer(
      await openpgp.encryptSessionKey({
        data: sessionKey,
        algorithm: 'aes256',
        encryptionKeys: primary.publicKey,
        format: 'binary',
      }),
    );
    // The reader accepts only one new-format v3 PKESK to this key; check we wrote one.
    if (readRecipientKeyId(pkesk) !== primary.encryptionKeyId) {
      throw new Error('openpgp.js wrote a session key packet Sealpost cannot read back.');
    }
    sessions.set(pkesk, sessionKey);
    return { sessionKey, pkesk };
  }

  async function unwrapSessionKey(pkesk: Buffer): Promise<Buffer> {
    const cached = sessions.get(pkesk);
    if (cached) return cached;
    const keyId = readRecipientKeyId(pkesk);
    if (keyId === null) throw new DecryptFailed('Stored data is not a Sealpost OpenPGP message.');
    const key = await keyring.findByKeyId(keyId);
    let decrypted: openpgp.DecryptedSessionKey[] | null = null;
    let failure: unknown = null;
    // An unknown key id is tried against every key, as `gpg --try-all-secrets` does: it
    // tells a missing key (KeyNotFound) from a key id altered in storage, which the
    // chunk label (bound to the whole PKESK) then reports as IntegrityFailed.
    for (const candidate of key ? [key] : await keyring.keys()) {
      try {
        // openpgp.js only offers a key the PKESK names, so name the candidate.
        const named = key ? pkesk : withRecipientKeyId(pkesk, candidate.encryptionKeyId);
        const message = await openpgp.readMessage({ binaryMessage: named });
        decrypted = await openpgp.decryptSessionKeys({
          message,
          decryptionKeys: candidate.unlocked,
        });
        break;
      } catch (error) {
        failure = error;
      }
    }
    if (!decrypted && !key) {
      throw new KeyNotFound(
        `The data was encrypted to key ${keyId}, which is not in the keyring (restore it from the key backup).`,
      );
    }
    if (!decrypted) {
      throw new DecryptFailed('The session key of stored data could not be decrypted.', failure);
    }
    const found = decrypted[0];
    if (found?.algorithm !== 'aes256' || found.data.byteLength !== 32) {
      throw new DecryptFailed('Stored data uses a cipher Sealpost does not read.');
    }
    const sessionKey = Buffer.from(found.data);
    sessions.set(pkesk, sessionKey);
    return sessionKey;
  }

  async function encrypt(plaintext: ReadableStream<Uint8Array>) {
    const key = await newBlobKey();
    return encryptChunks({ plaintext, key, chunkSize, workers: chunkWorkers() });
  }

  function decrypt(ciphertext: ReadableStream<Uint8Array>) {
    return decryptChunks({ ciphertext, unwrap: unwrapSessionKey, workers: chunkWorkers() });
  }

  async function listKeys(): Promise<KeyInfo[]> {
    const keys = await keyring.keys();
    const primary = keys[0] as OrgKey;
    return keys.map((key) => keyInfo(key, primary));
  }

  function armorAll(type: openpgp.enums.armor, parts: Uint8Array[]): string {
    return openpgp.armor(type, Buffer.concat(parts));
  }

  return {
    async encryptStream({ plaintext }) {
      return encrypt(plaintext);
    },
    async decryptStream({ ciphertext }) {
      // A small value handed over as a stream still reads (the port promises values and
      // streams are one kind of message): its first byte says which format it is.
      const { first, rest } = await peekFirst(ciphertext);
      if (first !== undefined && isFieldValue(first)) {
        return streamOf(await decryptField(await readAll(rest)));
      }
      return decrypt(rest);
    },
    async encryptBytes({ plaintext }) {
      if (!fields) return readAll(await encrypt(streamOf(plaintext)));
      const { id, valueKey } = await fields.current();
      return sealValue({ id, valueKey, plaintext });
    },
    async decryptBytes({ ciphertext }) {
      // The first packet tells the formats apart: SKESK (a field key) or PKESK (a chunk,
      // as every value was before field keys), so both read forever.
      if (isFieldValue(ciphertext)) return decryptField(ciphertext);
      return readAll(await decrypt(streamOf(ciphertext)));
    },
    async isUnderPrimaryKey({ ciphertext, of }) {
      if (isFieldValue(ciphertext)) {
        const id = readFieldKeyId(ciphertext);
        return of === 'value' && fields !== null && id !== null && fields.isCurrent(id);
      }
      // A value in the public-key format is never current once field keys are in use,
      // so `sealpost keys reencrypt` moves it to one.
      if (of === 'value' && fields) return false;
      const keyId = readRecipientKeyId(ciphertext);
      return keyId !== null && keyId === (await keyring.primary()).encryptionKeyId;
    },
    listKeys,
    async rotateKey() {
      const key = await keyring.rotate();
      options.logger.info({ fingerprint: key.fingerprint }, 'new primary org key');
      return { fingerprint: key.fingerprint, createdAt: key.createdAt, isPrimary: true };
    },
    async exportPublic() {
      const keys = await keyring.keys();
      return armorAll(
        openpgp.enums.armor.publicKey,
        keys.map((key) => key.publicKey.write()),
      );
    },
    async unwrapFieldKeys() {
      return fields ? fields.unwrapAll() : 0;
    },
    async prepareFieldKeys() {
      await fields?.prepare();
    },
    async exportSecret() {
      const keys = await keyring.keys();
      return armorAll(
        openpgp.enums.armor.privateKey,
        keys.map((key) => key.locked.write()),
      );
    },
  };
}
