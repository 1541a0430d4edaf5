import { Readable } from 'node:stream';
import {
  type AddressObject,
  type AttachmentStream,
  type EmailAddress,
  type HeaderLines,
  type HeaderValue,
  MailParser,
  type MailParserOptions,
  type MessageText,
} from 'mailparser';
import type { InboundAttachment } from '../../core/gateway/ports.ts';

/** What the first reading of a mail found: everything but the attachments' bytes. */
export type ParsedMail = {
  /** The Message-ID header with its angle brackets, or null. */
  messageId: string | null;
  subject: string;
  fromHeader: { address: string; name: string } | null;
  toHeader: string[];
  ccHeader: string[];
  /** Lower-case header name -> decoded values, in order. */
  headers: Record<string, string[]>;
  /** The plain text body, or text made from the HTML body. */
  text: string;
  html: string | null;
  /** Attachments in MIME order, with the text of text-like ones for the DLP rules. */
  attachments: Array<InboundAttachment & { text: string | null }>;
};

/** The outcome of reading: the mail, or a sentence saying why it cannot be read. */
export type ReadResult = { ok: true; mail: ParsedMail } | { ok: false; reason: string };

// Both readings of one mail must see the same parts in the same order, so they share
// these options. Embedded messages stay whole (.eml attachments the recipient can
// open), cid: links are left alone, and no checksums are computed that nobody reads.
const PARSER_OPTIONS: MailParserOptions = {
  ignoreEmbedded: true,
  checksumAlgo: false,
  skipTextToHtml: true,
  skipImageLinks: true,
  maxHtmlLengthToParse: 20_000_000,
};

/** How much of a text-like attachment the policy sees (DLP rules read it). */
const MAX_ATTACHMENT_TEXT = 1024 * 1024;

const TEXT_LIKE = /^(text\/|application\/(json|xml|csv|x-csv|rtf)$)/i;

const EXTENSIONS: Record<string, string> = {
  'application/ms-tnef': '.dat',
  'application/pdf': '.pdf',
  'image/gif': '.gif',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'message/rfc822': '.eml',
  'text/calendar': '.ics',
  'text/html': '.html',
  'text/plain': '.txt',
};

/**
 * A safe file name for an attachment: the name the sender gave (encoded words and
 * RFC 2231 already decoded), without folders or control characters. TNEF parts keep
 * the name Outlook gives them, winmail.dat, so the recipient knows what they are.
 */
export function attachmentName(
  part: { filename?: string; contentType: string },
  n: number,
): string {
  const given = (part.filename ?? '')
    .split(/[\\/]/)
    .pop()
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
    ?.replace(/[\x00-\x1f\x7f]/g, '')
    .trim();
  if (given && given !== '.' && given !== '..') return given.slice(0, 200);
  const type = typeOf(part);
  if (type === 'application/ms-tnef') return 'winmail.dat';
  if (type === 'message/rfc822') return 'message.eml';
  return `attachment-${n}${EXTENSIONS[type] ?? '.bin'}`;
}

/** The part's MIME type in lower case; mailparser can leave it unset for broken headers. */
function typeOf(part: { contentType?: unknown }): string {
  const type = part.contentType;
  return typeof type === 'string' && type !== '' ? type.toLowerCase() : 'application/octet-stream';
}

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const flat = (list: EmailAddress[]): EmailAddress[] =>
    list.flatMap((a) => (a.group ? flat(a.group) : [a]));
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((o) => flat(o.value));
}

function isAddressObject(value: object): value is AddressObject {
  return 'value' in value && Array.isArray(value.value) && 'text' in value;
}

/** A parsed header value as the plain strings a policy rule can match. */
function headerStrings(value: HeaderValue): string[] {
  if (typeof value === 'string') return [value];
  if (value instanceof Date) return [Number.isNaN(value.getTime()) ? '' : value.toUTCString()];
  if (Array.isArray(value)) return (value as HeaderValue[]).flatMap(headerStrings);
  if (isAddressObject(value)) return [value.text];
  if ('value' in value && typeof value.value === 'string' && 'params' in value) {
    const params = Object.entries(value.params as Record<string, string>)
      .map(([k, v]) => `; ${k}=${v}`)
      .join('');
    return [`${value.value}${params}`];
  }
  return [JSON.stringify(value)];
}

/** Every header, by lower-case name, decoded where mailparser decodes it, raw otherwise. */
function headerRecord(
  headers: Map<string, HeaderValue>,
  lines: HeaderLines,
): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const { key } of lines) {
    if (record[key]) continue;
    const parsed = headers.get(key);
    record[key] =
      parsed === undefined
        ? lines
            .filter((l) => l.key === key)
            .map((l) =>
              l.line
                .slice(l.line.indexOf(':') + 1)
                .replace(/\r?\n[ \t]+/g, ' ')
                .trim(),
            )
        : headerStrings(parsed);
  }
  return record;
}

function decodeText(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    // An unknown charset label: read it as UTF-8 rather than not at all.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function charsetOf(part: AttachmentStream): string | undefined {
  const type = part.headers.get('content-type');
  if (type && typeof type === 'object' && 'params' in type && !Array.isArray(type)) {
    return (type.params as Record<string, string>).charset;
  }
  return undefined;
}

/** A short reason for the sender, from a parser error. */
function readFailure(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return `its MIME structure is broken (${detail.replace(/[^\x20-\x7e]/g, '?').slice(0, 120)}).`;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The parsed mail from what the parser gathered. */
function collect(
  parser: MailParser,
  lines: HeaderLines,
  body: MessageText | null,
  attachments: ParsedMail['attachments'],
): ParsedMail {
  const from = addresses(parser.from)[0];
  const emails = (list: EmailAddress[]) => list.flatMap((a) => (a.address ? [a.address] : []));
  return {
    messageId: str(parser.messageId).trim() || null,
    subject: str(parser.subject),
    fromHeader: from?.address ? { address: from.address, name: str(from.name) } : null,
    toHeader: emails(addresses(parser.to)),
    ccHeader: emails(addresses(parser.cc)),
    headers: headerRecord(parser.headers || new Map<string, HeaderValue>(), lines),
    text: str(body?.text),
    html: typeof body?.html === 'string' ? body.html : null,
    attachments,
  };
}

/**
 * Reads a mail once from its raw bytes: headers, bodies, and each attachment's name,
 * type and size (and the text of text-like ones). The attachments' bytes are counted
 * and dropped, not kept: `streamAttachments` reads them again when they are stored,
 * so a large mail is never held twice. Never throws: a mail mailparser cannot read
 * gives `{ ok: false, reason }`.
 */
export function readMail(raw: readonly Buffer[]): Promise<ReadResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ReadResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const parser = new MailParser(PARSER_OPTIONS);
    const attachments: ParsedMail['attachments'] = [];
    let body: MessageText | null = null;
    let lines: HeaderLines = [];
    parser.on('headerLines', (value: HeaderLines) => {
      lines = value;
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      try {
        onData(data);
      } catch (error) {
        // Whatever the mail holds, a surprise in reading it refuses the mail, never the process.
        finish({ ok: false, reason: readFailure(error) });
        parser.destroy();
      }
    });
    const onData = (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        body = data;
        return;
      }
      const entry = {
        name: attachmentName(data, attachments.length + 1),
        contentType: typeOf(data),
        size: 0,
        text: null as string | null,
      };
      attachments.push(entry);
      const keepText = TEXT_LIKE.test(entry.contentType);
      const kept: Buffer[] = [];
      let keptBytes = 0;
      data.content.on('data', (chunk: Buffer) => {
        entry.size += chunk.length;
        if (keepText && keptBytes < MAX_ATTACHMENT_TEXT) {
          const piece = chunk.subarray(0, MAX_ATTACHMENT_TEXT - keptBytes);
          kept.push(piece);
          keptBytes += piece.length;
        }
      });
      data.content.on('end', () => {
        if (keepText) entry.text = decodeText(Buffer.concat(kept), charsetOf(data));
        data.release?.();
      });
      data.content.on('error', (error) => finish({ ok: false, reason: readFailure(error) }));
    };
    parser.on('error', (error) => {
      finish({ ok: false, reason: readFailure(error) });
      parser.destroy();
    });
    parser.on('end', () => {
      try {
        finish({ ok: true, mail: collect(parser, lines, body, attachments) });
      } catch (error) {
        finish({ ok: false, reason: readFailure(error) });
      }
    });
    const source = Readable.from(raw);
    source.on('error', (error) => finish({ ok: false, reason: readFailure(error) }));
    source.pipe(parser);
  });
}

/**
 * Reads the mail a second time and feeds each attachment's decoded bytes into its own
 * web stream, in MIME order, for sendMessage to encrypt and store. The parser waits
 * until the reader has taken an attachment before it decodes the next, so only a few
 * chunks are in memory at any time. `cancel` stops it (sendMessage finished early).
 */
export function streamAttachments(
  raw: readonly Buffer[],
  count: number,
): { streams: ReadableStream<Uint8Array>[]; cancel(): void } {
  const pipes = Array.from({ length: count }, () => new TransformStream<Uint8Array, Uint8Array>());
  const parser = new MailParser(PARSER_OPTIONS);
  const source = Readable.from(raw);
  let next = 0;
  let current: Readable | null = null;
  let stopped = false;

  // Streams not yet fed end with an error, so a reader waiting on them never hangs.
  const failRest = (error: Error) => {
    current?.destroy(error);
    for (let i = next; i < pipes.length; i++) {
      const writable = pipes[i]?.writable;
      if (writable && !writable.locked) writable.abort(error).catch(() => {});
    }
    next = pipes.length;
  };

  parser.on('data', (data: AttachmentStream | MessageText) => {
    try {
      feed(data);
    } catch (error) {
      failRest(error instanceof Error ? error : new Error(String(error)));
      parser.destroy();
    }
  });
  const feed = (data: AttachmentStream | MessageText) => {
    if (data.type === 'text') return;
    const pipe = stopped ? undefined : pipes[next++];
    if (!pipe) {
      data.content.on('end', () => data.release?.());
      data.content.resume();
      return;
    }
    current = data.content;
    (Readable.toWeb(data.content) as ReadableStream<Uint8Array>)
      .pipeTo(pipe.writable)
      .catch(() => {})
      .finally(() => {
        current = null;
        data.release?.();
      });
  };
  parser.on('end', () => failRest(new Error('The mail has fewer attachments than first read.')));
  parser.on('error', (error) => failRest(error));
  source.pipe(parser);

  return {
    streams: pipes.map((p) => p.readable),
    cancel() {
      if (stopped) return;
      stopped = true;
      failRest(new Error('Reading the attachments was stopped.'));
      for (const pipe of pipes) {
        if (!pipe.readable.locked) pipe.readable.cancel().catch(() => {});
      }
      source.unpipe(parser);
      source.destroy();
      parser.destroy();
    },
  };
}
