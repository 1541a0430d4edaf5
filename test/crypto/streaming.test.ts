import { createHash, randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testCipher } from './support.ts';

const MiB = 1024 * 1024;
const TOTAL = 20 * MiB;
const PIECE = 64 * 1024;

/** A 20 MiB random source made on demand, counting and hashing what it handed out. */
function lazySource() {
  const state = { produced: 0, cancelled: false, hash: createHash('sha256') };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.produced >= TOTAL) {
          controller.close();
          return;
        }
        const piece = randomFillSync(new Uint8Array(Math.min(PIECE, TOTAL - state.produced)));
        state.hash.update(piece);
        state.produced += piece.byteLength;
        controller.enqueue(piece);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

// The cipher streams: it hands back a stream before it has read its input, and in
// between holds a few chunks, never the whole 20 MiB.
describe('streaming through the cipher', () => {
  it('round-trips 20 MiB through encrypt then decrypt, reading ahead only a few MiB', async () => {
    const cipher = testCipher();
    await cipher.listKeys(); // key set-up is not what this test measures
    const source = lazySource();

    const sealed = await cipher.encryptStream({ plaintext: source.stream });
    expect(source.state.produced).toBeLessThan(2 * MiB);
    const opened = await cipher.decryptStream({ ciphertext: sealed });
    // Decryption resolves once its first chunk is checked: a few chunks in, not all.
    expect(source.state.produced).toBeLessThan(8 * MiB);

    const out = createHash('sha256');
    let consumed = 0;
    let maxAhead = 0;
    for await (const piece of opened) {
      out.update(piece);
      consumed += piece.byteLength;
      maxAhead = Math.max(maxAhead, source.state.produced - consumed);
    }
    expect(consumed).toBe(TOTAL);
    expect(out.digest('hex')).toBe(source.state.hash.digest('hex'));
    // Chunks in flight on both sides plus one being read: bounded, far below 20 MiB.
    expect(maxAhead).toBeLessThan(12 * MiB);
  });

  it('stops reading the source when the reader stops', async () => {
    const cipher = testCipher();
    const source = lazySource();
    const opened = await cipher.decryptStream({
      ciphertext: await cipher.encryptStream({ plaintext: source.stream }),
    });
    const reader = opened.getReader();
    await reader.read();
    await reader.cancel();
    const producedAtCancel = source.state.produced;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.state.cancelled).toBe(true);
    expect(source.state.produced).toBe(producedAtCancel);
    expect(producedAtCancel).toBeLessThan(TOTAL);
  });
});
