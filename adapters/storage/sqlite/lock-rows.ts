import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq, lt } from 'drizzle-orm';
import type { SqliteDb } from './connection.ts';
import { locks } from './schema.ts';

/**
 * A new holder name: this host and process, and a random part. The host and process
 * let another process on the same machine see that a holder killed with SIGKILL is
 * gone, rather than wait out its lease (a SQLite file is only ever shared on one host).
 */
export function newLockHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`;
}

/**
 * True when `holder` names a process on this host that no longer exists. Unknown
 * forms, other hosts and live (or not ours to signal) processes are not gone: they
 * keep the lock until their lease runs out. A reused process id errs the same safe way.
 */
export function isLockHolderGone(holder: string): boolean {
  const match = /^(.*):(\d+):[0-9a-f-]{36}$/.exec(holder);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Takes the named lock row if it is free or its lease has run out (a holder that
 * crashed), or if its holder is a process on this host that has died; true when this
 * holder now has it. The taking itself is one statement, so it is atomic: of two
 * processes freeing the same dead holder's row, only one then gets it.
 */
export function takeLockRow(
  db: SqliteDb,
  args: { name: string; holder: string; now: number; leaseMs: number },
): boolean {
  const current = db.select().from(locks).where(eq(locks.name, args.name)).get();
  if (current && isLockHolderGone(current.holder)) {
    db.delete(locks)
      .where(and(eq(locks.name, args.name), eq(locks.holder, current.holder)))
      .run();
  }
  const expiresAt = args.now + args.leaseMs;
  const result = db
    .insert(locks)
    .values({ name: args.name, holder: args.holder, expiresAt })
    .onConflictDoUpdate({
      target: locks.name,
      set: { holder: args.holder, expiresAt },
      where: lt(locks.expiresAt, args.now),
    })
    .run();
  return result.changes === 1;
}

/** Extends this holder's lease while its work runs. */
export function renewLockRow(
  db: SqliteDb,
  args: { name: string; holder: string; now: number; leaseMs: number },
): void {
  db.update(locks)
    .set({ expiresAt: args.now + args.leaseMs })
    .where(and(eq(locks.name, args.name), eq(locks.holder, args.holder)))
    .run();
}

/** Frees the lock row if this holder still has it. */
export function releaseLockRow(db: SqliteDb, args: { name: string; holder: string }): void {
  db.delete(locks)
    .where(and(eq(locks.name, args.name), eq(locks.holder, args.holder)))
    .run();
}
