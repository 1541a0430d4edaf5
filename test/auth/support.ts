import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { argon2Hasher } from '../../adapters/security/argon2-hasher.ts';
import { fileCommonPasswords } from '../../adapters/security/common-passwords.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import type { AccountDeps } from '../../core/accounts/deps.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import type { OneTimeToken } from '../../core/auth/model.ts';
import { buildLinkToken } from '../../core/auth/one-time-tokens.ts';
import { DEFAULT_SESSION_POLICY } from '../../core/auth/sessions.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings/model.ts';
import { addDays } from '../../core/shared/time.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';

/** A password the policy accepts (three random words). */
export const GOOD_PASSWORD = 'correct horse battery staple';

/** A clock the test moves by hand. */
export type ManualClock = { now(): Date; advance(ms: number): void; set(date: Date): void };

/** A clock that starts at `start` and moves only when told. */
export function manualClock(start = new Date('2025-03-03T09:00:00Z')): ManualClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
    set(date) {
      now = date.getTime();
    },
  };
}

/** Everything an account test needs: real SQLite in a temp folder, real argon2 (cheap settings). */
export type Harness = {
  deps: AccountDeps;
  storage: Storage;
  clock: ManualClock;
  settings: Settings;
  /** An external recipient with `GOOD_PASSWORD`. */
  addRecipient(email: string, over?: Partial<Account>): Promise<Account>;
  /** An external recipient without a password yet, as sending a message creates one. */
  addUnregistered(email: string): Promise<Account>;
  /** A stored link token for `account` (or a bare address), returning the link value. */
  addLink(args: {
    purpose: OneTimeToken['purpose'];
    email: string;
    accountId?: string | null;
    deliveryId?: string | null;
    expiresAt?: Date;
  }): Promise<string>;
  /** A message from a staff sender delivered to `recipient`; returns the delivery id. */
  addDelivery(recipient: Account): Promise<string>;
  /** The emails in the outbox, decrypted, oldest first. */
  outbox(): Promise<Array<{ kind: string; to: string; subject: string; text: string }>>;
  close(): Promise<void>;
};

/** Builds a fresh harness; call `close` in `afterEach`. */
export async function createHarness(over: { settings?: Partial<Settings> } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-auth-'));
  const storage = sqliteStorage({ path: path.join(dir, 'test.db') });
  await storage.migrate();
  const clock = manualClock();
  const settings: Settings = { ...DEFAULT_SETTINGS, orgName: 'Barnet Council', ...over.settings };
  // The in-memory AES-GCM cipher, which passes the cipher contract; the outbox reads
  // back what it wrote through it.
  const cipher = await memoryCipher();
  // Low argon2 cost: the tests check the flows, not the cost settings.
  const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const deps: AccountDeps = {
    storage,
    hasher,
    commonPasswords: fileCommonPasswords(),
    secrets: nodeSecrets({ signingKey: randomBytes(32) }),
    ids: randomIds(),
    clock,
    cipher,
    templates: mailTemplates,
    settings: { get: async () => settings },
    policy: DEFAULT_SESSION_POLICY,
    publicUrl: 'https://messages.example.gov.uk',
    ssoConfigured: false,
  };

  const insertAccount = async (email: string, passwordHash: string | null, extra = {}) => {
    const now = clock.now();
    const account: Account = {
      id: deps.ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: email,
      kind: 'external',
      role: 'recipient',
      passwordHash,
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
      passwordChangedAt: passwordHash ? now : null,
      sharedMailbox: false,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
      ...extra,
    };
    await storage.repos.accounts.insert({ account });
    return account;
  };

  return {
    deps,
    storage,
    clock,
    settings,
    async addRecipient(email, extra = {}) {
      const hash = await hasher.hash({ password: normalisePassword(GOOD_PASSWORD) });
      return insertAccount(email, hash, extra);
    },
    addUnregistered(email) {
      return insertAccount(email, null);
    },
    async addLink(args) {
      const { token, value } = buildLinkToken(deps, {
        purpose: args.purpose,
        accountId: args.accountId ?? null,
        email: args.email,
        deliveryId: args.deliveryId ?? null,
        expiresAt: args.expiresAt ?? addDays(clock.now(), 7),
      });
      await storage.repos.tokens.insert({ token });
      return value;
    },
    async addDelivery(recipient) {
      const now = clock.now();
      const sender =
        (await storage.repos.accounts.findByEmailKey({ emailKey: 'sender@barnet.gov.uk' })) ??
        (await insertAccount('sender@barnet.gov.uk', null, { kind: 'staff', role: 'sender' }));
      const messageId = deps.ids.newId();
      await storage.repos.messages.insert({
        message: {
          id: messageId,
          senderId: sender.id,
          subjectEnc: await cipher.encryptBytes({ plaintext: new TextEncoder().encode('Hello') }),
          bodyBlobId: deps.ids.newId(),
          bodyFormat: 'text',
          classification: null,
          readOnly: false,
          secondFactorRequired: false,
          source: 'web',
          inReplyToId: null,
          threadId: messageId,
          sizeBytes: 5,
          createdAt: now,
          retainUntil: addDays(now, 90),
          legalHold: false,
          dedupeKey: null,
        },
      });
      const id = deps.ids.newId();
      await storage.repos.deliveries.insert({
        delivery: {
          id,
          messageId,
          recipientId: recipient.id,
          recipientEmail: recipient.email,
          kind: 'to',
          accessEndsAt: addDays(now, 45),
          revokedAt: null,
          notifiedAt: now,
          firstOpenedAt: null,
          hiddenAt: null,
          unretrievedNoticeAt: null,
          createdAt: now,
          forwardedFromId: null,
          forwardedById: null,
        },
      });
      return id;
    },
    async outbox() {
      const mails = await storage.repos.outbox.claimDue({
        now: new Date('2100-01-01T00:00:00Z'),
        leaseUntil: new Date('2100-01-01T00:01:00Z'),
        limit: 1000,
      });
      // Put them back as they were, so a later call sees them again.
      for (const mail of mails) {
        await storage.repos.outbox.update({
          mail: { ...mail, status: 'pending', leaseUntil: null },
        });
      }
      const sorted = [...mails].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      return Promise.all(
        sorted.map(async (mail) => {
          const content = await readOutboxMail({ cipher }, mail);
          return { kind: mail.kind, to: content.to, subject: content.subject, text: content.text };
        }),
      );
    },
    async close() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The link token value inside an email's text (`.../reset/<token>` and the like). */
export function linkIn(text: string, route: string): string {
  const match = new RegExp(`/${route}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no /${route}/ link in: ${text}`);
  return match[1];
}
