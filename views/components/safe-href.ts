/**
 * An href that is safe to put in a link: a path on this site (`/inbox`, `?page=2`,
 * `#email`) or an http(s)/mailto/tel address. Anything else, notably `javascript:` or
 * a protocol-relative `//evil.example`, becomes `#`. hono/jsx escapes attribute
 * quotes but does not look at URL schemes, and a back link or "return to" address can
 * come from a request.
 */
export function safeHref(href: string): string {
  const trimmed = href.trim();
  if (/^(?:\/(?![/\\])|[?#])/.test(trimmed)) return trimmed;
  if (/^(?:https?:\/\/|mailto:|tel:)/i.test(trimmed)) return trimmed;
  return '#';
}
