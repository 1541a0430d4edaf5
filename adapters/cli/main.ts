import { existsSync } from 'node:fs';
import { DecryptFailed } from '../../core/crypto/errors.ts';
import { useDomainNames } from '../../core/shared/domain-names.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { type Config, ConfigProblems } from '../config/config.ts';
import { loadConfig } from '../registry/load.ts';
import { nodeDomainNames } from '../security/domain-names.ts';
import { UsageError } from './errors.ts';
import { closestCommand, describeDatabaseFailure } from './failures.ts';
import { HELP_TEXT } from './help.ts';

/** Everything a command gets: the validated config and the process's output streams. */
export type CommandContext = {
  config: Config;
  out: (line: string) => void;
  err: (line: string) => void;
};

type Command = (ctx: CommandContext, argv: string[]) => Promise<number>;

// The configuration's domains are normalised before anything is composed.
useDomainNames(nodeDomainNames);

/**
 * Loads a command's module only when it runs, so a start (and each restart of the
 * gateway or a job) does not pay for importing every other command.
 */
function lazy(load: () => Promise<Record<string, unknown>>, name: string): Command {
  return async (ctx, argv) => {
    const command = (await load())[name];
    if (typeof command !== 'function') throw new Error(`the command module lacks ${name}`);
    return (command as Command)(ctx, argv);
  };
}

const COMMANDS: Record<string, Command> = {
  serve: lazy(() => import('./commands/serve.ts'), 'runServe'),
  migrate: lazy(() => import('./commands/migrate.ts'), 'runMigrate'),
  'admin create': lazy(() => import('./commands/admin-create.ts'), 'runAdminCreate'),
  send: lazy(() => import('./commands/send.ts'), 'runSend'),
  gateway: lazy(() => import('./commands/gateway.ts'), 'runGateway'),
  jobs: lazy(() => import('./commands/jobs.ts'), 'runJobs'),
  audit: lazy(() => import('./commands/audit.ts'), 'runAudit'),
  subject: lazy(() => import('./commands/subject.ts'), 'runSubject'),
  hold: lazy(() => import('./commands/hold.ts'), 'runHold'),
  backup: lazy(() => import('./commands/backup.ts'), 'runBackup'),
  restore: lazy(() => import('./commands/restore.ts'), 'runRestore'),
  'migrate-data': lazy(() => import('./commands/migrate-data.ts'), 'runMigrateData'),
  keys: lazy(() => import('./commands/keys.ts'), 'runKeys'),
  doctor: lazy(() => import('./commands/doctor.ts'), 'runDoctor'),
  'strings export': lazy(() => import('./commands/strings.ts'), 'runStringsExport'),
  'strings import': lazy(() => import('./commands/strings.ts'), 'runStringsImport'),
  'strings check': lazy(() => import('./commands/strings.ts'), 'runStringsCheck'),
};

/** Splits argv into the command name (one or two words) and its flags. */
function findCommand(argv: string[]): { name: string; rest: string[] } | null {
  const [first = 'serve', second] = argv;
  if (second !== undefined && COMMANDS[`${first} ${second}`])
    return { name: `${first} ${second}`, rest: argv.slice(2) };
  if (COMMANDS[first]) return { name: first, rest: argv.slice(1) };
  return null;
}

/** Loads `.env` from the working folder, if there is one; real environment wins. */
function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 failure at run time,
 * 2 bad usage or bad configuration (one line each, no stack trace).
 */
export async function main(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  if (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    out(HELP_TEXT);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const typed = argv.slice(0, 2).join(' ');
    const guess =
      closestCommand(argv[0] ?? '', Object.keys(COMMANDS)) ??
      closestCommand(typed, Object.keys(COMMANDS));
    err(
      `sealpost: unknown command "${argv.join(' ')}"${guess ? `; did you mean "${guess}"?` : ''} (see 'sealpost help')`,
    );
    return 2;
  }
  let config: Config | null = null;
  try {
    loadDotEnv();
    // The environment, sealpost.config.json, and the adapter and plugin packages they
    // name, every problem at once (docs/decisions/0032).
    config = await loadConfig(process.env);
    return (await COMMANDS[found.name]?.({ config, out, err }, found.rest)) ?? 2;
  } catch (error) {
    if (error instanceof ConfigProblems) {
      err(error.message);
      for (const problem of error.problems) err(`  - ${problem}`);
      return 2;
    }
    if (error instanceof UsageError) {
      err(error.message);
      return 2;
    }
    // Configuration that cannot work (a missing key over stored data, a data folder of
    // another installation) and an unreachable database: one line, the fix, exit 2.
    // A target that is not empty, or a backup that does not fit: the admin's to fix.
    const refusal =
      error instanceof Error &&
      ['RestoreTargetNotEmpty', 'TargetNotEmpty', 'BackupDamaged'].includes(error.name);
    // The keys cannot be unlocked (a wrong passphrase): configuration, too.
    const keys = error instanceof DecryptFailed && /cannot be unlocked/.test(error.message);
    if (error instanceof ConfigurationError || refusal || keys) {
      err(`sealpost ${found.name}: ${error.message}`);
      return 2;
    }
    const database = config ? describeDatabaseFailure(error, config) : null;
    if (database) {
      err(`sealpost ${found.name}: ${database}`);
      return 2;
    }
    err(`sealpost ${found.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
