import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import type { Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { openpgpCipher } from '../../adapters/crypto/openpgp/index.ts';
import { createApp } from '../../adapters/http/app.ts';
import { buildAreas } from '../../adapters/http/areas/index.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { argon2Hasher } from '../../adapters/security/argon2-hasher.ts';
import { fileCommonPasswords } from '../../adapters/security/common-passwords.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import type { Cipher } from '../../core/crypto/ports.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import type { MailboxDeps } from '../../core/messages/deps.ts';
import type { Classification } from '../../core/messages/model.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings/model.ts';
import { streamOf } from '../../core/shared/streams.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { GOOD_PASSWORD, type ManualClock, manualClock } from '../auth/support.ts';
import { fixedSettings } from '../factories.ts';
import { bodyFor } from '../support/html-body.ts';

/** The portal's address in these tests. */
export const BASE = 'https://messages.example.gov.uk';
/** The council's own domain: forwarding there is allowed. */
export const COUNCIL_DOMAIN = 'barnet.gov.uk';

const silent = () =>
  createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

/**
 * One real cipher for a whole test file: generating an OpenPGP key costs about a second,
 * and nothing in these tests depends on the key being fresh.
 */
export function sharedCipher(): { cipher: () => Cipher; close(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-mailbox-keys-'));
  let cipher: Cipher | undefined;
  return {
    cipher: () => {
      cipher ??= openpgpCipher({
        keysDir: path.join(dir, 'keys'),
        passphrase: 'mailbox test passphrase',
        logger: silent(),
      });
      return cipher;
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A file to send with a test message. */
export type TestFile = { name: string; contentType: string; bytes: Uint8Array };

/**
 * The whole web app over real SQLite, the real OpenPGP cipher and the file-system blob
 * store, with a hand-moved clock, a council sender, and helpers that drive it the way
 * a browser would (cookies, CSRF tokens from the page, Origin).
 */
export async function mailboxHarness(cipher: Cipher, over: { settings?: Partial<Settings> } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-mailbox-'));
  const storage: Storage = sqliteStorage({ path: path.join(dir, 'test.db') });
  await storage.migrate();
  const clock: ManualClock = manualClock();
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    orgName: 'Barnet Council',
    internalDomains: [COUNCIL_DOMAIN],
    // Most tests here sign senders in without a second factor, as an installation
    // upgraded from before 0.4 does; the default ('all-staff') has its own tests
    // (test/http/staff-second-factor.test.ts, test/e2e/staff-second-factor.test.ts).
    staffSecondFactor: 'admins',
    ...over.settings,
  };
  const ids = randomIds();
  const secrets = nodeSecrets({ signingKey: randomBytes(32) });
  const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const blobs = fsBlobStore({ dir: path.join(dir, 'blobs') });
  const config = parseConfig({ PUBLIC_URL: BASE, DATA_DIR: dir });
  const sealpost: Sealpost = {
    config,
    logger: silent(),
    storage,
    cipher,
    blobs,
    hasher,
    commonPasswords: fileCommonPasswords(),
    secrets,
    ids,
    clock,
    templates: mailTemplates,
    // The outbox rows are what these tests read; nothing is handed to a transport.
    mailer: { send: async () => ({ ok: true }), close: async () => {} },
    scanner: null,
    settings: fixedSettings(settings),
    close: async () => {},
  };
  const app = createApp({
    logger: sealpost.logger,
    isHealthy: async () => true,
    https: true,
    areas: buildAreas(sealpost),
  });
  const deps: MailboxDeps = {
    storage,
    cipher,
    blobs,
    ids,
    clock,
    secrets,
    templates: mailTemplates,
    publicUrl: BASE,
  };

  const addAccount = async (email: string, extra: Partial<Account> = {}) => {
    const now = clock.now();
    const account: Account = {
      id: ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: email,
      kind: 'external',
      role: 'recipient',
      passwordHash: await hasher.hash({ password: normalisePassword(GOOD_PASSWORD) }),
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
    await storage.repos.accounts.insert({ account });
    return account;
  };
  const sender = await addAccount(`officer@${COUNCIL_DOMAIN}`, {
    kind: 'staff',
    role: 'sender',
    displayName: 'Olive Officer',
  });

  /** Sends a message from `from` (the council officer by default); returns delivery ids by address. */
  const send = async (args: {
    to: string[];
    cc?: string[];
    subject?: string;
    body?: string;
    bodyFormat?: 'text' | 'html';
    files?: TestFile[];
    readOnly?: boolean;
    /** The sender's "second factor required" mark (step-up). */
    secondFactorRequired?: boolean;
    classification?: Classification | null;
    from?: Account;
  }) => {
    const result = await sendMessage(
      deps,
      {
        maxAttachments: settings.maxAttachments,
        maxTotalBytes: settings.maxTotalBytes,
        accessDays: settings.accessDays,
        retentionDays: settings.retentionDays,
        orgName: settings.orgName,
      },
      {
        senderId: (args.from ?? sender).id,
        to: args.to,
        cc: args.cc ?? [],
        subject: args.subject ?? 'Your care plan',
        // HTML is made safe once, as the gateway does when it accepts a mail.
        ...bodyFor(args.body ?? 'Hello,\nplease find your plan attached.', args.bodyFormat),
        attachments: (args.files ?? []).map((f) => ({
          name: f.name,
          contentType: f.contentType,
          content: streamOf(f.bytes),
        })),
        readOnly: args.readOnly ?? false,
        secondFactorRequired: args.secondFactorRequired ?? false,
        classification: args.classification ?? null,
        source: 'web',
      },
    );
    if (!result.ok) throw new Error(`send failed: ${JSON.stringify(result.issues)}`);
    const byEmail: Record<string, string> = {};
    for (const id of result.deliveryIds) {
      const delivery = await storage.repos.deliveries.findById({ id });
      if (delivery) byEmail[delivery.recipientEmail] = delivery.id;
    }
    return { messageId: result.messageId, deliveries: byEmail };
  };

  /** Moves a delivery's end of access (into the past to expire it). */
  const setAccessEnd = async (deliveryId: string, accessEndsAt: Date) => {
    const delivery = await storage.repos.deliveries.findById({ id: deliveryId });
    if (!delivery) throw new Error('no such delivery');
    await storage.repos.deliveries.update({ delivery: { ...delivery, accessEndsAt } });
  };

  const revoke = async (deliveryId: string) => {
    const delivery = await storage.repos.deliveries.findById({ id: deliveryId });
    if (!delivery) throw new Error('no such delivery');
    await storage.repos.deliveries.update({ delivery: { ...delivery, revokedAt: clock.now() } });
  };

  const get = (p: string, cookie?: string, headers: Record<string, string> = {}) =>
    app.request(`${BASE}${p}`, { headers: { ...(cookie ? { cookie } : {}), ...headers } });

  /** POSTs a urlencoded form with the CSRF token taken from `formPage` (or given). */
  const post = async (
    p: string,
    args: { cookie?: string; formPage?: string; csrf?: string; fields?: Record<string, string> },
  ) => {
    const csrf =
      args.csrf ??
      (args.formPage ? csrfOf(await (await get(args.formPage, args.cookie)).text()) : null);
    const body = new URLSearchParams(args.fields ?? {});
    if (csrf) body.set('_csrf', csrf);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      origin: BASE,
    };
    if (args.cookie) headers.cookie = args.cookie;
    return app.request(`${BASE}${p}`, { method: 'POST', body: body.toString(), headers });
  };

  /** Signs in as `email` and returns the Cookie header a browser would send next. */
  const signIn = async (email: string) => {
    const res = await post('/sign-in', {
      formPage: '/sign-in',
      fields: { email, password: GOOD_PASSWORD },
    });
    expect(res.status).toBe(303);
    return res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  };

  /** The emails in the outbox, decrypted, oldest first (left in place). */
  const outbox = async () => {
    const mails = await storage.repos.outbox.claimDue({
      now: new Date('2100-01-01T00:00:00Z'),
      leaseUntil: new Date('2100-01-01T00:01:00Z'),
      limit: 1000,
    });
    for (const mail of mails) {
      await storage.repos.outbox.update({ mail: { ...mail, status: 'pending', leaseUntil: null } });
    }
    const sorted = [...mails].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return Promise.all(
      sorted.map(async (mail) => {
        const content = await readOutboxMail({ cipher }, mail);
        return { kind: mail.kind, to: content.to, subject: content.subject, text: content.text };
      }),
    );
  };

  return {
    app,
    storage,
    clock,
    settings,
    deps,
    sender,
    addAccount,
    send,
    setAccessEnd,
    revoke,
    get,
    post,
    signIn,
    outbox,
    async close() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The harness's type, for `let h: MailboxHarness` in tests. */
export type MailboxHarness = Awaited<ReturnType<typeof mailboxHarness>>;

/** The `_csrf` of the first form on a page. */
export function csrfOf(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

/**
 * A page with what changes from one response to the next taken out: the CSRF nonce,
 * the request id, and the session line's and the language switch's way back to the
 * page asked for (they echo the address, as the browser's own address bar does). Two
 * "not found" pages must then be byte for byte the same.
 */
export function stable(html: string): string {
  return html
    .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""')
    .replace(/<input type="hidden" name="back" value="[^"]*">/g, '')
    .replace(/Reference: [\w-]+/g, 'Reference: -')
    .replace(
      /(data-sp-session-stay="true">(?:<input [^>]*>)*?)<input type="hidden" name="next" value="[^"]*"\/>/g,
      '$1',
    );
}
