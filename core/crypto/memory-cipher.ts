import { readAll, streamOf } from '../shared/streams.ts';
import { DecryptFailed, IntegrityFailed, KeyNotFound } from './errors.ts';
import type { Cipher, KeyInfo } from './ports.ts';

const MAGIC = new TextEncoder().encode('SPMC1');
const KEY_ID_BYTES = 20;
const IV_BYTES = 12;
const HEADER = MAGIC.byteLength + KEY_ID_BYTES + IV_BYTES;

type MemoryKey = { id: Uint8Array; key: CryptoKey; info: KeyInfo };

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.byteLength < at + prefix.byteLength) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

async function newKey(now: () => Date): Promise<MemoryKey> {
  const id = crypto.getRandomValues(new Uint8Array(KEY_ID_BYTES));
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  return { id, key, info: { fingerprint: hex(id), createdAt: now(), isPrimary: true } };
}

/**
 * An in-memory Cipher for core tests: AES-256-GCM from the platform's WebCrypto under a
 * keyring that lives only in this object. It is authenticated and rotates like the
 * OpenPGP adapter, and passes the same cipher contract (test/contracts/cipher.test.ts),
 * but its output is not OpenPGP and it holds a whole stream in memory: for tests only.
 * Layout: "SPMC1", the 20-byte key id, a 12-byte IV, then the GCM ciphertext and tag.
 */
export async function memoryCipher(args: { now?: () => Date } = {}): Promise<Cipher> {
  const now = args.now ?? (() => new Date());
  const keys: MemoryKey[] = [await newKey(now)];
  const primary = () => keys[0] as MemoryKey;

  const encryptBytes = async ({ plaintext }: { plaintext: Uint8Array }) => {
    const { id, key } = primary();
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(plaintext)),
    );
    const out = new Uint8Array(HEADER + sealed.byteLength);
    out.set(MAGIC);
    out.set(id, MAGIC.byteLength);
    out.set(iv, MAGIC.byteLength + KEY_ID_BYTES);
    out.set(sealed, HEADER);
    return out;
  };

  const decryptBytes = async ({ ciphertext }: { ciphertext: Uint8Array }) => {
    if (ciphertext.byteLength < HEADER || !startsWith(ciphertext, MAGIC)) throw new DecryptFailed();
    const found = keys.find((k) => startsWith(ciphertext, k.id, MAGIC.byteLength));
    if (!found) throw new KeyNotFound();
    const iv = ciphertext.slice(MAGIC.byteLength + KEY_ID_BYTES, HEADER);
    try {
      return new Uint8Array(
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, found.key, ciphertext.slice(HEADER)),
      );
    } catch {
      throw new IntegrityFailed();
    }
  };

  return {
    encryptBytes,
    decryptBytes,
    async encryptStream({ plaintext }) {
      // Reading the input inside pull() lets an error of the plaintext stream reach the
      // reader of the ciphertext, as the port asks.
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            controller.enqueue(await encryptBytes({ plaintext: await readAll(plaintext) }));
            controller.close();
          } catch (error) {
            controller.error(error);
          }
        },
      });
    },
    async decryptStream({ ciphertext }) {
      // Authenticated before anything is released: the whole value is checked first.
      return streamOf(await decryptBytes({ ciphertext: await readAll(ciphertext) }));
    },
    async isUnderPrimaryKey({ ciphertext }) {
      return (
        startsWith(ciphertext, MAGIC) && startsWith(ciphertext, primary().id, MAGIC.byteLength)
      );
    },
    async listKeys() {
      return keys.map((k) => ({ ...k.info }));
    },
    async rotateKey() {
      const key = await newKey(now);
      for (const k of keys) k.info.isPrimary = false;
      keys.unshift(key);
      return { ...key.info };
    },
  };
}
