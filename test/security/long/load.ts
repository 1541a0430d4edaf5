// A bounded load run on loopback (docs/security/long-runs.md), not part of npm test:
// 200 signed-in recipients browse their inbox and open messages for 60 seconds
// against the portal as `sealpost serve` builds it (real SQLite, OpenPGP, argon2),
// served by a separate process. Reports p50 and p99; exits 1 on any error.
//
//   node --import tsx test/security/long/load.ts [--clients=200] [--seconds=60] [--messages=10]

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { compose } from '../../../adapters/compose.ts';
import { parseConfig } from '../../../adapters/config/config.ts';
import { createPortal } from '../../../adapters/http/portal.ts';
import { startServer } from '../../../adapters/http/server.ts';
import { createLogger } from '../../../adapters/logging/logger.ts';
import { emailKey } from '../../../core/accounts/email.ts';
import type { Account } from '../../../core/accounts/model.ts';
import { normalisePassword } from '../../../core/accounts/password-policy.ts';
import { sendMessage } from '../../../core/messages/send-message.ts';
import { scratchDir } from '../support/scratch.ts';
import { count, readOptions } from './args.ts';

const PUBLIC_URL = 'https://messages.example.gov.uk';
const PASSWORD = 'correct horse battery staple';
const env = (dataDir: string) => ({
  PUBLIC_URL,
  DATA_DIR: dataDir,
  INTERNAL_DOMAINS: 'barnet.gov.uk',
  SEALPOST_KEY_PASSPHRASE: 'load test passphrase, long enough',
  LOG_LEVEL: 'silent',
  // The load's senders have no second factor (as after an upgrade from before 0.4).
  STAFF_SECOND_FACTOR: 'admins',
});

// ---- The server process -----------------------------------------------------------

if (process.argv[2] === '--serve') {
  const dataDir = process.argv[3] ?? '';
  const logger = createLogger({ level: 'silent' });
  const app = await compose(parseConfig(env(dataDir)), { logger });
  // Every client signs in from 127.0.0.1: the per-address sign-in limit is for the
  // internet, not for a load test from one address.
  const http = createPortal(app, { signInLimit: 1_000_000 });
  const server = await startServer({ app: http, host: '127.0.0.1', port: 0, logger });
  process.stdout.write(`listening ${server.port}\n`);
  process.stdin.once('data', async () => {
    await server.stop({ graceMs: 1_000 });
    await app.close();
    process.exit(0);
  });
} else {
  await runLoad();
}

async function runLoad() {
  const options = readOptions('load.ts', { clients: 200, seconds: 60, messages: 10 });
  const scratch = scratchDir('load');
  process.stdout.write(
    `Seeding ${options.clients} recipients with ${options.messages} messages each…\n`,
  );
  await seed(scratch.dir, options.clients, options.messages);

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', scratch.dir],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const [first] = (await once(lines, 'line')) as [string];
  const port = Number(/^listening (\d+)$/.exec(first)?.[1]);
  const base = `http://127.0.0.1:${port}`;

  try {
    process.stdout.write(`Signing in ${options.clients} clients…\n`);
    const cookies = await Promise.all(
      Array.from({ length: options.clients }, (_, i) => signIn(base, `person${i}@example.org`)),
    );

    process.stdout.write(`Browsing for ${options.seconds} s…\n`);
    const latencies: number[] = [];
    const errors: string[] = [];
    const until = performance.now() + options.seconds * 1000;
    const get = async (cookie: string, pathname: string) => {
      const started = performance.now();
      try {
        const res = await fetch(`${base}${pathname}`, { headers: { cookie } });
        const text = await res.text();
        latencies.push(performance.now() - started);
        if (res.status !== 200) errors.push(`${res.status} ${pathname}`);
        return text;
      } catch (error) {
        latencies.push(performance.now() - started);
        errors.push(`${String(error)} ${pathname}`);
        return '';
      }
    };
    await Promise.all(
      cookies.map(async (cookie) => {
        while (performance.now() < until) {
          const inbox = await get(cookie, '/inbox');
          const ids = [...inbox.matchAll(/href="\/inbox\/([a-z0-9]+)"/g)].map((m) => m[1]);
          const id = ids[Math.floor(Math.random() * ids.length)];
          if (!id) {
            errors.push('an inbox without messages');
            continue;
          }
          await get(cookie, `/inbox/${id}`);
        }
      }),
    );

    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    const rate = latencies.length / options.seconds;
    process.stdout.write(
      [
        '',
        `Load: ${options.clients} signed-in clients, inbox and message pages, ${options.seconds} s on loopback`,
        `  requests  ${count(latencies.length)} (${rate.toFixed(0)} per second)`,
        `  errors    ${count(errors.length)}${errors.length ? ` (first: ${errors[0]})` : ''}`,
        `  p50       ${at(0.5).toFixed(1)} ms`,
        `  p90       ${at(0.9).toFixed(1)} ms`,
        `  p99       ${at(0.99).toFixed(1)} ms`,
        `  max       ${at(1).toFixed(1)} ms`,
        '',
      ].join('\n'),
    );
    process.exitCode = errors.length === 0 ? 0 : 1;
  } finally {
    child.stdin.write('stop\n');
    await once(child, 'exit');
    scratch.remove();
  }
}

/** Signs in over HTTP as a browser would and returns the session cookie. */
async function signIn(base: string, email: string): Promise<string> {
  const page = await fetch(`${base}/sign-in`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const body = new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString();
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      origin: base,
    },
    body,
  });
  if (res.status !== 303) throw new Error(`sign-in of ${email} answered ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** Recipients, a staff sender, and `messages` messages to each recipient (100 to a message). */
async function seed(dataDir: string, clients: number, messages: number) {
  const app = await compose(parseConfig(env(dataDir)), {
    logger: createLogger({ level: 'silent' }),
  });
  try {
    const hash = await app.hasher.hash({ password: normalisePassword(PASSWORD) });
    const now = app.clock.now();
    const account = (email: string, extra: Partial<Account> = {}): Account => ({
      id: app.ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: email,
      kind: 'external',
      role: 'recipient',
      passwordHash: hash,
      status: 'active',
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
      totpKeyEnc: null,
      recoveryCodeHashes: [],
      legalHold: false,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
      passwordChangedAt: now,
      sharedMailbox: false,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
      ...extra,
    });
    const sender = account('officer@barnet.gov.uk', { kind: 'staff', role: 'sender' });
    await app.storage.repos.accounts.insert({ account: sender });
    const people = Array.from({ length: clients }, (_, i) => `person${i}@example.org`);
    for (const email of people)
      await app.storage.repos.accounts.insert({ account: account(email) });
    const settings = await app.settings.get();
    const deps = { ...app, publicUrl: PUBLIC_URL };
    for (let m = 0; m < messages; m++) {
      for (let at = 0; at < people.length; at += 100) {
        const result = await sendMessage(deps, settings, {
          senderId: sender.id,
          to: people.slice(at, at + 100),
          cc: [],
          subject: `Your care plan, part ${m + 1}`,
          body: `Hello,\n\nthis is part ${m + 1} of your plan.\n${'Some words of the plan. '.repeat(40)}`,
          bodyFormat: 'text',
          attachments: [],
          readOnly: false,
          classification: null,
          source: 'web',
        });
        if (!result.ok) throw new Error(JSON.stringify(result.issues));
      }
    }
  } finally {
    await app.close();
  }
}
