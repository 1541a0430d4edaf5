import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { chunkOffsets, testCipher } from '../crypto/support.ts';
import { countCases, runsFor } from './support/counts.ts';
import { bitFlips, expectNothingReleased, flipped } from './support/oracles.ts';

const cipher = testCipher({ chunkSize: 64 });
/**
 * Stored ciphertext with bits flipped anywhere (session key packet, headers, body,
 * MDC): decryption fails with a typed error and releases no plaintext of a damaged
 * chunk. CI flips 10,000 times over a small message; the long run
 * (test/security/long/bitflip-fuzz.ts) does many more.
 */
describe('fuzz: ciphertext bit-flips', () => {
  it('releases nothing from a one-chunk message with any bits flipped', async ({ task }) => {
    const plaintext = new TextEncoder().encode('Safeguarding note');
    const sealed = await cipher.encryptBytes({ plaintext });
    expect(await cipher.decryptBytes({ ciphertext: sealed })).toEqual(plaintext);
    const runs = runsFor(10_000);
    await fc.assert(
      fc.asyncProperty(bitFlips(sealed.byteLength), async (flips) => {
        await expectNothingReleased(cipher, flipped(sealed, flips));
      }),
      { numRuns: runs },
    );
    countCases(task, 'fuzz: ciphertext bit-flips', runs);
  });

  it('releases only whole chunks before the damage in a many-chunk message', async ({ task }) => {
    const original = new Uint8Array(64 * 3 + 7).map((_, i) => i % 251);
    const sealed = await readAll(await cipher.encryptStream({ plaintext: streamOf(original) }));
    const offsets = chunkOffsets(sealed);
    const runs = runsFor(1_000);
    await fc.assert(
      fc.asyncProperty(bitFlips(sealed.byteLength), async (flips) => {
        const first = Math.min(...flips.map(([at]) => at));
        const intact = offsets.filter((end) => end <= first).length - 1;
        await expectNothingReleased(cipher, flipped(sealed, flips), intact * 64);
      }),
      { numRuns: runs },
    );
    countCases(task, 'fuzz: ciphertext bit-flips', runs);
  });
});
