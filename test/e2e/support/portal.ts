import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { compose, type Sealpost } from '../../../adapters/compose.ts';
import { parseConfig } from '../../../adapters/config/config.ts';
import { createPortal } from '../../../adapters/http/portal.ts';
import { type RunningServer, startServer } from '../../../adapters/http/server.ts';
import { createLogger } from '../../../adapters/logging/logger.ts';
import { argon2Hasher } from '../../../adapters/security/argon2-hasher.ts';
import { emailKey } from '../../../core/accounts/email.ts';
import type { Account } from '../../../core/accounts/model.ts';
import { normalisePassword } from '../../../core/accounts/password-policy.ts';
import { readOutboxMail } from '../../../core/mail/outbox.ts';
import { freePort, tempDir } from '../../support/cli.ts';

/** One email waiting in the outbox, decrypted. */
export type OutboxEntry = { kind: string; to: string; subject: string; text: string };

/** The real portal on a free loopback port, and what a test needs to drive it. */
export type TestPortal = {
  app: Sealpost;
  server: RunningServer;
  /** `http://127.0.0.1:<port>` (or `localhost`), also the PUBLIC_URL, so emailed links work. */
  origin: string;
  /** Adds an account that already has `password` (a recipient outside the council by default). */
  addAccount(args: { email: string; password: string } & Partial<Account>): Promise<Account>;
  /** The emails waiting in the outbox, decrypted, oldest first; left in place. */
  outbox(): Promise<OutboxEntry[]>;
  /** Reads an account again by its address. */
  account(email: string): Promise<Account | null>;
  stop(): Promise<void>;
};

/**
 * Starts what `sealpost serve` runs (compose + createPortal) over a temp DATA_DIR:
 * SQLite, OpenPGP keys, blob folder and outbox, with no outbox worker, so the tests
 * read the emails from the outbox rows. The only change is a cheap argon2 setting:
 * hashing cost is not what these tests are about, and it keeps them quick.
 */
export async function startTestPortal(args: {
  prefix: string;
  /** Adds to or overrides the configuration below. */
  env?: Record<string, string>;
  /**
   * The host name in PUBLIC_URL (and `origin`); the server listens on 127.0.0.1 either
   * way. Passkeys need `localhost`: a WebAuthn relying party must be a domain, not an IP.
   */
  host?: '127.0.0.1' | 'localhost';
}): Promise<TestPortal> {
  const dataDir = tempDir(args.prefix);
  const port = await freePort();
  const origin = `http://${args.host ?? '127.0.0.1'}:${port}`;
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const config = parseConfig({
    PUBLIC_URL: origin,
    DATA_DIR: dataDir,
    ORG_NAME: 'Barnet Council',
    INTERNAL_DOMAINS: 'barnet.gov.uk',
    SEALPOST_KEY_PASSPHRASE: 'e2e test passphrase',
    // The senders these tests make have no second factor, as on an installation
    // upgraded from before 0.4; test/e2e/staff-second-factor.test.ts runs the default.
    STAFF_SECOND_FACTOR: 'admins',
    ...args.env,
  });
  const composed = await compose(config, { logger });
  const app: Sealpost = {
    ...composed,
    hasher: argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
  };
  let server: RunningServer;
  try {
    server = await startServer({ app: createPortal(app), host: '127.0.0.1', port, logger });
  } catch (error) {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const addAccount: TestPortal['addAccount'] = async ({ email, password, ...extra }) => {
    const now = new Date();
    const account: Account = {
      id: app.ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: email,
      kind: 'external',
      role: 'recipient',
      passwordHash: await app.hasher.hash({ password: normalisePassword(password) }),
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
    };
    await app.storage.repos.accounts.insert({ account });
    return account;
  };

  const outbox = async (): Promise<OutboxEntry[]> => {
    // Claiming is the only way the port lists mail; each row is put back as it was.
    const mails = await app.storage.repos.outbox.claimDue({
      now: new Date('2100-01-01T00:00:00Z'),
      leaseUntil: new Date('2100-01-01T00:01:00Z'),
      limit: 1000,
    });
    for (const mail of mails) {
      await app.storage.repos.outbox.update({
        mail: { ...mail, status: 'pending', leaseUntil: null },
      });
    }
    const sorted = [...mails].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return Promise.all(
      sorted.map(async (mail) => {
        const content = await readOutboxMail(app, mail);
        return { kind: mail.kind, to: content.to, subject: content.subject, text: content.text };
      }),
    );
  };

  return {
    app,
    server,
    origin,
    addAccount,
    outbox,
    account: (email) => app.storage.repos.accounts.findByEmailKey({ emailKey: emailKey(email) }),
    async stop() {
      await server.stop({ graceMs: 1_000 });
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
