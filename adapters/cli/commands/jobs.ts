import { isJobName, JOB_NAMES, type JobCounts } from '../../../core/lifecycle/model.ts';
import { runJob } from '../../../core/lifecycle/run-job.ts';
import { compose } from '../../compose.ts';
import { lifecycleDepsFrom } from '../../jobs/deps.ts';
import { createLogger } from '../../logging/logger.ts';
import { parseFlags } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';

const USAGE = `expected "run NAME" (NAME is one of ${JOB_NAMES.join(', ')}) or "list" (see 'sealpost help')`;

/** `purged=3 kept=0`: counts as one short line. */
export function formatCounts(counts: JobCounts): string {
  const parts = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(' ') : 'nothing to do';
}

/** A whole number flag within bounds, or undefined when absent. */
function wholeNumber(
  command: string,
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `sealpost ${command}: ${flag} must be a whole number from ${min} to ${max}`,
    );
  }
  return n;
}

async function runOne(ctx: CommandContext, name: string, argv: string[]): Promise<number> {
  if (!isJobName(name)) throw new UsageError(`sealpost jobs run: ${USAGE}`);
  const command = `jobs run ${name}`;
  const flags = parseFlags(command, argv, {
    'batch-size': { type: 'string' },
    'pause-ms': { type: 'string' },
    'stale-draft-days': { type: 'string' },
  });
  const options = {
    batchSize: wholeNumber(command, '--batch-size', flags['batch-size'], 1, 10_000),
    pauseMs: wholeNumber(command, '--pause-ms', flags['pause-ms'], 0, 60_000),
    staleDraftDays: wholeNumber(command, '--stale-draft-days', flags['stale-draft-days'], 1, 3650),
  };
  if (options.staleDraftDays !== undefined && name !== 'housekeeping') {
    throw new UsageError(`sealpost ${command}: --stale-draft-days is only for housekeeping`);
  }
  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    const deps = await lifecycleDepsFrom(app, { withMailer: true });
    const result = await runJob(deps, {
      name,
      options: {
        ...options,
        staleDraftDays: options.staleDraftDays ?? ctx.config.staleDraftDays,
        onProgress: (counts) => ctx.out(`${name}: ${formatCounts(counts)}`),
      },
      onStart: (run) => ctx.out(`${name}: running (run ${run.id})`),
    });
    if (!result.ran) {
      ctx.out(`${name}: skipped: another node or process is running it`);
      return 0;
    }
    const ms = (result.run.finishedAt?.getTime() ?? 0) - result.run.startedAt.getTime();
    if (result.run.status === 'failed') {
      ctx.err(`${name}: failed after ${ms} ms: ${result.run.error ?? 'unknown error'}`);
      ctx.err('Every job is safe to run again; the next run continues where this one stopped.');
      return 1;
    }
    ctx.out(`${name}: done in ${ms} ms: ${formatCounts(result.run.counts)}`);
    return 0;
  } finally {
    await app.close();
  }
}

async function list(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('jobs list', argv, {
    job: { type: 'string' },
    limit: { type: 'string' },
  });
  if (flags.job !== undefined && !isJobName(flags.job)) {
    throw new UsageError(`sealpost jobs list: --job must be one of ${JOB_NAMES.join(', ')}`);
  }
  const limit = wholeNumber('jobs list', '--limit', flags.limit, 1, 1000) ?? 20;
  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    const runs = await app.storage.repos.jobRuns.listRecent({
      limit,
      ...(flags.job ? { job: flags.job } : {}),
    });
    if (runs.length === 0) ctx.out('No job has run yet.');
    for (const run of runs) {
      const ms = run.finishedAt ? `${run.finishedAt.getTime() - run.startedAt.getTime()} ms` : '-';
      const detail = run.status === 'failed' ? (run.error ?? '') : formatCounts(run.counts);
      ctx.out(
        `${run.startedAt.toISOString()}  ${run.job.padEnd(18)}  ${run.status.padEnd(7)}  ${ms.padStart(9)}  ${detail}`,
      );
    }
    return 0;
  } finally {
    await app.close();
  }
}

/**
 * `sealpost jobs run NAME [--batch-size N] [--pause-ms N] [--stale-draft-days N]` runs
 * one lifecycle job now, whatever JOBS says (JOBS=off only stops the timers), under
 * the same cluster-wide lock as the scheduler: if another node is running it, this
 * says so and exits 0. `sealpost jobs list [--job NAME] [--limit N]` shows the history.
 */
export async function runJobs(ctx: CommandContext, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'run') {
    const [name, ...flags] = rest;
    if (name === undefined || name.startsWith('-')) throw new UsageError(`sealpost jobs: ${USAGE}`);
    return runOne(ctx, name, flags);
  }
  if (sub === 'list') return list(ctx, rest);
  throw new UsageError(`sealpost jobs: ${USAGE}`);
}
