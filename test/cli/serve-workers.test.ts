// `sealpost serve` with WORKERS=2, as an installation runs it, on SQLite and on
// PostgreSQL: both workers answer, a session made on one works on the other, a worker
// killed with SIGKILL is replaced, and SIGTERM to the primary stops every process.

import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { emailKey } from '../../core/accounts/email.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { makeAccount } from '../factories.ts';
import { freePort, ROOT, stop, tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const PASSWORD = 'a long enough password for the workers test';
const EMAIL = 'reader@example.org';

type Answer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

/** One request on a connection of its own, so the cluster may hand it to any worker. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The JSON log lines `serve` wrote so far. */
function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The pid of the worker that logged the request with this id. */
function pidOf(output: () => string, requestId: string): number | undefined {
  const line = logLines(output()).find((l) => l.msg === 'request' && l.requestId === requestId);
  return line?.pid as number | undefined;
}

/** Waits until `check` is true, polling; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `sealpost serve` with exactly `env` (plus PATH and HOME), capturing its output. */
function startServe(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [path.join(ROOT, 'adapters/cli/bin.js'), 'serve'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  return { child, output: () => output };
}

async function exercise(database: Record<string, string>): Promise<void> {
  const dataDir = tempDir('sealpost-workers-');
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...database,
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: url,
      SEALPOST_KEY_PASSPHRASE: 'workers test passphrase, not a secret',
    };
    // A recipient with a password, made the way the portal stores one.
    const app = await compose(parseConfig(env), { logger: createLogger({ level: 'silent' }) });
    await app.storage.repos.accounts.insert({
      account: makeAccount({
        email: EMAIL,
        emailKey: emailKey(EMAIL),
        passwordHash: await app.hasher.hash({ password: normalisePassword(PASSWORD) }),
      }),
    });
    await app.close();

    const serve = startServe({ ...env, WORKERS: '2', LOG_LEVEL: 'info' });
    const workerPids = () =>
      logLines(serve.output())
        .filter((l) => l.msg === 'listening')
        .map((l) => l.pid as number);
    await until(() => workerPids().length === 2, 'two listening workers', 120_000);
    const [first, second] = workerPids() as [number, number];
    expect(first).not.toBe(second);
    expect(first).not.toBe(serve.child.pid);
    // The jobs, the outbox and the gateway run in the primary alone.
    const scheduled = logLines(serve.output()).filter((l) => l.msg === 'lifecycle jobs scheduled');
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]?.pid).toBeUndefined();

    // Sign in on whichever worker takes the connection...
    const page = await send(`${url}/sign-in`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const signedIn = await send(`${url}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
      body: new URLSearchParams({ _csrf: csrf, email: EMAIL, password: PASSWORD }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const cookie = ([] as string[])
      .concat(signedIn.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .join('; ');
    const home = String(signedIn.headers.location);
    // ...and the session works on both.
    const servedBy = new Set<number | undefined>();
    for (let i = 0; i < 8; i++) {
      const res = await send(`${url}${home}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const id = String(res.headers['x-request-id']);
      await until(() => pidOf(serve.output, id) !== undefined, 'the request log line', 10_000);
      servedBy.add(pidOf(serve.output, id));
    }
    expect([...servedBy].sort()).toEqual([first, second].sort());

    // A worker killed outright is replaced; the other keeps serving meanwhile.
    process.kill(first, 'SIGKILL');
    await until(() => workerPids().length === 3, 'a replacement worker');
    expect(
      logLines(serve.output()).some((l) => l.msg === 'HTTP worker died; starting another'),
    ).toBe(true);
    const replacement = workerPids()[2] as number;
    expect([first, second]).not.toContain(replacement);
    expect(isRunning(first)).toBe(false);
    expect((await send(`${url}/healthz`)).status).toBe(200);

    // SIGTERM to the primary drains the workers and stops everything.
    expect(await stop(serve.child)).toBe(0);
    expect(isRunning(second)).toBe(false);
    expect(isRunning(replacement)).toBe(false);
    const shutdowns = logLines(serve.output()).filter((l) => l.msg === 'HTTP worker shutting down');
    expect(shutdowns.map((l) => l.pid).sort()).toEqual([second, replacement].sort());
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('serve with WORKERS=2', () => {
  it('on SQLite: both workers serve one session, a killed worker is replaced, SIGTERM stops all', async () => {
    await exercise({});
  }, 240_000);

  if (postgresAvailable('serve with WORKERS=2')) {
    let database: { url: string; drop: () => Promise<void> } | undefined;
    afterAll(async () => {
      await database?.drop();
    });
    it('on PostgreSQL: the same', async () => {
      database = await createTestDatabase('sealpost_workers');
      await exercise({ DATABASE_URL: database.url });
    }, 240_000);
  }
});
