import { raw } from 'hono/html';

/**
 * A message body as a page shows it. `safe-html` was made safe once, when the message
 * was stored (adapters/html/sanitise-html.ts), and is shown as it is: no page view
 * runs the sanitiser. `images[N]` is where the image at position N among the
 * message's files is served from, or null when that file is not an inline image.
 */
export type BodyView = {
  format: 'text' | 'safe-html';
  content: string;
  images: ReadonlyArray<string | null>;
};

const ATTRIBUTE_UNSAFE = /[&"<>]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };

/**
 * The stored safe HTML with each inline image's `cid:N` (the only form the intake
 * sanitiser leaves, always as ` src="cid:N"`) pointing at the portal's own copy of
 * the image. An image whose file is gone or not inline gets an empty source, and
 * its alternative text shows. One linear replace, no parsing.
 */
export function safeHtmlWithImages(body: BodyView) {
  const html = body.content.replace(/ src="cid:(\d{1,5})"/g, (_whole, position: string) => {
    const url = body.images[Number(position)] ?? '';
    return ` src="${url.replace(ATTRIBUTE_UNSAFE, (c) => ESCAPES[c] ?? c)}"`;
  });
  return raw(html);
}
