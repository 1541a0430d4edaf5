import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, openSync, realpathSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { TemporaryFailure } from '../../../core/shared/errors.ts';
import type { DeferredWrites } from '../shared/deferred-writes.ts';

/** The drizzle handle over one better-sqlite3 connection. */
export type SqliteDb = BetterSQLite3Database;

/**
 * How a repository runs its statements. better-sqlite3 is synchronous, so a unit of
 * work is a plain function; what surrounds it depends on where the repository is bound.
 */
export type SqliteContext = {
  db: SqliteDb;
  /** Runs `work` on its own turn of the connection, or inside the caller's transaction. */
  run<T>(work: (db: SqliteDb) => T): Promise<T>;
  /** Like `run`, but several statements commit together: BEGIN IMMEDIATE unless already in a transaction. */
  atomic<T>(work: (db: SqliteDb) => T): Promise<T>;
  /**
   * Writes that may wait and be lost in a crash, committed in batches (decision 0025).
   * Only outside a transaction: inside one, a write simply joins the transaction.
   */
  deferred?: DeferredWrites<SqliteDb>;
};

/** Runs async functions one at a time, in the order they asked. */
export type Mutex = { run<T>(fn: () => T | Promise<T>): Promise<T> };

function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(fn) {
      const result = tail.then(fn);
      tail = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
  };
}

/**
 * What every connection to one file in this process shares. A transaction awaits
 * the caller's async work between statements, so nothing else may use the connection
 * meanwhile; and a second connection to the same file in this process would block
 * the event loop in `busy_timeout` waiting for a write lock that only this event loop
 * can release. One mutex per file avoids both.
 */
export type FileGate = {
  mutex: Mutex;
  /** Names `withLock` holds in this process. */
  heldLocks: Set<string>;
  users: number;
};

const gates = new Map<string, FileGate>();

/** The gate for `key`, made on first use; `releaseGate` when the connection closes. */
export function acquireGate(key: string): FileGate {
  let gate = gates.get(key);
  if (!gate) {
    gate = { mutex: createMutex(), heldLocks: new Set(), users: 0 };
    gates.set(key, gate);
  }
  gate.users++;
  return gate;
}

/** Forgets the gate once no connection in this process uses the file. */
export function releaseGate(key: string, gate: FileGate): void {
  gate.users--;
  if (gate.users === 0 && gates.get(key) === gate) gates.delete(key);
}

/** The transaction the current async call chain runs inside, if any. */
export type TxScope = { gate: FileGate; open: boolean };

/** Tracks which transaction, if any, the running code belongs to. */
export const txScope = new AsyncLocalStorage<TxScope>();

/**
 * Refuses calls that would wait forever: inside a transaction, anything that needs
 * the connection's turn (`storage.repos`, another `transaction`, `withLock`) would wait
 * for the very transaction that is waiting for it.
 */
export function refuseInsideTransaction(gate: FileGate, what: string): void {
  const scope = txScope.getStore();
  if (scope?.open && scope.gate === gate) {
    throw new Error(
      `${what} was called inside a transaction on the same database. Use the repositories ` +
        'the transaction passed in: transactions do not nest.',
    );
  }
}

/** SQLite's "database is locked" after busy_timeout becomes a failure the caller may retry. */
export function translateBusy(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED')) {
    return new TemporaryFailure('The database is busy. Please try again in a moment.', error);
  }
  return error;
}

/** Runs `work` between BEGIN IMMEDIATE and COMMIT, rolling back if it throws. */
export function inImmediateTransaction<T>(raw: Database.Database, work: () => T): T {
  raw.exec('BEGIN IMMEDIATE');
  try {
    const value = work();
    raw.exec('COMMIT');
    return value;
  } catch (error) {
    if (raw.inTransaction) raw.exec('ROLLBACK');
    throw error;
  }
}

/** How long a statement waits for another process's write lock before failing busy. */
export const BUSY_TIMEOUT_MS = 5_000;

/** An open connection with Sealpost's pragmas, and the key of its file's gate. */
export type OpenedFile = { raw: Database.Database; db: SqliteDb; gateKey: string };

/**
 * Opens the file with the pragmas Sealpost relies on: WAL so readers never wait for
 * the writer; synchronous=FULL so a commit is on disk before it returns (WAL's usual
 * NORMAL could lose the last commits on power loss, and a sent message or a spent
 * token must not come back); foreign keys enforced; and a busy timeout so a second
 * process waits its turn instead of failing at once.
 */
export function openFile(path: string): OpenedFile {
  const isMemory = path === ':memory:' || path === '';
  if (!isMemory) makePrivate(path);
  const raw = new Database(path);
  try {
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
  } catch (error) {
    raw.close();
    throw error;
  }
  const gateKey = isMemory ? `memory:${randomUUID()}` : `file:${realpathSync(path)}`;
  return { raw, db: drizzle({ client: raw }), gateKey };
}

/**
 * Makes the database file (created empty if new) and its WAL and shared-memory files
 * readable by this user only (0600), whatever the umask or the folder's mode: SQLite
 * gives the -wal and -shm files the database file's mode when it creates them, and
 * files left by an older version are narrowed too.
 */
function makePrivate(path: string): void {
  try {
    closeSync(openSync(path, 'a', 0o600));
  } catch {
    // Cannot create it here (a read-only place, a bad path): SQLite says why, next.
    return;
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
