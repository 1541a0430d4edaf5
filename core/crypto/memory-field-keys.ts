import type { FieldKeyStore, StoredFieldKey } from './ports.ts';

/**
 * A FieldKeyStore in memory, for tests of the cipher without a database. Two ciphers
 * given the same store share their field keys, as two processes sharing a database do.
 */
export function memoryFieldKeyStore(): FieldKeyStore & { keys: StoredFieldKey[] } {
  const keys: StoredFieldKey[] = [];
  return {
    keys,
    async list() {
      return [...keys].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },
    async add({ key }) {
      if (keys.some((k) => k.id === key.id)) throw new Error(`field key ${key.id} exists`);
      keys.push({ ...key, wrapped: new Uint8Array(key.wrapped) });
    },
  };
}
