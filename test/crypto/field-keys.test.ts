import { describe, expect, it } from 'vitest';
import { readFieldKeyId } from '../../adapters/crypto/openpgp/field-value-format.ts';
import { readRecipientKeyId } from '../../adapters/crypto/openpgp/format.ts';
import { DecryptFailed, IntegrityFailed, KeyNotFound } from '../../core/crypto/errors.ts';
import { memoryFieldKeyStore } from '../../core/crypto/memory-field-keys.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { freshKeysDir, testCipher } from './support.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SUBJECT = 'Re: Housing application 2024/117 \u2013 \u00e9t\u00e9';

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return null;
}

/** A cipher with field keys, and one over the same keyring without (the older format). */
function pair() {
  const keysDir = freshKeysDir();
  const store = memoryFieldKeyStore();
  return {
    store,
    keysDir,
    cipher: testCipher({ keysDir, fieldKeys: store }),
    old: testCipher({ keysDir }),
  };
}

describe('small values under field keys', () => {
  it('seals a value as SKESK + SEIPD under one field key wrapped to the primary key', async () => {
    const { cipher, store } = pair();
    const sealed = await cipher.encryptBytes({ plaintext: encoder.encode(SUBJECT) });
    expect(sealed[0]).toBe(0xc3); // new-format SKESK
    expect(decoder.decode(await cipher.decryptBytes({ ciphertext: sealed }))).toBe(SUBJECT);
    // Many values at once share the one key made on first use.
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cipher.encryptBytes({ plaintext: encoder.encode(`${i}`) }),
      ),
    );
    expect(store.keys).toHaveLength(1);
    const [stored] = store.keys;
    expect(stored?.id).toMatch(/^[0-9a-f]{16}$/);
    for (const value of [sealed, ...many]) expect(readFieldKeyId(value)).toBe(stored?.id);
    // The wrapped key is a public-key message to the primary org key, not the key itself.
    expect(readRecipientKeyId(stored?.wrapped ?? new Uint8Array())).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(stored?.wrapped ?? []).toString('latin1')).not.toMatch(/[0-9a-f]{64}/);
    expect(await cipher.isUnderPrimaryKey({ ciphertext: sealed, of: 'value' })).toBe(true);
    expect(await cipher.isUnderPrimaryKey({ ciphertext: sealed, of: 'stream' })).toBe(false);
    // Handed over as a stream, a value still reads.
    const opened = await cipher.decryptStream({ ciphertext: streamOf(sealed) });
    expect(decoder.decode(await readAll(opened))).toBe(SUBJECT);
  });

  it('reads values of the older public-key format, and says they need rewriting', async () => {
    const { cipher, old } = pair();
    const before = await old.encryptBytes({ plaintext: encoder.encode(SUBJECT) });
    expect(before[0]).toBe(0xc1); // PKESK: the chunk format
    expect(decoder.decode(await cipher.decryptBytes({ ciphertext: before }))).toBe(SUBJECT);
    expect(await cipher.isUnderPrimaryKey({ ciphertext: before, of: 'value' })).toBe(false);
    // The same bytes as a stream's first chunk are under the primary key, as before.
    expect(await cipher.isUnderPrimaryKey({ ciphertext: before, of: 'stream' })).toBe(true);
    // Without a store, values stay in the older format and field-key values cannot be read.
    const sealed = await cipher.encryptBytes({ plaintext: encoder.encode('new') });
    expect(await errorOf(old.decryptBytes({ ciphertext: sealed }))).toBeInstanceOf(KeyNotFound);
  });

  it('detects every changed byte, and a changed key id, and releases nothing', async () => {
    const { cipher } = pair();
    const sealed = await cipher.encryptBytes({ plaintext: encoder.encode(SUBJECT) });
    // Past the SKESK (14 bytes) every byte is covered by the MDC or frames it.
    for (let at = 14; at < sealed.byteLength; at++) {
      const changed = Uint8Array.from(sealed);
      changed[at] = (changed[at] as number) ^ 0x01;
      const error = await errorOf(cipher.decryptBytes({ ciphertext: changed }));
      expect(error, `byte ${at}`).toBeInstanceOf(at < 20 ? Error : IntegrityFailed);
    }
    const otherId = Uint8Array.from(sealed);
    otherId[8] = (otherId[8] as number) ^ 0x01; // inside the salt: another field key's id
    expect(await errorOf(cipher.decryptBytes({ ciphertext: otherId }))).toBeInstanceOf(KeyNotFound);
    const otherS2k = Uint8Array.from(sealed);
    otherS2k[4] = 3; // iterated S2K: not what Sealpost writes
    expect(await errorOf(cipher.decryptBytes({ ciphertext: otherS2k }))).toBeInstanceOf(
      DecryptFailed,
    );
    expect(
      await errorOf(cipher.decryptBytes({ ciphertext: sealed.subarray(0, sealed.byteLength - 1) })),
    ).toBeInstanceOf(IntegrityFailed);
  });

  it('makes a new field key at rotation; older values still read and are no longer current', async () => {
    const { cipher, store, old } = pair();
    const pkesk = await old.encryptBytes({ plaintext: encoder.encode('oldest') });
    const first = await cipher.encryptBytes({ plaintext: encoder.encode('before') });
    await cipher.rotateKey();
    const second = await cipher.encryptBytes({ plaintext: encoder.encode('after') });
    expect(store.keys).toHaveLength(2);
    expect(readFieldKeyId(second)).toBe(store.keys[1]?.id);
    expect(readRecipientKeyId(store.keys[1]?.wrapped as Uint8Array)).not.toBe(
      readRecipientKeyId(store.keys[0]?.wrapped as Uint8Array),
    );
    expect(await cipher.isUnderPrimaryKey({ ciphertext: first, of: 'value' })).toBe(false);
    expect(await cipher.isUnderPrimaryKey({ ciphertext: second, of: 'value' })).toBe(true);
    for (const [value, text] of [
      [pkesk, 'oldest'],
      [first, 'before'],
      [second, 'after'],
    ] as const) {
      expect(decoder.decode(await cipher.decryptBytes({ ciphertext: value }))).toBe(text);
    }
  });

  it('finds a field key another process made after this one loaded the table', async () => {
    const { cipher, store, keysDir } = pair();
    const early = await cipher.encryptBytes({ plaintext: encoder.encode('a') });
    // Another process rotates (`sealpost keys rotate` from the CLI) and writes a value.
    const other = testCipher({ keysDir, fieldKeys: store });
    await other.rotateKey();
    const late = await other.encryptBytes({ plaintext: encoder.encode('b') });
    expect(store.keys).toHaveLength(2);
    expect(decoder.decode(await cipher.decryptBytes({ ciphertext: late }))).toBe('b');
    expect(decoder.decode(await other.decryptBytes({ ciphertext: early }))).toBe('a');
    // Once it sees the new primary key, this process uses the other's field key too.
    const fieldKeyOfLate = readFieldKeyId(late);
    await expect
      .poll(
        async () => readFieldKeyId(await cipher.encryptBytes({ plaintext: new Uint8Array() })),
        {
          timeout: 5_000,
          interval: 250,
        },
      )
      .toBe(fieldKeyOfLate);
    expect(store.keys).toHaveLength(2);
  });

  it('fails with KeyNotFound when the org key a field key is wrapped to is gone', async () => {
    const { cipher, store } = pair();
    const sealed = await cipher.encryptBytes({ plaintext: encoder.encode('x') });
    // The same database with another installation's keyring (a wrong restore).
    const stranger = testCipher({ fieldKeys: store });
    expect(await errorOf(stranger.decryptBytes({ ciphertext: sealed }))).toBeInstanceOf(
      KeyNotFound,
    );
    expect(await errorOf(stranger.unwrapFieldKeys())).toBeInstanceOf(KeyNotFound);
    expect(await cipher.unwrapFieldKeys()).toBe(1);
  });
});
