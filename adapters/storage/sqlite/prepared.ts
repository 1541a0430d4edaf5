import type { SqliteDb } from './connection.ts';

/**
 * A statement built and prepared once per connection, then reused: drizzle otherwise
 * rebuilds the SQL text and better-sqlite3 re-prepares it on every call, which cost
 * more than running the hot queries themselves (docs/decisions/0024). It is keyed on
 * the handle each unit of work runs on, so a statement always runs on the connection,
 * and so inside the transaction, of the caller; a closed connection's statements go
 * with it.
 */
export function preparedPerConnection<T>(build: (db: SqliteDb) => T): (db: SqliteDb) => T {
  const made = new WeakMap<SqliteDb, T>();
  return (db) => {
    let statement = made.get(db);
    if (statement === undefined) {
      statement = build(db);
      made.set(db, statement);
    }
    return statement;
  };
}
