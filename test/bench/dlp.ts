// `npm run bench:dlp`: how well DLP finds what it should on the two labelled sets:
// the main set in test/fixtures/dlp (written with the detectors, by its generate.ts)
// and the second set in test/fixtures/dlp/holdout, written apart from the detectors
// (then used to find their weaknesses, so no longer blind). Every mail goes through
// the real pipeline: readMail (MIME parsing, text extraction in the worker) -> the
// InboundMail the gateway builds -> each detector and policy. Prints three tables,
// the main set, the holdout and both together, each per detector and policy (TP,
// FP, FN, recall, precision), over all of them, and the gateway's encrypt/relay
// decision, with each set's misses by name; then the time to read a mail (p50,
// p99) and the slowest mails. Figures are reported, not asserted: it exits
// non-zero only when something crashes.

import { stopExtractWorkers } from '../../adapters/gateway/extract/extract-text.ts';
import {
  evaluateSet,
  type MailResult,
  missLines,
  SETS,
  scoreTable,
} from '../fixtures/dlp/evaluate.ts';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function print(lines: string[]): void {
  console.log(`${lines.join('\n')}\n`);
}

const started = performance.now();
const main = await evaluateSet(SETS.main.folder);
const holdout = await evaluateSet(SETS.holdout.folder);
const seconds = (performance.now() - started) / 1000;

print([...scoreTable('DLP main set (test/fixtures/dlp)', main), '', ...missLines(main)]);
print([
  ...scoreTable('DLP holdout set (test/fixtures/dlp/holdout)', holdout),
  '',
  ...missLines(holdout),
]);
const both: MailResult[] = [...main, ...holdout];
print(scoreTable('DLP both sets together', both));
console.log(
  '(decision: the gateway encrypts a mail that should be encrypted, all policies together)\n',
);

const times = both.map((r) => r.readMs).sort((a, b) => a - b);
console.log(
  `read time per mail (MIME + extraction): p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${(times.at(-1) ?? 0).toFixed(1)} ms; both sets ${seconds.toFixed(1)} s`,
);
console.log('slowest mails:');
for (const r of [...both].sort((a, b) => b.readMs - a.readMs).slice(0, 5)) {
  console.log(`  ${r.readMs.toFixed(1).padStart(8)} ms  ${r.label.file}`);
}
await stopExtractWorkers();
