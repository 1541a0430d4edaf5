/**
 * Text extraction for the DLP policy: the words inside the files a mail carries
 * (PDF, Word, Excel, PowerPoint, OpenDocument, zip, forwarded messages, RTF, HTML,
 * CSV and text in any of the usual encodings), read in a worker thread bounded in
 * time and memory per mail.
 */
import { Worker } from 'node:worker_threads';
import type { ExtractJob, ExtractReply } from './extract-worker.ts';
import { type ExtractInput, type ExtractOutput, readFile } from './read-file.ts';

export type { ExtractInput, ExtractOutput } from './read-file.ts';

/** How much the gateway keeps of one file for reading (larger files are not read: unreadable). */
export const MAX_EXTRACT_BYTES = 20 * 1024 * 1024;

/** The bounds on reading one mail's files. */
export type ExtractOptions = {
  /**
   * Wall-clock time for all of one mail's files, from when a worker takes the mail;
   * files not read by then are unreadable. Default 10 s.
   */
  timeoutMs?: number;
  /** The worker's heap limit; a worker that runs out is stopped and its unread files are unreadable. Default 256 MB. */
  memoryMb?: number;
  /**
   * Read in this thread instead of a worker: no time or memory bound (each reader
   * still has its own size limits). For tools and tests only.
   */
  inProcess?: boolean;
};

/** The defaults of ExtractOptions, and how many mails are read at once. */
export const EXTRACT_DEFAULTS = { timeoutMs: 10_000, memoryMb: 256, workers: 2 };

const UNREADABLE: ExtractOutput = { text: null, unreadable: true };
const WORKER_URL = new URL('./extract-worker-entry.js', import.meta.url);

type Pooled = { worker: Worker; memoryMb: number };

// Idle workers are kept to be reused: starting one (loader, pdf.js) costs far more
// than reading a typical letter. They are unref'd, so they never keep a process alive.
const idle: Pooled[] = [];
const waiting: Array<() => void> = [];
let running = 0;
let nextJob = 1;

function startWorker(memoryMb: number): Pooled {
  const worker = new Worker(WORKER_URL, {
    // The app's flags (an inspector port, tsx's --import) are not for the worker.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32 },
  });
  worker.unref();
  // A worker that dies while idle must not take the process with it.
  worker.on('error', () => {});
  return { worker, memoryMb };
}

async function acquire(memoryMb: number): Promise<Pooled> {
  while (running >= EXTRACT_DEFAULTS.workers) {
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running++;
  const found = idle.findIndex((p) => p.memoryMb === memoryMb);
  if (found >= 0) return idle.splice(found, 1)[0] as Pooled;
  return startWorker(memoryMb);
}

function release(pooled: Pooled, isHealthy: boolean): void {
  running--;
  if (isHealthy) idle.push(pooled);
  else void pooled.worker.terminate();
  waiting.shift()?.();
}

/**
 * Sends one mail's files to a worker and collects each file's answer until all are
 * in, the deadline passes, or the worker dies (out of memory, or a crash). Files
 * without an answer by then are unreadable, and the worker is stopped: its thread
 * is interrupted wherever it is, which a timer in the same thread could not do.
 */
function runJob(
  pooled: Pooled,
  files: ExtractInput[],
  timeoutMs: number,
): Promise<{ outputs: ExtractOutput[]; isHealthy: boolean }> {
  const { worker } = pooled;
  const id = nextJob++;
  const outputs: Array<ExtractOutput | undefined> = files.map(() => undefined);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (isHealthy: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      worker.off('error', onError);
      resolve({ outputs: outputs.map((o) => o ?? UNREADABLE), isHealthy });
    };
    const onMessage = (reply: ExtractReply) => {
      if (reply.id !== id) return;
      if ('done' in reply) finish(true);
      else outputs[reply.index] = reply.output;
    };
    const onExit = () => finish(false);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.on('error', onError);
    // The bytes are copied, not transferred: the parser's buffers may share memory.
    try {
      worker.postMessage({ id, files } satisfies ExtractJob);
    } catch {
      finish(false);
    }
  });
}

/**
 * Reads the text of each file, in order, for the DLP policy. Files too large to
 * keep (bytes null) are unreadable unless they are pictures or sound; the rest
 * are read in a worker thread with a heap limit and a deadline per mail. Never
 * throws: whatever cannot be read is `{ text: null, unreadable: true }`, and the
 * policy decides on it by its "when unsure" rule.
 */
export async function extractTexts(
  files: readonly ExtractInput[],
  options: ExtractOptions = {},
): Promise<ExtractOutput[]> {
  const outputs: ExtractOutput[] = [];
  const toRead: number[] = [];
  for (const [i, file] of files.entries()) {
    if (file.bytes === null || file.bytes.length === 0 || options.inProcess) {
      outputs[i] = await readFile(file);
    } else {
      outputs[i] = UNREADABLE;
      toRead.push(i);
    }
  }
  if (toRead.length === 0) return outputs;

  const pooled = await acquire(options.memoryMb ?? EXTRACT_DEFAULTS.memoryMb);
  let isHealthy = false;
  try {
    const result = await runJob(
      pooled,
      toRead.map((i) => files[i] as ExtractInput),
      options.timeoutMs ?? EXTRACT_DEFAULTS.timeoutMs,
    );
    isHealthy = result.isHealthy;
    result.outputs.forEach((output, k) => {
      outputs[toRead[k] as number] = output;
    });
  } finally {
    release(pooled, isHealthy);
  }
  return outputs;
}

/** Stops the idle workers (tests and shutdown); busy ones stop when their mail is done. */
export async function stopExtractWorkers(): Promise<void> {
  await Promise.all(idle.splice(0).map((p) => p.worker.terminate()));
}
