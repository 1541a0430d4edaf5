import { describe, expect, it } from 'vitest';
import type { Scanner, ScanResult } from '../../core/gateway/ports.ts';
import { TemporaryFailure } from '../../core/shared/errors.ts';

const encoder = new TextEncoder();

/**
 * The EICAR anti-virus test file (68 bytes), which every scanner reports as a threat.
 * Put together at run time, so this source file is not itself quarantined.
 */
export function eicarBytes(): Uint8Array {
  const parts = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-', 'TEST-FILE!$H+H*'];
  return encoder.encode(parts.join(''));
}

/** A stream of `bytes` in pieces of the given sizes (cycled); `read()` says how much was pulled. */
function pieces(bytes: Uint8Array, sizes: number[]) {
  let at = 0;
  let turn = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      const size = sizes[turn++ % sizes.length] as number;
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
  return { stream, read: () => Math.min(at, bytes.byteLength) };
}

/** `total` bytes of one repeated printable pattern, pulled lazily in `chunk` pieces. */
function large(total: number, chunk: number) {
  let sent = 0;
  const block = encoder.encode('All clean: nothing to see in this large file. '.repeat(2000));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(chunk, total - sent, block.byteLength);
      controller.enqueue(block.slice(0, size));
      sent += size;
    },
  });
  return { stream, read: () => sent };
}

/** Sends `first`, then fails as an interrupted upload does. */
function failing(first: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new Error('upload interrupted'));
      sent = true;
      controller.enqueue(first);
    },
  });
}

function expectThreat(result: ScanResult): void {
  expect(result.clean).toBe(false);
  if (!result.clean) {
    expect(result.threat).toBeTypeOf('string');
    expect(result.threat.trim()).not.toBe('');
    // The threat name is shown to the sender and logged: one line.
    expect(result.threat).not.toMatch(/[\r\n]/);
  }
}

/** Settles `work` within `ms`, or fails the test saying the scanner hung. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the scanner did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of the scanner suite. */
export type ScannerContractOptions = {
  /**
   * A scanner of the same kind whose engine is not there (nothing listening on its
   * port): it must throw TemporaryFailure, never call a file clean. Skipped when absent.
   */
  unavailable?: () => Scanner | Promise<Scanner>;
  /** Bytes this scanner must find; the EICAR test file by default. */
  infected?: Uint8Array;
  /** Size of the large clean file, read to its end (default 8 MiB). */
  largeBytes?: number;
  /** Longest a scan that must fail may take to fail (default 10 s). */
  settleMs?: number;
};

/**
 * The promises every Scanner (core/gateway/ports.ts) keeps. Clean bytes are clean
 * (`{ clean: true }` exactly), in any chunking, empty or large, and the whole stream is
 * read; the EICAR test file is found, however it is cut, with a one-line threat name;
 * scans side by side do not mix up their verdicts. It fails closed: a content stream
 * that breaks makes the scan fail (promptly, so the upload's error is not held up), and
 * a scanner whose engine is down throws TemporaryFailure, never `clean`. A failed scan
 * leaves the scanner fit for the next one.
 */
export function scannerContract(
  name: string,
  create: () => Scanner | Promise<Scanner>,
  options: ScannerContractOptions = {},
): void {
  const infected = options.infected ?? eicarBytes();
  const largeBytes = options.largeBytes ?? 8 * 1024 * 1024;
  const settleMs = options.settleMs ?? 10_000;
  const clean = encoder.encode('Dear resident,\nPlease find your council tax letter attached.\n');

  describe(`Scanner contract: ${name}`, () => {
    it('has a short name fit for logs', async () => {
      const scanner = await create();
      expect(scanner.name).toMatch(/^[a-z0-9][a-z0-9._-]{0,63}$/i);
    });

    it('calls ordinary text clean', async () => {
      const scanner = await create();
      expect(await scanner.scan({ content: pieces(clean, [clean.byteLength]).stream })).toEqual({
        clean: true,
      });
    });

    it('calls clean binary clean, in pieces of any size', async () => {
      const scanner = await create();
      const bytes = new Uint8Array(300_000).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
      const { stream, read } = pieces(bytes, [1, 4095, 65_537, 13]);
      expect(await scanner.scan({ content: stream })).toEqual({ clean: true });
      expect(read()).toBe(bytes.byteLength);
    });

    it('calls an empty file clean', async () => {
      const scanner = await create();
      const empty = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      expect(await scanner.scan({ content: empty })).toEqual({ clean: true });
    });

    it('reads a large clean file to its end and calls it clean', async () => {
      const scanner = await create();
      const { stream, read } = large(largeBytes, 256 * 1024);
      expect(await scanner.scan({ content: stream })).toEqual({ clean: true });
      expect(read()).toBe(largeBytes);
    }, 60_000);

    it('finds the test virus in one piece', async () => {
      const scanner = await create();
      expectThreat(await scanner.scan({ content: pieces(infected, [infected.byteLength]).stream }));
    });

    it('finds the test virus however the stream cuts it', async () => {
      const scanner = await create();
      for (const sizes of [[1], [3, 5, 7], [infected.byteLength - 1]]) {
        expectThreat(await scanner.scan({ content: pieces(infected, sizes).stream }));
      }
    });

    it('keeps the verdicts of scans side by side apart', async () => {
      const scanner = await create();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          scanner.scan({ content: pieces(i % 2 ? infected : clean, [16]).stream }),
        ),
      );
      for (const [i, result] of results.entries()) {
        if (i % 2) expectThreat(result);
        else expect(result).toEqual({ clean: true });
      }
    });

    it('fails, promptly and never clean, when the file stream breaks', async () => {
      const scanner = await create();
      const outcome = await within(
        settleMs,
        scanner.scan({ content: failing(clean) }).then(
          (result) => ({ settled: 'resolved' as const, result }),
          (error: unknown) => ({ settled: 'rejected' as const, error }),
        ),
      );
      expect(outcome.settled).toBe('rejected');
      // And the scanner still works.
      expect(await scanner.scan({ content: pieces(clean, [8]).stream })).toEqual({ clean: true });
    });

    if (options.unavailable)
      it('throws TemporaryFailure, never clean, when the scanner is down', async () => {
        const down = await (options.unavailable as () => Scanner | Promise<Scanner>)();
        for (const bytes of [clean, infected, new Uint8Array()]) {
          const scan = down.scan({ content: pieces(bytes, [bytes.byteLength || 1]).stream });
          await expect(within(settleMs, scan)).rejects.toBeInstanceOf(TemporaryFailure);
        }
      });
  });
}
