import { describe, expect, it } from 'vitest';
import { DecryptFailed, IntegrityFailed } from '../../core/crypto/errors.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { patternBytes, streamInPieces } from '../contracts/blob-store-contract.ts';
import { chunkOffsets, decryptReleasing, splitChunks, testCipher } from './support.ts';

const CHUNK = 64;

function isTamperError(error: unknown): boolean {
  return error instanceof IntegrityFailed || error instanceof DecryptFailed;
}

function flipped(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] = (copy[at] as number) ^ mask;
  return copy;
}

/** Which chunk the byte at `at` belongs to. */
function chunkAt(offsets: number[], at: number): number {
  let index = 0;
  while ((offsets[index + 1] as number) <= at) index += 1;
  return index;
}

// Integrity before release: whatever is changed, removed, added or moved, decryption
// fails with a typed error, and what it released before failing is exactly a prefix
// of the original made of whole chunks that came before the damage.
describe('tampering with stored ciphertext', () => {
  it('is caught at every byte of a one-chunk message, and nothing is released', async () => {
    const cipher = testCipher();
    const sealed = await cipher.encryptBytes({ plaintext: new TextEncoder().encode('secret!') });
    for (let at = 0; at < sealed.byteLength; at++) {
      for (const mask of [0x01, 0x80]) {
        const { released, error } = await decryptReleasing(
          cipher,
          streamOf(flipped(sealed, at, mask)),
        );
        expect(isTamperError(error), `byte ${at} mask ${mask}: ${String(error)}`).toBe(true);
        expect(released.byteLength, `byte ${at}`).toBe(0);
      }
    }
  });

  it('is caught at every byte of a many-chunk message, releasing only chunks before it', async () => {
    const cipher = testCipher({ chunkSize: CHUNK });
    const original = Buffer.from(patternBytes(CHUNK * 4 + 10, 5));
    const sealed = await readAll(await cipher.encryptStream({ plaintext: streamOf(original) }));
    const offsets = chunkOffsets(sealed);
    expect(offsets).toHaveLength(6); // 5 chunks
    for (let at = 0; at < sealed.byteLength; at++) {
      const { released, error } = await decryptReleasing(
        cipher,
        streamInPieces(flipped(sealed, at), [100, 7]),
      );
      expect(isTamperError(error), `byte ${at}: ${String(error)}`).toBe(true);
      const damaged = chunkAt(offsets, at);
      expect(released.byteLength, `byte ${at}`).toBeLessThanOrEqual(damaged * CHUNK);
      expect(released.byteLength % CHUNK, `byte ${at}`).toBe(0);
      expect(original.subarray(0, released.byteLength).equals(released), `byte ${at}`).toBe(true);
    }
  });

  it('is caught in a later 1 MiB chunk after the earlier ones were released', async () => {
    const cipher = testCipher();
    const original = Buffer.from(patternBytes(3 * 1024 * 1024 - 5, 6));
    const sealed = await readAll(await cipher.encryptStream({ plaintext: streamOf(original) }));
    const offsets = chunkOffsets(sealed);
    expect(offsets).toHaveLength(4);
    for (const at of [
      offsets[1] as number,
      (offsets[2] as number) - 1,
      (offsets[2] as number) + 500_000,
    ]) {
      const { released, error } = await decryptReleasing(cipher, streamOf(flipped(sealed, at)));
      expect(error).toBeInstanceOf(IntegrityFailed);
      expect(released.byteLength).toBe(chunkAt(offsets, at) * 1024 * 1024);
      expect(original.subarray(0, released.byteLength).equals(released)).toBe(true);
    }
  });

  it('catches truncation anywhere, also exactly between two chunks', async () => {
    const cipher = testCipher({ chunkSize: CHUNK });
    const original = Buffer.from(patternBytes(CHUNK * 3 + 1, 8));
    const sealed = await readAll(await cipher.encryptStream({ plaintext: streamOf(original) }));
    const offsets = chunkOffsets(sealed);
    for (let keep = 0; keep < sealed.byteLength; keep++) {
      const { released, error } = await decryptReleasing(cipher, streamOf(sealed.slice(0, keep)));
      expect(isTamperError(error), `keep ${keep}`).toBe(true);
      expect(original.subarray(0, released.byteLength).equals(released)).toBe(true);
    }
    for (const [complete, boundary] of offsets.slice(1, -1).entries()) {
      const { released, error } = await decryptReleasing(
        cipher,
        streamOf(sealed.slice(0, boundary)),
      );
      expect(error).toBeInstanceOf(IntegrityFailed);
      expect((error as Error).message).toContain('ends early');
      expect(released.byteLength).toBe((complete + 1) * CHUNK);
    }
  });

  it('catches chunks reordered, repeated or dropped', async () => {
    const cipher = testCipher({ chunkSize: CHUNK });
    const original = Buffer.from(patternBytes(CHUNK * 4 + 3, 9));
    const sealed = await readAll(await cipher.encryptStream({ plaintext: streamOf(original) }));
    const [c0, c1, c2, c3, c4] = splitChunks(sealed) as Buffer[];
    const cases: [string, Buffer[], number][] = [
      ['swapped', [c0, c2, c1, c3, c4], 1],
      ['repeated', [c0, c1, c1, c2, c3, c4], 2],
      ['dropped', [c0, c1, c3, c4], 2],
      ['first moved last', [c1, c2, c3, c4, c0], 0],
      ['last chunk dropped', [c0, c1, c2, c3], 4],
      ['final chunk early', [c0, c4], 1],
    ] as [string, Buffer[], number][];
    for (const [name, chunks, goodChunks] of cases) {
      const { released, error } = await decryptReleasing(cipher, streamOf(Buffer.concat(chunks)));
      expect(isTamperError(error), name).toBe(true);
      expect(released.byteLength, name).toBe(goodChunks * CHUNK);
      expect(original.subarray(0, released.byteLength).equals(released), name).toBe(true);
    }
  });

  it('catches chunks spliced in from another blob, even one of the same plaintext', async () => {
    const cipher = testCipher({ chunkSize: CHUNK });
    const original = Buffer.from(patternBytes(CHUNK * 3, 10));
    const a = splitChunks(
      await readAll(await cipher.encryptStream({ plaintext: streamOf(original) })),
    );
    const b = splitChunks(
      await readAll(await cipher.encryptStream({ plaintext: streamOf(original) })),
    );
    const spliced = Buffer.concat([a[0] as Buffer, b[1] as Buffer, a[2] as Buffer]);
    const { released, error } = await decryptReleasing(cipher, streamOf(spliced));
    expect(error).toBeInstanceOf(IntegrityFailed);
    expect(released.byteLength).toBe(CHUNK);
    // Chunk 1 of B with A's session key packet put in front: its MDC fails.
    const pkeskLength = (b[1] as Buffer).indexOf(Buffer.from([0xd2, 0xff])) as number;
    const disguised = Buffer.concat([
      (a[0] as Buffer).subarray(0, pkeskLength),
      (b[1] as Buffer).subarray(pkeskLength),
    ]);
    const second = await decryptReleasing(
      cipher,
      streamOf(Buffer.concat([a[0] as Buffer, disguised, a[2] as Buffer])),
    );
    expect(second.error).toBeInstanceOf(IntegrityFailed);
    expect(second.released.byteLength).toBe(CHUNK);
  });

  it('does not release the last chunk when anything follows it', async () => {
    const cipher = testCipher({ chunkSize: CHUNK });
    const original = Buffer.from(patternBytes(CHUNK * 2 + 5, 12));
    const sealed = Buffer.from(
      await readAll(await cipher.encryptStream({ plaintext: streamOf(original) })),
    );
    const chunks = splitChunks(sealed);
    for (const extra of [Buffer.from([0]), chunks[2] as Buffer, Buffer.from('trailing junk')]) {
      const { released, error } = await decryptReleasing(
        cipher,
        streamOf(Buffer.concat([sealed, extra])),
      );
      expect(error).toBeInstanceOf(IntegrityFailed);
      expect(released.byteLength).toBe(2 * CHUNK);
    }
    const single = await cipher.encryptBytes({ plaintext: new Uint8Array([1, 2, 3]) });
    await expect(
      cipher.decryptBytes({ ciphertext: Buffer.concat([single, Buffer.from([0])]) }),
    ).rejects.toBeInstanceOf(IntegrityFailed);
  });
});
