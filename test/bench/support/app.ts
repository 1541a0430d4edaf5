// The whole portal as `sealpost serve` runs it (composition root, real adapters: SQLite,
// OpenPGP, blobs on disk, argon2 at its default cost), listening on a loopback port, in
// a fresh DATA_DIR that `close()` removes. Benchmarks drive it over real HTTP.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compose, type Sealpost } from '../../../adapters/compose.ts';
import { parseConfig } from '../../../adapters/config/config.ts';
import type { AreaOptions } from '../../../adapters/http/areas/index.ts';
import { createPortal } from '../../../adapters/http/portal.ts';
import { type RunningServer, startServer } from '../../../adapters/http/server.ts';
import { createLogger } from '../../../adapters/logging/logger.ts';
import { emailKey } from '../../../core/accounts/email.ts';
import type { Account } from '../../../core/accounts/model.ts';
import { normalisePassword } from '../../../core/accounts/password-policy.ts';
import { sendMessage } from '../../../core/messages/send-message.ts';
import { freePort } from '../../support/cli.ts';

/** The council's domain in every benchmark. */
export const COUNCIL = 'council.test';
/** The password every benchmark account has (the policy accepts it). */
export const PASSWORD = 'correct horse battery staple';

/** A running portal and what a benchmark does with it. */
export type BenchApp = {
  app: Sealpost;
  dataDir: string;
  /** `http://127.0.0.1:<port>`, also the PUBLIC_URL, so Origin checks pass as in a browser. */
  url: string;
  /**
   * The settings this portal runs with, DATA_DIR included and PUBLIC_URL left out: what
   * a `sealpost` command needs to run on the same installation after `close({ keepData })`.
   */
  env: Record<string, string>;
  /** A person with `PASSWORD`: an external recipient, or staff (a sender). */
  addPerson(email: string, kind?: 'external' | 'staff'): Promise<Account>;
  /**
   * Signs in through the real form and returns the Cookie header a browser would send.
   * `forwardedFor` sets X-Forwarded-For (read only with TRUST_PROXY=on), so many people
   * can sign in from a benchmark without tripping the per-address limit.
   */
  signIn(email: string, options?: { forwardedFor?: string }): Promise<string>;
  /** The CSRF token of the first form on a page. */
  csrfFrom(pathname: string, cookie?: string): Promise<string>;
  /**
   * Sends a message through the core use case, as the staff compose page and
   * `sealpost send` do; resolves with the first delivery's id.
   */
  send(args: { from: Account; to: string[]; subject: string; body: string }): Promise<string>;
  /** The same, resolving with every delivery's id, in the order of `to`. */
  sendToAll(args: {
    from: Account;
    to: string[];
    subject: string;
    body: string;
  }): Promise<string[]>;
  /** Stops the portal and closes the app; `keepData` leaves DATA_DIR for `sealpost serve`. */
  close(options?: { keepData?: boolean }): Promise<void>;
};

/** Starts the portal; `env` adds to or overrides the benchmark's configuration. */
export async function startBenchApp(
  options: { env?: Record<string, string>; areas?: AreaOptions } = {},
): Promise<BenchApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sealpost-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    INTERNAL_DOMAINS: COUNCIL,
    SEALPOST_KEY_PASSPHRASE: 'bench passphrase, not a secret at all',
    LOG_LEVEL: 'silent',
    // The benchmark's senders have no second factor (as after an upgrade from before 0.4).
    STAFF_SECOND_FACTOR: 'admins',
    ...options.env,
  };
  const config = parseConfig({ PUBLIC_URL: url, ...env });
  const logger = createLogger({ level: 'silent' });
  const app = await compose(config, { logger });
  // Key generation happens on first use: keep it out of every measurement.
  await app.cipher.decryptBytes({
    ciphertext: await app.cipher.encryptBytes({ plaintext: new Uint8Array(1) }),
  });
  const http = createPortal(app, options.areas);
  const server: RunningServer = await startServer({ app: http, host: '127.0.0.1', port, logger });

  // Every account has the same password: one argon2 hash (with its own salt) serves
  // them all, so adding hundreds of people costs no hashing time.
  let passwordHash: Promise<string> | null = null;
  const addPerson = async (email: string, kind: 'external' | 'staff' = 'external') => {
    passwordHash ??= app.hasher.hash({ password: normalisePassword(PASSWORD) });
    const now = app.clock.now();
    const account: Account = {
      id: app.ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: email.split('@')[0] ?? email,
      kind,
      role: kind === 'staff' ? 'sender' : 'recipient',
      passwordHash: await passwordHash,
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
    };
    await app.storage.repos.accounts.insert({ account });
    return account;
  };

  const csrfFrom = async (pathname: string, cookie?: string) => {
    const res = await fetch(`${url}${pathname}`, { headers: cookie ? { cookie } : {} });
    const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
    if (!token) throw new Error(`no CSRF token on ${pathname} (status ${res.status})`);
    return token;
  };

  const signIn: BenchApp['signIn'] = async (email, options = {}) => {
    const csrf = await csrfFrom('/sign-in');
    const forwarded: Record<string, string> = options.forwardedFor
      ? { 'x-forwarded-for': options.forwardedFor }
      : {};
    const res = await fetch(`${url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: url,
        ...forwarded,
      },
      body: new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }).toString(),
    });
    if (res.status !== 303) throw new Error(`sign-in of ${email} answered ${res.status}`);
    return res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  };

  // The whole app as the use case's dependencies, as `sealpost send` passes them: what
  // the use case needs may change, the composition root provides it.
  const sendDeps = { ...app, publicUrl: url };
  const sendToAll: BenchApp['sendToAll'] = async ({ from, to, subject, body }) => {
    const result = await sendMessage(sendDeps, await app.settings.get(), {
      senderId: from.id,
      to,
      cc: [],
      subject,
      body,
      bodyFormat: 'text',
      attachments: [],
      readOnly: false,
      classification: null,
      source: 'web',
    });
    if (!result.ok) throw new Error(`sending failed: ${JSON.stringify(result.issues)}`);
    return result.deliveryIds;
  };
  const send: BenchApp['send'] = async (args) => (await sendToAll(args))[0] as string;

  return {
    app,
    dataDir,
    url,
    env,
    addPerson,
    signIn,
    csrfFrom,
    send,
    sendToAll,
    async close(closing = {}) {
      await server.stop({ graceMs: 2_000 });
      await app.close();
      if (!closing.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `task` for each of `items`, at most `width` at a time. */
export async function inParallel<T>(
  items: T[],
  width: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
