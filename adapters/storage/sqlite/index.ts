import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { ConfigurationError } from '../../../core/shared/errors.ts';
import type { Storage } from '../../../core/storage/ports.ts';
import { deferredWrites } from '../shared/deferred-writes.ts';
import {
  acquireGate,
  inImmediateTransaction,
  type OpenedFile,
  openFile,
  refuseInsideTransaction,
  releaseGate,
  type SqliteContext,
  type SqliteDb,
  type TxScope,
  translateBusy,
} from './connection.ts';
import { groupCommit } from './group-commit.ts';
import { newLockHolder, releaseLockRow, renewLockRow, takeLockRow } from './lock-rows.ts';
import { sqliteRepositories } from './repos/index.ts';

/** Where the SQLite migrations live: the repository's migrations/sqlite, whatever the cwd. */
const MIGRATIONS = fileURLToPath(new URL('../../../migrations/sqlite/', import.meta.url));

/** How long a `withLock` row holds without renewal, and how often its holder renews it. */
const LOCK_LEASE_MS = 60_000;
const LOCK_RENEW_MS = 20_000;

/**
 * How long a deferred write (a repeat-view audit event) waits to share its commit, and
 * how many make a batch that commits at once: a crash loses at most this window of
 * them (decision 0025).
 */
const DEFERRED_DELAY_MS = 100;
const DEFERRED_MAX_BATCH = 500;

/** Options of the SQLite adapter. */
export type SqliteStorageOptions = {
  /** The database file (made, with its folder, if missing), or `:memory:` for tests. */
  path: string;
};

function checkOptions(options: SqliteStorageOptions): string {
  const path: unknown = (options as Partial<SqliteStorageOptions> | undefined)?.path;
  if (typeof path !== 'string' || path.trim() === '') {
    throw new ConfigurationError(
      'The SQLite storage needs a database file path, such as DATA_DIR/sealpost.db.',
    );
  }
  if (path.includes('\0')) {
    throw new ConfigurationError('The SQLite database path contains a NUL character.');
  }
  return path;
}

function open(path: string): OpenedFile {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return openFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(
      `The SQLite database ${path} could not be opened (${reason}). Check that the path ` +
        'names a file in a folder Sealpost may write to.',
    );
  }
}

/**
 * The embedded database: one better-sqlite3 connection to `path`. Ports return
 * Promises although the driver is synchronous, so PostgreSQL fits the same shape.
 * Every statement takes its turn on the connection; a transaction keeps the turn
 * until it commits, so concurrent async callers never interleave inside it.
 */
export function sqliteStorage(options: SqliteStorageOptions): Storage {
  const path = checkOptions(options);
  const { raw, db, gateKey } = open(path);
  const gate = acquireGate(gateKey);
  let closed = false;
  let closing: Promise<void> | null = null;
  const running = new Set<Promise<unknown>>();

  const busyAsTemporary = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw translateBusy(error);
    }
  };

  const checkOpen = () => {
    if (closed) throw new Error('This SQLite storage has been closed.');
  };

  const queued = deferredWrites<SqliteDb>({
    commit: (works) =>
      direct.atomic((d) => {
        for (const work of works) work(d);
      }),
    delayMs: DEFERRED_DELAY_MS,
    maxBatch: DEFERRED_MAX_BATCH,
  });

  const direct: SqliteContext = {
    db,
    deferred: {
      add(work) {
        refuseInsideTransaction(gate, 'storage.repos');
        checkOpen();
        queued.add(work);
      },
      flush: () => queued.flush(),
      close: () => queued.close(),
    },
    async run(work) {
      refuseInsideTransaction(gate, 'storage.repos');
      return gate.mutex.run(() => {
        checkOpen();
        return busyAsTemporary(() => work(db));
      });
    },
    async atomic(work) {
      refuseInsideTransaction(gate, 'storage.repos');
      return gate.mutex.run(() => {
        checkOpen();
        return busyAsTemporary(() => inImmediateTransaction(raw, () => work(db)));
      });
    },
  };

  function inTransaction(scope: TxScope): SqliteContext {
    const run = async <T>(work: (d: typeof db) => T): Promise<T> => {
      if (!scope.open) {
        throw new Error('This transaction has ended; its repositories can no longer be used.');
      }
      return busyAsTemporary(() => work(db));
    };
    return { db, run, atomic: run };
  }

  const grouped = groupCommit({
    raw,
    gate,
    repositoriesIn: (scope) => sqliteRepositories(inTransaction(scope)),
    checkOpen,
    busyAsTemporary,
  });

  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    work.then(
      () => running.delete(work),
      () => running.delete(work),
    );
    return work;
  };

  return {
    dialect: 'sqlite',
    repos: sqliteRepositories(direct),

    async transaction(fn) {
      refuseInsideTransaction(gate, 'storage.transaction');
      // Concurrent transactions share one BEGIN IMMEDIATE ... COMMIT, and so one fsync,
      // each in its own savepoint (group-commit.ts). IMMEDIATE takes the write lock now,
      // not at the first write: a unit that reads then writes can then never fail
      // half-way on another process's commit.
      return grouped.run(fn);
    },

    async withLock({ name, fn }) {
      refuseInsideTransaction(gate, 'storage.withLock');
      checkOpen();
      // The in-process check comes first and synchronously, so of two concurrent
      // callers in this process exactly one goes on; the lock row then decides between
      // processes sharing the file.
      if (gate.heldLocks.has(name)) return { ran: false };
      gate.heldLocks.add(name);
      const attempt = async () => {
        const holder = newLockHolder();
        const taken = await gate.mutex.run(() => {
          checkOpen();
          return busyAsTemporary(() =>
            takeLockRow(db, { name, holder, now: Date.now(), leaseMs: LOCK_LEASE_MS }),
          );
        });
        if (!taken) return { ran: false as const };
        const renewal = setInterval(() => {
          gate.mutex
            .run(() => {
              if (!closed)
                renewLockRow(db, { name, holder, now: Date.now(), leaseMs: LOCK_LEASE_MS });
            })
            .catch(() => {});
        }, LOCK_RENEW_MS);
        renewal.unref();
        try {
          return { ran: true as const, value: await fn() };
        } finally {
          clearInterval(renewal);
          await gate.mutex.run(() => {
            if (!closed) busyAsTemporary(() => releaseLockRow(db, { name, holder }));
          });
        }
      };
      try {
        return await track(attempt());
      } finally {
        gate.heldLocks.delete(name);
      }
    },

    async ping() {
      // No turn needed: a read of a constant is harmless even inside another's transaction.
      if (closed) return false;
      try {
        return raw.prepare('select 1').pluck().get() === 1;
      } catch {
        return false;
      }
    },

    async migrate() {
      refuseInsideTransaction(gate, 'storage.migrate');
      await gate.mutex.run(() => {
        checkOpen();
        busyAsTemporary(() => migrate(db, { migrationsFolder: MIGRATIONS }));
      });
    },

    async close() {
      refuseInsideTransaction(gate, 'storage.close');
      closing ??= (async () => {
        // Queued audit events are written first: a graceful stop loses none of them.
        await queued.close();
        // Transactions asked for before the close commit (or fail) before it.
        await grouped.idle();
        // Locked jobs finish, then every statement and transaction already waiting.
        await Promise.allSettled([...running]);
        await gate.mutex.run(() => {
          if (closed) return;
          closed = true;
          raw.close();
        });
        releaseGate(gateKey, gate);
      })();
      return closing;
    },
  };
}
