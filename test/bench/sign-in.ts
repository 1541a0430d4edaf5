// `npm run bench:sign-in`: sign-ins per second through the real form (POST /sign-in
// with its CSRF token, argon2id at Sealpost's default cost, a new session, the audit
// event, the 303), from autocannon in its own process over 8 connections. The peer in
// the same run calls argon2id verify on the same stored hash directly, 8 at a time:
// what the hashing alone allows on this machine. Target: >= 0.8x.
// The per-address sign-in limit is raised for the run (a composition option), since
// every request comes from 127.0.0.1.

import { performance } from 'node:perf_hooks';
import { verify } from '@node-rs/argon2';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { PASSWORD, startBenchApp } from './support/app.ts';
import { runLoad } from './support/load.ts';
import {
  emitReport,
  type Figure,
  higherIsBetter,
  info,
  median,
  progress,
} from './support/report.ts';

const BENCH = 'sign-in';
const CONCURRENCY = 8;
const SECONDS = 5;
const ROUNDS = 3;
const EMAIL = 'resident@example.org';

/** argon2id verify of `hash`, `CONCURRENCY` at a time for `seconds`; verifications a second. */
async function verifyDirectly(hash: string, seconds: number): Promise<number> {
  const password = normalisePassword(PASSWORD);
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      if (!(await verify(hash, password))) throw new Error('the stored hash does not verify');
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const bench = await startBenchApp({ areas: { signInLimit: 1_000_000 } });
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    const account = await bench.addPerson(EMAIL);
    const hash = account.passwordHash as string;
    const csrf = await bench.csrfFrom('/sign-in');
    const load = (seconds: number) =>
      runLoad({
        url: `${bench.url}/sign-in`,
        connections: CONCURRENCY,
        seconds,
        method: 'POST',
        expect: '3xx',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: bench.url,
        },
        body: new URLSearchParams({ _csrf: csrf, email: EMAIL, password: PASSWORD }).toString(),
      });
    await load(2);
    const sealpost: number[] = [];
    const peer: number[] = [];
    const busy: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const viaForm = async () => {
        const before = performance.eventLoopUtilization();
        const run = await load(SECONDS);
        busy.push(performance.eventLoopUtilization(before).utilization);
        if (run.bad > 0) throw new Error(`${run.bad} sign-ins failed or were refused`);
        sealpost.push(run.rps);
      };
      const direct = async () => {
        peer.push(await verifyDirectly(hash, SECONDS));
      };
      if (round % 2 === 0) {
        await direct();
        await viaForm();
      } else {
        await viaForm();
        await direct();
      }
      progress(
        BENCH,
        `round ${round + 1}: form ${sealpost.at(-1)?.toFixed(1)}/s, argon2 alone ${peer.at(-1)?.toFixed(1)}/s`,
      );
    }
    const ratios = sealpost.map((s, i) => s / (peer[i] ?? Number.NaN));
    const at = ratios.indexOf(median(ratios));
    figures.push(
      higherIsBetter({
        name: 'argon2id sign-ins',
        unit: '/s',
        sealpost: sealpost[at] as number,
        peer: peer[at] as number,
        atLeast: 0.8,
      }),
      info({ name: 'event loop busy during sign-ins', unit: '%', sealpost: 100 * median(busy) }),
    );
    notes.push(
      `argon2id m=19456 KiB, t=2, p=1 (the default); ${CONCURRENCY} at a time, ${ROUNDS} rounds ` +
        `of ${SECONDS} s each side, the median round; ratio by round ` +
        `${ratios.map((r) => r.toFixed(2)).join(', ')}.`,
    );
  } finally {
    await bench.close();
  }
  emitReport(BENCH, figures, notes);
}

await main();
