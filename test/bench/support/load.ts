// HTTP load from autocannon, run as its own process (its CLI, with JSON output) so the
// load generator never shares an event loop with the server it measures. On this
// 2-core machine it takes about one core, which caps what any server can be shown to
// do: a figure near autocannon's own ceiling says more about it than about the server.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AUTOCANNON = path.join(
  path.dirname(require.resolve('autocannon/package.json')),
  'autocannon.js',
);

/** One autocannon run, reduced to what the benchmarks use. */
export type LoadResult = {
  /** Answers of the expected class per second over the whole run. */
  rps: number;
  /** Latency percentiles in milliseconds (autocannon measures whole milliseconds). */
  p50: number;
  p99: number;
  /** Answers of the expected class, and everything else (errors, timeouts, other statuses). */
  ok: number;
  bad: number;
  seconds: number;
};

/** What to send: one request, repeated on every connection. */
export type LoadRequest = {
  url: string;
  connections: number;
  /** Seconds to run; the count is bounded by time (and by `amount` when given). */
  seconds: number;
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The status class a good answer has: 2xx (a page) or 3xx (a form's redirect). */
  expect?: '2xx' | '3xx';
};

type AutocannonJson = {
  duration: number;
  errors: number;
  timeouts: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  latency: { p50: number; p99: number };
};

/** Runs autocannon against `request.url` and resolves with its figures. */
export function runLoad(request: LoadRequest): Promise<LoadResult> {
  const args = [
    AUTOCANNON,
    '--json',
    '--no-progress',
    '--connections',
    String(request.connections),
    '--duration',
    String(request.seconds),
    '--timeout',
    '10',
  ];
  if (request.amount !== undefined) args.push('--amount', String(request.amount));
  if (request.method) args.push('--method', request.method);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    args.push('--headers', `${name}=${value}`);
  }
  if (request.body !== undefined) args.push('--body', request.body);
  args.push(request.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // A bound on the bound: autocannon stops itself, this only catches a hang.
    const guard = setTimeout(() => child.kill('SIGKILL'), (request.seconds + 30) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`autocannon failed (exit ${code}): ${stderr || stdout}`));
        return;
      }
      const json = JSON.parse(line) as AutocannonJson;
      const ok = request.expect === '3xx' ? json['3xx'] : json['2xx'];
      const answered = json['2xx'] + json['3xx'] + json['4xx'] + json['5xx'];
      resolve({
        rps: json.duration > 0 ? ok / json.duration : 0,
        p50: json.latency.p50,
        p99: json.latency.p99,
        ok,
        bad: json.errors + json.timeouts + answered - ok,
        seconds: json.duration,
      });
    });
  });
}
