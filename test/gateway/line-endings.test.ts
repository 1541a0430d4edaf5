import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineEndingNormaliser } from '../../adapters/gateway/line-endings.ts';

/** Runs the normaliser over `chunks` and joins what it gives. */
function normalise(chunks: Buffer[]): { out: string; rewritten: number } {
  const n = lineEndingNormaliser();
  const parts = chunks.map((c) => n.push(c));
  parts.push(n.end());
  return { out: Buffer.concat(parts).toString('latin1'), rewritten: n.rewritten };
}

/** The same rule on a whole string, for comparison. */
const reference = (s: string) => s.replace(/\r\n|\r|\n/g, '\r\n');

describe('lineEndingNormaliser', () => {
  it('leaves CRLF mail alone without copying it', () => {
    const chunk = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
    const n = lineEndingNormaliser();
    expect(n.push(chunk)).toBe(chunk);
    expect(n.end().length).toBe(0);
    expect(n.rewritten).toBe(0);
  });

  it('makes bare LF and bare CR into CRLF, the smuggling end markers included', () => {
    const { out, rewritten } = normalise([Buffer.from('a\nb\rc\r\n.\nd\n.\r\ne\r.\rf')]);
    expect(out).toBe('a\r\nb\r\nc\r\n.\r\nd\r\n.\r\ne\r\n.\r\nf');
    expect(rewritten).toBe(6);
  });

  it('handles a CR and its LF arriving in different chunks', () => {
    expect(normalise([Buffer.from('a\r'), Buffer.from('\nb\r'), Buffer.from('c\r')]).out).toBe(
      'a\r\nb\r\nc\r\n',
    );
  });

  it('gives the same bytes however the message is split into chunks', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '.', '\r', '\n', 'x', ' '), maxLength: 200 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 8 }),
        (s, cuts) => {
          const bytes = Buffer.from(s, 'latin1');
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort(
            (a, b) => a - b,
          );
          const chunks: Buffer[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(bytes.subarray(from, p));
            from = p;
          }
          chunks.push(bytes.subarray(from));
          const { out } = normalise(chunks);
          expect(out).toBe(reference(s));
          // No bare CR or LF is left anywhere.
          expect(/\r(?!\n)|(?<!\r)\n/.test(out)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
