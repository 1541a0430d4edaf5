// `npm run bench:scale`: Sealpost at a million messages, on SQLite and on PostgreSQL.
// For each database it seeds 1,000,000 messages (one delivery each) from 1,000 staff to
// 100,000 recipients, 100,000 of them past retention, straight into the adapters' own
// schema (bulk inserts: SQLite prepared statements in big transactions, PostgreSQL COPY,
// secondary indexes built after the load; nothing from the network). Then a fresh
// process opens the database through the composition root and measures, through the
// storage port:
// - the inbox query (one page and the count, as the inbox page asks) for 1,000 random
//   recipients: target p95 <= 20 ms;
// - the retention purge job on the 100,000 expired messages: target <= 60 s with flat
//   memory. The run is cut at 60 s; an unfinished purge reports its projected time.
// Absolute figures: there is no peer for "a million messages".

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import postgres from 'postgres';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { lifecycleDepsFrom } from '../../adapters/jobs/deps.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import * as pg from '../../adapters/storage/postgres/schema.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import * as lite from '../../adapters/storage/sqlite/schema.ts';
import type { Account } from '../../core/accounts/model.ts';
import { runRetentionPurge } from '../../core/lifecycle/retention-purge.ts';
import type { Delivery, Message } from '../../core/messages/model.ts';
import {
  atMost,
  emitReport,
  type Figure,
  info,
  percentile,
  progress,
  tidy,
} from './support/report.ts';
import { sampleRss, toMB } from './support/rss.ts';

const BENCH = 'scale';
const MESSAGES = 1_000_000;
const RECIPIENTS = 100_000;
const SENDERS = 1_000;
const EXPIRED = 100_000;
/** One recipient gets this many (live) messages, like the portal benchmark's. */
const BUSY_MESSAGES = 1_000;
const QUERIES = 1_000;
const PURGE_LIMIT_S = 60;
/**
 * A purge that is this far past its limit after PURGE_MIN_S is stopped there: its rate
 * is steady, and the minutes saved keep `npm run bench` within its budget.
 */
const PURGE_MIN_S = 30;
const HOPELESS = 2;
/**
 * Expired messages, first in purge order, whose body blob is a real file. Creating a
 * small file costs about a millisecond on this disk, 100,000 of them minutes; a purge
 * that gets past these meets blob ids already gone, which the store skips.
 */
const BLOB_FILES = 8_000;
const BATCH = 50_000;
const DAY = 86_400_000;
const COUNCIL = 'council.test';
const SELF = fileURLToPath(import.meta.url);

// ---- The seeded world: a pure function of the row number ---------------------------
// Every row comes from a PRNG seeded with its own number, so messages and deliveries can
// be generated in separate passes (one COPY at a time) and both databases get the same
// rows, without holding a million of anything in memory.

/** mulberry32: a small, fast PRNG; good enough to scatter ids and dates. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * An id in the product's format (26 base32 characters, as `randomIds` makes), from a
 * PRNG: five 32-bit draws give six characters each. Three of these per row, three
 * million in all, so it avoids the general-purpose encoder's cost.
 */
function idFrom(random: () => number): string {
  let id = '';
  for (let word = 0; word < 5; word++) {
    let bits = Math.floor(random() * 4294967296);
    for (let c = 0; c < 6 && id.length < 26; c++) {
      id += BASE32[bits & 31];
      bits >>>= 5;
    }
  }
  return id;
}

/** A stand-in for an encrypted subject: OpenPGP messages of a short subject are ~160 bytes. */
const SUBJECTS = Array.from({ length: 997 }, (_, i) => {
  const random = prng(0x5ab1 + i);
  return Uint8Array.from({ length: 160 }, () => Math.floor(random() * 256));
});

const accountIdOf = (n: number) => idFrom(prng(0x1000_0000 + n));
const senderEmail = (n: number) => `officer${n}@${COUNCIL}`;
const recipientEmail = (n: number) => `resident${n}@example.org`;

function account(n: number, now: number): Account {
  const isStaff = n < SENDERS;
  const email = isStaff ? senderEmail(n) : recipientEmail(n - SENDERS);
  const createdAt = new Date(now - 400 * DAY + n * 1000);
  return {
    id: accountIdOf(n),
    email,
    emailKey: email.toLowerCase(),
    displayName: email.split('@')[0] as string,
    kind: isStaff ? 'staff' : 'external',
    role: isStaff ? 'sender' : 'recipient',
    passwordHash: null,
    status: 'active',
    failedSignIns: 0,
    failureWindowStartedAt: null,
    lockedUntil: null,
    totpKeyEnc: null,
    recoveryCodeHashes: [],
    legalHold: false,
    createdAt,
    updatedAt: createdAt,
    lastSignInAt: null,
    passwordChangedAt: null,
    sharedMailbox: false,
    ssoSubject: null,
    passkeyCount: 0,
    language: null,
  };
}

/** Row `i`: its message and its one delivery. The first EXPIRED are past retention. */
// `sentAt` is the storage-only copy of the message's time the inbox walks
// (docs/decisions/0024); the repositories fill it from the message on insert.
function row(i: number, now: number): { message: Message; delivery: Delivery & { sentAt: Date } } {
  const random = prng(0x2000_0000 + i);
  const id = idFrom(random);
  const deliveryId = idFrom(random);
  const bodyBlobId = idFrom(random);
  const isExpired = i < EXPIRED;
  // Expired: sent 100 to 180 days ago (retention is 90); live: in the last 80 days.
  const age = isExpired ? (100 + random() * 80) * DAY : random() * 80 * DAY;
  const createdAt = new Date(now - Math.floor(age));
  const isBusy = i >= EXPIRED && i < EXPIRED + BUSY_MESSAGES;
  const recipient = isBusy ? 0 : 1 + Math.floor(random() * (RECIPIENTS - 1));
  const sender = Math.floor(random() * SENDERS);
  return {
    message: {
      id,
      senderId: accountIdOf(sender),
      subjectEnc: SUBJECTS[i % SUBJECTS.length] as Uint8Array,
      bodyBlobId,
      bodyFormat: 'text',
      classification: null,
      readOnly: false,
      secondFactorRequired: false,
      source: 'web',
      inReplyToId: null,
      threadId: id,
      sizeBytes: 500 + Math.floor(random() * 50_000),
      createdAt,
      retainUntil: new Date(createdAt.getTime() + 90 * DAY),
      legalHold: false,
      dedupeKey: null,
    },
    delivery: {
      id: deliveryId,
      messageId: id,
      recipientId: accountIdOf(SENDERS + recipient),
      recipientEmail: recipientEmail(recipient),
      kind: 'to',
      accessEndsAt: new Date(createdAt.getTime() + 45 * DAY),
      revokedAt: null,
      notifiedAt: createdAt,
      firstOpenedAt: random() < 0.7 ? new Date(createdAt.getTime() + 3_600_000) : null,
      hiddenAt: null,
      unretrievedNoticeAt: null,
      createdAt,
      sentAt: createdAt,
      forwardedFromId: null,
      forwardedById: null,
    },
  };
}

function* accounts(now: number): Generator<Account> {
  for (let n = 0; n < SENDERS + RECIPIENTS; n++) yield account(n, now);
}

function* rows<K extends 'message' | 'delivery'>(
  now: number,
  pick: K,
  from = 0,
  to = MESSAGES,
): Generator<ReturnType<typeof row>[K]> {
  for (let i = from; i < to; i++) yield row(i, now)[pick];
}

/** Columns in the schema's order, each with the schema's own value mapping. */
function columnsOf(table: Table, sample: object) {
  // Storage-only columns the domain row lacks (PostgreSQL's identity `ord`) are left to
  // their defaults.
  return Object.entries(getTableColumns(table)).filter(([key]) => key in sample);
}

/** A row's values in column order, mapped to driver values by the schema's columns. */
function valuesOf(columns: ReturnType<typeof columnsOf>, value: object): unknown[] {
  const fields = value as Record<string, unknown>;
  return columns.map(([key, column]) => {
    const field = fields[key];
    return field === null || field === undefined ? null : column.mapToDriverValue(field);
  });
}

// ---- SQLite --------------------------------------------------------------------------

type SeedResult = { seconds: number };

async function seedSqlite(file: string, now: number): Promise<SeedResult> {
  const started = performance.now();
  const storage = sqliteStorage({ path: file });
  await storage.migrate();
  await storage.close();
  // A connection of its own for loading: no fsync per commit, a big page cache, and the
  // secondary indexes dropped and rebuilt from their own CREATE statements afterwards.
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288');
  db.pragma('temp_store = MEMORY');
  const names = ['accounts', 'messages', 'deliveries'];
  const indexes = db
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${names.map(() => '?').join(', ')})`,
    )
    .all(...names) as Array<{ name: string; sql: string }>;
  for (const index of indexes) db.exec(`drop index "${index.name}"`);

  const inserter = (table: Table, sample: object) => {
    const columns = columnsOf(table, sample);
    const statement = db.prepare(
      `insert into "${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
    return (value: object) => statement.run(valuesOf(columns, value));
  };
  const first = row(0, now);
  const insertAccount = inserter(lite.accounts, account(0, now));
  const insertMessage = inserter(lite.messages, first.message);
  const insertDelivery = inserter(lite.deliveries, first.delivery);
  db.transaction(() => {
    for (const value of accounts(now)) insertAccount(value);
  })();
  for (let from = 0; from < MESSAGES; from += BATCH) {
    db.transaction(() => {
      for (let i = from; i < Math.min(from + BATCH, MESSAGES); i++) {
        const { message, delivery } = row(i, now);
        insertMessage(message);
        insertDelivery(delivery);
      }
    })();
  }
  progress(BENCH, `sqlite: rows in ${Math.round(performance.now() - started) / 1000} s`);
  for (const index of indexes) db.exec(index.sql);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { seconds: (performance.now() - started) / 1000 };
}

// ---- PostgreSQL ------------------------------------------------------------------------

/** One value in COPY's text format. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  // bytea as hex; the backslash itself is escaped in COPY's text format.
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString('hex')}`;
  return String(value)
    .replaceAll('\\', '\\\\')
    .replaceAll('\t', '\\t')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}

async function copyInto(sql: postgres.Sql, table: Table, values: Iterable<object>, sample: object) {
  const columns = columnsOf(table, sample);
  const names = columns.map(([, c]) => `"${c.name}"`).join(', ');
  const writable = await sql
    .unsafe(`copy "${getTableName(table)}" (${names}) from stdin`)
    .writable();
  function* lines(): Generator<string> {
    let chunk = '';
    for (const value of values) {
      chunk += `${valuesOf(columns, value).map(copyText).join('\t')}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(lines()), writable);
}

async function seedPostgres(url: string, now: number): Promise<SeedResult> {
  const started = performance.now();
  const storage = postgresStorage({ url });
  await storage.migrate();
  await storage.close();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // The rows are consistent by construction, so the loading session skips the foreign
    // key triggers (superuser only), does not wait for each commit's fsync, and builds
    // the secondary indexes after the load, from their own definitions.
    await sql`set session_replication_role = replica`;
    await sql`set synchronous_commit = off`;
    await sql`set maintenance_work_mem = '256MB'`;
    const indexes = await sql<Array<{ indexname: string; indexdef: string }>>`
      select indexname, indexdef from pg_indexes
      where schemaname = current_schema()
        and tablename in ('accounts', 'messages', 'deliveries')
        and indexname not in (select conname from pg_constraint)`;
    for (const index of indexes) await sql.unsafe(`drop index "${index.indexname}"`);
    const first = row(0, now);
    await copyInto(sql, pg.accounts, accounts(now), account(0, now));
    await copyInto(sql, pg.messages, rows(now, 'message'), first.message);
    await copyInto(sql, pg.deliveries, rows(now, 'delivery'), first.delivery);
    progress(BENCH, `postgres: rows in ${Math.round(performance.now() - started) / 1000} s`);
    for (const index of indexes) await sql.unsafe(index.indexdef);
    // What autovacuum would do within a minute of such a load.
    await sql`analyze`;
  } finally {
    await sql.end();
  }
  return { seconds: (performance.now() - started) / 1000 };
}

/** A scratch database on the server of `baseUrl`, and how to drop it. */
async function scratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sealpost_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}

// ---- The measurements, in a fresh process ----------------------------------------------

type MeasureArgs = {
  dataDir: string;
  databaseUrl: string;
  now: number;
  recipients: string[];
  busy: string;
};

type Measured = {
  inbox: { p50: number; p95: number; max: number };
  busyInbox: { p50: number; p95: number };
  purge: {
    purged: number;
    seconds: number;
    isFinished: boolean;
    rss: { baseline: number; growth: number; last: number };
  };
};

async function measure(args: MeasureArgs): Promise<Measured> {
  const config = parseConfig({
    DATA_DIR: args.dataDir,
    DATABASE_URL: args.databaseUrl,
    PUBLIC_URL: 'http://127.0.0.1',
    INTERNAL_DOMAINS: COUNCIL,
    SEALPOST_KEY_PASSPHRASE: 'bench passphrase, not a secret at all',
    LOG_LEVEL: 'silent',
  });
  const app = await compose(config, { logger: createLogger({ level: 'silent' }) });
  try {
    const now = new Date(args.now);
    const deliveries = app.storage.repos.deliveries;
    // As the inbox page asks: the first page of 25 and the count, together.
    const inbox = async (recipientId: string) => {
      const started = performance.now();
      const query = { recipientId, now, includeExpired: false };
      await Promise.all([
        deliveries.listInbox({ ...query, limit: 25, offset: 0 }),
        deliveries.countInbox(query),
      ]);
      return performance.now() - started;
    };
    // A running server has its hot pages cached: a short warm-up on other recipients.
    for (const id of args.recipients.slice(0, 100)) await inbox(id);
    const times: number[] = [];
    for (const id of args.recipients.slice(100)) times.push(await inbox(id));
    const busyTimes: number[] = [];
    for (let i = 0; i < 100; i++) busyTimes.push(await inbox(args.busy));

    const deps = await lifecycleDepsFrom(app, { withMailer: false });
    const sampler = sampleRss({ everyMs: 50 });
    const started = performance.now();
    let purged = 0;
    let isFinished = false;
    const cut = new Error('time limit');
    try {
      const counts = await runRetentionPurge(deps, {
        now,
        onProgress: (counts) => {
          purged = counts.purged ?? 0;
          const elapsed = (performance.now() - started) / 1000;
          const projected = purged > 0 ? (elapsed * EXPIRED) / purged : Number.POSITIVE_INFINITY;
          if (elapsed > PURGE_LIMIT_S) throw cut;
          if (elapsed > PURGE_MIN_S && projected > HOPELESS * PURGE_LIMIT_S) throw cut;
        },
      });
      purged = counts.purged ?? 0;
      isFinished = true;
    } catch (error) {
      if (error !== cut) throw error;
    }
    const seconds = (performance.now() - started) / 1000;
    const rss = sampler.stop();
    return {
      inbox: {
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        max: Math.max(...times),
      },
      busyInbox: { p50: percentile(busyTimes, 50), p95: percentile(busyTimes, 95) },
      purge: {
        purged,
        seconds,
        isFinished,
        rss: { baseline: rss.baseline, growth: rss.growth, last: rss.last },
      },
    };
  } finally {
    await app.close();
  }
}

function measureInChild(args: MeasureArgs, argsFile: string): Promise<Measured> {
  writeFileSync(argsFile, JSON.stringify(args));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--measure', argsFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`measuring failed: ${out}`));
      else resolve(JSON.parse(line) as Measured);
    });
  });
}

/** The body blob ids of the first `count` expired messages in the order the purge takes them. */
function firstToPurge(now: number, count: number): string[] {
  return Array.from(rows(now, 'message', 0, EXPIRED))
    .sort(
      (a, b) =>
        a.retainUntil.getTime() - b.retainUntil.getTime() ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .slice(0, count)
    .map((m) => m.bodyBlobId);
}

/** Small files where the blob store keeps them, so the purge deletes real files. */
function writeBlobs(dataDir: string, ids: string[]): void {
  const root = path.join(dataDir, 'blobs');
  const body = Buffer.alloc(600, 0xc3);
  const made = new Set<string>();
  for (const id of ids) {
    const shard = path.join(root, id.slice(0, 2));
    if (!made.has(shard)) {
      mkdirSync(shard, { recursive: true, mode: 0o700 });
      made.add(shard);
    }
    writeFileSync(path.join(shard, id), body);
  }
}

/** The recipients the inbox query is timed for: a spread of ordinary ones, and the busy one. */
function sample(): { recipients: string[]; busy: string } {
  const random = prng(0xbe11);
  const recipients = Array.from({ length: QUERIES + 100 }, () =>
    accountIdOf(SENDERS + 1 + Math.floor(random() * (RECIPIENTS - 1))),
  );
  return { recipients, busy: accountIdOf(SENDERS) };
}

function figuresOf(dialect: string, seed: SeedResult, measured: Measured): Figure[] {
  const { purge } = measured;
  const projected = purge.isFinished
    ? purge.seconds
    : purge.purged > 0
      ? (purge.seconds * EXPIRED) / purge.purged
      : Number.POSITIVE_INFINITY;
  return [
    info({ name: `${dialect}: seed 1M messages`, unit: 's', sealpost: seed.seconds }),
    atMost({
      name: `${dialect}: inbox query p95`,
      unit: 'ms',
      sealpost: measured.inbox.p95,
      limit: 20,
    }),
    info({ name: `${dialect}: inbox query p50`, unit: 'ms', sealpost: measured.inbox.p50 }),
    info({
      name: `${dialect}: inbox p95, 1,000-message recipient`,
      unit: 'ms',
      sealpost: measured.busyInbox.p95,
    }),
    atMost({
      name: `${dialect}: purge 100,000 expired${purge.isFinished ? '' : ' (projected)'}`,
      unit: 's',
      sealpost: projected,
      limit: PURGE_LIMIT_S,
    }),
    info({
      name: `${dialect}: purged in ${Math.round(purge.seconds)} s`,
      unit: 'msg',
      sealpost: purge.purged,
    }),
    atMost({
      name: `${dialect}: purge RSS growth (flat)`,
      unit: 'MB',
      sealpost: toMB(purge.rss.growth),
      limit: 64,
    }),
  ];
}

async function runDialect(dialect: 'sqlite' | 'postgres', baseUrl: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `sealpost-scale-${dialect}-`));
  const now = Date.now();
  let drop: (() => Promise<void>) | null = null;
  try {
    let databaseUrl: string;
    let seed: SeedResult;
    if (dialect === 'sqlite') {
      databaseUrl = `sqlite:${path.join(dataDir, 'sealpost.db')}`;
      seed = await seedSqlite(path.join(dataDir, 'sealpost.db'), now);
    } else {
      const scratch = await scratchDatabase(baseUrl);
      drop = scratch.drop;
      databaseUrl = scratch.url;
      seed = await seedPostgres(scratch.url, now);
    }
    progress(BENCH, `${dialect}: seeded in ${tidy(seed.seconds)} s`);
    writeBlobs(dataDir, firstToPurge(now, BLOB_FILES));
    const measured = await measureInChild(
      { dataDir, databaseUrl, now, ...sample() },
      path.join(dataDir, 'measure.json'),
    );
    progress(
      BENCH,
      `${dialect}: inbox p95 ${tidy(measured.inbox.p95)} ms; purged ${measured.purge.purged} in ${tidy(measured.purge.seconds)} s`,
    );
    return { seed, measured };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await drop?.();
  }
}

async function main(): Promise<void> {
  const baseUrl =
    process.env.BENCH_POSTGRES_URL ??
    process.env.TEST_POSTGRES_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const figures: Figure[] = [];
  const notes: string[] = [
    `${MESSAGES.toLocaleString('en-GB')} messages with one delivery each, ` +
      `${RECIPIENTS.toLocaleString('en-GB')} recipients, ${SENDERS} senders; ` +
      `${EXPIRED.toLocaleString('en-GB')} past retention, the first ${BLOB_FILES.toLocaleString('en-GB')} ` +
      'in purge order with a body blob file to delete. ' +
      `Inbox: ${QUERIES} random recipients (about 10 messages each), page and count together, ` +
      `after 100 warm-up queries. Purge: the retention job as scheduled, stopped at ${PURGE_LIMIT_S} s, ` +
      `or at ${PURGE_MIN_S} s once its projected time is over ${HOPELESS}x the limit.`,
  ];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    try {
      const { seed, measured } = await runDialect(dialect, baseUrl);
      figures.push(...figuresOf(dialect, seed, measured));
      const rss = measured.purge.rss;
      notes.push(
        `${dialect}: ${measured.purge.purged} messages purged in ${tidy(measured.purge.seconds)} s ` +
          `(${tidy(measured.purge.purged / measured.purge.seconds)} a second); RSS ` +
          `${Math.round(toMB(rss.baseline))} MB at the start, ${Math.round(toMB(rss.last))} MB at the end; ` +
          `slowest inbox query ${tidy(measured.inbox.max)} ms.`,
      );
    } catch (error) {
      if (dialect === 'postgres' && /ECONNREFUSED|connect/i.test(String(error))) {
        notes.push(`postgres: not measured, no server at the configured URL (${String(error)})`);
        continue;
      }
      throw error;
    }
  }
  emitReport(BENCH, figures, notes);
}

if (process.argv[2] === '--measure') {
  const args = JSON.parse(readFileSync(process.argv[3] as string, 'utf8')) as MeasureArgs;
  process.stdout.write(`${JSON.stringify(await measure(args))}\n`);
} else {
  await main();
}
