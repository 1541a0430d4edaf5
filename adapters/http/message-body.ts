import type { Message } from '../../core/messages/model.ts';
import type { AttachmentSummary } from '../../core/messages/open-message.ts';
import type { BodyView } from '../../views/components/safe-html-body.ts';
import { htmlToPlainText } from '../html/html-shape.ts';

/**
 * What a page shows of a stored body. Safe HTML and text as they are; HTML stored
 * before bodies were made safe at intake, and not yet migrated (core/lifecycle/safe-bodies.ts),
 * as its text: a page view never runs the sanitiser. `imageUrl` gives the address an
 * inline image is served from.
 */
export function bodyView(args: {
  format: Message['bodyFormat'];
  content: string;
  attachments: readonly AttachmentSummary[];
  imageUrl: (attachmentId: string) => string;
}): BodyView {
  const images = args.attachments.map((a) => (a.inline ? args.imageUrl(a.id) : null));
  if (args.format === 'html') {
    return { format: 'text', content: htmlToPlainText(args.content), images };
  }
  return { format: args.format, content: args.content, images };
}

/** Headers for an inline image of a body: shown in the page, never cached, never sniffed. */
export function inlineImageHeaders(image: { contentType: string; size: number }) {
  return {
    'Content-Type': image.contentType,
    'Content-Disposition': 'inline',
    'Content-Length': String(image.size),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  };
}
