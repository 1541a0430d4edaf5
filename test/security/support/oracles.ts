import fc from 'fast-check';
import { readMail, streamAttachments } from '../../../adapters/gateway/parse-mail.ts';
import type { Cipher } from '../../../core/crypto/ports.ts';
import { SealpostError } from '../../../core/shared/errors.ts';
import { streamOf } from '../../../core/shared/streams.ts';
import { malformedMail } from '../../gateway/support/malformed.ts';
import { isScriptUrl, startTags } from './html.ts';

// The oracles and generators of the fuzz suites. They throw plain errors (no test
// runner), so test/security/long/*.ts run exactly these with millions of inputs.

// ---- HTML sanitiser ------------------------------------------------------------------

/** The tags adapters/html/sanitise-html.ts may let through (decision 0012), and their attributes. */
const ALLOWED_TAGS = new Set(
  'p br div span b strong i em u s strike del ins sub sup small mark abbr blockquote q cite pre code hr h3 ul ol li dl dt dd table caption thead tbody tfoot tr th td a img'.split(
    ' ',
  ),
);
const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href', 'title', 'rel', 'target'],
  img: ['src', 'alt', 'width', 'height'],
  abbr: ['title'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  ol: ['start'],
};
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
const SAFE_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp);base64,[a-z0-9+/=]+$/i;

/**
 * Why a sanitiser output could run or load something, or null when it cannot: every
 * `<` opens or closes an allowed tag, every attribute is allowed for its tag, links are
 * http(s) or mailto, images are inline raster data, nothing is a script URL.
 */
export function sanitiserProblem(output: string): string | null {
  for (let at = output.indexOf('<'); at >= 0; at = output.indexOf('<', at + 1)) {
    const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)[\s/>]/.exec(output.slice(at, at + 40));
    if (!tag) return `markup that is not a tag at ${at}: ${output.slice(at, at + 40)}`;
    if (!ALLOWED_TAGS.has(tag[2] as string)) return `tag <${tag[1]}${tag[2]}> let through`;
  }
  for (const tag of startTags(output)) {
    if (tag.name === '?') return `unreadable tag ${tag.source}`;
    const allowed = ALLOWED_ATTRIBUTES[tag.name] ?? [];
    for (const [name, value] of tag.attributes) {
      if (!allowed.includes(name)) return `attribute ${name} on <${tag.name}>`;
      // Only URL attributes are fetched or followed; a colspan of "javascript:" is text.
      if ((name === 'href' || name === 'src') && isScriptUrl(value)) {
        return `script URL in ${tag.source}`;
      }
      if (name === 'href' && !SAFE_HREF.test(value)) return `link to ${value}`;
      if (name === 'src' && !SAFE_IMAGE.test(value)) return `image from ${value}`;
      if (name === 'target' && value !== '_blank') return `target ${value}`;
    }
  }
  if (/<!--|<!\[|<\?/.test(output)) return 'a comment, CDATA or processing instruction';
  return null;
}

const TAG_NAMES = [
  'script',
  'SCRIPT',
  'ScRiPt',
  'style',
  'iframe',
  'frame',
  'frameset',
  'svg',
  'math',
  'mglyph',
  'mtext',
  'annotation-xml',
  'foreignObject',
  'img',
  'image',
  'a',
  'form',
  'input',
  'button',
  'base',
  'meta',
  'link',
  'object',
  'embed',
  'applet',
  'noscript',
  'noembed',
  'noframes',
  'template',
  'textarea',
  'title',
  'xmp',
  'plaintext',
  'listing',
  'table',
  'td',
  'select',
  'option',
  'video',
  'audio',
  'source',
  'details',
  'marquee',
  'p',
  'div',
  'span',
  'h1',
  'b',
  'html',
  'head',
  'body',
];
const ATTRIBUTE_NAMES = [
  'href',
  'HREF',
  'src',
  'onerror',
  'ONERROR',
  'onload',
  'onclick',
  'onmouseover',
  'onfocus',
  'autofocus',
  'style',
  'srcset',
  'xlink:href',
  'formaction',
  'action',
  'data',
  'srcdoc',
  'background',
  'poster',
  'id',
  'class',
  'name',
  'target',
  'rel',
  'title',
  'width',
  'height',
  'http-equiv',
  'content',
  'colspan',
  'is',
];
const URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'java&#x09;script:alert(1)',
  '&#106;avascript:alert(1)',
  '&#x6A;avascript:alert(1)',
  '&#0000106avascript:alert(1)',
  'javascript&colon;alert(1)',
  '\u0000javascript:alert(1)',
  'vbscript:msgbox(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+',
  'data:image/png;base64,iVBORw0KGgo=',
  'https://example.org/',
  'http://tracker.example/p.gif',
  '//evil.example',
  '/relative',
  'mailto:a@example.org',
  'x:alert(1)',
  'alert(1)',
  'expression(alert(1))',
  'url(javascript:alert(1))',
];
const FRAGMENTS = [
  '<',
  '</',
  '>',
  '<!--',
  '-->',
  '--!>',
  '<![CDATA[',
  ']]>',
  '<?xml version="1.0"?>',
  '<!DOCTYPE html>',
  '&lt;script&gt;',
  '&#60;script&#62;',
  '"',
  "'",
  '`',
  '\u0000',
  '<a<b>',
  '<<script>>',
  '</script>',
  '</style>',
  '</textarea>',
  '</title>',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg><script>alert(1)</script>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
];

const attribute = fc
  .tuple(
    fc.constantFrom(...ATTRIBUTE_NAMES),
    fc.oneof(fc.constantFrom(...URLS), fc.string({ maxLength: 16 })),
    fc.constantFrom('"', "'", '', 'none'),
  )
  .map(([name, value, quote]) =>
    quote === 'none'
      ? ` ${name}`
      : ` ${name}=${quote}${quote ? value : value.replace(/\s/g, '')}${quote}`,
  );

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/**
 * HTML as a hostile mail merge might write it: known dangerous and harmless tags,
 * event handlers, script URLs in every disguise, broken nesting, unclosed tags and
 * comments, mutation-XSS classics, and random text in between.
 */
export const hostileHtml: fc.Arbitrary<string> = fc.letrec<{ node: string; nodes: string }>(
  (tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text,
      fc
        .tuple(
          fc.constantFrom(...TAG_NAMES),
          fc.array(attribute, { maxLength: 4 }),
          tie('nodes'),
          fc.constantFrom('close', 'open', 'self', 'wrong'),
        )
        .map(([tag, attrs, children, end]) => {
          const open = `<${tag}${attrs.join('')}${end === 'self' ? ' /' : ''}>`;
          if (end === 'self') return open;
          if (end === 'open') return `${open}${children}`;
          if (end === 'wrong') return `${open}${children}</${tag}x>`;
          return `${open}${children}</${tag}>`;
        }),
    ),
    nodes: fc.array(tie('node'), { maxLength: 4 }).map((parts) => parts.join('')),
  }),
).nodes;

// ---- MIME intake ---------------------------------------------------------------------

/** Parts nested `depth` deep, as multipart or attached messages, closed or not. */
const deeplyNested: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.integer({ min: 1, max: 150 }),
    fc.constantFrom('multipart/mixed', 'message/rfc822', 'multipart/alternative', 'mixed'),
    fc.boolean(),
    fc.integer({ min: 0, max: 64 * 1024 }),
  )
  .map(([depth, kind, close, padding]) => {
    let inner = `Content-Type: text/plain\r\n\r\n${'A'.repeat(padding)}\r\n`;
    for (let level = depth; level > 0; level--) {
      const type = kind === 'mixed' ? (level % 2 ? 'message/rfc822' : 'multipart/mixed') : kind;
      inner =
        type === 'message/rfc822'
          ? `Content-Type: message/rfc822\r\n\r\nSubject: level ${level}\r\n${inner}`
          : `Content-Type: ${type}; boundary="b${level}"\r\n\r\n--b${level}\r\n${inner}${close ? `\r\n--b${level}--\r\n` : ''}`;
    }
    return Buffer.from(
      `From: a@council.test\r\nTo: b@example.org\r\nMIME-Version: 1.0\r\n${inner}`,
    );
  });

/** One base64 part of `size` bytes that decodes to zeros: big out of a repetitive input. */
const repetitive: fc.Arbitrary<Buffer> = fc
  .integer({ min: 1_000, max: 400_000 })
  .map((size) =>
    Buffer.from(
      `From: a@council.test\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=bomb.zip\r\n\r\n${'AAAA'.repeat(Math.ceil(size / 3)).replace(/.{76}/g, '$&\r\n')}\r\n--z--\r\n`,
    ),
  );

/** Malformed mail of every kind the gateway may be sent. */
export const hostileMail: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: malformedMail },
  { weight: 2, arbitrary: deeplyNested },
  { weight: 1, arbitrary: repetitive },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)) },
);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms (a hang)`)), ms);
    }),
  ]);
}

/**
 * Reads one mail as the gateway does, twice (headers and texts, then each attachment's
 * bytes), and fails on a crash or a hang. A mail that cannot be read must be refused
 * with a plain reason, never taken half-way.
 */
export async function intakeOne(raw: Buffer, timeoutMs = 10_000): Promise<'read' | 'refused'> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < raw.length; at += 4096) chunks.push(raw.subarray(at, at + 4096));
  const result = await withTimeout(readMail(chunks), timeoutMs, 'readMail');
  if (!result.ok) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a reason goes in an SMTP reply.
    if (/[\u0000-\u001f\u007f-\uffff]/.test(result.reason)) {
      throw new Error(`reason is not plain ASCII: ${JSON.stringify(result.reason)}`);
    }
    return 'refused';
  }
  const count = result.mail.attachments.length;
  const opened = streamAttachments(chunks, count);
  try {
    await withTimeout(
      Promise.all(
        opened.streams.map(async (stream) => {
          const reader = stream.getReader();
          try {
            for (;;) if ((await reader.read()).done) break;
          } catch {
            // A stream ending in an error is a refusal the gateway answers; not a crash.
          }
        }),
      ),
      timeoutMs,
      'streamAttachments',
    );
  } finally {
    opened.cancel();
  }
  return 'read';
}

// ---- Ciphertext -------------------------------------------------------------------------

/** A copy of `bytes` with the bits of `flips` ([byte, bit]) inverted. */
export function flipped(bytes: Uint8Array, flips: ReadonlyArray<readonly [number, number]>) {
  const copy = Uint8Array.from(bytes);
  for (const [at, bit] of flips) copy[at] = (copy[at] as number) ^ (1 << bit);
  return copy;
}

/** Bit flips (1 to 3) anywhere in a ciphertext of `length` bytes; never an empty change. */
export function bitFlips(length: number) {
  return fc.uniqueArray(fc.tuple(fc.nat(length - 1), fc.nat(7)), {
    minLength: 1,
    maxLength: 3,
    selector: ([at, bit]) => at * 8 + bit,
  });
}

/**
 * Decrypts damaged ciphertext and returns what was released. Throws unless decryption
 * failed with one of the cipher's typed errors and released at most `allowed` bytes.
 */
export async function expectNothingReleased(
  cipher: Cipher,
  damaged: Uint8Array,
  allowed = 0,
): Promise<number> {
  let released = 0;
  let failure: unknown = null;
  try {
    const stream = await cipher.decryptStream({ ciphertext: streamOf(damaged) });
    for await (const piece of stream) released += piece.byteLength;
  } catch (error) {
    failure = error;
  }
  if (failure === null) throw new Error('damaged ciphertext decrypted without an error');
  if (
    !(failure instanceof SealpostError) ||
    !['integrity_failed', 'decrypt_failed', 'key_not_found'].includes(failure.code)
  ) {
    throw new Error(`damage failed with an untyped error: ${String(failure)}`);
  }
  if (released > allowed) throw new Error(`${released} bytes released from damaged data`);
  return released;
}
