import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { compose, type Sealpost } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { createPortal } from '../../adapters/http/portal.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { argon2Hasher } from '../../adapters/security/argon2-hasher.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import { GOOD_PASSWORD, type ManualClock, manualClock } from '../auth/support.ts';

/** The public URL the tests use (https, so cookies carry the __Host- prefix). */
export const BASE = 'https://messages.example.gov.uk';
/** The council's own domain: recipients may write only to addresses there. */
export const COUNCIL = 'barnet.gov.uk';

/** One part of a multipart body a test sends. */
export type Part =
  | { name: string; value: string }
  | {
      name: string;
      filename: string;
      type?: string;
      /** The bytes, or a source that makes them lazily (for uploads larger than memory should hold). */
      content: Uint8Array | (() => AsyncIterable<Uint8Array>);
    };

/** The whole stack as `sealpost serve` builds it, over a temp DATA_DIR, with a hand-moved clock. */
export type ComposeHarness = {
  app: Sealpost;
  clock: ManualClock;
  dataDir: string;
  http: ReturnType<typeof createPortal>;
  /** A registered external recipient with `GOOD_PASSWORD`. */
  addPerson(email: string): Promise<Account>;
  /** Signs in and returns the Cookie header a browser would send next. */
  signIn(email: string): Promise<string>;
  get(pathname: string, cookie?: string, headers?: Record<string, string>): Promise<Response>;
  /** The CSRF token of the first form on a page. */
  tokenFrom(pathname: string, cookie: string): Promise<string>;
  /** A urlencoded POST, as a browser's form would send it. */
  postForm(
    pathname: string,
    args: { cookie?: string; csrf?: string | null; fields?: Array<[string, string]> },
  ): Promise<Response>;
  /**
   * A multipart POST whose body is generated as it is read; `pulled()` tells how many
   * bytes of it the server had read by the time it answered.
   */
  postMultipart(
    pathname: string,
    args: { cookie?: string; parts: Part[]; headers?: Record<string, string> },
  ): Promise<{ res: Response; pulled: () => number }>;
  /** Every file under DATA_DIR/blobs (stored ciphertext). */
  blobFiles(): string[];
  close(): Promise<void>;
};

/** A fresh stack; call `close` after each test. */
export async function composeHarness(env: Record<string, string> = {}): Promise<ComposeHarness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sealpost-compose-'));
  const config = parseConfig({
    PUBLIC_URL: BASE,
    DATA_DIR: dataDir,
    INTERNAL_DOMAINS: COUNCIL,
    SEALPOST_KEY_PASSPHRASE: 'compose test passphrase, long enough',
    LOG_LEVEL: 'silent',
    // The senders here have no second factor, as on an installation upgraded from
    // before 0.4; the default ('all-staff') has its own tests.
    STAFF_SECOND_FACTOR: 'admins',
    ...env,
  });
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const composed = await compose(config, { logger });
  const clock = manualClock(new Date());
  // Cheap argon2: the tests are about composing, not about password hashing cost.
  const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const app: Sealpost = { ...composed, clock, hasher };
  const http = createPortal(app);

  const get = async (pathname: string, cookie?: string, headers: Record<string, string> = {}) =>
    http.request(`${BASE}${pathname}`, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });

  const tokenFrom = async (pathname: string, cookie: string) => {
    const html = await (await get(pathname, cookie)).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no CSRF token on ${pathname}`);
    return token;
  };

  const postForm: ComposeHarness['postForm'] = async (pathname, args) => {
    const body = new URLSearchParams();
    for (const [k, v] of args.fields ?? []) body.append(k, v);
    if (args.csrf) body.set('_csrf', args.csrf);
    return http.request(`${BASE}${pathname}`, {
      method: 'POST',
      body: body.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: BASE,
        ...(args.cookie ? { cookie: args.cookie } : {}),
      },
    });
  };

  const postMultipart: ComposeHarness['postMultipart'] = async (pathname, args) => {
    const boundary = `----sealpost${Math.random().toString(16).slice(2)}`;
    let pulled = 0;
    const encoder = new TextEncoder();
    async function* generate(): AsyncGenerator<Uint8Array> {
      for (const part of args.parts) {
        const isFile = 'filename' in part;
        yield encoder.encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${
            isFile ? `; filename="${part.filename}"` : ''
          }\r\n${isFile ? `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n` : ''}\r\n`,
        );
        if (!isFile) yield encoder.encode(part.value);
        else if (part.content instanceof Uint8Array) yield part.content;
        else yield* part.content();
        yield encoder.encode('\r\n');
      }
      yield encoder.encode(`--${boundary}--\r\n`);
    }
    const source = generate();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await source.next();
        if (next.done) controller.close();
        else {
          pulled += next.value.byteLength;
          controller.enqueue(next.value);
        }
      },
    });
    const res = await http.request(`${BASE}${pathname}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        origin: BASE,
        ...(args.cookie ? { cookie: args.cookie } : {}),
        ...args.headers,
      },
      duplex: 'half',
    } as RequestInit);
    return { res, pulled: () => pulled };
  };

  const addPerson = async (email: string) => {
    const now = clock.now();
    const account: Account = {
      id: app.ids.newId(),
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
    };
    await app.storage.repos.accounts.insert({ account });
    return account;
  };

  const signIn = async (email: string) => {
    const signInPage = await get('/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? '';
    const res = await postForm('/sign-in', {
      csrf,
      fields: [
        ['email', email],
        ['password', GOOD_PASSWORD],
      ],
    });
    expect(res.status).toBe(303);
    return res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  };

  const blobFiles = () => {
    const root = path.join(dataDir, 'blobs');
    const out: string[] = [];
    const walk = (dir: string) => {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else out.push(full);
      }
    };
    walk(root);
    return out;
  };

  return {
    app,
    clock,
    dataDir,
    http,
    addPerson,
    signIn,
    get,
    tokenFrom,
    postForm,
    postMultipart,
    blobFiles,
    async close() {
      await composed.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A page's HTML with every per-response CSRF token blanked, to compare two answers. */
export function withoutTokens(html: string): string {
  return html.replace(/s\.[a-z2-7]{8,32}\.[0-9a-f]{64}/g, 'TOKEN');
}

/** True when `needle` (UTF-8) occurs anywhere in the stored files. */
export function isInFiles(files: string[], needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  return files.some((file) => readFileSync(file).includes(bytes));
}

/** `bytes` of a repeating, recognisable pattern, produced 64 KiB at a time. */
export function lazyBytes(bytes: number, fill = 0x61): () => AsyncIterable<Uint8Array> {
  return async function* () {
    const CHUNK = 64 * 1024;
    let left = bytes;
    while (left > 0) {
      const size = Math.min(CHUNK, left);
      yield new Uint8Array(size).fill(fill);
      left -= size;
    }
  };
}
