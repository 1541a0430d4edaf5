// `npm run bench:purge`: the retention purge of 100,000 expired messages, on SQLite and
// on PostgreSQL, against its peer: one plain `DELETE FROM messages WHERE <expired>` (the
// foreign keys cascading to deliveries, files, requests and links) on an identical copy
// of the same database, timed in the same run.
//
// Each database is seeded straight in SQL (INSERT ... SELECT over a generated series, no
// send path): 100,000 messages past retention and 10,000 live ones, two deliveries and a
// link each, a file on every fourth, 1 % of messages and 10 recipients under a legal
// hold, and 10,000 real blob files. Then the copy is taken (a file copy; CREATE DATABASE
// ... TEMPLATE), the peer deletes on the copy, and the purge runs on the original through
// the composition root and `runJob`, as the scheduler runs it, while RSS and heap are
// sampled. Figures are printed, never asserted: the target is <= 60 s with flat memory
// (peak RSS growth at most FLAT_MB).
// PURGE_MESSAGES=20000 makes a quicker run; PURGE_DIALECTS=sqlite measures one database.

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { lifecycleDepsFrom } from '../../adapters/jobs/deps.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { runJob } from '../../core/lifecycle/run-job.ts';
import { atMost, emitReport, type Figure, info, progress, tidy } from './support/report.ts';
import { toMB } from './support/rss.ts';

const BENCH = 'purge';
const EXPIRED = Number(process.env.PURGE_MESSAGES ?? 100_000);
const LIVE = 10_000;
const STAFF = 200;
const RECIPIENTS = 5_000;
const HELD_RECIPIENTS = 10;
const BLOB_FILES = 10_000;
const LIMIT_S = 60;
const FLAT_MB = 64;
const DAY = 86_400_000;

type Dialect = 'sqlite' | 'postgres';

/**
 * The seeding statements, one dialect's spelling of the same rows. `n` is a generated
 * series of row numbers; instants are `now` minus milliseconds.
 */
function seedStatements(d: Dialect, now: number): string[] {
  const series = (count: number) =>
    d === 'sqlite'
      ? `with recursive n(i) as (select 0 union all select i + 1 from n where i < ${count - 1})`
      : `with n(i) as (select generate_series(0, ${count - 1}))`;
  const at = (ms: string) => (d === 'sqlite' ? `(${ms})` : `to_timestamp((${ms}) / 1000.0)`);
  const yes = d === 'sqlite' ? '1' : 'true';
  const no = d === 'sqlite' ? '0' : 'false';
  const bytes = d === 'sqlite' ? 'zeroblob(160)' : `decode(repeat('00', 160), 'hex')`;
  const pad = (expr: string) =>
    d === 'sqlite' ? `printf('%08d', ${expr})` : `lpad((${expr})::text, 8, '0')`;
  // Two hex digits first, so blob files spread over the store's shard folders.
  const hex2 = (expr: string) =>
    d === 'sqlite' ? `printf('%02x', (${expr}) % 256)` : `lpad(to_hex((${expr}) % 256), 2, '0')`;
  const total = EXPIRED + LIVE;
  // Expired: sent 100 days ago and up to ~7 days before; live: sent 10 days ago.
  const created = `case when i < ${EXPIRED} then ${now - 100 * DAY} - (i % 10000) * 60000 else ${now - 10 * DAY} end`;
  const recipient = (k: string) => `'r' || ${pad(k)}`;
  const first = `(i % ${RECIPIENTS})`;
  const second = `((i * 7 + 1) % ${RECIPIENTS})`;
  return [
    `insert into accounts (id, email, email_key, display_name, kind, role, password_hash, status,
       failed_sign_ins, recovery_code_hashes, legal_hold, created_at, updated_at)
     ${series(STAFF + RECIPIENTS)}
     select case when i < ${STAFF} then 's' || ${pad('i')} else ${recipient(`i - ${STAFF}`)} end,
       case when i < ${STAFF} then 's' || i || '@council.test' else 'r' || (i - ${STAFF}) || '@example.org' end,
       case when i < ${STAFF} then 's' || i || '@council.test' else 'r' || (i - ${STAFF}) || '@example.org' end,
       'Person ' || i, case when i < ${STAFF} then 'staff' else 'external' end,
       case when i < ${STAFF} then 'sender' else 'recipient' end, null, 'active', 0, '[]',
       case when i >= ${STAFF} and i < ${STAFF + HELD_RECIPIENTS} then ${yes} else ${no} end,
       ${at(`${now - 400 * DAY}`)}, ${at(`${now - 400 * DAY}`)} from n`,
    `insert into messages (id, sender_id, subject_enc, body_blob_id, body_format, classification,
       read_only, source, in_reply_to_id, thread_id, size_bytes, created_at, retain_until, legal_hold, dedupe_key)
     ${series(total)}
     select 'm' || ${pad('i')}, 's' || ${pad(`i % ${STAFF}`)}, ${bytes}, ${hex2('i')} || 'b' || ${pad('i')},
       'text', null, ${no}, 'web', null, 'm' || ${pad('i')}, 1000 + i % 5000, ${at(created)},
       ${at(`${created} + ${90 * DAY}`)}, case when i < ${EXPIRED} and i % 100 = 50 then ${yes} else ${no} end, null
     from n`,
    ...[
      ['a', first, 'to'],
      ['b', second, 'cc'],
    ].map(
      ([suffix, who, kind]) =>
        `insert into deliveries (id, message_id, recipient_id, recipient_email, kind, access_ends_at,
           notified_at, first_opened_at, created_at, sent_at)
         ${series(total)}
         select 'd' || ${pad('i')} || '${suffix}', 'm' || ${pad('i')}, ${recipient(who as string)},
           'r' || ${who} || '@example.org', '${kind}', ${at(`${created} + ${45 * DAY}`)},
           ${at(created)}, null, ${at(created)}, ${at(created)} from n`,
    ),
    `insert into tokens (id, purpose, secret_hash, account_id, email, delivery_id, created_at, expires_at)
     ${series(total)}
     select 't' || ${pad('i')}, 'notify', 'hash' || i, ${recipient(first)}, 'r' || ${first} || '@example.org',
       'd' || ${pad('i')} || 'a', ${at(created)}, ${at(`${created} + ${45 * DAY}`)} from n`,
    `insert into attachments (id, message_id, draft_id, name_enc, content_type, size, blob_id, inline, created_at)
     ${series(total)}
     select 'f' || ${pad('i')}, 'm' || ${pad('i')}, null, ${bytes}, 'application/pdf', 2048,
       ${hex2('i + 1')} || 'f' || ${pad('i')}, ${no}, ${at(created)} from n where i % 4 = 0`,
  ];
}

/** The peer: one statement deleting exactly the rows the purge deletes (holds and open access kept). */
function peerDelete(d: Dialect, now: number): string {
  const at = d === 'sqlite' ? `${now}` : `to_timestamp(${now} / 1000.0)`;
  const held = d === 'sqlite' ? 'a.legal_hold = 1' : 'a.legal_hold';
  return `delete from messages where retain_until <= ${at} and ${d === 'sqlite' ? 'legal_hold = 0' : 'not legal_hold'}
    and not exists (select 1 from accounts a where a.id = messages.sender_id and ${held})
    and not exists (select 1 from deliveries x join accounts a on a.id = x.recipient_id
                    where x.message_id = messages.id and ${held})
    and not exists (select 1 from deliveries x where x.message_id = messages.id
                    and x.revoked_at is null and x.access_ends_at > ${at})`;
}

/** Real files for the first BLOB_FILES body blobs, where the file blob store keeps them. */
function writeBlobFiles(dataDir: string): void {
  const body = Buffer.alloc(600, 0xc3);
  for (let i = 0; i < Math.min(BLOB_FILES, EXPIRED); i++) {
    const id = `${(i % 256).toString(16).padStart(2, '0')}b${String(i).padStart(8, '0')}`;
    const shard = path.join(dataDir, 'blobs', id.slice(0, 2));
    mkdirSync(shard, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(shard, id), body);
  }
}

/** Peak RSS and heap, sampled every 50 ms while the purge runs. */
function sampleMemory() {
  const read = () => process.memoryUsage();
  const start = read();
  const peak = { rss: start.rss, heap: start.heapUsed };
  const timer = setInterval(() => {
    const m = read();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  }, 50);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const end = read();
      return {
        start,
        end,
        peakRss: Math.max(peak.rss, end.rss),
        peakHeap: Math.max(peak.heap, end.heapUsed),
      };
    },
  };
}

type Measured = {
  seedS: number;
  peerS: number;
  peerRows: number;
  purgeS: number;
  purged: number;
  kept: number;
  memory: ReturnType<ReturnType<typeof sampleMemory>['stop']>;
};

async function seedSqlite(file: string, now: number): Promise<void> {
  const storage = sqliteStorage({ path: file });
  await storage.migrate();
  await storage.close();
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  db.transaction(() => {
    for (const statement of seedStatements('sqlite', now)) db.exec(statement);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
  db.close();
}

/** The peer on the copy, with the app's pragmas: WAL, synchronous=FULL, foreign keys on. */
function peerSqlite(file: string, now: number): { seconds: number; rows: number } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const started = performance.now();
  const rows = db.transaction(() => db.prepare(peerDelete('sqlite', now)).run().changes)();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, rows };
}

async function seedPostgres(url: string, now: number): Promise<void> {
  const storage = postgresStorage({ url });
  await storage.migrate();
  await storage.close();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // The rows are consistent by construction: no foreign key triggers (superuser only),
    // no wait for the commit's fsync.
    await sql`set session_replication_role = replica`;
    await sql`set synchronous_commit = off`;
    await sql.begin(async (tx) => {
      for (const statement of seedStatements('postgres', now)) await tx.unsafe(statement);
    });
    // What autovacuum would do within a minute of such a load.
    await sql`analyze`;
  } finally {
    await sql.end();
  }
}

async function peerPostgres(url: string, now: number): Promise<{ seconds: number; rows: number }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const started = performance.now();
    const result = await sql.begin((tx) => tx.unsafe(peerDelete('postgres', now)));
    return { seconds: (performance.now() - started) / 1000, rows: result.count };
  } finally {
    await sql.end();
  }
}

/** The app over `databaseUrl`; the first start (on an empty database) makes its keys. */
function startApp(dataDir: string, databaseUrl: string) {
  const config = parseConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: 'http://127.0.0.1',
    INTERNAL_DOMAINS: 'council.test',
    SEALPOST_KEY_PASSPHRASE: 'bench passphrase, not a secret at all',
    LOG_LEVEL: 'silent',
  });
  return compose(config, { logger: createLogger({ level: 'silent' }) });
}

/** Runs the retention purge through the composition root and `runJob`, as scheduled. */
async function purgeThroughApp(dataDir: string, databaseUrl: string) {
  const app = await startApp(dataDir, databaseUrl);
  try {
    const deps = await lifecycleDepsFrom(app, { withMailer: false });
    global.gc?.();
    const memory = sampleMemory();
    const started = performance.now();
    const result = await runJob(deps, { name: 'retention-purge' });
    const seconds = (performance.now() - started) / 1000;
    const seen = memory.stop();
    if (!result.ran || result.run.status !== 'ok') {
      throw new Error(`the purge did not finish: ${JSON.stringify(result)}`);
    }
    return { seconds, counts: result.run.counts, memory: seen };
  } finally {
    await app.close();
  }
}

async function measure(dialect: Dialect, baseUrl: string): Promise<Measured> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `sealpost-purge-${dialect}-`));
  const now = Date.now();
  const dropped: Array<() => Promise<void>> = [];
  try {
    // Seeding time: the rows, the copy and the blob files, not the keys' first start.
    let seedS = 0;
    const timed = async <T>(work: () => T | Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        seedS += (performance.now() - started) / 1000;
      }
    };
    let url: string;
    let peer: { seconds: number; rows: number };
    if (dialect === 'sqlite') {
      const file = path.join(dataDir, 'sealpost.db');
      await (await startApp(dataDir, `sqlite:${file}`)).close();
      await timed(async () => {
        await seedSqlite(file, now);
        copyFileSync(file, path.join(dataDir, 'peer.db'));
        writeBlobFiles(dataDir);
      });
      url = `sqlite:${file}`;
      peer = peerSqlite(path.join(dataDir, 'peer.db'), now);
    } else {
      const name = `sealpost_purge_${Date.now().toString(36)}`;
      const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
      const urlOf = (db: string) =>
        Object.assign(new URL(baseUrl), { pathname: `/${db}` }).toString();
      try {
        await admin.unsafe(`create database ${name}`);
        dropped.push(async () => {
          const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
          await sql.unsafe(`drop database if exists ${name} with (force)`);
          await sql.unsafe(`drop database if exists ${name}_peer with (force)`);
          await sql.end();
        });
        await (await startApp(dataDir, urlOf(name))).close();
        await timed(async () => {
          await seedPostgres(urlOf(name), now);
          await admin.unsafe(`create database ${name}_peer template ${name}`);
          writeBlobFiles(dataDir);
        });
      } finally {
        await admin.end();
      }
      url = urlOf(name);
      peer = await peerPostgres(urlOf(`${name}_peer`), now);
    }
    progress(BENCH, `${dialect}: seeded in ${tidy(seedS)} s`);
    progress(BENCH, `${dialect}: peer DELETE of ${peer.rows} rows in ${tidy(peer.seconds)} s`);
    const purge = await purgeThroughApp(dataDir, url);
    progress(BENCH, `${dialect}: purged ${purge.counts.purged} in ${tidy(purge.seconds)} s`);
    return {
      seedS,
      peerS: peer.seconds,
      peerRows: peer.rows,
      purgeS: purge.seconds,
      purged: purge.counts.purged ?? 0,
      kept: purge.counts.kept ?? 0,
      memory: purge.memory,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    for (const drop of dropped) await drop();
  }
}

function figuresOf(dialect: Dialect, m: Measured): Figure[] {
  return [
    atMost({
      name: `${dialect}: purge ${EXPIRED.toLocaleString('en-GB')} expired`,
      unit: 's',
      sealpost: m.purgeS,
      limit: LIMIT_S,
    }),
    // The ratio reads "higher is better" like every other: the peer's time over ours.
    info({
      name: `${dialect}: purge vs one DELETE`,
      unit: 's',
      sealpost: m.purgeS,
      peer: m.peerS,
      ratio: m.peerS / m.purgeS,
    }),
    info({ name: `${dialect}: purge rate`, unit: 'msg/s', sealpost: m.purged / m.purgeS }),
    // "Flat memory", as docs/benchmarks.md defines it: at most 64 MB of RSS growth.
    atMost({
      name: `${dialect}: peak RSS above start`,
      unit: 'MB',
      sealpost: toMB(m.memory.peakRss - m.memory.start.rss),
      limit: FLAT_MB,
    }),
    info({
      name: `${dialect}: peak heap above start`,
      unit: 'MB',
      sealpost: toMB(m.memory.peakHeap - m.memory.start.heapUsed),
    }),
  ];
}

async function main(): Promise<void> {
  const baseUrl =
    process.env.BENCH_POSTGRES_URL ??
    process.env.TEST_POSTGRES_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const figures: Figure[] = [];
  const notes: string[] = [
    `${EXPIRED.toLocaleString('en-GB')} messages past retention and ${LIVE.toLocaleString('en-GB')} live, two deliveries ` +
      `and a link each, a file on every fourth; 1 % of messages and ${HELD_RECIPIENTS} recipients on hold; ` +
      `${BLOB_FILES.toLocaleString('en-GB')} real body files. The peer deletes the same rows in one statement and ` +
      'no blobs; the purge also writes its tombstone audit events (one per message, appended a batch at a time) and deletes the blobs.',
  ];
  // PURGE_DIALECTS=sqlite (or postgres) measures one of them only.
  const asked = (process.env.PURGE_DIALECTS ?? 'sqlite,postgres').split(',');
  for (const dialect of (['sqlite', 'postgres'] as const).filter((d) => asked.includes(d))) {
    try {
      const m = await measure(dialect, baseUrl);
      figures.push(...figuresOf(dialect, m));
      notes.push(
        `${dialect}: seeded in ${tidy(m.seedS)} s; the purge deleted ${m.purged} and kept ${m.kept} ` +
          `(the peer deleted ${m.peerRows}) in ${tidy(m.purgeS)} s, ${tidy(m.purged / m.purgeS)} a second; ` +
          `RSS ${Math.round(toMB(m.memory.start.rss))} MB at the start, peak ${Math.round(toMB(m.memory.peakRss))}, ` +
          `${Math.round(toMB(m.memory.end.rss))} at the end; heap ${Math.round(toMB(m.memory.start.heapUsed))} MB, ` +
          `peak ${Math.round(toMB(m.memory.peakHeap))}.`,
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

await main();
