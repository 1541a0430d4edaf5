import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { PgTable, getTableConfig as pgTableConfig } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { SQLiteTable, getTableConfig as sqliteTableConfig } from 'drizzle-orm/sqlite-core';
import postgres from 'postgres';
import { findBrokenLink } from '../../core/audit/chain.ts';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { databaseBlobStore } from '../blobs/database/index.ts';
import { postgresBlobChunks } from '../storage/postgres/blob-chunks.ts';
import { postgresStorage } from '../storage/postgres/index.ts';
import * as pgSchema from '../storage/postgres/schema.ts';
import { sqliteStorage } from '../storage/sqlite/index.ts';
import * as sqliteSchema from '../storage/sqlite/schema.ts';

/** What a data migration copied. */
export type MigrateDataReport = {
  /** Rows per table, in the order they were copied. */
  tables: Array<{ name: string; rows: number }>;
  /** Audit events whose hash chain was checked on PostgreSQL after the copy. */
  auditEvents: number;
  /** Blobs copied into the database blob store (with `blobsToDatabase`), else null. */
  blobs: number | null;
};

/** The target database already holds data: a migration only fills an empty one. */
export class TargetNotEmpty extends Error {
  constructor(tables: string[]) {
    super(
      `The PostgreSQL database is not empty (rows in ${tables.join(', ')}). migrate-data ` +
        'only copies into a new, empty database; create one and try again.',
    );
    this.name = 'TargetNotEmpty';
  }
}

// Process-local lock rows of the SQLite adapter: PostgreSQL has advisory locks instead.
const SQLITE_ONLY = new Set(['locks']);
// Rows per INSERT: small enough for PostgreSQL's 65,535 parameters at any width, and
// few enough 256 KiB blob chunks that a batch stays a few megabytes.
const BATCH_ROWS = 500;
const BATCH_ROWS_BY_TABLE: Record<string, number> = { blob_chunks: 8 };
const AUDIT_PAGE = 1_000;

type TablePlan = {
  name: string;
  source: SQLiteTable;
  target: PgTable;
  /** Property names copied: every column of the target except its identity columns. */
  columns: string[];
};

function tablesOf<T>(module: Record<string, unknown>, kind: abstract new (...a: never[]) => T) {
  const out = new Map<string, T>();
  for (const value of Object.values(module)) {
    if (is(value, kind as never)) out.set(getTableName(value as never), value as T);
  }
  return out;
}

/**
 * Pairs every SQLite table with its PostgreSQL twin (same SQL name, same property
 * names: one schema per dialect, kept in step) and orders them parents first by their
 * foreign keys, so each row's references exist before it does. A table or column with
 * no twin stops the migration before anything is written: copying part of the data
 * would be worse than copying none.
 */
export function planTables(): TablePlan[] {
  const sources = tablesOf(sqliteSchema as Record<string, unknown>, SQLiteTable);
  const targets = tablesOf(pgSchema as Record<string, unknown>, PgTable);
  const problems: string[] = [];
  const plans = new Map<string, TablePlan>();
  for (const [name, source] of sources) {
    if (SQLITE_ONLY.has(name)) continue;
    const target = targets.get(name);
    if (!target) {
      problems.push(`table ${name} has no PostgreSQL twin`);
      continue;
    }
    const sourceColumns = getTableColumns(source);
    const columns: string[] = [];
    for (const [key, column] of Object.entries(getTableColumns(target))) {
      if ((column as { generatedIdentity?: unknown }).generatedIdentity) continue;
      if (!(key in sourceColumns)) problems.push(`column ${name}.${column.name} is not in SQLite`);
      else columns.push(key);
    }
    for (const key of Object.keys(sourceColumns)) {
      if (!columns.includes(key)) problems.push(`column ${name}.${key} is not in PostgreSQL`);
    }
    plans.set(name, { name, source, target, columns });
  }
  for (const name of targets.keys()) {
    if (!sources.has(name)) problems.push(`table ${name} has no SQLite twin`);
  }
  if (problems.length > 0) {
    throw new Error(`The two schemas differ, so nothing was copied: ${problems.join('; ')}.`);
  }

  const parents = new Map<string, Set<string>>();
  for (const plan of plans.values()) {
    const refs = sqliteTableConfig(plan.source).foreignKeys.map((fk) =>
      getTableName(fk.reference().foreignTable),
    );
    const pgRefs = pgTableConfig(plan.target).foreignKeys.map((fk) =>
      getTableName(fk.reference().foreignTable),
    );
    parents.set(plan.name, new Set([...refs, ...pgRefs].filter((r) => r !== plan.name)));
  }
  const ordered: TablePlan[] = [];
  const remaining = new Set(plans.keys());
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter((name) => [...(parents.get(name) ?? [])].every((p) => !remaining.has(p)))
      .sort();
    if (ready.length === 0) throw new Error('The foreign keys form a cycle.');
    for (const name of ready) {
      ordered.push(plans.get(name) as TablePlan);
      remaining.delete(name);
    }
  }
  return ordered;
}

async function tablesWithRows(pg: postgres.Sql, names: string[]): Promise<string[]> {
  const full: string[] = [];
  for (const name of names) {
    const [row] = await pg<
      Array<{ has: boolean }>
    >`select exists(select 1 from ${pg(name)}) as has`;
    if (row?.has) full.push(name);
  }
  return full;
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Walks the whole audit chain on `url` and names the first broken link, if any. */
async function verifyAuditChain(url: string): Promise<number> {
  const storage = postgresStorage({ url });
  try {
    let prev: { seq: number; hash: string } | null = null;
    let checked = 0;
    for (;;) {
      const events = await storage.repos.audit.list({
        limit: AUDIT_PAGE,
        order: 'asc',
        ...(prev ? { afterSeq: prev.seq } : {}),
      });
      const broken = findBrokenLink({ events, prev, sha256Hex });
      if (broken) {
        throw new Error(
          `The audit chain does not hold on PostgreSQL at event ${broken.seq} (${broken.reason}).`,
        );
      }
      checked += events.length;
      const last = events[events.length - 1];
      if (!last || events.length < AUDIT_PAGE) return checked;
      prev = { seq: last.seq, hash: last.hash };
    }
  } finally {
    await storage.close();
  }
}

/** Copies every blob of `from` into the database blob store on `url`. */
async function copyBlobs(
  from: BlobStore,
  url: string,
  progress: (line: string) => void,
): Promise<number> {
  const into = databaseBlobStore({ chunks: postgresBlobChunks({ url }) });
  let copied = 0;
  try {
    let after: string | undefined;
    for (;;) {
      const page = await from.list(
        after === undefined ? { limit: BATCH_ROWS } : { after, limit: BATCH_ROWS },
      );
      for (const id of page) {
        const body = await from.get({ id });
        if (!body) continue;
        await into.put({ id, body });
        copied += 1;
      }
      if (page.length > 0) progress(`migrate-data: ${copied} blobs copied`);
      if (page.length < BATCH_ROWS) break;
      after = page[page.length - 1];
    }
  } finally {
    await into.close();
  }
  return copied;
}

/**
 * Copies everything from a SQLite database to an empty PostgreSQL one: both are
 * migrated first, then every table goes across in batches, parents first, inside ONE
 * PostgreSQL transaction (a failure leaves the target empty again), read from one
 * SQLite snapshot. Ids, timestamps and the audit trail's `seq` and hashes are copied
 * as they are, and `ord` columns are filled in the SQLite insertion order, so lists
 * keep their order. Row counts are compared before the commit, and the audit chain is
 * verified on PostgreSQL after it. With `blobsFrom`, the blobs of that store are then
 * copied into the database blob store on PostgreSQL; otherwise they stay where they are.
 */
export async function migrateData(args: {
  sqlitePath: string;
  postgresUrl: string;
  blobsFrom?: BlobStore;
  progress?: (line: string) => void;
}): Promise<MigrateDataReport> {
  const progress = args.progress ?? (() => {});
  const plan = planTables();

  // Both schemas up to date with this version: then the twin tables match.
  const source = sqliteStorage({ path: args.sqlitePath });
  try {
    await source.migrate();
  } finally {
    await source.close();
  }
  const target = postgresStorage({ url: args.postgresUrl });
  try {
    await target.migrate();
  } finally {
    await target.close();
  }

  const pg = postgres(args.postgresUrl, { max: 1, onnotice: () => {} });
  const raw = new Database(args.sqlitePath, { readonly: true, fileMustExist: true });
  const tables: MigrateDataReport['tables'] = [];
  try {
    const full = await tablesWithRows(
      pg,
      plan.map((p) => p.name),
    );
    if (full.length > 0) throw new TargetNotEmpty(full);

    const lite = drizzleSqlite({ client: raw });
    const into = drizzlePostgres({ client: pg });
    // A read transaction: every table is read from the same snapshot, even if
    // something writes to the file meanwhile.
    raw.exec('BEGIN');
    try {
      await into.transaction(async (tx) => {
        for (const table of plan) {
          const batch = BATCH_ROWS_BY_TABLE[table.name] ?? BATCH_ROWS;
          const columns = getTableColumns(table.source);
          const selection = Object.fromEntries(table.columns.map((k) => [k, columns[k]]));
          let lastRowid = Number.MIN_SAFE_INTEGER;
          let rows = 0;
          for (;;) {
            // rowid order is insertion order: the order `ord` columns must keep.
            const page = lite
              .select({ ...selection, rowid__: sql<number>`rowid` } as never)
              .from(table.source)
              .where(sql`rowid > ${lastRowid}`)
              .orderBy(sql`rowid`)
              .limit(batch)
              .all() as Array<Record<string, unknown> & { rowid__: number }>;
            if (page.length === 0) break;
            lastRowid = (page[page.length - 1] as { rowid__: number }).rowid__;
            const values = page.map(({ rowid__: _, ...row }) => row);
            await tx.insert(table.target).values(values as never);
            rows += page.length;
          }
          const [copied] = await tx.execute<{ n: number }>(
            sql`select count(*)::int as n from ${table.target}`,
          );
          if (Number(copied?.n) !== rows) {
            throw new Error(`${table.name}: ${rows} rows read but ${copied?.n} in PostgreSQL.`);
          }
          tables.push({ name: table.name, rows });
          progress(`migrate-data: ${table.name}: ${rows} rows`);
        }
      });
    } finally {
      raw.exec('COMMIT');
    }
  } finally {
    raw.close();
    await pg.end({ timeout: 5 });
  }

  const auditEvents = await verifyAuditChain(args.postgresUrl);
  progress(`migrate-data: audit chain holds (${auditEvents} events)`);
  const blobs = args.blobsFrom ? await copyBlobs(args.blobsFrom, args.postgresUrl, progress) : null;
  return { tables, auditEvents, blobs };
}
