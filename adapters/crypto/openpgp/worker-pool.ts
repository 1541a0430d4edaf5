import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { openChunk, sealChunk } from './chunk-kernel.js';

/** Seals and opens chunks, on worker threads when that pays. */
export type ChunkWorkers = {
  /**
   * `sealChunk` of chunk-kernel.js. `plain` must span a whole ArrayBuffer that nothing
   * else uses: it may be transferred to a worker and detached here.
   */
  seal(key: Buffer, plain: Uint8Array): Promise<Buffer>;
  /** `openChunk` of chunk-kernel.js; `encrypted` is handed over like `plain` above. */
  open(key: Buffer, encrypted: Uint8Array): Promise<Buffer | null>;
  /**
   * A buffer of `size` bytes spanning an ArrayBuffer of its own, for a chunk's data;
   * reuses one a worker handed back when the size matches. Its old content is stale
   * data of this process, and every caller overwrites every byte.
   */
  allocate(size: number): Buffer;
  /** How many chunks one stream should keep in flight to keep every worker busy. */
  readonly inFlight: number;
};

// Below this a round trip to a worker (about 0.1 ms) costs more than the work.
const WORKER_MIN_BYTES = 64 * 1024;
const MAX_WORKERS = 4;
// Spare chunk buffers kept for reuse: enough for every chunk in flight.
const MAX_SPARES = 8;

// Buffers the workers handed back. Full chunks of every blob have the same size, so
// an exact-size match almost always hits, and almost no chunk buffer is garbage.
const spares: ArrayBuffer[] = [];

function allocate(size: number): Buffer {
  const index = spares.findIndex((spare) => spare.byteLength === size);
  if (index >= 0) return Buffer.from(spares.splice(index, 1)[0] as ArrayBuffer);
  return Buffer.from(new ArrayBuffer(size));
}

function keepSpare(spare: ArrayBuffer | undefined): void {
  if (spare === undefined || spare.byteLength < WORKER_MIN_BYTES) return;
  if (spares.length >= MAX_SPARES) spares.shift();
  spares.push(spare);
}

type Pending = { resolve: (data: ArrayBuffer | null) => void; reject: (error: Error) => void };
type Slot = { worker: Worker; pending: Map<number, Pending> };

/**
 * A few worker threads running chunk-kernel.js, shared by every stream of the process.
 * AES-CFB encryption is serial within a chunk, so one thread tops out near the speed
 * of `gpg`; chunks are independent, so several threads (and the main thread free to
 * do I/O) go well past it. Workers are unreferenced while idle, so they never keep
 * the process alive, and one that dies fails only its own jobs and is replaced.
 */
function workerPool(size: number): ChunkWorkers {
  const slots: Slot[] = [];
  let nextId = 0;

  function spawn(): Slot {
    const worker = new Worker(new URL('./chunk-kernel.js', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (error: Error) => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      for (const job of slot.pending.values()) job.reject(error);
      slot.pending.clear();
    };
    type Answer = { id: number; data?: ArrayBuffer | null; error?: string; spare?: ArrayBuffer };
    worker.on('message', (message: Answer) => {
      keepSpare(message.spare);
      const job = slot.pending.get(message.id);
      if (!job) return;
      slot.pending.delete(message.id);
      if (slot.pending.size === 0) worker.unref();
      if (message.error !== undefined) job.reject(new Error(message.error));
      else job.resolve(message.data ?? null);
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`A cipher worker stopped (exit code ${code}).`)));
    slots.push(slot);
    return slot;
  }

  // The least busy worker, starting one if the pool is not full; null if no worker
  // can be started here at all (a sandbox without threads), so the caller does the work.
  function pick(): Slot | null {
    if (slots.length < size) {
      try {
        return spawn();
      } catch {
        if (slots.length === 0) return null;
      }
    }
    let best = slots[0] as Slot;
    for (const slot of slots) if (slot.pending.size < best.pending.size) best = slot;
    return best;
  }

  function run(
    slot: Slot,
    op: 'seal' | 'open',
    key: Buffer,
    data: Uint8Array,
  ): Promise<ArrayBuffer | null> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      // A job in flight must keep the process alive until its answer arrives.
      if (slot.pending.size === 1) slot.worker.ref();
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
      const buffer = (whole ? data : new Uint8Array(data)).buffer as ArrayBuffer;
      slot.worker.postMessage({ id, op, key: new Uint8Array(key), data: buffer }, [buffer]);
    });
  }

  return {
    allocate,
    inFlight: size + 1,
    async seal(key, plain) {
      const slot = plain.byteLength < WORKER_MIN_BYTES ? null : pick();
      if (!slot) return sealChunk(key, plain);
      const out = await run(slot, 'seal', key, plain);
      if (!out) throw new Error('A cipher worker returned nothing.');
      return Buffer.from(out);
    },
    async open(key, encrypted) {
      const slot = encrypted.byteLength < WORKER_MIN_BYTES ? null : pick();
      if (!slot) return openChunk(key, encrypted);
      const out = await run(slot, 'open', key, encrypted);
      return out ? Buffer.from(out) : null;
    },
  };
}

function inThread(): ChunkWorkers {
  return {
    allocate,
    inFlight: 1,
    seal: async (key, plain) => sealChunk(key, plain),
    open: async (key, encrypted) => openChunk(key, encrypted),
  };
}

let shared: ChunkWorkers | null = null;

/** The process's chunk workers: threads on a multi-core machine, the main thread otherwise. */
export function chunkWorkers(): ChunkWorkers {
  const cores = availableParallelism();
  shared ??= cores > 1 ? workerPool(Math.min(cores, MAX_WORKERS)) : inThread();
  return shared;
}
