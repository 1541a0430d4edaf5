// The portal benchmark's runs and figures: Sealpost and the realistic peer in turns,
// then the bare server, each asked for random pages of random people by autocannon.

import { type LoadResult, runLoad, type TargetGroup } from './load.ts';
import { atMost, type Figure, higherIsBetter, info, median } from './report.ts';

export const CONNECTIONS = 50;
export const ROUNDS = 3;
export const SECONDS = 3;
const WARMUP_SECONDS = 2;

export type Page = {
  name: string;
  /** Sealpost's and the realistic peer's targets: the same people, the same choices. */
  sealpost: TargetGroup[];
  peer: TargetGroup[];
  /** A sample of Sealpost's page, for the bare peer and the realistic peer's padding. */
  sample: string;
  samplePath: string;
};

/** The page as a browser gets it, checked: 200 and signed in. */
export async function fetchPage(url: string, cookie: string): Promise<string> {
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const html = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  if (!html.includes('Sign out')) throw new Error(`${url} is not a signed-in page`);
  return html;
}

export type Runs = { sealpost: LoadResult[]; peer: LoadResult[]; bare: LoadResult };

/** Warm-up, then rounds in turns (Sealpost first, then the peer first), then the bare server. */
export async function measure(base: { sealpost: string; peer: string; bare: string }, page: Page) {
  const run = async (url: string, targets: TargetGroup[], seconds = SECONDS) => {
    const result = await runLoad({
      url,
      targets,
      connections: CONNECTIONS,
      seconds,
      headers: { 'accept-encoding': 'gzip' },
    });
    if (result.bad > 0) throw new Error(`${url}: ${result.bad} requests failed or were not 200`);
    return result;
  };
  await run(base.sealpost, page.sealpost, WARMUP_SECONDS);
  await run(base.peer, page.peer, 1);
  const runs: Runs = { sealpost: [], peer: [], bare: undefined as unknown as LoadResult };
  for (let round = 0; round < ROUNDS; round++) {
    const sides = [
      async () => runs.sealpost.push(await run(base.sealpost, page.sealpost)),
      async () => runs.peer.push(await run(base.peer, page.peer)),
    ];
    if (round % 2 === 1) sides.reverse();
    for (const side of sides) await side();
  }
  runs.bare = await run(base.bare, page.sealpost);
  return runs;
}

export function figuresOf(label: string, runs: Runs): Figure[] {
  // Each round's ratio is of two runs seconds apart; the median round is reported.
  const ratios = runs.sealpost.map((s, i) => s.rps / (runs.peer[i]?.rps ?? Number.NaN));
  const at = ratios.indexOf(median(ratios));
  const sealpost = runs.sealpost[at] as LoadResult;
  return [
    higherIsBetter({
      name: `${label} req/s vs realistic peer`,
      unit: 'req/s',
      sealpost: sealpost.rps,
      peer: (runs.peer[at] as LoadResult).rps,
      atLeast: 0.5,
    }),
    info({
      name: `${label} req/s vs bare node:http`,
      unit: 'req/s',
      sealpost: median(runs.sealpost.map((r) => r.rps)),
      peer: runs.bare.rps,
      ratio: median(runs.sealpost.map((r) => r.rps)) / runs.bare.rps,
    }),
    atMost({
      name: `${label} p99`,
      unit: 'ms',
      sealpost: Math.max(...runs.sealpost.map((r) => r.p99)),
      limit: 50,
      peer: Math.max(...runs.peer.map((r) => r.p99)),
    }),
    info({
      name: `${label} p50`,
      unit: 'ms',
      sealpost: median(runs.sealpost.map((r) => r.p50)),
      peer: median(runs.peer.map((r) => r.p50)),
    }),
  ];
}
