/** The parts of a day a person typed. */
type Day = { year: number; month: number; day: number };

/**
 * A day typed as `2025-03-27` (what a date input sends) or `27/3/2025` (how people in
 * the UK write it); null when it is not a real day.
 */
export function parseDay(text: string): Day | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : uk
      ? [Number(uk[3]), Number(uk[2]), Number(uk[1])]
      : [Number.NaN, Number.NaN, Number.NaN];
  if (!(year >= 2000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1)) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return null;
  return { year, month, day };
}

/** Midnight at the start of `day` in UK time (the portal's councils are in the UK). */
export function startOfUkDay(day: Day): Date {
  const utc = Date.UTC(day.year, day.month - 1, day.day);
  return new Date(utc - londonOffsetMs(new Date(utc)));
}

/** Midnight at the end of `day` in UK time: the start of the next day. */
export function endOfUkDay(day: Day): Date {
  const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
  return startOfUkDay({
    year: next.getUTCFullYear(),
    month: next.getUTCMonth() + 1,
    day: next.getUTCDate(),
  });
}

/** How far London is ahead of UTC at `date` (0 or one hour). */
function londonOffsetMs(date: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? date.getUTCHours());
  return ((hour - date.getUTCHours() + 24) % 24) * 3_600_000;
}
