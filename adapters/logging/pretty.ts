import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
// Fields every line has, shown in the line's head rather than repeated as key=value.
const HEAD = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/**
 * One log line as a person at a terminal reads it: `10:42:07 WARN  message key=value`.
 * The input is pino's JSON line (already redacted and scrubbed); anything that is not
 * JSON passes through as it is.
 */
export function formatLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof record.time === 'string' ? record.time.slice(11, 19) : '';
  const level = LEVELS[Number(record.level)] ?? String(record.level);
  const rest = Object.entries(record)
    .filter(([key]) => !HEAD.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${[time, level, String(record.msg ?? ''), ...rest].filter((p) => p !== '').join(' ')}\n`;
}

/** A pino destination that writes readable lines instead of JSON (for a terminal). */
export function prettyDestination(out: { write(text: string): unknown }): DestinationStream {
  return { write: (line: string) => void out.write(formatLogLine(line)) };
}
