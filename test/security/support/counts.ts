import type { TaskMeta } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Cases of each kind a security test tried; summed by summary-reporter.ts. */
    securityCases?: Record<string, number>;
  }
}

/** The kinds of case the summary table lists, in its order. */
export const CASE_KINDS = [
  'access control: requests',
  'access control: timing samples',
  'csrf and methods: requests',
  'headers and cookies: responses',
  'authentication: attempts',
  'injection: payloads rendered',
  'property: email and allowed domains',
  'property: DLP detectors',
  'property: redirects, file names, CSV cells',
  'fuzz: HTML sanitiser inputs',
  'fuzz: malformed MIME messages',
  'fuzz: ciphertext bit-flips',
  'uploads: cut-off uploads',
  'faults: injected faults',
] as const;

/** One kind of case. */
export type CaseKind = (typeof CASE_KINDS)[number];

/**
 * Adds `n` cases of `kind` to the running test's metadata, where the summary
 * reporter finds them once the test has finished (metadata travels with the result
 * from the worker, so this works with any pool).
 */
export function countCases(task: { meta: TaskMeta }, kind: CaseKind, n = 1): void {
  const counts = task.meta.securityCases ?? {};
  counts[kind] = (counts[kind] ?? 0) + n;
  task.meta.securityCases = counts;
}

/**
 * How many runs a property or fuzz test makes: the CI number, or `SECURITY_FUZZ_SCALE`
 * times it (the long runs in test/security/long/ set their own counts).
 */
export function runsFor(ci: number): number {
  const scale = Number(process.env.SECURITY_FUZZ_SCALE ?? '1');
  return Math.max(1, Math.round(ci * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
