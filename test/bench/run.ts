// `npm run bench`: every benchmark, one after another, each in its own process (so one
// cannot warm or load the next), then one table and bench-results.json at the
// repository root. `npm run bench -- portal scale` runs only those. A benchmark that
// crashes is recorded with its error and the others still run; the exit code is 1
// then, and 0 whenever every benchmark ran, whether or not its targets were met.

import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchReport, machineNow, REPORT_MARK } from './support/report.ts';
import { formatTable } from './support/table.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const OUTPUT = path.join(ROOT, 'bench-results.json');

/** Each benchmark and the most it may take before it is stopped. */
const BENCHMARKS: Array<{ name: string; limitS: number }> = [
  { name: 'crypto', limitS: 150 },
  { name: 'portal', limitS: 420 },
  { name: 'upload', limitS: 120 },
  { name: 'gateway', limitS: 240 },
  { name: 'scale', limitS: 420 },
  { name: 'weight', limitS: 60 },
  { name: 'sign-in', limitS: 120 },
  // The purge benchmark is newer than the rest: run when its file is there.
  ...(existsSync(path.join(HERE, 'purge.ts')) ? [{ name: 'purge', limitS: 420 }] : []),
];

type Outcome = { report: BenchReport | null; error: string | null; seconds: number };

/** Runs one benchmark, passing its output through, and picks out its report line. */
function runOne(name: string, limitS: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, `${name}.ts`)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let report: BenchReport | null = null;
    let pending = '';
    child.stdout.on('data', (data: Buffer) => {
      pending += data.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(REPORT_MARK)) report = JSON.parse(line.slice(REPORT_MARK.length));
        else process.stdout.write(`${line}\n`);
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const error = timedOut
        ? `stopped after ${limitS} s`
        : code !== 0
          ? `exited with ${code}`
          : report === null
            ? 'printed no report'
            : null;
      resolve({ report, error, seconds });
    });
  });
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown benchmark(s): ${unknown.join(', ')}. Choose from: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  const chosen = asked.length > 0 ? BENCHMARKS.filter((b) => asked.includes(b.name)) : BENCHMARKS;
  const started = performance.now();
  const machine = machineNow();
  const results: Record<string, BenchReport | { bench: string; error: string }> = {};
  const reports: BenchReport[] = [];
  for (const { name, limitS } of chosen) {
    process.stdout.write(`\n=== ${name}\n`);
    const outcome = await runOne(name, limitS);
    process.stdout.write(`=== ${name}: ${Math.round(outcome.seconds)} s\n`);
    if (outcome.report) reports.push(outcome.report);
    results[name] = outcome.error
      ? { bench: name, error: outcome.error, ...(outcome.report ?? {}) }
      : (outcome.report as BenchReport);
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  const figures = reports.flatMap((r) => r.figures);
  const unmet = reports.flatMap((r) =>
    r.figures.filter((f) => f.met === false).map((f) => `${r.bench}: ${f.name}`),
  );
  writeFileSync(
    OUTPUT,
    `${JSON.stringify(
      {
        ranAt: new Date().toISOString(),
        seconds,
        machine: { ...machine, loadAverageAtEnd: machineNow().loadAverage },
        node: process.version,
        summary: {
          figures: figures.length,
          met: figures.filter((f) => f.met === true).length,
          notMet: unmet,
        },
        benchmarks: results,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`\n${formatTable(reports)}\n\n`);
  // Every target once more, alone: the verdicts without the figures reported beside them.
  process.stdout.write(`Targets\n${formatTable(reports, { targetsOnly: true })}\n\n`);
  const failed = Object.values(results).filter((r) => 'error' in r);
  for (const r of failed) process.stdout.write(`${r.bench}: FAILED (${r.error})\n`);
  process.stdout.write(
    `${figures.filter((f) => f.met === true).length} targets met, ${unmet.length} not met; ` +
      `${seconds} s in all; written to ${path.relative(process.cwd(), OUTPUT) || OUTPUT}\n`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

await main();
