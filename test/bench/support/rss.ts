import { readFileSync } from 'node:fs';

/** What an RSS sampler saw between its start and `stop()`, in bytes. */
export type RssSeen = {
  baseline: number;
  peak: number;
  /** The peak above the baseline. */
  growth: number;
  /** The last sample: a figure still far above the baseline suggests memory kept. */
  last: number;
  /** Every sample, oldest first (a few thousand at most). */
  samples: number[];
};

/** A running sampler; `stop()` ends it and says what it saw. */
export type RssSampler = { stop(): RssSeen };

const MAX_SAMPLES = 5_000;

/** The resident set size of another process, from /proc (Linux), or null once it is gone. */
export function rssOfPid(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Samples a resident set size every `everyMs` from now on: this process's by default,
 * or another's by pid. The timer is unref'd, so it never keeps a process alive; a
 * process busy on its own thread may skip samples, so `stop()` takes a last one.
 */
export function sampleRss(args: { everyMs?: number; pid?: number } = {}): RssSampler {
  const read = () =>
    args.pid === undefined ? process.memoryUsage.rss() : (rssOfPid(args.pid) ?? 0);
  const baseline = read();
  let peak = baseline;
  const samples: number[] = [baseline];
  const take = () => {
    const now = read();
    peak = Math.max(peak, now);
    if (samples.length < MAX_SAMPLES) samples.push(now);
    else samples[samples.length - 1] = now;
    return now;
  };
  const timer = setInterval(take, args.everyMs ?? 10);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const last = take();
      return { baseline, peak, growth: peak - baseline, last, samples };
    },
  };
}

/** Bytes as decimal megabytes (1 MB = 1,000,000 bytes), as the targets are written. */
export const toMB = (bytes: number) => bytes / 1_000_000;
