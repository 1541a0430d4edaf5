import fc from 'fast-check';

const CHARSETS = [
  'utf-8',
  'iso-8859-1',
  'windows-1252',
  'shift_jis',
  'koi8-r',
  'utf-7',
  'x-unknown',
  '',
];
const ENCODINGS = [
  'base64',
  'quoted-printable',
  '7bit',
  '8bit',
  'binary',
  'x-uuencode',
  'gzip',
  '',
];
const TYPES = [
  'text/plain',
  'text/html',
  'multipart/mixed',
  'multipart/alternative',
  'multipart/related',
  'message/rfc822',
  'application/ms-tnef',
  'application/octet-stream',
  'image/png',
  'multipart/',
  '/',
  '',
];

/** Bits of text that trouble MIME parsers: boundaries, encoded words, dots, odd line ends. */
const NASTY = fc.constantFrom(
  '--b1',
  '--b1--',
  '--b2\r\n',
  '\r\n.\r\n',
  '\n.\n',
  '\r\n..\r\n',
  '=?utf-8?B?w6k=?=',
  '=?iso-8859-1?Q?caf=E9?=',
  '=?x?Q?',
  '=?utf-8?B?!!!?=',
  '=\r\n',
  '=XZ',
  '\u0000',
  '\r',
  '\n',
  'begin 644 x\r\n',
  '\u00e9\u4e2d\ud83d\ude00',
  'Content-Type: multipart/mixed; boundary=b1\r\n\r\n',
  ' \t',
);

const headerValue = fc
  .array(fc.oneof(fc.string({ maxLength: 30 }), NASTY), { maxLength: 4 })
  .map((parts) => parts.join(''));

const contentType = fc
  .tuple(
    fc.constantFrom(...TYPES),
    fc.constantFrom('b1', 'b2', '', '"b1"', 'b1; boundary=b2'),
    fc.constantFrom(...CHARSETS),
    fc.option(fc.string({ maxLength: 20 })),
  )
  .map(([type, boundary, charset, name]) => {
    let value = type;
    if (boundary) value += `; boundary=${boundary}`;
    if (charset) value += `; charset=${charset}`;
    if (name !== null) value += `; name="${name}"`;
    return value;
  });

const header = fc.oneof(
  contentType.map((v) => `Content-Type: ${v}`),
  fc.constantFrom(...ENCODINGS).map((v) => `Content-Transfer-Encoding: ${v}`),
  headerValue.map((v) => `Subject: ${v}`),
  headerValue.map((v) => `From: ${v}`),
  headerValue.map((v) => `To: ${v}`),
  headerValue.map((v) => `Content-Disposition: attachment; filename*=utf-8''${v}`),
  headerValue.map((v) => `Message-ID: <${v}>`),
  headerValue.map((v) => `X-Junk: ${v}`),
  headerValue.map((v) => ` folded ${v}`),
  headerValue,
);

const part: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(header, { maxLength: 6 }),
    fc.array(fc.oneof(fc.string({ maxLength: 60 }), NASTY, fc.base64String({ maxLength: 80 })), {
      maxLength: 12,
    }),
  )
  .map(([headers, body]) => `${headers.join('\r\n')}\r\n\r\n${body.join('\r\n')}`);

/**
 * Mail that is broken in the ways real mail is: wrong boundaries, unknown charsets
 * and encodings, bad encoded words, NUL bytes, bare line endings, nested parts that
 * never close. Each value is the message as it would follow DATA (no end marker).
 */
export const malformedMail: fc.Arbitrary<Buffer> = fc
  .tuple(part, fc.array(part, { maxLength: 4 }), fc.boolean())
  .map(([first, rest, latin1]) => {
    const text = [first, ...rest.map((p) => `--b1\r\n${p}`)].join('\r\n');
    return Buffer.from(text, latin1 ? 'latin1' : 'utf8');
  });
