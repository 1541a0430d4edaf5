import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { ConfigurationError } from '../../../core/shared/errors.ts';
import type { Storage } from '../../../core/storage/ports.ts';
import { deferredWrites } from '../shared/deferred-writes.ts';
import {
  type PgContext,
  type PgDb,
  refuseInsideTransaction,
  type TxScope,
  txScope,
} from './context.ts';
import { pgRepositories } from './repos/index.ts';

/** Where the PostgreSQL migrations live: the repository's migrations/postgres, whatever the cwd. */
const MIGRATIONS = fileURLToPath(new URL('../../../migrations/postgres/', import.meta.url));

/**
 * The session-level advisory lock `migrate` waits for, so app nodes that start
 * together apply each migration once: 'SealMigr' in ASCII, a bigint outside the
 * int4 range of hashtext(), so no `withLock` name can collide with it.
 */
const MIGRATE_LOCK = `x'5365616c4d696772'::bigint`;

/**
 * How long a deferred write (a repeat-view audit event) waits to share its commit, and
 * how many make a batch that commits at once: a crash loses at most this window of
 * them (decision 0025).
 */
const DEFERRED_DELAY_MS = 100;
const DEFERRED_MAX_BATCH = 500;

/** Options of the PostgreSQL adapter. */
export type PostgresStorageOptions = {
  /** A connection URL: postgres://user:password@host:5432/database */
  url: string;
};

function checkOptions(options: PostgresStorageOptions): string {
  const url: unknown = (options as Partial<PostgresStorageOptions> | undefined)?.url;
  const example = 'postgres://sealpost:PASSWORD@127.0.0.1:5432/sealpost';
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ConfigurationError(
      `The PostgreSQL storage needs a connection URL, such as ${example}.`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL may hold a password, so it is never repeated in the message.
    throw new ConfigurationError(
      `The PostgreSQL URL is not a valid URL. It should look like ${example}.`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigurationError(
      `The PostgreSQL URL must start with postgres:// or postgresql://, not ${parsed.protocol}//.`,
    );
  }
  if (parsed.pathname.replace(/^\//, '') === '') {
    throw new ConfigurationError(`The PostgreSQL URL must name a database, as in ${example}.`);
  }
  return url;
}

/**
 * PostgreSQL through postgres.js: a pool of ten connections, shared by every app node's
 * requests. Connections open on first use, so building the adapter never touches the
 * network. `withLock` uses session advisory locks, so jobs elect one leader across nodes.
 */
export function postgresStorage(options: PostgresStorageOptions): Storage {
  const url = checkOptions(options);
  // Notices (such as "schema already exists, skipping" from migrations) are not news.
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const client = drizzle({ client: sql });
  const db: PgDb = client;
  const self = {};
  const running = new Set<Promise<unknown>>();
  let closing: Promise<void> | null = null;

  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    work.then(
      () => running.delete(work),
      () => running.delete(work),
    );
    return work;
  };

  const queued = deferredWrites<PgDb>({
    commit: async (works) => {
      await track(
        db.transaction(async (tx) => {
          for (const work of works) await work(tx);
        }),
      );
    },
    delayMs: DEFERRED_DELAY_MS,
    maxBatch: DEFERRED_MAX_BATCH,
  });

  const direct: PgContext = {
    deferred: {
      add(work) {
        refuseInsideTransaction(self, 'storage.repos');
        queued.add(work);
      },
      flush: () => queued.flush(),
      close: () => queued.close(),
    },
    async run(work) {
      refuseInsideTransaction(self, 'storage.repos');
      return work(db);
    },
    async atomic(work) {
      refuseInsideTransaction(self, 'storage.repos');
      return track(db.transaction((tx) => work(tx)));
    },
  };

  function inTransaction(tx: PgDb, scope: TxScope): PgContext {
    const run = async <T>(work: (d: PgDb) => Promise<T>): Promise<T> => {
      if (!scope.open) {
        throw new Error('This transaction has ended; its repositories can no longer be used.');
      }
      return work(tx);
    };
    return { run, atomic: run };
  }

  return {
    dialect: 'postgres',
    repos: pgRepositories(direct),

    async transaction(fn) {
      refuseInsideTransaction(self, 'storage.transaction');
      return track(
        db.transaction(async (tx) => {
          const scope: TxScope = { owner: self, open: true };
          try {
            return await txScope.run(scope, () => fn(pgRepositories(inTransaction(tx, scope))));
          } finally {
            scope.open = false;
          }
        }),
      );
    },

    async withLock({ name, fn }) {
      refuseInsideTransaction(self, 'storage.withLock');
      // A session-level advisory lock belongs to one connection, so the lock, the work
      // and the unlock all use one reserved connection; another node, or another call in
      // this process on another connection, gets false at once.
      const attempt = async () => {
        const reserved = await sql.reserve();
        try {
          const [row] = await reserved<
            Array<{ locked: boolean }>
          >`select pg_try_advisory_lock(hashtext(${name})) as locked`;
          if (!row?.locked) return { ran: false as const };
          try {
            return { ran: true as const, value: await fn() };
          } finally {
            await reserved`select pg_advisory_unlock(hashtext(${name}))`;
          }
        } finally {
          reserved.release();
        }
      };
      return track(attempt());
    },

    async ping() {
      try {
        const [row] = await sql<Array<{ one: number }>>`select 1 as one`;
        return row?.one === 1;
      } catch {
        return false;
      }
    },

    async migrate() {
      refuseInsideTransaction(self, 'storage.migrate');
      const reserved = await sql.reserve();
      try {
        await reserved.unsafe(`select pg_advisory_lock(${MIGRATE_LOCK})`);
        try {
          await migrate(client, { migrationsFolder: MIGRATIONS });
        } finally {
          await reserved.unsafe(`select pg_advisory_unlock(${MIGRATE_LOCK})`);
        }
      } finally {
        reserved.release();
      }
    },

    async close() {
      refuseInsideTransaction(self, 'storage.close');
      closing ??= (async () => {
        // Queued audit events are written first: a graceful stop loses none of them.
        await queued.close();
        // Transactions and locked jobs finish, then the pool waits for queries in flight.
        await Promise.allSettled([...running]);
        await sql.end({ timeout: 5 });
      })();
      return closing;
    },
  };
}
