// The long run of the HTML sanitiser fuzz (docs/security/long-runs.md): a million
// generated hostile inputs by default, the same generator and oracle as CI's
// test/security/fuzz-sanitiser.test.ts. Exits 1 with the input that got through.
//
//   node --import tsx test/security/long/sanitiser-fuzz.ts [--runs=1000000] [--seed=N]

import fc from 'fast-check';
import { sanitiseMessageHtml } from '../../../adapters/html/sanitise-html.ts';
import { hostileHtml, sanitiserProblem } from '../support/oracles.ts';
import { count, readOptions } from './args.ts';

const options = readOptions('sanitiser-fuzz.ts', { runs: 1_000_000, seed: Date.now() % 2 ** 31 });
const started = performance.now();
let done = 0;

const result = fc.check(
  fc.property(hostileHtml, (input) => {
    const output = sanitiseMessageHtml(input);
    const problem = sanitiserProblem(output) ?? sanitiserProblem(sanitiseMessageHtml(output));
    done += 1;
    if (done % 100_000 === 0) {
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`  ${count(done)} inputs, ${seconds.toFixed(0)} s\n`);
    }
    if (problem) throw new Error(`${problem}\n  input:  ${input}\n  output: ${output}`);
  }),
  { numRuns: options.runs, seed: options.seed },
);

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (result.failed) {
  process.stdout.write(
    `FAILED after ${count(result.numRuns)} inputs (seed ${options.seed}, path ${result.counterexamplePath}):\n${String(result.errorInstance)}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `HTML sanitiser: ${count(result.numRuns)} generated inputs, no script survived (seed ${options.seed}, ${seconds} s)\n`,
);
