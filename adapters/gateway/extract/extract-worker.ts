import { parentPort } from 'node:worker_threads';
import { type ExtractInput, readFile } from './read-file.ts';

/** A mail's files sent to the worker to read. */
export type ExtractJob = { id: number; files: ExtractInput[] };

/** What the worker answers: each file's text as soon as it is read, then `done`. */
export type ExtractReply =
  | { id: number; index: number; output: { text: string | null; unreadable: boolean } }
  | { id: number; done: true };

// Files are read one after another and each answer is sent as soon as it is ready,
// so when the main thread stops this worker at the deadline, what was read is kept.
parentPort?.on('message', async (job: ExtractJob) => {
  for (let index = 0; index < job.files.length; index++) {
    const file = job.files[index] as ExtractInput;
    const output = await readFile(file);
    parentPort?.postMessage({ id: job.id, index, output } satisfies ExtractReply);
  }
  parentPort?.postMessage({ id: job.id, done: true } satisfies ExtractReply);
});
