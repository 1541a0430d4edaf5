/**
 * Writes that may wait a few milliseconds and be lost in a crash (repeat-view audit
 * events, decision 0025), queued and committed many to one transaction, so the request
 * that made them never waits for an fsync. Both SQL adapters use it with their own
 * `commit`; what is queued runs in the order it was added.
 */
export type DeferredWrites<Db> = {
  /** Queues `work` for the next batch; throws once the queue has been closed. */
  add(work: (db: Db) => unknown): void;
  /** Commits everything queued so far; rejects if that batch could not be committed. */
  flush(): Promise<void>;
  /** Commits what is queued and refuses more: called before the connection closes. */
  close(): Promise<void>;
};

/** Options of `deferredWrites`. */
export type DeferredWritesOptions<Db> = {
  /** Runs every piece of work in one transaction, in order, and resolves after COMMIT. */
  commit(works: Array<(db: Db) => unknown>): Promise<void>;
  /** How long the first queued write waits for others: the most a crash can lose. */
  delayMs: number;
  /** A batch this large is committed at once, without waiting for the delay. */
  maxBatch: number;
};

/** The longest wait between retries of a batch that failed (the database busy, say). */
const MAX_RETRY_MS = 2_000;

/** A queue of deferred writes committed in batches (see `DeferredWrites`). */
export function deferredWrites<Db>(options: DeferredWritesOptions<Db>): DeferredWrites<Db> {
  const { commit, delayMs, maxBatch } = options;
  if (!(delayMs > 0) || !(maxBatch >= 1)) {
    throw new Error('deferredWrites needs a positive delayMs and maxBatch.');
  }
  let queue: Array<(db: Db) => unknown> = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let retryMs = delayMs;
  let closed = false;
  // Batches commit one after another, so the queue's order is the order of the writes.
  let tail: Promise<void> = Promise.resolve();

  const writeBatch = async (): Promise<void> => {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      await commit(batch);
      retryMs = delayMs;
    } catch (error) {
      // Nothing of the batch committed: it goes back in front, to be tried again.
      queue = [...batch, ...queue];
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      if (!closed) schedule(retryMs);
      throw error;
    }
  };

  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const result = tail.then(writeBatch);
    tail = result.catch(() => {});
    return result;
  };

  function schedule(ms: number): void {
    if (timer) return;
    // A timer must not keep a finished command alive: `close` writes what is left.
    timer = setTimeout(() => {
      timer = null;
      // A failed batch has been put back and rescheduled; the caller of `close` or
      // `flush` hears of a failure that lasts.
      flush().catch(() => {});
    }, ms);
    timer.unref();
  }

  return {
    add(work) {
      if (closed) throw new Error('This storage has been closed.');
      queue.push(work);
      if (queue.length >= maxBatch) flush().catch(() => {});
      else schedule(delayMs);
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
