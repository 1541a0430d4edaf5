import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countCases, runsFor } from './support/counts.ts';
import { hostileMail, intakeOne } from './support/oracles.ts';

/**
 * The SMTP intake's MIME reading (adapters/gateway/parse-mail.ts) against malformed,
 * deeply nested and repetitive mail: every message is read or refused with a plain
 * reason, never a crash, never a hang. CI reads a few thousand; the long run
 * (test/security/long/mime-fuzz.ts) reads a hundred thousand.
 */
describe('fuzz: MIME intake', () => {
  it('reads or refuses every malformed message, without a crash or a hang', async ({ task }) => {
    const runs = runsFor(2_000);
    const outcomes = { read: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(hostileMail, async (raw) => {
        outcomes[await intakeOne(raw)] += 1;
      }),
      { numRuns: runs },
    );
    expect(outcomes.read + outcomes.refused).toBe(runs);
    countCases(task, 'fuzz: malformed MIME messages', runs);
  });

  it('reads a message nested 2,000 deep, or refuses it, in bounded time', async ({ task }) => {
    let inner = 'Content-Type: text/plain\r\n\r\nhello\r\n';
    for (let level = 2_000; level > 0; level--) {
      inner = `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n${inner}\r\n--b${level}--\r\n`;
    }
    const started = performance.now();
    await intakeOne(Buffer.from(`From: a@council.test\r\n${inner}`), 30_000);
    expect(performance.now() - started).toBeLessThan(30_000);
    countCases(task, 'fuzz: malformed MIME messages', 1);
  });
});
