import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { EmlMessage, EmlWriter, Opener } from '../../core/subjects/eml.ts';

/**
 * A stream that opens its source (decrypts) only when first read, so the writer holds
 * one part at a time and a message of any size needs little memory.
 */
function lazy(open: Opener): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of await open()) yield chunk;
    })(),
  );
}

/** ASCII header values only: anything else could not be written safely as an X- header. */
const isAscii = (text: string) => /^[\x20-\x7e]*$/.test(text);

/**
 * `.eml` files written by nodemailer's MailComposer (RFC 5322 and MIME: encoded words
 * for non-ASCII headers, RFC 2231 file names, base64 in 76-character lines), streamed:
 * the body and each attachment are decrypted only when the writer reaches them.
 * Subject-access exports use it (`SubjectDeps.eml`).
 */
export function mailComposerEml(): EmlWriter {
  return {
    write(message: EmlMessage): ReadableStream<Uint8Array> {
      const body = lazy(message.body.open);
      const composer = new MailComposer({
        from: {
          name: message.from.name === message.from.email ? '' : message.from.name,
          address: message.from.email,
        },
        to: message.to,
        cc: message.cc,
        subject: message.subject.replace(/[\r\n]+/g, ' '),
        date: message.date,
        messageId: `<${message.messageId}@sealpost.invalid>`,
        ...(message.inReplyToId ? { inReplyTo: `<${message.inReplyToId}@sealpost.invalid>` } : {}),
        headers: Object.fromEntries(
          Object.entries(message.extraHeaders).filter(([, value]) => isAscii(value)),
        ),
        ...(message.body.format === 'html' ? { html: body } : { text: body }),
        textEncoding: 'base64',
        attachments: message.attachments.map((a) => ({
          filename: a.name,
          contentType: /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType)
            ? a.contentType
            : 'application/octet-stream',
          content: lazy(a.open),
          contentTransferEncoding: 'base64',
        })),
        // No file or URL is ever read on the composer's own account.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return Readable.toWeb(composer.compile().createReadStream()) as ReadableStream<Uint8Array>;
    },
  };
}
