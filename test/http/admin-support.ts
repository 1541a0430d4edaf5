import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs/index.ts';
import type { Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { currentDelegate } from '../../adapters/http/acting-context.ts';
import { createPortal } from '../../adapters/http/portal.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { argon2Hasher } from '../../adapters/security/argon2-hasher.ts';
import { fileCommonPasswords } from '../../adapters/security/common-passwords.ts';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { settingsService } from '../../adapters/settings/settings-service.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import type { AuditAction } from '../../core/audit/model.ts';
import type { Cipher } from '../../core/crypto/ports.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import type { MailboxDeps } from '../../core/messages/deps.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings/model.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { GOOD_PASSWORD, type ManualClock, manualClock } from '../auth/support.ts';
import { BASE, COUNCIL_DOMAIN, csrfOf } from './mailbox-support.ts';
import {
  codeFor,
  cookiesOf,
  enrolTokenOnPage,
  keyOnPage,
  recoveryCodesOnPage,
} from './staff-support.ts';

export { BASE, COUNCIL_DOMAIN, csrfOf } from './mailbox-support.ts';

const silent = () =>
  createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

/**
 * The whole portal (`createPortal`, as `sealpost serve` builds it) over real SQLite,
 * the given cipher and the real settings service (so a saved setting is the setting
 * in force), with a hand-moved clock and helpers that drive it as a browser would.
 */
export async function adminHarness(
  cipher: Cipher,
  over: { settings?: Partial<Settings>; env?: Record<string, string> } = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-admin-'));
  const storage: Storage = sqliteStorage({ path: path.join(dir, 'test.db') });
  await storage.migrate();
  const clock: ManualClock = manualClock();
  const defaults: Settings = {
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
  // `env` adds configuration (single sign-on, say) as the environment would.
  const config = parseConfig({ PUBLIC_URL: BASE, DATA_DIR: dir, ...over.env });
  const settings = settingsService({ storage, defaults });
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
    mailer: { send: async () => ({ ok: true }), close: async () => {} },
    scanner: null,
    settings,
    // As `compose` wires it: audit events of a member working in a team mailbox name them.
    actingFor: currentDelegate,
    close: async () => {},
  };
  const app = createPortal(sealpost);
  const mailbox: MailboxDeps = {
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

  /** A staff account with the test password. */
  const addStaff = (
    local: string,
    role: 'sender' | 'admin' | 'auditor',
    extra: Partial<Account> = {},
  ) =>
    addAccount(`${local}@${COUNCIL_DOMAIN}`, {
      kind: 'staff',
      role,
      displayName: local.charAt(0).toUpperCase() + local.slice(1),
      ...extra,
    });

  const get = (p: string, cookie?: string) =>
    app.request(`${BASE}${p}`, { headers: cookie ? { cookie } : {} });

  /** POSTs a urlencoded form with the CSRF token taken from `formPage` (or given). */
  const post = async (
    p: string,
    args: {
      cookie?: string;
      formPage?: string;
      csrf?: string;
      fields?: Record<string, string> | Array<[string, string]>;
    },
  ) => {
    const csrf =
      args.csrf ??
      (args.formPage ? csrfOf(await (await get(args.formPage, args.cookie)).text()) : null);
    const body = new URLSearchParams(args.fields ?? {});
    if (csrf) body.set('_csrf', csrf);
    const text = body.toString();
    // As a browser sends a form: with its length.
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(text)),
      origin: BASE,
    };
    if (args.cookie) headers.cookie = args.cookie;
    return app.request(`${BASE}${p}`, { method: 'POST', body: text, headers });
  };

  /** Signs in with the password alone (recipients, senders, auditors); returns the cookies. */
  const signIn = async (email: string) => {
    const res = await post('/sign-in', {
      formPage: '/sign-in',
      fields: { email, password: GOOD_PASSWORD },
    });
    expect(res.status).toBe(303);
    return cookiesOf(res);
  };

  /**
   * Signs an admin in all the way: the password, then (as every admin must) setting up
   * an authenticator app, which completes the sign-in. Returns the cookies.
   */
  const signInAdmin = async (email: string) => {
    const cookie = await signIn(email);
    const page = await get('/staff/two-factor', cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    const keyText = keyOnPage(html);
    const res = await post('/staff/two-factor', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: { token: enrolTokenOnPage(html), code: codeFor(keyText, clock.now()) },
    });
    expect(res.status).toBe(200);
    expect(recoveryCodesOnPage(await res.text())).toHaveLength(10);
    await markEnrolNoticeSent(email);
    return cookie;
  };

  /**
   * Setting up the app emails the admin (as every change to a second factor does); the
   * notice is checked here and marked sent, so each test counts only its own mail.
   */
  const markEnrolNoticeSent = async (email: string) => {
    const due = await storage.repos.outbox.claimDue({
      now: new Date('2100-01-01T00:00:00Z'),
      leaseUntil: new Date('2100-01-01T00:01:00Z'),
      limit: 1000,
    });
    const notice = due.find((m) => m.kind === 'second-factor' && m.to === email.toLowerCase());
    expect(notice).toBeDefined();
    for (const mail of due) {
      const sent = mail === notice;
      await storage.repos.outbox.update({
        mail: {
          ...mail,
          status: sent ? 'sent' : 'pending',
          leaseUntil: null,
          sentAt: sent ? clock.now() : null,
        },
      });
    }
  };

  /** A council sender, and a message from them to `to`; returns the message and delivery ids. */
  const send = async (args: { from: Account; to: string[]; subject?: string }) => {
    const result = await sendMessage(
      mailbox,
      {
        maxAttachments: defaults.maxAttachments,
        maxTotalBytes: defaults.maxTotalBytes,
        accessDays: defaults.accessDays,
        retentionDays: defaults.retentionDays,
        orgName: defaults.orgName,
      },
      {
        senderId: args.from.id,
        to: args.to,
        cc: [],
        subject: args.subject ?? 'Your care plan',
        body: 'Hello.',
        bodyFormat: 'text',
        attachments: [],
        readOnly: false,
        classification: null,
        source: 'web',
      },
    );
    if (!result.ok) throw new Error(`send failed: ${JSON.stringify(result.issues)}`);
    return { messageId: result.messageId, deliveryIds: result.deliveryIds };
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
        return { id: mail.id, kind: mail.kind, to: content.to, text: content.text };
      }),
    );
  };

  /** Audit events with `action`, oldest first. */
  const audit = (action?: AuditAction) =>
    storage.repos.audit.list({ limit: 1000, ...(action ? { filter: { action } } : {}) });

  return {
    app,
    sealpost,
    storage,
    clock,
    settings,
    addAccount,
    addStaff,
    get,
    post,
    signIn,
    signInAdmin,
    send,
    outbox,
    audit,
    async close() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The harness's type, for `let h: AdminHarness` in tests. */
export type AdminHarness = Awaited<ReturnType<typeof adminHarness>>;
