import { createDetector, type Detector, scan } from './detector.ts';

// HMRC's rules for a National Insurance number: the first letter is not D, F, I,
// Q, U or V; the second is not D, F, I, O, Q, U or V; six digits; a suffix A to D.
// One optional space, no-break space, hyphen or full stop between the pairs, mixed
// or not (`AB 12 34 56 C`, `AB-12-34-56-C`, `AB 123456 C`). The look-arounds keep it
// from being the tail or head of a longer word or number.
const NI_NUMBER =
  /(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ \u00a0.-]?(\d{2})[ \u00a0.-]?(\d{2})[ \u00a0.-]?(\d{2})[ \u00a0.-]?([A-D])(?![A-Za-z0-9])/gi;

// Prefixes HMRC never allocates (administrative or temporary numbers).
const NOT_ALLOCATED = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);

/** True for a normalised NI number (`AB123456C`) that follows the allocation rules. */
export function isValidNiNumber(value: string): boolean {
  const m = /^([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\d{6}[A-D]$/.exec(value);
  return m !== null && !NOT_ALLOCATED.has(m[1] as string);
}

/** The distinct valid National Insurance numbers in `text`, upper case without separators. */
export function findNiNumbers(text: string): string[] {
  const found = scan(text, NI_NUMBER, (match) => {
    const value = match[0].replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    return isValidNiNumber(value) ? value : null;
  });
  return [...new Set(found)];
}

/** The National Insurance number detector with its configured threshold. */
export function niNumberDetector(args: { threshold: number }): Detector {
  return createDetector({
    id: 'ni-number',
    threshold: args.threshold,
    find: findNiNumbers,
    noun: { one: 'National Insurance number', other: 'National Insurance numbers' },
  });
}
