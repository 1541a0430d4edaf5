import { type DestinationStream, type Logger, pino } from 'pino';
import { prettyDestination } from './pretty.ts';

/** The structured JSON logger every adapter writes to. */
export type { Logger } from 'pino';

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Tokens are `<id>.<secret>` in base32 (lower-case a-z2-7); long enough that ordinary words don't match.
const TOKEN = /\b[a-z2-7]{20,}\.[a-z2-7]{20,}\b/g;

/**
 * Replaces email addresses and link tokens inside free text. Logs are read by more
 * people than the data they describe, so they never carry who or a usable secret.
 */
export function scrubText(text: string): string {
  return text.replace(TOKEN, '[token]').replace(EMAIL, '[email]');
}

// Keys whose values are never logged whatever they hold.
const REDACT_PATHS = [
  'email',
  '*.email',
  'to',
  '*.to',
  'from',
  '*.from',
  'password',
  '*.password',
  'token',
  '*.token',
  'cookie',
  '*.cookie',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'passphrase',
  '*.passphrase',
];

/**
 * A pino logger with secrets and personal data redacted. Every line is JSON on standard
 * output (for journald and log shippers), unless standard output is a terminal: then
 * the same lines are written readably (`pretty`, default: whether it is a terminal).
 */
export function createLogger(args: {
  level: string;
  destination?: DestinationStream;
  pretty?: boolean;
}): Logger {
  const pretty = args.pretty ?? (args.destination === undefined && process.stdout.isTTY === true);
  const destination = pretty ? prettyDestination(process.stdout) : args.destination;
  return pino(
    {
      level: args.level,
      base: { service: 'sealpost' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(inputArgs, method) {
          const scrubbed = inputArgs.map((a) => (typeof a === 'string' ? scrubText(a) : a));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      formatters: {
        log(object) {
          const withErrors =
            object.err instanceof Error
              ? { ...object, err: pino.stdSerializers.err(object.err) }
              : object;
          // Error messages and nested strings can quote user input; scrub them too.
          return JSON.parse(scrubText(JSON.stringify(withErrors))) as Record<string, unknown>;
        },
      },
    },
    destination,
  );
}
