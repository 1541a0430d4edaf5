import type { Ctx } from './context.ts';

/** Ids are random and short; anything longer is not one, and is not looked up. */
const MAX_ID_LENGTH = 128;

/** A path parameter that can be an id, or null. */
export function idParam(c: Ctx, name: string): string | null {
  const id = c.req.param(name) ?? '';
  return id.length > 0 && id.length <= MAX_ID_LENGTH ? id : null;
}

/** The `page` query parameter: a whole number from 1, else 1. */
export function pageParam(c: Ctx): number {
  const requested = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isSafeInteger(requested) && requested > 0 ? requested : 1;
}

/** Up to `max` bytes of a stream as text; the rest is not read (the stream is cancelled). */
export async function readText(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = max - read;
    if (value.byteLength > room) {
      text += decoder.decode(value.subarray(0, room), { stream: true });
      await reader.cancel().catch(() => {});
      return { text: text + decoder.decode(), truncated: true };
    }
    read += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), truncated: false };
}

/**
 * A date from the three GOV.UK date fields (`name-day`, `name-month`, `name-year`), at
 * the end of that day in UK time (23:59:59 London): "until 27 March" includes the 27th.
 * Null when the fields do not make a real date.
 */
export function endOfDayFrom(parts: { day: string; month: string; year: string }): Date | null {
  const day = Number(parts.day.trim());
  const month = Number(parts.month.trim());
  const year = Number(parts.year.trim());
  if (![day, month, year].every(Number.isInteger)) return null;
  if (year < 2000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return null;
  // 23:59:59 in London: UTC, less an hour while British Summer Time is in force.
  const utc = Date.UTC(year, month - 1, day, 23, 59, 59);
  return new Date(utc - londonOffsetMs(new Date(utc)));
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
