import postgres from 'postgres';

/** The PostgreSQL the tests may use, or null when TEST_POSTGRES_URL is not set. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? null;

/**
 * Says loudly that a PostgreSQL suite did not run; in CI a missing database is a
 * failure, never a silent skip. Returns true when the suite can run.
 */
export function postgresAvailable(suite: string): boolean {
  if (TEST_POSTGRES_URL) return true;
  if (process.env.CI)
    throw new Error(`${suite}: TEST_POSTGRES_URL is not set, and in CI nothing may skip.`);
  console.warn(
    `${suite}: the PostgreSQL half did NOT run: set TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test`,
  );
  return false;
}

/** A new empty database on the test server; `drop` removes it. */
export async function createTestDatabase(
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_POSTGRES_URL) throw new Error('TEST_POSTGRES_URL is not set');
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(TEST_POSTGRES_URL as string, { max: 1, onnotice: () => {} });
      await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await sql.end();
    },
  };
}
