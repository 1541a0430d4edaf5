// `npm run bench:sign-in`: sign-ins per second through the real form (POST /sign-in
// with its CSRF token, argon2id at Sealpost's default cost, a new session, the audit
// event, the 303) of `sealpost serve` in its own process (its default WORKERS), from
// autocannon in its own process over 8 connections. The peer in the same run calls
// argon2id verify on the same stored hash directly, 8 at a time: what the hashing alone
// allows on this machine. Target: >= 0.8x.
// Every request comes from 127.0.0.1, so the server trusts a proxy (TRUST_PROXY=on) and
// each request names one of 5,000 client addresses in X-Forwarded-For, as a proxy in
// front of a council's portal would: the per-address limit is then met as it is in use.

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { verify } from '@node-rs/argon2';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { PASSWORD, startBenchApp } from './support/app.ts';
import { describeProfile, monotonicMicros, summariseProfiles } from './support/cpu-profile.ts';
import { runLoad, type TargetGroup } from './support/load.ts';
import { emitReport, type Figure, higherIsBetter, median, progress } from './support/report.ts';
import { serveKnowsWorkers, startServe } from './support/serve.ts';

const BENCH = 'sign-in';
const CONCURRENCY = 8;
const SECONDS = 5;
const ROUNDS = 3;
const EMAIL = 'resident@example.org';
const ADDRESSES = 5_000;

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
  // The account is made in-process, then the installation is served by `sealpost serve`.
  const bench = await startBenchApp();
  const account = await bench.addPerson(EMAIL);
  const hash = account.passwordHash as string;
  await bench.close({ keepData: true });
  const server = await startServe({ env: { ...bench.env, TRUST_PROXY: 'on' } });
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    const form = await (await fetch(`${server.url}/sign-in`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
    if (!csrf) throw new Error('no CSRF token on /sign-in');
    const targets: TargetGroup[] = Array.from({ length: ADDRESSES }, (_, i) => ({
      headers: { 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` },
      paths: ['/sign-in'],
    }));
    const load = (seconds: number) =>
      runLoad({
        url: `${server.url}/sign-in`,
        targets,
        connections: CONCURRENCY,
        seconds,
        method: 'POST',
        expect: '3xx',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: server.url,
        },
        body: new URLSearchParams({ _csrf: csrf, email: EMAIL, password: PASSWORD }).toString(),
      });
    await load(2);
    const sealpost: number[] = [];
    const peer: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const viaForm = async () => {
        const run = await load(SECONDS);
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
    );
    // Where a sign-in's time goes: a short run against a second server under
    // --cpu-prof, one process (the profiler slows it: the measured runs are not profiled).
    await server.stop(); // stopping twice (again in finally) is a no-op
    const profDir = mkdtempSync(path.join(tmpdir(), 'sealpost-sign-in-prof-'));
    const profiled = await startServe({
      env: { ...bench.env, TRUST_PROXY: 'on' },
      ...(serveKnowsWorkers() ? { workers: 1 } : {}),
      cpuProfDir: profDir,
    });
    let window = { from: 0, to: 0 };
    try {
      const profiledForm = await (await fetch(`${profiled.url}/sign-in`)).text();
      const profiledCsrf = /name="_csrf" value="([^"]+)"/.exec(profiledForm)?.[1] ?? '';
      const from = monotonicMicros();
      await runLoad({
        url: `${profiled.url}/sign-in`,
        targets,
        connections: CONCURRENCY,
        seconds: SECONDS,
        method: 'POST',
        expect: '3xx',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: profiled.url },
        body: new URLSearchParams({
          _csrf: profiledCsrf,
          email: EMAIL,
          password: PASSWORD,
        }).toString(),
      });
      window = { from, to: monotonicMicros() };
    } finally {
      if (!(await profiled.stop())) notes.push('the profiled server did not stop cleanly');
    }
    const lines = describeProfile('CPU profile, sign-in', summariseProfiles(profDir, window));
    process.stdout.write(`${lines.join('\n')}\n`);
    notes.push(lines.map((line) => line.trim()).join('; '));
    rmSync(profDir, { recursive: true, force: true });
    notes.push(
      `argon2id m=19456 KiB, t=2, p=1 (the default); ${CONCURRENCY} at a time, ${ROUNDS} rounds ` +
        `of ${SECONDS} s each side, the median round; ratio by round ` +
        `${ratios.map((r) => r.toFixed(2)).join(', ')}. \`sealpost serve\` ran with ` +
        (serveKnowsWorkers()
          ? `its default WORKERS (one per core: ${availableParallelism()}).`
          : 'one process (no WORKERS setting yet).'),
    );
  } finally {
    await server.stop();
    rmSync(bench.dataDir, { recursive: true, force: true });
  }
  emitReport(BENCH, figures, notes);
}

await main();
