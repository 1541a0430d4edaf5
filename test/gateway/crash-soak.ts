// The long crash run: `node --import tsx test/gateway/crash-soak.ts --kills 500 --messages 2000`.
// The same test as test/gateway/crash.test.ts (which CI runs with 50 kills), for as
// long as you like. Exits 1 if any acknowledged message is missing, duplicated or partial.
import { parseArgs } from 'node:util';
import { runCrashTest } from './support/crash-harness.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '500' },
    messages: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '4' },
  },
});
const report = await runCrashTest({
  kills: Number(values.kills),
  minMessages: Number(values.messages),
  clients: Number(values.clients),
  log: (line) => console.log(line),
});
console.log(JSON.stringify({ ...report, problems: report.problems.length }, null, 2));
for (const problem of report.problems) console.error(`PROBLEM: ${problem}`);
process.exitCode = report.problems.length === 0 ? 0 : 1;
