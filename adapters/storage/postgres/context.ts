import { AsyncLocalStorage } from 'node:async_hooks';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import type { DeferredWrites } from '../shared/deferred-writes.ts';

/** A drizzle handle on the pool or on one transaction: both take the same queries. */
export type PgDb = PgDatabase<PostgresJsQueryResultHKT, Record<string, never>>;

/** How a repository runs its queries, depending on where it is bound. */
export type PgContext = {
  /** Runs `work` on the pool, or inside the caller's transaction. */
  run<T>(work: (db: PgDb) => Promise<T>): Promise<T>;
  /** Runs `work` in a transaction: its own, or the caller's when there is one. */
  atomic<T>(work: (db: PgDb) => Promise<T>): Promise<T>;
  /**
   * Writes that may wait and be lost in a crash, committed in batches (decision 0025).
   * Only outside a transaction: inside one, a write simply joins the transaction.
   */
  deferred?: DeferredWrites<PgDb>;
};

/** The transaction the current async call chain runs inside, if any. */
export type TxScope = { owner: object; open: boolean };

/** Tracks which transaction, if any, the running code belongs to. */
export const txScope = new AsyncLocalStorage<TxScope>();

/**
 * Refuses `storage.repos`, `transaction` and `withLock` from inside a transaction of
 * the same storage. On PostgreSQL they would run on another connection, outside the
 * transaction, which is never what the caller meant; and on SQLite they cannot run at
 * all. Refusing on both keeps the adapters interchangeable.
 */
export function refuseInsideTransaction(owner: object, what: string): void {
  const scope = txScope.getStore();
  if (scope?.open && scope.owner === owner) {
    throw new Error(
      `${what} was called inside a transaction on the same database. Use the repositories ` +
        'the transaction passed in: transactions do not nest.',
    );
  }
}
