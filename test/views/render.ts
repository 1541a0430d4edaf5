import type { JSX } from 'hono/jsx/jsx-runtime';

/** Renders hono/jsx to the HTML string a response would carry. */
export async function render(node: JSX.Element): Promise<string> {
  const element: { toString(): string | Promise<string> } = await node;
  return String(await element.toString());
}

/**
 * What a strict CSP (`script-src 'self'; style-src 'self'`) would block in a page:
 * inline scripts (a `<script>` without `src`), `style` attributes, `<style>` elements
 * and inline event handlers. Empty when the page is clean.
 */
export function inlineCodeIn(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>/gi)) {
    if (!/\bsrc\s*=/.test(match[1] ?? '')) found.push(`inline script: ${match[0]}`);
  }
  for (const match of html.matchAll(/<[a-z][^>]*\sstyle\s*=[^>]*>/gi)) {
    found.push(`style attribute: ${match[0]}`);
  }
  for (const match of html.matchAll(/<style\b[^>]*>/gi)) found.push(`style element: ${match[0]}`);
  for (const match of html.matchAll(/<[a-z][^>]*\son[a-z]+\s*=[^>]*>/gi)) {
    found.push(`event handler: ${match[0]}`);
  }
  return found;
}
