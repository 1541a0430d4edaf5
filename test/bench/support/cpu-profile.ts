// Reads the V8 CPU profiles a server wrote (`node --cpu-prof`) and says where its main
// thread spent its time: self time per function, and grouped by area (SQLite, OpenPGP,
// drizzle, JSX/Hono, the HTTP server, zlib, file reads, GC). Only the samples taken inside a
// window are counted, so the start (loading modules, migrations) does not blur the
// picture; V8's sample times and `process.hrtime` read the same monotonic clock.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

/** A share of the busy samples, by function (with its area) or by area. */
export type Share = { name: string; share: number; area?: string };

/** What a window of a profile shows. */
export type ProfileSummary = {
  /** Busy samples counted (all processes' main threads). */
  samples: number;
  /** Busy samples over all samples in the window: how busy the main thread was. */
  busy: number;
  /** Self time per function, largest first, as shares of the busy samples. */
  frames: Share[];
  /** Self time per area, largest first. */
  areas: Share[];
  /** False when no sample fell in the window and the whole profile was counted. */
  windowed: boolean;
};

/** The monotonic clock in microseconds, as V8's profiler stamps its samples. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

const AREAS: Array<[string, RegExp]> = [
  ['sqlite', /\/node_modules\/better-sqlite3\/|\/drizzle-orm\/better-sqlite3\//],
  ['drizzle', /\/node_modules\/drizzle-orm\//],
  [
    'openpgp/crypto',
    /\/node_modules\/(openpgp|@noble|@openpgp)\/|^node:(internal\/)?crypto|\/adapters\/crypto\//,
  ],
  ['jsx/hono', /\/node_modules\/hono\/|\/views\//],
  [
    'node-server',
    /\/node_modules\/@hono\/node-server\/|^node:(_http|http|net|stream|internal\/(http|streams|webstreams|deps\/undici|stream_base))/,
  ],
  ['zlib', /^node:(internal\/)?zlib|\/node_modules\/fflate\//],
  ['fs (blobs)', /^node:(internal\/)?fs/],
  ['sealpost', /\/(core|adapters|plugins)\//],
];

/** The area of a frame with a URL; native frames (no URL) take their caller's. */
function areaOfUrl(url: string): string {
  for (const [area, pattern] of AREAS) if (pattern.test(url)) return area;
  return 'other';
}

function shortUrl(url: string): string {
  const at = url.lastIndexOf('/node_modules/');
  if (at >= 0) return url.slice(at + '/node_modules/'.length);
  return url.replace(
    /^file:\/\/\/work\/main\/|^file:\/\/.*?\/(?=(core|adapters|views|plugins)\/)/,
    '',
  );
}

type Tally = {
  frames: Map<string, number>;
  areaOf: Map<string, string>;
  areas: Map<string, number>;
  busy: number;
  all: number;
};

function tallyProfile(profile: CpuProfile, from: number, to: number, tally: Tally): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  // A native frame's nearest caller with a URL says whose work it is (better-sqlite3's
  // `all` called by drizzle's better-sqlite3 session is SQLite; a hash called by
  // openpgp is OpenPGP's).
  const callerUrl = (id: number): string => {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)?.callFrame.url ?? '';
      if (url) return url;
    }
    return '';
  };
  let time = profile.startTime;
  profile.samples.forEach((id, i) => {
    time += profile.timeDeltas[i] ?? 0;
    if (time < from || time > to) return;
    tally.all++;
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    tally.busy++;
    let area: string;
    let name: string;
    if (frame.functionName === '(garbage collector)') {
      area = 'GC';
      name = '(garbage collector)';
    } else if (frame.functionName === '(program)') {
      area = 'other';
      name = '(program: native, unattributed)';
    } else if (frame.url) {
      area = areaOfUrl(frame.url);
      name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    } else {
      const caller = callerUrl(id);
      area = caller ? areaOfUrl(caller) : 'other';
      name = `${frame.functionName || '(anonymous)'} (native, from ${caller ? shortUrl(caller) : '?'})`;
    }
    tally.frames.set(name, (tally.frames.get(name) ?? 0) + 1);
    tally.areaOf.set(name, area);
    tally.areas.set(area, (tally.areas.get(area) ?? 0) + 1);
  });
}

const ranked = (
  counts: Map<string, number>,
  total: number,
  areaOf?: Map<string, string>,
): Share[] =>
  [...counts.entries()]
    .map(([name, n]) => ({
      name,
      share: total > 0 ? n / total : 0,
      ...(areaOf ? { area: areaOf.get(name) ?? 'other' } : {}),
    }))
    .sort((a, b) => b.share - a.share);

/**
 * Sums every `.cpuprofile` in `dir` (one per process: the primary and each worker)
 * over the window `[from, to]` in monotonic microseconds.
 */
export function summariseProfiles(
  dir: string,
  window: { from: number; to: number },
): ProfileSummary {
  const profiles = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as CpuProfile);
  if (profiles.length === 0) throw new Error(`no .cpuprofile was written in ${dir}`);
  const count = (from: number, to: number) => {
    const tally: Tally = {
      frames: new Map(),
      areaOf: new Map(),
      areas: new Map(),
      busy: 0,
      all: 0,
    };
    for (const profile of profiles) tallyProfile(profile, from, to, tally);
    return tally;
  };
  let tally = count(window.from, window.to);
  const windowed = tally.all > 0;
  if (!windowed) tally = count(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  return {
    samples: tally.busy,
    busy: tally.all > 0 ? tally.busy / tally.all : 0,
    frames: ranked(tally.frames, tally.busy, tally.areaOf),
    areas: ranked(tally.areas, tally.busy),
    windowed,
  };
}

/** A summary as lines a person reads: the top five frames and the areas. */
export function describeProfile(title: string, summary: ProfileSummary): string[] {
  const pct = (share: number) => `${(100 * share).toFixed(1)}%`;
  const top = summary.frames.slice(0, 5);
  const topShare = top.reduce((sum, frame) => sum + frame.share, 0);
  return [
    `${title}: main thread ${pct(summary.busy)} busy, ${summary.samples} busy samples` +
      (summary.windowed ? '' : ' (whole profile: no sample fell in the load window)'),
    `  top five frames (${pct(topShare)} of busy time):`,
    ...top.map((frame) => `    ${pct(frame.share).padStart(6)}  ${frame.name}`),
    `  by area: ${summary.areas.map((area) => `${area.name} ${pct(area.share)}`).join(', ')}`,
    `  largest in "other": ${summary.frames
      .filter((frame) => frame.area === 'other')
      .slice(0, 3)
      .map((frame) => `${frame.name} ${pct(frame.share)}`)
      .join(', ')}`,
  ];
}
