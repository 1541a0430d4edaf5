import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import { DecryptFailed, KeyNotFound } from '../../../core/crypto/errors.ts';
import type { FieldKeyStore, StoredFieldKey } from '../../../core/crypto/ports.ts';
import { deriveValueKey, FIELD_KEY_ID_BYTES } from './field-value-format.ts';
import { readRecipientKeyId } from './format.ts';
import type { Keyring } from './keyring.ts';

/** A field key ready to use: its id and the AES key every value under it is sealed with. */
export type FieldKey = { id: string; valueKey: Buffer };

/** The field keys of an installation, as the cipher uses them. */
export type FieldKeys = {
  /** The key new values are sealed under, made (and stored) if there is none yet. */
  current(): Promise<FieldKey>;
  /** The key with this id, looking at the store again once on a miss; null if unknown. */
  byId(id: string): Promise<FieldKey | null>;
  /** True when `id` is the current key (without making one). */
  isCurrent(id: string): Promise<boolean>;
  /** Unwraps every stored key (what `sealpost doctor` checks); how many there are. */
  unwrapAll(): Promise<number>;
  /**
   * Loads the stored keys and makes the current one if there is none, so the first
   * value sealed later (often inside a database transaction, which cannot read the
   * store) finds it in memory. Called once at start by the composition root.
   */
  prepare(): Promise<void>;
};

const ID = /^[0-9a-f]{16}$/;
const PASSPHRASE = /^[0-9a-f]{64}$/;

/**
 * The field keys (docs/decisions/0023-field-keys.md) over `store`, each unwrapped with
 * the org keyring once and kept in memory. The store is read on first use, not before:
 * the cipher is built before the database is known to be there.
 */
export function fieldKeys(args: { store: FieldKeyStore; keyring: Keyring }): FieldKeys {
  const { store, keyring } = args;
  let stored: StoredFieldKey[] | null = null;
  const unwrapped = new Map<string, Promise<FieldKey>>();
  let making: Promise<FieldKey> | null = null;
  // The current key, and the primary org key it was current for: checked on every
  // value, so it must cost nothing until a rotation changes the primary key.
  let cached: { primaryKeyId: string; key: FieldKey } | null = null;

  async function reload(): Promise<StoredFieldKey[]> {
    stored = await store.list();
    return stored;
  }

  async function unwrap(key: StoredFieldKey): Promise<FieldKey> {
    const keyId = readRecipientKeyId(key.wrapped);
    const orgKey = keyId ? await keyring.findByKeyId(keyId) : null;
    if (!orgKey) {
      throw new KeyNotFound(
        `Field key ${key.id} is encrypted to org key ${keyId ?? '(unknown)'}, which is not in the keyring (restore it from the key backup).`,
      );
    }
    let passphrase: string;
    try {
      const message = await openpgp.readMessage({ binaryMessage: key.wrapped });
      const { data } = await openpgp.decrypt({
        message,
        decryptionKeys: orgKey.unlocked,
        format: 'binary',
      });
      passphrase = Buffer.from(data as Uint8Array).toString('latin1');
    } catch (error) {
      throw new DecryptFailed(`Field key ${key.id} could not be decrypted.`, error);
    }
    if (!PASSPHRASE.test(passphrase)) {
      throw new DecryptFailed(`Field key ${key.id} is not 64 hex characters.`);
    }
    return { id: key.id, valueKey: deriveValueKey({ id: key.id, passphrase }) };
  }

  function unwrapOnce(key: StoredFieldKey): Promise<FieldKey> {
    let found = unwrapped.get(key.id);
    if (!found) {
      found = unwrap(key);
      // A failure is not remembered: the key may be restored into the keyring.
      found.catch(() => unwrapped.delete(key.id));
      unwrapped.set(key.id, found);
    }
    return found;
  }

  /** The newest stored key wrapped to the primary org key, from `keys`. */
  async function newestForPrimary(keys: StoredFieldKey[]): Promise<StoredFieldKey | null> {
    const primary = (await keyring.primary()).encryptionKeyId;
    let newest: StoredFieldKey | null = null;
    for (const key of keys) {
      if (readRecipientKeyId(key.wrapped) !== primary) continue;
      const isNewer =
        !newest ||
        key.createdAt.getTime() > newest.createdAt.getTime() ||
        (key.createdAt.getTime() === newest.createdAt.getTime() && key.id > newest.id);
      if (isNewer) newest = key;
    }
    return newest;
  }

  async function currentStored(): Promise<StoredFieldKey | null> {
    // After a rotation (here or in another process) the cached list has none for the
    // new primary; another process may have made one already, so look before making.
    return (
      (await newestForPrimary(stored ?? (await reload()))) ??
      (await newestForPrimary(await reload()))
    );
  }

  async function findStored(id: string): Promise<StoredFieldKey | null> {
    if (!ID.test(id)) return null;
    const find = (keys: StoredFieldKey[]) => keys.find((key) => key.id === id);
    // Another process (`sealpost keys rotate`, a second worker) may have made it.
    return find(stored ?? (await reload())) ?? find(await reload()) ?? null;
  }

  async function make(): Promise<FieldKey> {
    const primary = await keyring.primary();
    const id = randomBytes(FIELD_KEY_ID_BYTES).toString('hex');
    const passphrase = randomBytes(32).toString('hex');
    const wrapped = (await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: Buffer.from(passphrase, 'latin1') }),
      encryptionKeys: primary.publicKey,
      format: 'binary',
    })) as Uint8Array;
    // Two processes may both get here; each stores its own key and both stay readable.
    const key: StoredFieldKey = { id, wrapped, createdAt: new Date() };
    await store.add({ key });
    stored = [...(stored ?? []), key];
    const ready = { id, valueKey: deriveValueKey({ id, passphrase }) };
    unwrapped.set(id, Promise.resolve(ready));
    return ready;
  }

  return {
    async current() {
      const primaryKeyId = (await keyring.primary()).encryptionKeyId;
      if (cached?.primaryKeyId === primaryKeyId) return cached.key;
      let found: StoredFieldKey | null;
      try {
        found = await currentStored();
      } catch (error) {
        // The primary org key changed (a rotation, perhaps by another process) while
        // this value is sealed inside a transaction, where the store cannot be read.
        // The key in use is still a valid key under an org key the keyring keeps, so
        // seal with it; a later call outside a transaction moves to the new one.
        if (cached) return cached.key;
        throw error;
      }
      // One new key per process at a time, however many values ask at once.
      making ??= (found ? unwrapOnce(found) : make()).finally(() => {
        making = null;
      });
      const key = await making;
      cached = { primaryKeyId, key };
      return key;
    },
    async byId(id) {
      const key = await findStored(id);
      return key ? unwrapOnce(key) : null;
    },
    async isCurrent(id) {
      // The key this process seals with, once it has one, so a value it just wrote is
      // current even if another process raced it to a newer key.
      const primaryKeyId = (await keyring.primary()).encryptionKeyId;
      if (cached?.primaryKeyId === primaryKeyId) return cached.key.id === id;
      return (await findStored(id)) !== null && (await currentStored())?.id === id;
    },
    async prepare() {
      await this.current();
    },
    async unwrapAll() {
      const keys = await reload();
      for (const key of keys) await unwrapOnce(key);
      return keys.length;
    },
  };
}
