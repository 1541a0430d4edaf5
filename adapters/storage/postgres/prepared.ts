import type { PgDb } from './context.ts';

/**
 * A query built once per drizzle handle, then reused. drizzle otherwise rebuilds the
 * SQL text on every call; and a named prepare makes postgres.js keep a server-side
 * prepared statement per connection (its unnamed queries are parsed and planned each
 * time). Keyed on the handle the unit of work runs on: the pool's handle lives as long
 * as the storage, and a transaction's handle gets its own copy, so a statement always
 * runs inside the caller's transaction when there is one (docs/decisions/0024).
 */
export function preparedPerHandle<T>(build: (db: PgDb) => T): (db: PgDb) => T {
  const made = new WeakMap<PgDb, T>();
  return (db) => {
    let statement = made.get(db);
    if (statement === undefined) {
      statement = build(db);
      made.set(db, statement);
    }
    return statement;
  };
}
