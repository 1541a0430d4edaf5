import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import postgres from 'postgres';

type JournalEntry = { tag: string; when: number };

/** The migrations this version of Sealpost ships for a dialect, oldest first. */
export function shippedMigrations(dialect: 'sqlite' | 'postgres'): JournalEntry[] {
  const file = new URL(`../../migrations/${dialect}/meta/_journal.json`, import.meta.url);
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: JournalEntry[] };
  return journal.entries.map(({ tag, when }) => ({ tag, when }));
}

/**
 * The tag of a migration drizzle recorded (it stores each one's journal time as
 * `created_at`); a time this version does not know reads as `unknown-<time>`, which
 * restore refuses as coming from a newer Sealpost.
 */
function tagOf(dialect: 'sqlite' | 'postgres', createdAt: unknown): string | null {
  if (createdAt === null || createdAt === undefined) return null;
  const when = Number(createdAt);
  return shippedMigrations(dialect).find((m) => m.when === when)?.tag ?? `unknown-${when}`;
}

/** The last migration applied to a SQLite database, or null when none is. */
export function sqliteMigration(raw: Database.Database): string | null {
  const table = raw
    .prepare(
      "select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'",
    )
    .get();
  if (!table) return null;
  const row = raw
    .prepare('select created_at as at from __drizzle_migrations order by created_at desc limit 1')
    .get() as { at: unknown } | undefined;
  return tagOf('sqlite', row?.at);
}

/** The last migration applied to a PostgreSQL database, or null when none is. */
export async function postgresMigration(url: string): Promise<string | null> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql<Array<{ name: string | null }>>`
      select to_regclass('drizzle.__drizzle_migrations')::text as name`;
    if (!exists?.name) return null;
    const [row] = await sql<Array<{ at: unknown }>>`
      select created_at as at from drizzle.__drizzle_migrations order by created_at desc limit 1`;
    return tagOf('postgres', row?.at);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
