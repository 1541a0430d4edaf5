// The long run of the MIME intake fuzz (docs/security/long-runs.md): a hundred
// thousand malformed, deeply nested or repetitive messages by default, read as the
// SMTP gateway reads them (test/security/fuzz-mime.test.ts runs the same in CI, fewer).
// Exits 1 on a crash or a hang, with the message that caused it.
//
//   node --import tsx test/security/long/mime-fuzz.ts [--runs=100000] [--seed=N]

import fc from 'fast-check';
import { hostileMail, intakeOne } from '../support/oracles.ts';
import { count, readOptions } from './args.ts';

const options = readOptions('mime-fuzz.ts', { runs: 100_000, seed: Date.now() % 2 ** 31 });
const started = performance.now();
const outcomes = { read: 0, refused: 0 };

const result = await fc.check(
  fc.asyncProperty(hostileMail, async (raw) => {
    outcomes[await intakeOne(raw)] += 1;
    const done = outcomes.read + outcomes.refused;
    if (done % 10_000 === 0) {
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`  ${count(done)} messages, ${seconds.toFixed(0)} s\n`);
    }
  }),
  { numRuns: options.runs, seed: options.seed },
);

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (result.failed) {
  const raw = result.counterexample?.[0];
  process.stdout.write(
    `FAILED after ${count(result.numRuns)} messages (seed ${options.seed}): ${String(result.errorInstance)}\n${raw ? JSON.stringify(raw.toString('latin1').slice(0, 2_000)) : ''}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `MIME intake: ${count(result.numRuns)} malformed messages, ${count(outcomes.read)} read and ${count(outcomes.refused)} refused, no crash, no hang (seed ${options.seed}, ${seconds} s)\n`,
);
