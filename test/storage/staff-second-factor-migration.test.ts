// Migration 0010 and the staffSecondFactor setting (docs/decisions/0029): an
// installation that already had staff when it upgrades keeps asking a second factor of
// admins alone (a row saying `admins` is stored), so no sender is stopped between one
// page and the next; a new installation stores nothing, so the default, all staff,
// holds. Both databases, each migrated as an upgrade would: up to 0009 first, a staff
// account added by plain SQL (the 0009 schema), then the rest.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { settingsService } from '../../adapters/settings/settings-service.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { DEFAULT_SETTINGS } from '../../core/settings/model.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url));
const UPGRADE = '0010_sso_passkeys';
const temp = mkdtempSync(path.join(tmpdir(), 'sealpost-0010-'));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  rmSync(temp, { recursive: true, force: true });
});

/** A copy of a dialect's migrations that stops before 0010, as an older release shipped. */
function migrationsBeforeUpgrade(dialect: 'sqlite' | 'postgres'): string {
  const folder = path.join(temp, `${dialect}-before`);
  cpSync(path.join(MIGRATIONS, dialect), folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
    entries: Array<{ idx: number; tag: string }>;
  };
  const upgrade = journal.entries.find((e) => e.tag === UPGRADE);
  if (!upgrade) throw new Error(`no ${UPGRADE} in the ${dialect} journal`);
  journal.entries = journal.entries.filter((e) => e.idx < upgrade.idx);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

/** A value for each required column of `accounts` in the old schema, and a staff kind. */
function staffRow(columns: Array<{ name: string; type: string }>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const { name, type } of columns) {
    const t = type.toLowerCase();
    row[name] = /int|bool/.test(t) ? 0 : /blob|bytea/.test(t) ? Buffer.from([0]) : 'x';
    if (/time|date/.test(t)) row[name] = new Date('2025-01-01T00:00:00Z');
  }
  return {
    ...row,
    id: 'staff-1',
    email: 'officer@barnet.gov.uk',
    email_key: 'officer@barnet.gov.uk',
    kind: 'staff',
    role: 'sender',
    status: 'active',
  };
}

/** What the settings in force say once the storage is fully migrated, and the stored rows. */
async function settledAfterMigration(storage: Storage) {
  await storage.migrate();
  const settings = settingsService({ storage, defaults: DEFAULT_SETTINGS, ttlMs: 0 });
  const { saved } = await settings.sources();
  return { staffSecondFactor: (await settings.get()).staffSecondFactor, saved };
}

describe('migration 0010 on SQLite', () => {
  const sqliteBefore = (file: string, withStaff: boolean) => {
    const raw = new Database(file);
    migrateSqlite(drizzleSqlite({ client: raw }), {
      migrationsFolder: migrationsBeforeUpgrade('sqlite'),
    });
    if (withStaff) {
      const columns = (
        raw.prepare('PRAGMA table_info(accounts)').all() as Array<{
          name: string;
          type: string;
          notnull: number;
          dflt_value: unknown;
        }>
      ).filter((c) => c.notnull === 1 && c.dflt_value === null);
      const row = staffRow(columns);
      for (const [k, v] of Object.entries(row)) if (v instanceof Date) row[k] = v.getTime();
      const names = Object.keys(row);
      raw
        .prepare(
          `INSERT INTO accounts (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
        )
        .run(...Object.values(row));
    }
    raw.close();
  };

  it('keeps admins-only for an installation that already has staff', async () => {
    const file = path.join(temp, 'upgrade.db');
    sqliteBefore(file, true);
    const storage = sqliteStorage({ path: file });
    try {
      const result = await settledAfterMigration(storage);
      expect(result.staffSecondFactor).toBe('admins');
      expect(result.saved).toContain('staffSecondFactor');
    } finally {
      await storage.close();
    }
  });

  it('stores nothing for a new installation, so all staff is in force', async () => {
    const file = path.join(temp, 'fresh.db');
    const storage = sqliteStorage({ path: file });
    try {
      const result = await settledAfterMigration(storage);
      expect(result.staffSecondFactor).toBe('all-staff');
      expect(result.saved).not.toContain('staffSecondFactor');
    } finally {
      await storage.close();
    }
  });

  it('stores nothing for an upgrade with no staff yet', async () => {
    const file = path.join(temp, 'empty-upgrade.db');
    sqliteBefore(file, false);
    const storage = sqliteStorage({ path: file });
    try {
      expect((await settledAfterMigration(storage)).staffSecondFactor).toBe('all-staff');
    } finally {
      await storage.close();
    }
  });
});

describe.runIf(postgresAvailable('migration 0010'))('migration 0010 on PostgreSQL', () => {
  const database = async () => {
    const db = await createTestDatabase('sealpost_m0010');
    cleanups.push(db.drop);
    return db.url;
  };
  const postgresBefore = async (url: string, withStaff: boolean) => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await migratePostgres(drizzlePostgres({ client: sql }), {
        migrationsFolder: migrationsBeforeUpgrade('postgres'),
      });
      if (withStaff) {
        const columns = await sql<Array<{ name: string; type: string }>>`
          SELECT column_name AS name, data_type AS type FROM information_schema.columns
          WHERE table_name = 'accounts' AND table_schema = 'public'
            AND is_nullable = 'NO' AND column_default IS NULL`;
        const row = staffRow([...columns]);
        // Every value as text: the server casts each to its column's type.
        const text = (name: string, value: unknown) => {
          const type = columns.find((c) => c.name === name)?.type ?? '';
          if (/json/.test(type)) return '[]';
          if (value instanceof Date) return value.toISOString();
          if (Buffer.isBuffer(value)) return '\\x00';
          return String(value);
        };
        const names = Object.keys(row);
        await sql.unsafe(
          `INSERT INTO accounts (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
          names.map((n) => text(n, row[n])),
        );
      }
    } finally {
      await sql.end();
    }
  };

  it('keeps admins-only for an installation that already has staff', async () => {
    const url = await database();
    await postgresBefore(url, true);
    const storage = postgresStorage({ url });
    try {
      const result = await settledAfterMigration(storage);
      expect(result.staffSecondFactor).toBe('admins');
      expect(result.saved).toContain('staffSecondFactor');
    } finally {
      await storage.close();
    }
  });

  it('stores nothing for a new installation, so all staff is in force', async () => {
    const url = await database();
    const storage = postgresStorage({ url });
    try {
      const result = await settledAfterMigration(storage);
      expect(result.staffSecondFactor).toBe('all-staff');
      expect(result.saved).not.toContain('staffSecondFactor');
    } finally {
      await storage.close();
    }
  });
});
