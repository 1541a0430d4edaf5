/** The most spans `deliveryActivity` answers for at once (ten years of weeks). */
const MAX_SPANS = 520;

/**
 * Checks `deliveryActivity`'s arguments as both dialects need them: a whole number of
 * spans, each a whole number of milliseconds long. A mistake here is a programming
 * error, so it throws.
 */
export function checkActivityArgs(args: { from: Date; spanMs: number; spans: number }): void {
  if (!Number.isSafeInteger(args.spanMs) || args.spanMs <= 0) {
    throw new RangeError(`spanMs must be a positive whole number, not ${args.spanMs}`);
  }
  if (!Number.isSafeInteger(args.spans) || args.spans < 0 || args.spans > MAX_SPANS) {
    throw new RangeError(`spans must be a whole number from 0 to ${MAX_SPANS}, not ${args.spans}`);
  }
  if (Number.isNaN(args.from.getTime())) throw new RangeError('from is not a valid date');
}

/**
 * The per-span counts of two grouped queries, as `deliveryActivity` returns them:
 * one entry per span, zero where a query had no row for it.
 */
export function activityBySpan(
  spans: number,
  sent: Array<{ span: number; n: number }>,
  opened: Array<{ span: number; n: number }>,
): Array<{ sent: number; opened: number }> {
  const out = Array.from({ length: spans }, () => ({ sent: 0, opened: 0 }));
  for (const row of sent) {
    const entry = out[Number(row.span)];
    if (entry) entry.sent = Number(row.n);
  }
  for (const row of opened) {
    const entry = out[Number(row.span)];
    if (entry) entry.opened = Number(row.n);
  }
  return out;
}

/**
 * The `limit` and `offset` that pick the middle one or two of `n` sorted values:
 * one for an odd count, two (to average) for an even one.
 */
export function middleOf(n: number): { limit: number; offset: number } {
  return { limit: n % 2 === 1 ? 1 : 2, offset: Math.floor((n - 1) / 2) };
}

/** The mean of the middle value(s) `middleOf` picked, or null when there were none. */
export function meanOf(values: number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + Number(v), 0) / values.length;
}
