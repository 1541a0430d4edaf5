import type Database from 'better-sqlite3';
import type { Repositories } from '../../../core/storage/ports.ts';
import { type FileGate, type TxScope, txScope } from './connection.ts';

/**
 * How long a group keeps taking units that are waiting, counted from its BEGIN, and how
 * many it takes at most. A unit already started runs to its end; the window only stops
 * more joining, so an early unit's commit waits for at most this plus one unit.
 */
const GROUP_WINDOW_MS = 4;
const GROUP_MAX_UNITS = 64;

type Unit = {
  fn: (repos: Repositories) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

type Settled = { unit: Unit; ok: true; value: unknown } | { unit: Unit; ok: false; error: unknown };

/** What `groupCommit` needs from the storage that owns the connection. */
export type GroupCommitOptions = {
  raw: Database.Database;
  gate: FileGate;
  /** The repositories bound to one unit's part of the group's transaction. */
  repositoriesIn(scope: TxScope): Repositories;
  /** Throws once the storage has been closed. */
  checkOpen(): void;
  /** Runs a statement, turning SQLite's busy into a failure the caller may retry. */
  busyAsTemporary<T>(work: () => T): T;
};

/**
 * Group commit for `storage.transaction` on SQLite (decision 0025). With
 * synchronous=FULL every COMMIT is an fsync of the WAL; concurrent transactions used to
 * queue for the connection and commit one by one. Now those waiting when the connection
 * comes free run in ONE `BEGIN IMMEDIATE ... COMMIT`, each in its own SAVEPOINT: a unit
 * that throws is rolled back to its savepoint alone and its caller gets the error, and
 * every caller's promise settles only after the shared COMMIT returned, so nothing is
 * acknowledged before it is on disk. Units still run one at a time, in the order they
 * asked, exactly as before; only the fsync is shared.
 */
export function groupCommit(options: GroupCommitOptions) {
  const { raw, gate, repositoriesIn, checkOpen, busyAsTemporary } = options;
  let pending: Unit[] = [];
  let isScheduled = false;
  let whenIdle: Array<() => void> = [];

  const schedule = () => {
    if (isScheduled) return;
    isScheduled = true;
    // drain settles every unit it takes and never throws.
    void gate.mutex.run(drain);
  };

  /** Runs one unit in a savepoint of the open transaction. */
  async function runUnit(unit: Unit): Promise<Settled> {
    raw.exec('SAVEPOINT unit');
    const scope: TxScope = { gate, open: true };
    try {
      const value = await txScope.run(scope, () => unit.fn(repositoriesIn(scope)));
      raw.exec('RELEASE unit');
      return { unit, ok: true, value };
    } catch (error) {
      // An I/O error or a full disk can make SQLite roll back the whole transaction
      // itself; then there is no savepoint left to return to (see `drain`).
      if (raw.inTransaction) {
        raw.exec('ROLLBACK TO unit');
        raw.exec('RELEASE unit');
      }
      return { unit, ok: false, error };
    } finally {
      // Repositories kept past the unit's end must not write into a later unit.
      scope.open = false;
    }
  }

  /** One group: takes waiting units until the window closes, commits, then settles them. */
  async function runGroup(): Promise<void> {
    const taken: Unit[] = [];
    const settled: Settled[] = [];
    try {
      checkOpen();
      busyAsTemporary(() => raw.exec('BEGIN IMMEDIATE'));
    } catch (error) {
      const all = pending;
      pending = [];
      for (const unit of all) unit.reject(error);
      return;
    }
    const began = performance.now();
    let lost: unknown = null;
    try {
      while (
        pending.length > 0 &&
        taken.length < GROUP_MAX_UNITS &&
        (taken.length === 0 || performance.now() - began < GROUP_WINDOW_MS)
      ) {
        const unit = pending.shift() as Unit;
        taken.push(unit);
        const result = await runUnit(unit);
        settled.push(result);
        if (!raw.inTransaction) {
          // SQLite rolled everything back: every unit of this group is lost with it.
          lost = result.ok ? new Error('The transaction was rolled back.') : result.error;
          break;
        }
      }
      if (lost === null) busyAsTemporary(() => raw.exec('COMMIT'));
    } catch (error) {
      // COMMIT failed, or a savepoint could not be made or undone: nothing of the group
      // is kept, and every unit of it hears why.
      lost ??= error;
      if (raw.inTransaction) raw.exec('ROLLBACK');
      for (const unit of taken) {
        if (!settled.some((s) => s.unit === unit)) settled.push({ unit, ok: false, error });
      }
    }
    for (const s of settled) {
      if (lost !== null) s.unit.reject(s.ok ? lost : s.error);
      else if (s.ok) s.unit.resolve(s.value);
      else s.unit.reject(s.error);
    }
  }

  async function drain(): Promise<void> {
    try {
      await runGroup();
    } finally {
      isScheduled = false;
      // Units that came after the window closed make the next group, behind whatever
      // else is waiting for the connection.
      if (pending.length > 0) schedule();
      else {
        for (const wake of whenIdle) wake();
        whenIdle = [];
      }
    }
  }

  return {
    /** Resolves once every unit asked for so far has settled (before closing). */
    idle(): Promise<void> {
      if (!isScheduled && pending.length === 0) return Promise.resolve();
      return new Promise((resolve) => whenIdle.push(resolve));
    },
    /** Runs `fn` as one unit of the next group; resolves after the group's COMMIT. */
    run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
  };
}
