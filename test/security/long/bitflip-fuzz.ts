// The long run of the ciphertext bit-flip fuzz (docs/security/long-runs.md): 200,000
// damaged ciphertexts by default, a one-chunk message and a many-chunk one, with the
// same oracle as CI's test/security/fuzz-ciphertext.test.ts. Exits 1 if any damaged
// chunk released a byte of plaintext.
//
//   node --import tsx test/security/long/bitflip-fuzz.ts [--runs=200000] [--seed=N]

import fc from 'fast-check';
import { readAll, streamOf } from '../../../core/shared/streams.ts';
import { chunkOffsets, testCipher } from '../../crypto/support.ts';
import { bitFlips, expectNothingReleased, flipped } from '../support/oracles.ts';
import { count, readOptions } from './args.ts';

const options = readOptions('bitflip-fuzz.ts', { runs: 200_000, seed: Date.now() % 2 ** 31 });
const CHUNK = 64;
const cipher = testCipher({ chunkSize: CHUNK });
const small = await cipher.encryptBytes({
  plaintext: new TextEncoder().encode('Safeguarding note'),
});
const long = await readAll(
  await cipher.encryptStream({
    plaintext: streamOf(new Uint8Array(CHUNK * 5 + 3).map((_, i) => i % 251)),
  }),
);
const offsets = chunkOffsets(long);
const started = performance.now();
let done = 0;

const flip = fc.oneof(
  bitFlips(small.byteLength).map((flips) => ({ sealed: small, flips, allowed: 0 })),
  bitFlips(long.byteLength).map((flips) => {
    const first = Math.min(...flips.map(([at]) => at));
    const intact = offsets.filter((end) => end <= first).length - 1;
    return { sealed: long, flips, allowed: intact * CHUNK };
  }),
);

const result = await fc.check(
  fc.asyncProperty(flip, async ({ sealed, flips, allowed }) => {
    await expectNothingReleased(cipher, flipped(sealed, flips), allowed);
    done += 1;
    if (done % 20_000 === 0) {
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`  ${count(done)} flips, ${seconds.toFixed(0)} s\n`);
    }
  }),
  { numRuns: options.runs, seed: options.seed },
);

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (result.failed) {
  process.stdout.write(
    `FAILED after ${count(result.numRuns)} flips (seed ${options.seed}): ${String(result.errorInstance)}\n${JSON.stringify(result.counterexample)}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `Ciphertext: ${count(result.numRuns)} bit-flipped ciphertexts, no plaintext of a damaged chunk released (seed ${options.seed}, ${seconds} s)\n`,
);
