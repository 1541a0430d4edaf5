// A populated Sealpost instance for the backup, restore and migration tests: messages
// with attachments sent through core's sendMessage with the real OpenPGP cipher, and
// a check that opens every one of them again, wherever the data went, and compares
// every byte.

import { createHash, randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { type Config, parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { findBrokenLink } from '../../core/audit/chain.ts';
import type { AuditEvent } from '../../core/audit/model.ts';
import { downloadAttachment } from '../../core/messages/download-attachment.ts';
import { openMessage } from '../../core/messages/open-message.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { patternBytes } from '../contracts/blob-store-contract.ts';

/** The key passphrase of every test instance. */
export const PASSPHRASE = 'restore drill passphrase, long enough';

/** The environment of a test instance, as an admin would write it in sealpost.env. */
export function instanceEnv(args: {
  dataDir: string;
  databaseUrl?: string;
  blobStore?: 'fs' | 'database';
}): Record<string, string> {
  return {
    DATA_DIR: args.dataDir,
    PUBLIC_URL: 'https://securemail.example.gov.uk',
    SEALPOST_KEY_PASSPHRASE: PASSPHRASE,
    INTERNAL_DOMAINS: 'example.gov.uk',
    JOBS: 'off',
    LOG_LEVEL: 'silent',
    ...(args.databaseUrl ? { DATABASE_URL: args.databaseUrl } : {}),
    ...(args.blobStore ? { BLOB_STORE: args.blobStore } : {}),
  };
}

/** The configuration of a test instance. */
export function instanceConfig(env: Record<string, string>): Config {
  return parseConfig(env);
}

const silent = () =>
  createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

/** Composes the app for `env`, quietly. */
export function openInstance(env: Record<string, string>): Promise<Sealpost> {
  return compose(instanceConfig(env), { logger: silent() });
}

/** One message as sent, to compare with what comes back. */
export type SentMessage = {
  recipient: string;
  deliveryId: string;
  subject: string;
  body: string;
  attachments: Array<{ name: string; sha256: string; size: number }>;
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function addStaff(app: Sealpost, email: string): Promise<Account> {
  const now = app.clock.now();
  const account: Account = {
    id: app.ids.newId(),
    email,
    emailKey: emailKey(email),
    displayName: 'Olive Officer',
    kind: 'staff',
    role: 'sender',
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
  };
  await app.storage.repos.accounts.insert({ account });
  return account;
}

/**
 * Fills an instance: `count` messages from one officer to two recipients each (so some
 * recipients share messages), each with up to three attachments of varied sizes, one
 * of them over a megabyte so blobs span several chunks. Returns every delivery sent.
 */
export async function populate(app: Sealpost, count = 4): Promise<SentMessage[]> {
  const sender = await addStaff(app, 'officer@example.gov.uk');
  const limits = await app.settings.get();
  const deps = { ...app, publicUrl: app.config.publicUrl };
  const people = ['ada@example.org', 'bob@example.net', 'cy@example.com'];
  const sent: SentMessage[] = [];
  for (let i = 0; i < count; i++) {
    const to = [people[i % 3] as string, people[(i + 1) % 3] as string];
    const files = Array.from({ length: i % 4 }, (_, j) => ({
      name: `file-${i}-${j}.bin`,
      bytes: patternBytes(j === 2 ? 1_200_000 : 1_000 + 7_919 * (i + j), i * 10 + j + 1),
    }));
    const subject = `Case ${i}: ${randomBytes(4).toString('hex')}`;
    const body = `Dear resident,\n\nmessage number ${i}. ${'Lorem ipsum. '.repeat(i * 50)}\n`;
    const result = await sendMessage(deps, limits, {
      senderId: sender.id,
      to,
      cc: [],
      subject,
      body,
      bodyFormat: 'text',
      attachments: files.map((f) => ({
        name: f.name,
        contentType: 'application/octet-stream',
        content: streamOf(f.bytes),
      })),
      readOnly: false,
      classification: null,
      source: 'portal',
      ip: '192.0.2.1',
    });
    if (!result.ok) throw new Error(`send failed: ${JSON.stringify(result.issues)}`);
    result.deliveryIds.forEach((deliveryId, k) => {
      sent.push({
        recipient: to[k] as string,
        deliveryId,
        subject,
        body,
        attachments: files.map((f) => ({
          name: f.name,
          sha256: sha256(f.bytes),
          size: f.bytes.byteLength,
        })),
      });
    });
  }
  return sent;
}

/**
 * Opens every delivery as its recipient would (openMessage, then downloadAttachment
 * for each file) and compares subject, body and every attachment's bytes.
 */
export async function expectEveryMessageReads(app: Sealpost, sent: SentMessage[]): Promise<void> {
  const deps = { ...app, publicUrl: app.config.publicUrl };
  expect(sent.length).toBeGreaterThan(0);
  for (const item of sent) {
    const account = await app.storage.repos.accounts.findByEmailKey({
      emailKey: emailKey(item.recipient),
    });
    if (!account) throw new Error(`no account for ${item.recipient}`);
    const result = await openMessage(deps, { account, deliveryId: item.deliveryId, ip: null });
    if (!result.ok) throw new Error(`${item.deliveryId} did not open: ${result.reason}`);
    const { opened } = result;
    expect(opened.subject).toBe(item.subject);
    expect(new TextDecoder().decode(await readAll(await opened.body()))).toBe(item.body);
    expect(opened.attachments.map((a) => a.name)).toEqual(item.attachments.map((a) => a.name));
    for (const [k, summary] of opened.attachments.entries()) {
      const download = await downloadAttachment(deps, {
        account,
        deliveryId: item.deliveryId,
        attachmentId: summary.id,
        ip: null,
      });
      if (!download) throw new Error(`attachment ${summary.id} did not download`);
      const bytes = await readAll(download.content);
      expect(bytes.byteLength).toBe(item.attachments[k]?.size);
      expect(sha256(bytes)).toBe(item.attachments[k]?.sha256);
    }
  }
}

/** Reads the whole audit trail and checks its hash chain; returns how many events. */
export async function expectAuditChainHolds(app: Sealpost): Promise<number> {
  const events: AuditEvent[] = [];
  let afterSeq: number | undefined;
  for (;;) {
    const page = await app.storage.repos.audit.list({
      limit: 500,
      order: 'asc',
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
    events.push(...page);
    if (page.length < 500) break;
    afterSeq = page[page.length - 1]?.seq;
  }
  const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
  expect(findBrokenLink({ events, prev: null, sha256Hex })).toBeNull();
  return events.length;
}

/** Copies the keys folder to another DATA_DIR, as an admin restores it from the key backup. */
export function copyKeys(fromDataDir: string, toDataDir: string): void {
  cpSync(path.join(fromDataDir, 'keys'), path.join(toDataDir, 'keys'), { recursive: true });
}
