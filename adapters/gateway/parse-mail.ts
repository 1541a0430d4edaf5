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
import { cleanLine } from '../../core/shared/clean-text.ts';
import { type ExtractInput, extractTexts, MAX_EXTRACT_BYTES } from './extract/extract-text.ts';
import { type Damage, findDamage } from './mime-damage.ts';
import { SMTP_REPLIES } from './smtp-replies.ts';

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
  /** Every plain text part, in order, and the text of HTML parts that have no plain alternative. */
  text: string;
  /**
   * Every HTML part and every plain part outside an alternative, in order (plain ones
   * as escaped HTML): what a mail client shows. Untrusted: made safe before it is stored.
   */
  html: string | null;
  /** Attachments in MIME order, with the text read from them for the DLP rules. */
  attachments: ParsedAttachment[];
  /** Broken MIME that the parser read without an error but not whole (see mime-damage.ts). */
  damage: Damage;
};

/** One attachment as read: what the policy sees, and what places it in the body. */
export type ParsedAttachment = InboundAttachment & {
  text: string | null;
  unreadable: boolean;
  /** The Content-ID without angle brackets, lower case, or null. */
  contentId: string | null;
  /** Marked inline, or part of a multipart/related body: a candidate for the body. */
  inline: boolean;
};

/** The outcome of reading: the mail, or a sentence saying why it cannot be read. */
export type ReadResult = { ok: true; mail: ParsedMail } | { ok: false; reason: string };

// Both readings of one mail must see the same parts in the same order, so they share
// these options. Embedded messages stay whole (.eml attachments the recipient can
// open), cid: links are left alone, and no checksums are computed that nobody reads.
const PARSER_OPTIONS: MailParserOptions = {
  ignoreEmbedded: true,
  checksumAlgo: false,
  // Plain parts outside an alternative (a disclaimer, a second text part) are joined
  // into the HTML body in order, so they are shown, not lost.
  skipTextToHtml: false,
  skipImageLinks: true,
  maxHtmlLengthToParse: 20_000_000,
};

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
  const given = cleanLine((part.filename ?? '').split(/[\\/]/).pop() ?? '');
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
  const rawValues = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const list = rawValues.get(key);
    if (list) list.push(value);
    else rawValues.set(key, [value]);
  }
  const record: Record<string, string[]> = {};
  for (const [key, values] of rawValues) {
    const parsed = headers.get(key);
    // mailparser keeps one value of headers such as Subject; a mail with two Subject
    // headers shows one, and the policy must read both, so each line is decoded here.
    const single = parsed === undefined ? [] : headerStrings(parsed);
    record[key] =
      parsed === undefined
        ? values
        : values.length > single.length
          ? values.map(decodeEncodedWords)
          : single;
  }
  return record;
}

/** Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?iso-8859-1?Q?...?=`) in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g,
      (whole, charset: string, kind: string, text: string) => {
        try {
          const bytes =
            kind.toUpperCase() === 'B'
              ? Buffer.from(text, 'base64')
              : Buffer.from(
                  text
                    .replace(/_/g, ' ')
                    .replace(/=([0-9a-fA-F]{2})/g, (_m, hex: string) =>
                      String.fromCharCode(Number.parseInt(hex, 16)),
                    ),
                  'latin1',
                );
          return new TextDecoder(charset.split('*')[0]).decode(bytes);
        } catch {
          return whole;
        }
      },
    );
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
  return SMTP_REPLIES.brokenMime(detail.replace(/[^\x20-\x7e]/g, '?').slice(0, 120));
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The parsed mail from what the parser gathered. */
function collect(
  raw: readonly Buffer[],
  parser: MailParser,
  lines: HeaderLines,
  body: MessageText | null,
  attachments: ParsedMail['attachments'],
): ParsedMail {
  const from = addresses(parser.from)[0];
  const emails = (list: EmailAddress[]) => list.flatMap((a) => (a.address ? [a.address] : []));
  const type = parser.headers ? parser.headers.get('content-type') : undefined;
  const structured = type && typeof type === 'object' && 'value' in type && 'params' in type;
  const text = str(body?.text);
  const html = typeof body?.html === 'string' ? body.html : null;
  const damage = findDamage(raw, {
    text,
    html,
    attachments,
    contentType: structured ? str(type.value) : null,
    boundary: structured ? str((type.params as Record<string, string>).boundary) || null : null,
  });
  return {
    messageId: str(parser.messageId).trim() || null,
    subject: str(parser.subject),
    fromHeader: from?.address ? { address: from.address, name: str(from.name) } : null,
    toHeader: emails(addresses(parser.to)),
    ccHeader: emails(addresses(parser.cc)),
    headers: headerRecord(parser.headers || new Map<string, HeaderValue>(), lines),
    text,
    html,
    attachments,
    damage,
  };
}

/**
 * Decoded attachment bytes one mail may hold for text extraction (DLP), all files
 * together: with the raw mail (up to GATEWAY_MAX_MB) this bounds a client's memory.
 */
export const MAX_EXTRACT_TOTAL = 40 * 1024 * 1024;

/**
 * Reads a mail once from its raw bytes: headers, bodies, each attachment's name, type
 * and size, and the text extracted from the attachments for the DLP rules. For that,
 * each file's decoded bytes are kept while the file is at most MAX_EXTRACT_BYTES and
 * the mail's files together at most `extractBudget` (MAX_EXTRACT_TOTAL); a file past
 * either is not read and is marked unreadable. They are dropped once read:
 * `streamAttachments` decodes the files again when they are stored. Never throws: a
 * mail mailparser cannot read gives `{ ok: false, reason }`.
 */
export function readMail(
  raw: readonly Buffer[],
  options: { extractBudget?: number } = {},
): Promise<ReadResult> {
  // The decoded bytes kept for text extraction, across all the files of this mail.
  let budget = options.extractBudget ?? MAX_EXTRACT_TOTAL;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ReadResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const parser = new MailParser(PARSER_OPTIONS);
    const attachments: ParsedMail['attachments'] = [];
    const files: ExtractInput[] = [];
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
        unreadable: false,
        contentId: str(data.contentId).trim().replace(/^<|>$/g, '').toLowerCase() || null,
        inline: data.contentDisposition === 'inline' || data.related === true,
      };
      attachments.push(entry);
      const file: ExtractInput = {
        name: entry.name,
        contentType: entry.contentType,
        charset: charsetOf(data),
        bytes: null,
      };
      files.push(file);
      const kept: Buffer[] = [];
      let keeping = true;
      let keptBytes = 0;
      data.content.on('data', (chunk: Buffer) => {
        entry.size += chunk.length;
        if (!keeping) return;
        // Kept for reading only while the file and the mail's budget allow; a file that
        // does not fit is not read (the extractor marks it unreadable, unless a picture).
        if (entry.size <= MAX_EXTRACT_BYTES && chunk.length <= budget) {
          kept.push(chunk);
          keptBytes += chunk.length;
          budget -= chunk.length;
        } else {
          keeping = false;
          budget += keptBytes;
          kept.length = 0;
        }
      });
      data.content.on('end', () => {
        if (keeping) file.bytes = Buffer.concat(kept);
        data.release?.();
      });
      data.content.on('error', (error) => finish({ ok: false, reason: readFailure(error) }));
    };
    parser.on('error', (error) => {
      finish({ ok: false, reason: readFailure(error) });
      parser.destroy();
    });
    parser.on('end', () => {
      extractTexts(files)
        .then((texts) => {
          texts.forEach((read, i) => {
            const entry = attachments[i];
            if (!entry) return;
            entry.text = read.text;
            entry.unreadable = read.unreadable;
          });
          finish({ ok: true, mail: collect(raw, parser, lines, body, attachments) });
        })
        .catch((error: unknown) => finish({ ok: false, reason: readFailure(error) }));
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
