// The one shape every benchmark reports in, so `npm run bench` can gather them into one
// table and bench-results.json. A benchmark prints its report as a single line that
// starts with REPORT_MARK; anything else it prints is progress for a person to read.

import { availableParallelism, loadavg } from 'node:os';
import { formatTable } from './table.ts';

/** The prefix of the line that carries a benchmark's report. */
export const REPORT_MARK = 'BENCH-REPORT ';

/** One measured figure, with its peer from the same run where there is one. */
export type Figure = {
  /** What was measured, such as "inbox page". */
  name: string;
  /** The unit of `sealpost` and `peer`, such as "req/s", "ms" or "MB". */
  unit: string;
  /** Sealpost's figure. */
  sealpost: number;
  /** The peer's figure measured in the same run, or null for an absolute figure. */
  peer: number | null;
  /** Sealpost relative to the peer (higher is better for Sealpost), or null without one. */
  ratio: number | null;
  /** The target in words, such as ">= 0.6x" or "<= 20 ms". */
  target: string;
  /** Whether the target is met; null for a figure that is reported without a target. */
  met: boolean | null;
};

/** What one benchmark hands to the runner. */
export type BenchReport = {
  bench: string;
  figures: Figure[];
  /** Plain sentences: what limits a figure, what was left out and why. */
  notes: string[];
  /** The machine at the time: the figures are only comparable with that in mind. */
  machine: { cpus: number; loadAverage: number };
  /** Wall-clock seconds the benchmark took, setup included. */
  seconds: number;
};

const round = (n: number, digits: number) => {
  const scale = 10 ** digits;
  return Math.round(n * scale) / scale;
};

/** A number rounded for a report: 3 significant-ish digits, never more than 2 decimals. */
export function tidy(n: number): number {
  if (!Number.isFinite(n)) return n;
  const size = Math.abs(n);
  return size >= 100 ? round(n, 0) : size >= 10 ? round(n, 1) : round(n, 2);
}

/**
 * A figure compared with a peer, where more is better (req/s, MB/s): the ratio is
 * sealpost / peer and the target is met when it reaches `atLeast`.
 */
export function higherIsBetter(args: {
  name: string;
  unit: string;
  sealpost: number;
  peer: number;
  atLeast: number;
  /** Another condition on the same figure, such as an absolute floor. */
  alsoNeeds?: { met: boolean; words: string };
}): Figure {
  const ratio = args.peer > 0 ? args.sealpost / args.peer : 0;
  const met = ratio >= args.atLeast && (args.alsoNeeds?.met ?? true);
  return {
    name: args.name,
    unit: args.unit,
    sealpost: tidy(args.sealpost),
    peer: tidy(args.peer),
    ratio: round(ratio, 3),
    target: `>= ${args.atLeast}x${args.alsoNeeds ? ` and ${args.alsoNeeds.words}` : ''}`,
    met,
  };
}

/**
 * A figure compared with a peer, where less is better (seconds for the same work): the
 * ratio is peer / sealpost, so it still reads "higher is better for Sealpost".
 */
export function lowerIsBetter(args: {
  name: string;
  unit: string;
  sealpost: number;
  peer: number;
  atLeast: number;
}): Figure {
  const ratio = args.sealpost > 0 ? args.peer / args.sealpost : 0;
  return {
    name: args.name,
    unit: args.unit,
    sealpost: tidy(args.sealpost),
    peer: tidy(args.peer),
    ratio: round(ratio, 3),
    target: `>= ${args.atLeast}x`,
    met: ratio >= args.atLeast,
  };
}

/** An absolute figure with a ceiling (latency, bytes, memory). */
export function atMost(args: {
  name: string;
  unit: string;
  sealpost: number;
  limit: number;
  peer?: number | null;
}): Figure {
  return {
    name: args.name,
    unit: args.unit,
    sealpost: tidy(args.sealpost),
    peer: args.peer === undefined || args.peer === null ? null : tidy(args.peer),
    ratio: null,
    target: `<= ${args.limit} ${args.unit}`,
    met: args.sealpost <= args.limit,
  };
}

/** An absolute figure with a floor. */
export function atLeast(args: {
  name: string;
  unit: string;
  sealpost: number;
  limit: number;
}): Figure {
  return {
    name: args.name,
    unit: args.unit,
    sealpost: tidy(args.sealpost),
    peer: null,
    ratio: null,
    target: `>= ${args.limit} ${args.unit}`,
    met: args.sealpost >= args.limit,
  };
}

/** A figure reported for information, with a peer or not, and no target of its own. */
export function info(args: {
  name: string;
  unit: string;
  sealpost: number;
  peer?: number | null;
  ratio?: number | null;
}): Figure {
  return {
    name: args.name,
    unit: args.unit,
    sealpost: tidy(args.sealpost),
    peer: args.peer === undefined || args.peer === null ? null : tidy(args.peer),
    ratio: args.ratio === undefined || args.ratio === null ? null : round(args.ratio, 3),
    target: '(report)',
    met: null,
  };
}

/** The median of some numbers (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The p-th percentile (0 to 100) of some numbers, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** The CPU count and the 1-minute load average now. */
export function machineNow(): BenchReport['machine'] {
  return { cpus: availableParallelism(), loadAverage: round(loadavg()[0] as number, 2) };
}

const startedAt = performance.now();

/**
 * Prints the benchmark's table for a person and its report line for the runner. Call
 * once, at the end; the seconds count from when this module was first loaded.
 */
export function emitReport(bench: string, figures: Figure[], notes: string[] = []): BenchReport {
  const report: BenchReport = {
    bench,
    figures,
    notes,
    machine: machineNow(),
    seconds: round((performance.now() - startedAt) / 1000, 1),
  };
  process.stdout.write(`${formatTable([report])}\n`);
  for (const note of notes) process.stdout.write(`  note: ${note}\n`);
  process.stdout.write(`${REPORT_MARK}${JSON.stringify(report)}\n`);
  return report;
}

/** Progress for a person watching: on stderr, so it never mixes with the report line. */
export function progress(bench: string, message: string): void {
  process.stderr.write(`[${bench}] ${message}\n`);
}
