import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags strictly; an unknown flag or a missing value becomes a
 * one-line UsageError naming the command, never a stack trace.
 */
export function parseFlags<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`sealpost ${command}: ${reason} (see 'sealpost help')`);
  }
}

/** A flag that must be present and non-empty. */
export function required(
  command: string,
  value: string | boolean | undefined,
  flag: string,
): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`sealpost ${command}: ${flag} is required (see 'sealpost help')`);
  }
  return value.trim();
}
