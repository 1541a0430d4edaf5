import { mailComposerEml } from '../../adapters/subjects/eml-writer.ts';
// A harness for lifecycle, audit and data-subject tests: real SQLite in a temporary
// folder, the real file-system blob store, the in-memory cipher (AES-GCM, fast, and it
// passes the cipher contract), real ids and hashes, and a clock the test
// moves by hand. Messages are sent with the real `sendMessage`, so they are stored
// exactly as the portal stores them.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import type { LifecycleDeps } from '../../core/lifecycle/deps.ts';
import type { MailContent } from '../../core/mail/model.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import { findUnsafeHeader } from '../../core/mail/outbox-worker.ts';
import type { Mailer } from '../../core/mail/ports.ts';
import type { MailboxDeps } from '../../core/messages/deps.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings/model.ts';
import { streamOf } from '../../core/shared/streams.ts';
import type { Storage } from '../../core/storage/ports.ts';
import type { SubjectDeps } from '../../core/subjects/deps.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { type ManualClock, manualClock } from '../auth/support.ts';

export const SECOND = 1_000;
export const DAY = 86_400_000;
export const PUBLIC_URL = 'https://messages.example.gov.uk';

/**
 * A mailer that keeps what it was given, whole. Like the real transports it refuses
 * for good a mail that would inject a header, so it passes the Mailer contract
 * (test/contracts/mailer-contract.test.ts).
 */
export function memoryMailer(): Mailer & { sent: Array<MailContent & { id: string }> } {
  const sent: Array<MailContent & { id: string }> = [];
  return {
    sent,
    async send({ id, mail }) {
      const unsafe = findUnsafeHeader(mail);
      if (unsafe) return { ok: false, permanent: true, error: unsafe };
      sent.push({ ...mail, headers: { ...mail.headers }, id });
      return { ok: true };
    },
    async close() {},
  };
}

const encoder = new TextEncoder();

/** The harness; `close` in `afterEach`. */
export async function lifecycleHarness(over: { settings?: Partial<Settings> } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-lifecycle-'));
  const storage: Storage = sqliteStorage({ path: path.join(dir, 'test.db') });
  await storage.migrate();
  const clock: ManualClock = manualClock(new Date('2026-01-05T10:30:00Z'));
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    orgName: 'Barnet Council',
    internalDomains: ['barnet.gov.uk'],
    ...over.settings,
  };
  const cipher = await memoryCipher();
  const blobDir = path.join(dir, 'blobs');
  const blobs = fsBlobStore({ dir: blobDir });
  const ids = randomIds();
  const secrets = nodeSecrets({ signingKey: randomBytes(32) });
  const mailbox: MailboxDeps = {
    storage,
    cipher,
    blobs,
    ids,
    clock,
    secrets,
    templates: mailTemplates,
    publicUrl: PUBLIC_URL,
  };
  const lifecycle = (extra: Partial<LifecycleDeps> = {}): LifecycleDeps => ({
    storage,
    blobs,
    cipher,
    ids,
    clock,
    secrets,
    settings,
    publicUrl: PUBLIC_URL,
    unretrievedNotice: mailTemplates.unretrieved,
    ...extra,
  });
  const subjects: SubjectDeps = {
    storage,
    cipher,
    blobs,
    ids,
    clock,
    secrets,
    eml: mailComposerEml(),
  };

  const addAccount = async (email: string, extra: Partial<Account> = {}): Promise<Account> => {
    const now = clock.now();
    const account: Account = {
      id: ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: email.split('@')[0] ?? email,
      kind: email.endsWith('@barnet.gov.uk') ? 'staff' : 'external',
      role: email.endsWith('@barnet.gov.uk') ? 'sender' : 'recipient',
      passwordHash: null,
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
      passwordChangedAt: null,
      sharedMailbox: false,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
      ...extra,
    };
    await storage.repos.accounts.insert({ account });
    return account;
  };

  /** Sends a message now with the real use case; returns its id and delivery ids. */
  const send = async (args: {
    from: Account;
    to: string[];
    cc?: string[];
    subject?: string;
    body?: string;
    files?: Array<{ name: string; text: string }>;
    readOnly?: boolean;
    inReplyToId?: string;
  }) => {
    const result = await sendMessage(mailbox, settings, {
      senderId: args.from.id,
      to: args.to,
      cc: args.cc ?? [],
      subject: args.subject ?? 'Your care assessment',
      body: args.body ?? 'Please find the assessment attached.',
      bodyFormat: 'text',
      attachments: (args.files ?? []).map((f) => ({
        name: f.name,
        contentType: 'text/plain',
        content: streamOf(encoder.encode(f.text)),
      })),
      readOnly: args.readOnly ?? false,
      classification: 'OFFICIAL',
      source: 'web',
      inReplyToId: args.inReplyToId ?? null,
      ip: '192.0.2.10',
    });
    if (!result.ok) throw new Error(`send failed: ${JSON.stringify(result.issues)}`);
    return result;
  };

  /** True when the blob file exists on disk. */
  const hasBlob = async (id: string) => {
    const stream = await blobs.get({ id });
    await stream?.cancel();
    return stream !== null;
  };

  /** Every blob id a message owns (body and attachments). */
  const blobsOf = async (messageId: string): Promise<string[]> => {
    const message = await storage.repos.messages.findById({ id: messageId });
    if (!message) return [];
    const files = await storage.repos.attachments.listForMessage({ messageId });
    return [message.bodyBlobId, ...files.map((f) => f.blobId)];
  };

  /** The outbox, decrypted, oldest first, by kind. */
  const outbox = async (kind?: string) => {
    const mails = await storage.repos.outbox.claimDue({
      now: new Date('2200-01-01T00:00:00Z'),
      leaseUntil: new Date('2200-01-01T00:01:00Z'),
      limit: 1000,
    });
    for (const mail of mails) {
      await storage.repos.outbox.update({ mail: { ...mail, status: 'pending', leaseUntil: null } });
    }
    const sorted = mails
      .filter((m) => kind === undefined || m.kind === kind)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return Promise.all(
      sorted.map(async (m) => ({ kind: m.kind, ...(await readOutboxMail({ cipher }, m)) })),
    );
  };

  return {
    dir,
    blobDir,
    storage,
    clock,
    settings,
    cipher,
    blobs,
    ids,
    secrets,
    mailbox,
    subjects,
    lifecycle,
    addAccount,
    send,
    hasBlob,
    blobsOf,
    outbox,
    async close() {
      await storage.close();
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type LifecycleHarness = Awaited<ReturnType<typeof lifecycleHarness>>;
