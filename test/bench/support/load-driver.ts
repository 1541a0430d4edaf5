// The HTTP load generator's own process: autocannon's API (not its CLI, which sends one
// fixed request) so each request can go to a different page, as people's requests do.
//   node --import tsx test/bench/support/load-driver.ts < request.json
// It reads a LoadRequest as JSON on stdin and prints autocannon's result as one JSON
// line. A request with `targets` picks a target group at random for every request, then
// a path of that group at random: a random recipient, then one of their pages.

import { createRequire } from 'node:module';
import type { LoadRequest } from './load.ts';

const require = createRequire(import.meta.url);
// autocannon ships no types; only the call below and the result's fields are used.
const autocannon = require('autocannon') as (opts: object) => Promise<Record<string, unknown>>;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;

const request = JSON.parse(await readStdin()) as LoadRequest;
const groups = (request.targets ?? []).filter((group) => group.paths.length > 0);
const base = {
  method: request.method ?? 'GET',
  headers: request.headers ?? {},
  ...(request.body === undefined ? {} : { body: request.body }),
};
const result = await autocannon({
  url: request.url,
  connections: request.connections,
  duration: request.seconds,
  ...(request.amount === undefined ? {} : { amount: request.amount }),
  timeout: 10,
  requests: [
    groups.length === 0
      ? base
      : {
          ...base,
          setupRequest: (req: { headers?: Record<string, string> }) => {
            const group = pick(groups);
            return {
              ...req,
              path: pick(group.paths),
              headers: { ...base.headers, ...group.headers },
            };
          },
        },
  ],
});
const latency = result.latency as { p50: number; p99: number };
process.stdout.write(
  `${JSON.stringify({
    duration: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    '2xx': result['2xx'],
    '3xx': result['3xx'],
    '4xx': result['4xx'],
    '5xx': result['5xx'],
    latency: { p50: latency.p50, p99: latency.p99 },
  })}\n`,
);
