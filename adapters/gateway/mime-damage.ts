/**
 * Finds mail whose MIME structure is broken in ways that make a parser drop text
 * without an error, and recovers the text it dropped. Seen in real mail: a boundary
 * that the parts do not use (or none at all, or an empty one), a multipart with no
 * parts, text after the closing boundary, a body run into the headers with no blank
 * line, a message cut off before its closing boundary, a Content-Type without a
 * subtype. The parser reads all of these "successfully" as an empty or partial
 * message, so the gateway asks here before it answers 250.
 *
 * Only the start (headers) and the end (epilogue) of the mail are read as text, and
 * recovery reads at most MAX_RECOVER bytes: a large mail costs no more than a small one.
 */

/** How much of a broken mail's body is read to recover its text. */
const MAX_RECOVER = 1024 * 1024;
/** How much of the start and the end of the mail is looked at. */
const HEAD_BYTES = 256 * 1024;
const TAIL_BYTES = 64 * 1024;

/** What the parser made of the mail, as far as damage is concerned. */
export type ParsedShape = {
  text: string;
  html: string | null;
  attachments: ReadonlyArray<{ contentType: string }>;
  /** The top-level Content-Type's value and boundary parameter, if any. */
  contentType: string | null;
  boundary: string | null;
};

/** The verdict: intact, or damaged with the text the parser did not give. */
export type Damage = { damaged: false } | { damaged: true; recovered: string };

function concatHead(raw: readonly Uint8Array[], limit: number): Buffer {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const chunk of raw) {
    if (size >= limit) break;
    const piece = chunk.subarray(0, limit - size);
    parts.push(piece);
    size += piece.length;
  }
  return Buffer.concat(parts);
}

function concatTail(raw: readonly Uint8Array[], limit: number): Buffer {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let i = raw.length - 1; i >= 0 && size < limit; i--) {
    const chunk = raw[i] as Uint8Array;
    const piece = chunk.subarray(Math.max(0, chunk.length - (limit - size)));
    parts.unshift(piece);
    size += piece.length;
  }
  return Buffer.concat(parts);
}

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;
const BASE64_LINE = /^[A-Za-z0-9+/=]{40,}$/;
const MIME_HEADER = /^(content-[a-z-]+|mime-version)[ \t]*:/i;

/**
 * The readable text of a piece of a broken mail: MIME boundary lines, part headers
 * and runs of base64 go; what is left is what a person wrote.
 */
export function readableText(body: string): string {
  const kept: string[] = [];
  let inPartHeaders = false;
  for (const line of body.split(/\r?\n/)) {
    if (/^--\S*$/.test(line.trim())) {
      inPartHeaders = true;
      continue;
    }
    if (inPartHeaders) {
      if (line.trim() === '') inPartHeaders = false;
      else if (MIME_HEADER.test(line) || /^[ \t]/.test(line)) continue;
      else inPartHeaders = false;
    }
    if (MIME_HEADER.test(line) || BASE64_LINE.test(line.trim())) continue;
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/=\r?\n/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The start of the body: after the first blank line, or after the first line that is no header. */
function splitHead(head: string): { body: string; runOn: boolean } {
  const lines = head.split('\r\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') return { body: lines.slice(i + 1).join('\r\n'), runOn: false };
    if (HEADER_LINE.test(line) || /^[ \t]/.test(line)) continue;
    // A line that is neither a header nor a folded one: the body ran into the headers.
    return { body: lines.slice(i).join('\r\n'), runOn: true };
  }
  return { body: '', runOn: false };
}

/**
 * The body from its first boundary line on: the preamble ("This is a multi-part
 * message in MIME format.") is for mail programs that cannot read MIME, and no
 * mail client shows it.
 */
function afterPreamble(body: string, boundary: string | null): string {
  if (!boundary) return body;
  const first = body.indexOf(`--${boundary}`);
  return first === -1 ? body : body.slice(first);
}

/** Text after the top-level closing boundary (the parser drops the epilogue), or null. */
function epilogueOf(raw: readonly Uint8Array[], boundary: string): string | null {
  const tail = concatTail(raw, TAIL_BYTES).toString('latin1');
  const close = tail.lastIndexOf(`--${boundary}--`);
  if (close === -1) return null;
  const after = tail.slice(close + boundary.length + 4);
  return readableText(Buffer.from(after, 'latin1').toString('utf8'));
}

/** Whether the top-level closing boundary is missing (the mail was cut off). */
function isCutOff(raw: readonly Uint8Array[], boundary: string): boolean {
  return !concatTail(raw, TAIL_BYTES).toString('latin1').includes(`--${boundary}--`);
}

/** Looks for the damage described above; never throws. */
export function findDamage(raw: readonly Uint8Array[], parsed: ParsedShape): Damage {
  const head = concatHead(raw, HEAD_BYTES).toString('latin1');
  const { body, runOn } = splitHead(head);
  const bodyText = () =>
    readableText(Buffer.from(body.slice(0, MAX_RECOVER), 'latin1').toString('utf8'));
  const noBody = parsed.text.trim() === '' && !parsed.html;
  const nothing = noBody && parsed.attachments.length === 0;

  if (runOn) return { damaged: true, recovered: nothing ? bodyText() : '' };
  if (noBody) {
    // No text and no HTML: broken at the top (nothing at all) or inside (a nested part
    // whose boundary is wrong, beside files that were read). Readable text in the raw
    // body, past the preamble, means text was dropped; a mail of files only has none
    // (its base64 is not readable text).
    const recovered = readableText(
      Buffer.from(afterPreamble(body, parsed.boundary).slice(0, MAX_RECOVER), 'latin1').toString(
        'utf8',
      ),
    );
    return recovered === '' ? { damaged: false } : { damaged: true, recovered };
  }
  if (parsed.attachments.some((a) => !a.contentType.includes('/'))) {
    const noBody = parsed.text.trim() === '' && !parsed.html;
    return { damaged: true, recovered: noBody ? bodyText() : '' };
  }
  const multipart = parsed.contentType?.toLowerCase().startsWith('multipart/') ?? false;
  if (multipart && parsed.boundary) {
    const epilogue = epilogueOf(raw, parsed.boundary);
    if (epilogue) return { damaged: true, recovered: epilogue };
    if (epilogue === null && isCutOff(raw, parsed.boundary))
      return { damaged: true, recovered: '' };
  }
  return { damaged: false };
}
