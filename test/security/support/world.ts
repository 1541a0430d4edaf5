import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { fsBlobStore } from '../../../adapters/blobs/fs/index.ts';
import { chooseSso, type Sealpost } from '../../../adapters/compose.ts';
import { parseConfig } from '../../../adapters/config/config.ts';
import type { AreaOptions } from '../../../adapters/http/areas/index.ts';
import { anonymousCsrfToken } from '../../../adapters/http/middleware/csrf.ts';
import { createPortal } from '../../../adapters/http/portal.ts';
import { createLogger } from '../../../adapters/logging/logger.ts';
import { argon2Hasher } from '../../../adapters/security/argon2-hasher.ts';
import { fileCommonPasswords } from '../../../adapters/security/common-passwords.ts';
import { nodeSecrets, randomIds } from '../../../adapters/security/secrets.ts';
import { sqliteStorage } from '../../../adapters/storage/sqlite/index.ts';
import { emailKey } from '../../../core/accounts/email.ts';
import type { Account } from '../../../core/accounts/model.ts';
import { normalisePassword } from '../../../core/accounts/password-policy.ts';
import type { Cipher } from '../../../core/crypto/ports.ts';
import type { MailboxDeps } from '../../../core/messages/deps.ts';
import { sendMessage } from '../../../core/messages/send-message.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../core/settings/model.ts';
import { streamOf } from '../../../core/shared/streams.ts';
import type { Storage } from '../../../core/storage/ports.ts';
import { mailTemplates } from '../../../views/mail/templates.ts';
import { GOOD_PASSWORD, type ManualClock, manualClock } from '../../auth/support.ts';
import { fixedSettings } from '../../factories.ts';
import { csrfOf } from '../../http/mailbox-support.ts';
import { codeFor, cookiesOf, enrolTokenOnPage, keyOnPage } from '../../http/staff-support.ts';
import { bodyFor } from '../../support/html-body.ts';
import { scratchDir } from './scratch.ts';

/** The portal's public address in the security suites (https: `__Host-` cookies, HSTS). */
export const BASE = 'https://messages.example.gov.uk';
/** The council's own domain. */
export const COUNCIL = 'barnet.gov.uk';
/** The scraper's bearer token: set, so /metrics is mounted as in a monitored install. */
export const METRICS_TOKEN = 'security-suite-metrics-token-0123456789abcdef';

/**
 * The people of the access-control matrix. Ann, Bob and Carol are external recipients
 * (Carol gets her own copy of Ann's messages: a co-recipient); Olive and Sam are staff
 * senders, Audrey an auditor, Adam an admin (with a second factor, as admins must).
 */
export const PEOPLE = {
  ann: { email: 'ann@example.org', kind: 'external', role: 'recipient' },
  bob: { email: 'bob@example.org', kind: 'external', role: 'recipient' },
  carol: { email: 'carol@example.org', kind: 'external', role: 'recipient' },
  olive: { email: `olive@${COUNCIL}`, kind: 'staff', role: 'sender' },
  sam: { email: `sam@${COUNCIL}`, kind: 'staff', role: 'sender' },
  audrey: { email: `audrey@${COUNCIL}`, kind: 'staff', role: 'auditor' },
  adam: { email: `adam@${COUNCIL}`, kind: 'staff', role: 'admin' },
} as const;

/** Someone in the matrix. */
export type Person = keyof typeof PEOPLE;
/** Someone in the matrix, or a client with no session at all. */
export type Actor = Person | 'anonymous';
/** Every actor, in the order the matrix tries them. */
export const ACTORS: readonly Actor[] = [
  'ann',
  'bob',
  'carol',
  'olive',
  'sam',
  'audrey',
  'adam',
  'anonymous',
];

const silent = () =>
  createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

/** A file to send with a test message. */
export type TestFile = {
  name: string;
  contentType: string;
  bytes: Uint8Array;
  /** `inline`: an image the body shows in place (as the gateway stores one). */
  kind?: 'file' | 'inline';
};

/** Options of `openWorld`. */
export type WorldOptions = {
  settings?: Partial<Settings>;
  /** Replaces adapters of the composed app before the portal is built (fault injection). */
  wrap?: (app: Sealpost) => Sealpost;
  /** Sign everyone in (default true). */
  signIn?: boolean;
  /** Limits the areas are built with (the sign-in and reset rate limits). */
  areaOptions?: AreaOptions;
  /** More configuration, as environment variables (INTERNAL_DELIVERY=smtp, ...). */
  env?: Record<string, string>;
  /** The app's logger (silent unless given). */
  logger?: Sealpost['logger'];
};

/**
 * The whole portal exactly as `createPortal` builds it for `sealpost serve`, over real
 * SQLite, the real OpenPGP cipher and blobs on disk, with a hand-moved clock and cheap
 * argon2 settings; everyone in `PEOPLE` exists and (unless told otherwise) is signed
 * in, the admin through both steps.
 */
export async function openWorld(cipher: Cipher, options: WorldOptions = {}) {
  const scratch = scratchDir('security');
  const dir = scratch.dir;
  const dbPath = path.join(dir, 'test.db');
  const blobDir = path.join(dir, 'blobs');
  const storage: Storage = sqliteStorage({ path: dbPath });
  await storage.migrate();
  const clock: ManualClock = manualClock(new Date('2025-03-03T09:00:00Z'));
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    orgName: 'Barnet Council',
    internalDomains: [COUNCIL],
    // The senders of this world have no second factor (an installation upgraded from
    // before 0.4); the default, all staff, has its own tests in test/http and test/e2e.
    staffSecondFactor: 'admins',
    ...options.settings,
  };
  const ids = randomIds();
  const secrets = nodeSecrets({ signingKey: randomBytes(32) });
  const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const blobs = fsBlobStore({ dir: blobDir });
  const config = parseConfig({
    PUBLIC_URL: BASE,
    DATA_DIR: dir,
    INTERNAL_DOMAINS: COUNCIL,
    METRICS_TOKEN,
    STAFF_SECOND_FACTOR: 'admins',
    // Single sign-on configured, so its routes exist and every suite reaches them; the
    // provider's address answers nothing (port 9, discard), so none gets further.
    OIDC_ISSUER: 'http://127.0.0.1:9',
    OIDC_CLIENT_ID: 'sealpost',
    OIDC_CLIENT_SECRET: 'security-suite-client-secret',
    OIDC_ROLE_MAP: 'Sealpost.Sender=sender',
    ...options.env,
  });
  const base: Sealpost = {
    config,
    logger: options.logger ?? silent(),
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
    settings: fixedSettings(settings),
    sso: chooseSso(config, options.logger ?? silent()),
    close: async () => {},
  };
  const app = options.wrap ? options.wrap(base) : base;
  const http = createPortal(app, options.areaOptions);
  const deps: MailboxDeps = {
    storage: app.storage,
    cipher: app.cipher,
    blobs: app.blobs,
    ids,
    clock,
    secrets,
    templates: mailTemplates,
    publicUrl: BASE,
  };

  const passwordHash = await hasher.hash({ password: normalisePassword(GOOD_PASSWORD) });
  const addAccount = async (email: string, extra: Partial<Account> = {}) => {
    const now = clock.now();
    const account: Account = {
      id: ids.newId(),
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

  const people = {} as Record<Person, Account>;
  for (const [name, p] of Object.entries(PEOPLE) as Array<[Person, (typeof PEOPLE)[Person]]>) {
    people[name] = await addAccount(p.email, {
      kind: p.kind,
      role: p.role,
      displayName: name.charAt(0).toUpperCase() + name.slice(1),
    });
  }

  const request = (
    method: string,
    pathname: string,
    init: { cookie?: string; headers?: Record<string, string>; body?: BodyInit } = {},
  ) =>
    http.request(`${BASE}${pathname}`, {
      method,
      headers: { ...(init.cookie ? { cookie: init.cookie } : {}), ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
      // A streamed body (an upload made as it is read) must say it is one.
      ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);

  const get = (pathname: string, cookie?: string, headers: Record<string, string> = {}) =>
    request('GET', pathname, { cookie, headers });

  /** A urlencoded form POST as a browser sends it: Origin is ours unless told otherwise. */
  const post = (
    pathname: string,
    args: {
      cookie?: string;
      csrf?: string | null;
      fields?: Record<string, string> | Array<[string, string]>;
      headers?: Record<string, string>;
    } = {},
  ) => {
    const body = new URLSearchParams(args.fields ?? {});
    if (args.csrf) body.set('_csrf', args.csrf);
    const text = body.toString();
    return request('POST', pathname, {
      cookie: args.cookie,
      body: text,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // A browser always says how long a form is; the portal refuses one that does not.
        'content-length': String(Buffer.byteLength(text)),
        origin: BASE,
        ...args.headers,
      },
    });
  };

  /** A signed-out form's token for `pathname`, as the page that shows the form makes it. */
  const anonymousToken = (pathname: string) => anonymousCsrfToken(secrets, clock, pathname);

  /** Signs in with the password; returns the cookies and where the portal sent the browser. */
  const passwordStep = async (email: string, cookie = '') => {
    const res = await post('/sign-in', {
      cookie,
      csrf: anonymousToken('/sign-in'),
      fields: { email, password: GOOD_PASSWORD },
    });
    expect(res.status, `sign in ${email}`).toBe(303);
    return { cookie: cookiesOf(res, cookie), location: res.headers.get('location') ?? '' };
  };

  /** The CSRF token of a signed-in session (any page with a form carries it). */
  const sessionToken = async (cookie: string) => {
    for (const page of ['/account', '/staff/sent', '/staff/two-factor']) {
      const res = await get(page, cookie);
      if (res.status !== 200) continue;
      const token = csrfOf(await res.text());
      if (token) return token;
    }
    throw new Error('no page with a CSRF token for this session');
  };

  /** Sets up the authenticator app for a staff member and signs in through both steps. */
  const signInWithTotp = async (email: string) => {
    const first = await passwordStep(email);
    const page = await (await get('/staff/two-factor', first.cookie)).text();
    const keyText = keyOnPage(page);
    const enrolled = await post('/staff/two-factor', {
      cookie: first.cookie,
      csrf: csrfOf(page),
      fields: { token: enrolTokenOnPage(page), code: codeFor(keyText, clock.now()) },
    });
    expect(enrolled.status).toBe(200);
    clock.advance(30_000);
    const second = await passwordStep(email);
    expect(second.location).toMatch(/^\/sign-in\/two-factor/);
    const code = await post('/sign-in/two-factor', {
      cookie: second.cookie,
      csrf: anonymousToken('/sign-in/two-factor'),
      fields: { code: codeFor(keyText, clock.now()) },
    });
    if (code.status !== 303) {
      // A session half signed in has a session token, not a signed-out one.
      const form = await (await get('/sign-in/two-factor', second.cookie)).text();
      const retry = await post('/sign-in/two-factor', {
        cookie: second.cookie,
        csrf: csrfOf(form),
        fields: { code: codeFor(keyText, clock.now()) },
      });
      expect(retry.status).toBe(303);
      return { cookie: cookiesOf(retry, second.cookie), keyText };
    }
    return { cookie: cookiesOf(code, second.cookie), keyText };
  };

  const cookies = { anonymous: '' } as Record<Actor, string>;
  const tokens = { anonymous: '' } as Record<Actor, string>;
  if (options.signIn ?? true) {
    for (const name of Object.keys(PEOPLE) as Person[]) {
      cookies[name] =
        name === 'adam'
          ? (await signInWithTotp(people[name].email)).cookie
          : (await passwordStep(people[name].email)).cookie;
      tokens[name] = await sessionToken(cookies[name]);
    }
  }

  /** Sends a message through core's `sendMessage`; returns its id and deliveries by address. */
  const send = async (args: {
    from: Account;
    to: string[];
    cc?: string[];
    subject?: string;
    body?: string;
    bodyFormat?: 'text' | 'html';
    files?: TestFile[];
    inReplyToId?: string | null;
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
        senderId: args.from.id,
        to: args.to,
        cc: args.cc ?? [],
        subject: args.subject ?? 'Your care plan',
        // HTML is made safe once, as the gateway does when it accepts a mail.
        ...bodyFor(args.body ?? 'Hello,\nplease find your plan attached.', args.bodyFormat),
        attachments: (args.files ?? []).map((f) => ({
          name: f.name,
          contentType: f.contentType,
          content: streamOf(f.bytes),
          kind: f.kind ?? 'file',
        })),
        readOnly: false,
        classification: null,
        source: 'web',
        inReplyToId: args.inReplyToId ?? null,
      },
    );
    if (!result.ok) throw new Error(`send failed: ${JSON.stringify(result.issues)}`);
    const deliveries: Record<string, string> = {};
    for (const id of result.deliveryIds) {
      const delivery = await storage.repos.deliveries.findById({ id });
      if (delivery) deliveries[delivery.recipientEmail] = delivery.id;
    }
    const attachments = await storage.repos.attachments.listForMessage({
      messageId: result.messageId,
    });
    return { messageId: result.messageId, deliveries, attachmentIds: attachments.map((a) => a.id) };
  };

  // A second, read-only connection: WAL lets it read while the app writes.
  let reader: Database.Database | null = null;
  /**
   * A hash of everything a request could change: every table but the ones every request
   * touches by design (sessions slide, audit events record refusals too, job runs and
   * locks belong to the jobs), and the names of the stored blob files.
   */
  const fingerprint = (): string => {
    reader ??= new Database(dbPath, { readonly: true, fileMustExist: true });
    const hash = createHash('sha256');
    const tables = reader
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as Array<{ name: string }>;
    for (const { name } of tables) {
      if (/^(sessions|audit_events|job_runs|locks|__drizzle_migrations)$/.test(name)) continue;
      hash.update(`\n#${name}\n`);
      const rows = reader.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).raw(true).all();
      for (const row of rows as unknown[][]) {
        for (const value of row) {
          if (value instanceof Uint8Array) hash.update(value);
          else hash.update(String(value));
          hash.update('\u0000');
        }
        hash.update('\n');
      }
    }
    hash.update(blobFiles().join('\n'));
    return hash.digest('hex');
  };

  /** Runs a read-only query against the database (WAL: it sees every commit so far). */
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    reader ??= new Database(dbPath, { readonly: true, fileMustExist: true });
    return reader.prepare(sql).all(...params) as T[];
  };

  const blobFiles = (): string[] => {
    const out: string[] = [];
    const walk = (folder: string) => {
      let names: string[] = [];
      try {
        names = readdirSync(folder);
      } catch {
        return;
      }
      for (const name of names) {
        const full = path.join(folder, name);
        if (statSync(full).isDirectory()) walk(full);
        else out.push(path.relative(blobDir, full));
      }
    };
    walk(blobDir);
    return out.sort();
  };

  return {
    app,
    http,
    storage: app.storage,
    clock,
    settings,
    secrets,
    ids,
    deps,
    dir,
    dbPath,
    blobDir,
    people,
    cookies,
    tokens,
    addAccount,
    request,
    get,
    post,
    anonymousToken,
    passwordStep,
    sessionToken,
    signInWithTotp,
    send,
    fingerprint,
    query,
    blobFiles,
    async close() {
      reader?.close();
      await app.storage.close();
      scratch.remove();
    },
  };
}

/** A world's type, for `let w: World` in tests. */
export type World = Awaited<ReturnType<typeof openWorld>>;
