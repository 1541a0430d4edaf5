import { syncPath } from '../../files/sync-path.ts';

/** Makes a rename or an unlink in `dir` durable (see `syncPath`). */
export const syncDirectory: (dir: string) => Promise<void> = syncPath;

type DirState = { running: Promise<void> | null; next: Promise<void> | null };

/**
 * Directory fsyncs shared between concurrent writers (decision 0025). A caller's
 * promise resolves after an fsync of `dir` that STARTED after the call, so it covers the
 * caller's rename; callers that arrive while one runs share the next, so N puts into
 * one folder at once cost two fsyncs, not N.
 */
export function sharedDirectorySync(
  sync: (dir: string) => Promise<void> = syncDirectory,
): (dir: string) => Promise<void> {
  const states = new Map<string, DirState>();

  const start = (dir: string, state: DirState): Promise<void> => {
    const run = sync(dir).finally(() => {
      state.running = null;
      if (state.next === null) states.delete(dir);
    });
    state.running = run;
    return run;
  };

  return (dir) => {
    let state = states.get(dir);
    if (!state) {
      state = { running: null, next: null };
      states.set(dir, state);
    }
    if (state.next) return state.next;
    if (!state.running) return start(dir, state);
    // One is under way and may have begun before this caller's rename: wait for it,
    // then run one more for everyone who came meanwhile.
    const current = state;
    const next = current.running
      ?.catch(() => {})
      .then(() => {
        current.next = null;
        return start(dir, current);
      }) as Promise<void>;
    current.next = next;
    return next;
  };
}
