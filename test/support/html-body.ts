import { makeHtmlSafe } from '../../adapters/html/sanitise-html.ts';

/**
 * The body sendMessage takes for a test message: text as it is, HTML made safe once
 * (as the gateway makes an accepted mail's HTML safe), so a page shows what a real
 * message would show. HTML the pre-scan refuses fails the test: use text for it.
 */
export function bodyFor(
  body: string,
  format: 'text' | 'html' = 'text',
): { body: string; bodyFormat: 'text' | 'safe-html' } {
  if (format === 'text') return { body, bodyFormat: 'text' };
  const safe = makeHtmlSafe(body);
  if (!safe.ok) throw new Error(`The test HTML was refused (${safe.reason}).`);
  return { body: safe.html, bodyFormat: 'safe-html' };
}
