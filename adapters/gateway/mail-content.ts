import type { InboundMail, StoredPart } from '../../core/gateway/ports.ts';
import { INLINE_IMAGE_TYPES } from '../../core/messages/inline-image.ts';
import { htmlToPlainText } from '../html/html-shape.ts';
import { type HtmlRefusal, makeHtmlSafe } from '../html/sanitise-html.ts';
import { type ParsedMail, streamAttachments } from './parse-mail.ts';

/** What the secure message is made of: its body, its files, and how to read them. */
export type SecureContent = {
  body: { format: 'text' | 'safe-html'; content: string };
  /** The parsed attachments in MIME order, then `original.eml` when it is kept. */
  parts: StoredPart[];
  /** Every text the policy reads of the body: plain parts, HTML parts' text, recovered text. */
  policyText: string;
  /** Why the HTML body was not kept as HTML, if it was refused. */
  htmlRefused: HtmlRefusal | null;
  /** True when the mail's MIME structure is broken (see mime-damage.ts). */
  damaged: boolean;
  /** Streams of `parts`, in order (see ReceivedMail.openAttachments). */
  open(): { streams: ReadableStream<Uint8Array>[]; cancel(): void };
};

const ORIGINAL_NAME = 'original.eml';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

/**
 * Makes the secure message's content from a parsed mail, showing what a good mail
 * client shows: every text part in order (HTML made safe here, once, in bounded time;
 * plain parts as text), inline images placed in the body, other parts as files.
 * Nothing is dropped without a trace: when the HTML is refused (too large or too
 * deeply nested) the text is shown instead, and when the MIME structure is broken the
 * text recovered from it is added; in both cases the mail as received is kept as an
 * `original.eml` file of the message (encrypted like every other file).
 */
export function secureContent(parsed: ParsedMail, raw: readonly Buffer[]): SecureContent {
  const inline = new Map<string, number>();
  parsed.attachments.forEach((a, position) => {
    if (a.contentId && INLINE_IMAGE_TYPES.has(a.contentType) && !inline.has(a.contentId)) {
      inline.set(a.contentId, position);
    }
  });

  let body: SecureContent['body'] = { format: 'text', content: parsed.text };
  let placed = new Set<number>();
  let htmlRefused: HtmlRefusal | null = null;
  if (parsed.html !== null) {
    const safe = makeHtmlSafe(parsed.html, inline);
    if (safe.ok) {
      body = { format: 'safe-html', content: safe.html };
      placed = safe.placed;
    } else {
      htmlRefused = safe.reason;
      const text = parsed.text.trim() !== '' ? parsed.text : htmlToPlainText(parsed.html);
      body = { format: 'text', content: text };
    }
  }

  const { damage } = parsed;
  const recovered = damage.damaged ? damage.recovered : '';
  if (recovered !== '') {
    body =
      body.format === 'text'
        ? { format: 'text', content: [body.content.trim(), recovered].filter(Boolean).join('\n\n') }
        : {
            format: 'safe-html',
            content: `${body.content}<p>${escapeHtml(recovered).replace(/\n/g, '<br />')}</p>`,
          };
  }

  const keepOriginal = damage.damaged || htmlRefused !== null;
  const parts: StoredPart[] = parsed.attachments.map((a, position) => ({
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    // A part of the body (marked inline, or in a multipart/related) that is not placed
    // is listed as a file, but the sender did not choose it: it is not counted.
    kind: placed.has(position) ? 'inline' : a.inline ? 'body-part' : 'file',
  }));
  if (keepOriginal) {
    const size = raw.reduce((sum, chunk) => sum + chunk.length, 0);
    parts.push({ name: ORIGINAL_NAME, contentType: 'message/rfc822', size, kind: 'original' });
  }

  const policyText = [
    parsed.text,
    parsed.html === null ? '' : htmlToPlainText(parsed.html),
    recovered,
  ]
    .filter((t) => t.trim() !== '')
    .join('\n\n');

  return {
    body,
    parts,
    policyText,
    htmlRefused,
    damaged: damage.damaged,
    open() {
      const files = streamAttachments(raw, parsed.attachments.length);
      if (!keepOriginal) return files;
      // Pulled chunk by chunk: a reader that stops early (a size limit, the scanner)
      // just stops pulling, and nothing is pushed into a closed stream.
      let next = 0;
      const original = new ReadableStream<Uint8Array>({
        pull(controller) {
          const chunk = raw[next++];
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      });
      return {
        streams: [...files.streams, original],
        cancel() {
          files.cancel();
          if (!original.locked) original.cancel().catch(() => {});
        },
      };
    },
  };
}

/**
 * What the policies see of a mail: the envelope, every Subject and other header,
 * every text of the body (`policyText`: plain parts, the text of every HTML part
 * including an HTML alternative, recovered text) and each attachment's extracted text.
 */
export function policyView(
  parsed: ParsedMail,
  content: Pick<SecureContent, 'policyText'>,
  envelope: { from: string; to: string[] },
): InboundMail {
  return {
    from: envelope.from,
    to: envelope.to,
    subject: parsed.subject,
    headers: parsed.headers,
    text: content.policyText,
    attachments: parsed.attachments.map(({ name, contentType, size, text, unreadable }) => ({
      name,
      contentType,
      size,
      text,
      unreadable,
    })),
  };
}
