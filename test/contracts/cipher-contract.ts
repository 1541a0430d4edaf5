import { describe, expect, it } from 'vitest';
import { DecryptFailed, IntegrityFailed, KeyNotFound } from '../../core/crypto/errors.ts';
import type { Cipher } from '../../core/crypto/ports.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { digestOf, patternBytes, streamInPieces } from './blob-store-contract.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function encrypt(cipher: Cipher, bytes: Uint8Array): Promise<Uint8Array> {
  return readAll(await cipher.encryptStream({ plaintext: streamInPieces(bytes, [65_536, 1000]) }));
}

async function decrypt(cipher: Cipher, bytes: Uint8Array): Promise<Uint8Array> {
  return readAll(await cipher.decryptStream({ ciphertext: streamInPieces(bytes, [4096, 333]) }));
}

/** Resolves with the error a decryption ends in, whether the call or the stream fails. */
async function decryptError(cipher: Cipher, bytes: Uint8Array): Promise<unknown> {
  try {
    await decrypt(cipher, bytes);
  } catch (error) {
    return error;
  }
  return null;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle));
}

/**
 * The Cipher contract (core/crypto/ports.ts). Every Cipher adapter, and any fake core
 * tests use, runs it. `makeCipher` returns a cipher over a new, empty keyring each
 * time, so two calls give two keyrings that cannot read each other's data.
 */
export function cipherContract(name: string, makeCipher: () => Promise<Cipher>): void {
  describe(`Cipher contract: ${name}`, () => {
    it('round-trips a stream, from empty to several MiB in odd-sized pieces', async () => {
      const cipher = await makeCipher();
      for (const size of [0, 1, 1000, 1024 * 1024, 2 * 1024 * 1024 + 3]) {
        const plain = patternBytes(size, size + 1);
        const sealed = await encrypt(cipher, plain);
        expect(digestOf(await decrypt(cipher, sealed))).toBe(digestOf(plain));
      }
    });

    it('never stores plaintext, and never the same ciphertext twice', async () => {
      const cipher = await makeCipher();
      const plain = encoder.encode('Your care plan review is on Tuesday. '.repeat(20));
      const a = await encrypt(cipher, plain);
      const b = await encrypt(cipher, plain);
      expect(contains(a, encoder.encode('care plan'))).toBe(false);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
      const small = await cipher.encryptBytes({ plaintext: encoder.encode('Subject: care plan') });
      expect(contains(small, encoder.encode('care plan'))).toBe(false);
    });

    it('round-trips small values, empty included', async () => {
      const cipher = await makeCipher();
      for (const value of [
        '',
        'a',
        'Re: Housing application 2024/117 \u2013 \u00e9t\u00e9 \ud83d\udce8',
      ]) {
        const sealed = await cipher.encryptBytes({ plaintext: encoder.encode(value) });
        expect(decoder.decode(await cipher.decryptBytes({ ciphertext: sealed }))).toBe(value);
      }
      // Values and streams are the same kind of message.
      const sealed = await cipher.encryptBytes({ plaintext: encoder.encode('both ways') });
      expect(decoder.decode(await decrypt(cipher, sealed))).toBe('both ways');
    });

    it('refuses data that is not its ciphertext with DecryptFailed', async () => {
      const cipher = await makeCipher();
      for (const junk of [new Uint8Array(0), encoder.encode('hello'), patternBytes(5000)]) {
        await expect(cipher.decryptBytes({ ciphertext: junk })).rejects.toBeInstanceOf(
          DecryptFailed,
        );
        expect(await decryptError(cipher, junk)).toBeInstanceOf(DecryptFailed);
      }
    });

    it('detects a changed byte and releases nothing of a one-chunk message', async () => {
      const cipher = await makeCipher();
      const sealed = await cipher.encryptBytes({ plaintext: encoder.encode('do not alter') });
      for (const at of [sealed.byteLength - 1, sealed.byteLength - 30, sealed.byteLength >> 1]) {
        const tampered = Uint8Array.from(sealed);
        tampered[at] = (tampered[at] as number) ^ 0x01;
        await expect(cipher.decryptStream({ ciphertext: streamOf(tampered) })).rejects.toSatisfy(
          (error) => error instanceof IntegrityFailed || error instanceof DecryptFailed,
        );
      }
    });

    it('detects truncation', async () => {
      const cipher = await makeCipher();
      const sealed = await encrypt(cipher, patternBytes(50_000));
      for (const keep of [sealed.byteLength - 1, sealed.byteLength - 22, 200, 1]) {
        const error = await decryptError(cipher, sealed.slice(0, keep));
        expect(error instanceof IntegrityFailed || error instanceof DecryptFailed).toBe(true);
      }
    });

    it('fails with KeyNotFound for data of another keyring', async () => {
      const ours = await makeCipher();
      const theirs = await makeCipher();
      const sealed = await theirs.encryptBytes({ plaintext: encoder.encode('not for you') });
      await expect(ours.decryptBytes({ ciphertext: sealed })).rejects.toBeInstanceOf(KeyNotFound);
    });

    it('passes an error of the plaintext stream on to the ciphertext stream', async () => {
      const cipher = await makeCipher();
      let sent = false;
      const broken = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) controller.error(new Error('upload cut off'));
          sent = true;
          controller.enqueue(new Uint8Array(10));
        },
      });
      await expect(readAll(await cipher.encryptStream({ plaintext: broken }))).rejects.toThrow(
        'upload cut off',
      );
    });

    it('lists one primary key first, and rotates to a new one that old data survives', async () => {
      const cipher = await makeCipher();
      const [first, ...others] = await cipher.listKeys();
      expect(others).toEqual([]);
      expect(first?.isPrimary).toBe(true);
      expect(first?.fingerprint).toMatch(/^[0-9a-f]{40,64}$/);
      expect(first?.createdAt).toBeInstanceOf(Date);

      const oldValue = await cipher.encryptBytes({ plaintext: encoder.encode('before') });
      const oldStream = await encrypt(cipher, patternBytes(70_000));
      expect(await cipher.isUnderPrimaryKey({ ciphertext: oldValue, of: 'value' })).toBe(true);
      expect(
        await cipher.isUnderPrimaryKey({ ciphertext: oldStream.slice(0, 64), of: 'stream' }),
      ).toBe(true);

      const rotated = await cipher.rotateKey();
      expect(rotated.isPrimary).toBe(true);
      expect(rotated.fingerprint).not.toBe(first?.fingerprint);
      const keys = await cipher.listKeys();
      expect(keys.map((k) => [k.fingerprint, k.isPrimary])).toEqual([
        [rotated.fingerprint, true],
        [first?.fingerprint, false],
      ]);

      expect(await cipher.isUnderPrimaryKey({ ciphertext: oldValue, of: 'value' })).toBe(false);
      expect(
        await cipher.isUnderPrimaryKey({ ciphertext: oldStream.slice(0, 64), of: 'stream' }),
      ).toBe(false);
      expect(decoder.decode(await cipher.decryptBytes({ ciphertext: oldValue }))).toBe('before');
      expect(digestOf(await decrypt(cipher, oldStream))).toBe(digestOf(patternBytes(70_000)));
      const newValue = await cipher.encryptBytes({ plaintext: encoder.encode('after') });
      expect(await cipher.isUnderPrimaryKey({ ciphertext: newValue, of: 'value' })).toBe(true);
    });

    it('says a value that is not its ciphertext is not under the primary key', async () => {
      const cipher = await makeCipher();
      expect(await cipher.isUnderPrimaryKey({ ciphertext: new Uint8Array(0), of: 'value' })).toBe(
        false,
      );
      expect(
        await cipher.isUnderPrimaryKey({ ciphertext: encoder.encode('plain'), of: 'value' }),
      ).toBe(false);
    });
  });
}
