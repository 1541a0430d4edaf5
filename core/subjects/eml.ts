/**
 * A message as an RFC 5322 / MIME `.eml` file, written as a stream: the body and each
 * attachment are opened (decrypted) only when the writer reaches them and pass through
 * a base64 encoder chunk by chunk, so a message of any size needs little memory. Pure
 * formatting, no I/O: the export decides where the bytes go.
 */

const encoder = new TextEncoder();
const CRLF = '\r\n';
// 57 bytes of input make one 76-character base64 line, the longest RFC 2045 allows.
const LINE_BYTES = 57;

/** Something the writer opens only when it gets to it. */
export type Opener = () => Promise<ReadableStream<Uint8Array>>;

/** One attached file. */
export type EmlAttachment = { name: string; contentType: string; open: Opener };

/** Everything an `.eml` file says. */
export type EmlMessage = {
  from: { name: string; email: string };
  to: string[];
  cc: string[];
  subject: string;
  date: Date;
  /** Becomes `<id@sealpost.invalid>`: stable, and never a real host. */
  messageId: string;
  inReplyToId: string | null;
  body: { format: 'text' | 'html'; open: Opener };
  attachments: EmlAttachment[];
  /** Extra `X-Sealpost-*` facts, such as the state of access; ASCII values only. */
  extraHeaders: Record<string, string>;
  /** The MIME boundary; random, so no content can contain it. */
  boundary: string;
};

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Header text as RFC 2047 encoded words when it is not plain ASCII, each word at most
 * 45 bytes of UTF-8 (never splitting a character), folded one word per line.
 */
export function encodeHeaderText(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  if (isAscii(clean)) return clean;
  const words: string[] = [];
  let piece: number[] = [];
  for (const char of clean) {
    const bytes = encoder.encode(char);
    if (piece.length + bytes.length > 45) {
      words.push(`=?UTF-8?B?${base64(Uint8Array.from(piece))}?=`);
      piece = [];
    }
    piece.push(...bytes);
  }
  if (piece.length > 0) words.push(`=?UTF-8?B?${base64(Uint8Array.from(piece))}?=`);
  return words.join(`${CRLF} `);
}

function mailbox(name: string, email: string): string {
  if (name === '' || name === email) return `<${email}>`;
  const display = isAscii(name) ? `"${name.replace(/[\\"]/g, '\\$&')}"` : encodeHeaderText(name);
  return `${display} <${email}>`;
}

/** An RFC 5322 date in UTC: `Mon, 05 Jan 2026 10:30:00 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** A file name as RFC 2231 `filename*`, percent-encoded UTF-8. */
function rfc2231(name: string): string {
  return `UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Encodes a byte stream as base64 in 76-character CRLF lines. */
export function base64Lines(): TransformStream<Uint8Array, Uint8Array> {
  let rest = new Uint8Array(0);
  return new TransformStream({
    transform(chunk, controller) {
      const all = new Uint8Array(rest.byteLength + chunk.byteLength);
      all.set(rest);
      all.set(chunk, rest.byteLength);
      const whole = all.byteLength - (all.byteLength % LINE_BYTES);
      let lines = '';
      for (let at = 0; at < whole; at += LINE_BYTES) {
        lines += base64(all.subarray(at, at + LINE_BYTES)) + CRLF;
      }
      if (lines !== '') controller.enqueue(encoder.encode(lines));
      rest = all.slice(whole);
    },
    flush(controller) {
      if (rest.byteLength > 0) controller.enqueue(encoder.encode(base64(rest) + CRLF));
    },
  });
}

async function* pieces(message: EmlMessage): AsyncGenerator<Uint8Array> {
  const b = message.boundary;
  const headers = [
    `From: ${mailbox(message.from.name, message.from.email)}`,
    ...(message.to.length > 0 ? [`To: ${message.to.map((e) => `<${e}>`).join(`,${CRLF} `)}`] : []),
    ...(message.cc.length > 0 ? [`Cc: ${message.cc.map((e) => `<${e}>`).join(`,${CRLF} `)}`] : []),
    `Subject: ${encodeHeaderText(message.subject)}`,
    `Date: ${rfc5322Date(message.date)}`,
    `Message-ID: <${message.messageId}@sealpost.invalid>`,
    ...(message.inReplyToId ? [`In-Reply-To: <${message.inReplyToId}@sealpost.invalid>`] : []),
    ...Object.entries(message.extraHeaders)
      .filter(([, value]) => isAscii(value))
      .map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
  ];
  yield encoder.encode(`${headers.join(CRLF)}${CRLF}${CRLF}`);
  const parts: Array<{ head: string[]; open: Opener }> = [
    {
      head: [
        `Content-Type: text/${message.body.format === 'html' ? 'html' : 'plain'}; charset=utf-8`,
        'Content-Transfer-Encoding: base64',
      ],
      open: message.body.open,
    },
    ...message.attachments.map((a) => ({
      head: [
        `Content-Type: ${/^[\w.+-]+\/[\w.+-]+$/.test(a.contentType) ? a.contentType : 'application/octet-stream'}`,
        `Content-Disposition: attachment; filename*=${rfc2231(a.name)}`,
        'Content-Transfer-Encoding: base64',
      ],
      open: a.open,
    })),
  ];
  for (const part of parts) {
    yield encoder.encode(`--${b}${CRLF}${part.head.join(CRLF)}${CRLF}${CRLF}`);
    const encoded = (await part.open()).pipeThrough(base64Lines());
    for await (const chunk of encoded) yield chunk;
  }
  yield encoder.encode(`--${b}--${CRLF}`);
}

/** The `.eml` file of `message`, produced as it is read. */
export function emlStream(message: EmlMessage): ReadableStream<Uint8Array> {
  const iterator = pieces(message);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
}
