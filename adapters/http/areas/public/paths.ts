/** Where a signed-in person lands by default. */
export const HOME_PATH = '/inbox';
/** Where staff land after signing in. */
export const STAFF_HOME_PATH = '/staff';
/** The page a staff member with a second factor goes to after the password (the staff area answers it). */
export const TWO_FACTOR_PATH = '/sign-in/two-factor';
/** The page of one delivered message (the recipient area answers it). */
export const messagePath = (deliveryId: string) => `/inbox/${encodeURIComponent(deliveryId)}`;

/**
 * `next` when it is a path on this site, else null: it must start with exactly one
 * '/' (so `//evil.example` and `/\evil.example`, which browsers treat as another
 * host, are refused) and hold no backslash, control character or space.
 */
export function safeNextPath(next: string | undefined | null): string | null {
  if (!next || next.length > 2_000) return null;
  if (!next.startsWith('/') || next.startsWith('//')) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (/[\\\s\u0000-\u001f\u007f]/.test(next)) return null;
  return next;
}
