import { ConfigurationError } from '../../core/shared/errors.ts';

/**
 * What a `detector` hook plugin provides: a counter of one kind of personal data
 * (NHS numbers, card numbers, ...) that the DLP policy runs over a mail's texts.
 *
 * A detector hands back a count, never the values: the count is all the policy
 * needs, and the reasons built from it go into the audit log, which must not hold
 * personal data.
 */
export type Detector = {
  /** A stable kebab-case id, the key of its threshold in settings: `nhs-number`. */
  id: string;
  /** The fewest distinct matches that make the detector trigger (1 or more). */
  threshold: number;
  /** Counts the distinct matches across `texts`, each text scanned on its own. */
  count(args: { texts: string[] }): Promise<number>;
  /** Names a count without any value, for reasons and the audit log: `2 NHS numbers`. */
  describe(count: number): string;
};

/**
 * What the DLP policy does with a mail holding a file it could not read: encrypt
 * it (the default: the file might hold anything), or judge the mail on what it could read.
 */
export type WhenUnsure = 'encrypt' | 'ignore';

/** The values `dlp.whenUnsure` may take. */
export const WHEN_UNSURE_VALUES: readonly WhenUnsure[] = ['encrypt', 'ignore'];

/** The settings every DLP plugin reads: the policy and each of its detectors. */
export type DlpSettings = {
  /**
   * Present (even empty) to turn DLP on. `thresholds` maps a detector id to the
   * fewest distinct matches that trigger it (default 1); `detectors` lists the
   * detectors to run (default all); `whenUnsure` says what becomes of a mail with
   * a file that could not be read (default `encrypt`).
   */
  dlp?: { thresholds?: Record<string, number>; detectors?: string[]; whenUnsure?: WhenUnsure };
};

/** Finds the distinct matches of one kind in one text, normalised (digits only, upper case). */
export type Finder = (text: string) => Iterable<string>;

/**
 * Builds a Detector from a pure finder. Matches are de-duplicated across texts, so
 * the same NHS number in the subject and an attachment counts once.
 */
export function createDetector(args: {
  id: string;
  threshold: number;
  find: Finder;
  noun: { one: string; other: string };
}): Detector {
  const { id, threshold, find, noun } = args;
  return {
    id,
    threshold,
    async count({ texts }) {
      const seen = new Set<string>();
      for (const text of texts) for (const value of find(text)) seen.add(value);
      return seen.size;
    },
    describe: (count) => `${count} ${count === 1 ? noun.one : noun.other}`,
  };
}

/** True when DLP is on and `id` is among the detectors to run. */
export function isDetectorEnabled(settings: DlpSettings, id: string): boolean {
  const dlp = settings.dlp;
  if (!dlp) return false;
  return dlp.detectors === undefined || dlp.detectors.includes(id);
}

/** The threshold configured for `id` (default 1); throws ConfigurationError unless a whole number of 1 or more. */
export function thresholdFor(settings: DlpSettings, id: string): number {
  const value = settings.dlp?.thresholds?.[id] ?? 1;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(
      `dlp.thresholds.${id} must be a whole number of 1 or more (the fewest matches that trigger it), not ${String(value)}.`,
    );
  }
  return value;
}

/**
 * Runs a global, linear-time pattern over `text` and yields the matches `accept`
 * turns into a normalised value. A rejected match lets the scan resume one
 * character later, so a valid candidate overlapping an invalid one is not skipped.
 *
 * Patterns passed here must have bounded work per start position (fixed or small
 * bounded quantifiers, no nested unbounded repetition), which keeps a scan of a
 * several-megabyte body linear.
 */
export function* scan(
  text: string,
  pattern: RegExp,
  accept: (match: RegExpExecArray) => string | null,
): Generator<string> {
  if (!pattern.global) throw new Error('scan needs a global pattern');
  // A fresh copy: the caller's pattern object stays untouched and scans may interleave.
  const re = new RegExp(pattern.source, pattern.flags);
  for (let match = re.exec(text); match; match = re.exec(text)) {
    const value = accept(match);
    if (value === null) re.lastIndex = match.index + 1;
    else yield value;
  }
}

/** The ASCII digits of `s`, in order. */
export function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}
