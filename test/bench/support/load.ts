// HTTP load from autocannon, run as its own process (load-driver.ts, autocannon's API
// with JSON output) so the load generator never shares an event loop with the server
// it measures. On this 2-core machine it takes about one core, which caps what any
// server can be shown to do: a figure near autocannon's own ceiling says more about it
// than about the server.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DRIVER = fileURLToPath(new URL('./load-driver.ts', import.meta.url));

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

/** Requests that share headers (one person's cookie) and one of whose paths is asked for. */
export type TargetGroup = { headers?: Record<string, string>; paths: string[] };

/** What to send: one request repeated on every connection, or random ones of `targets`. */
export type LoadRequest = {
  /** The server (and, without `targets`, the page) to ask. */
  url: string;
  /**
   * When given, every request picks a group at random and then one of its paths at
   * random (a random recipient's random page), with the group's headers added.
   */
  targets?: TargetGroup[];
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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', DRIVER], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdin.end(JSON.stringify(request));
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
