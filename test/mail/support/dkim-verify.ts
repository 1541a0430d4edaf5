import { createHash, createVerify, type KeyObject } from 'node:crypto';

/**
 * Checks a DKIM-Signature (RFC 6376, rsa-sha256, relaxed/relaxed, nodemailer's
 * default) against the public key, as a receiving mail server would: the body hash,
 * then the signature over the signed headers. Written here, not taken from a package,
 * because it is a test oracle of 50 lines; it implements only what the tests need and
 * throws on anything else. Returns the signature's tags.
 */
export function verifyDkim(raw: string, publicKey: KeyObject): Record<string, string> {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error('no header/body separator');
  const headerLines = unfoldHeaders(raw.slice(0, split + 2));
  const body = raw.slice(split + 4);
  const signatureHeader = headerLines.find((h) => /^dkim-signature:/i.test(h));
  if (!signatureHeader) throw new Error('no DKIM-Signature header');
  const tags = parseTags(signatureHeader.slice(signatureHeader.indexOf(':') + 1));
  if (tags.a !== 'rsa-sha256') throw new Error(`unsupported a=${tags.a}`);
  if ((tags.c ?? 'simple/simple') !== 'relaxed/relaxed') throw new Error(`unsupported c=${tags.c}`);

  const bodyHash = createHash('sha256').update(relaxedBody(body)).digest('base64');
  if (bodyHash !== tags.bh) throw new Error(`body hash mismatch: ${bodyHash} != ${tags.bh}`);

  // Each name in h= takes that header's last unused instance, from the bottom up.
  const used = new Set<number>();
  let signed = '';
  for (const name of (tags.h ?? '').split(':').map((n) => n.trim().toLowerCase())) {
    for (let i = headerLines.length - 1; i >= 0; i--) {
      const line = headerLines[i] ?? '';
      if (!used.has(i) && line.slice(0, line.indexOf(':')).trim().toLowerCase() === name) {
        used.add(i);
        signed += `${relaxedHeader(line)}\r\n`;
        break;
      }
    }
  }
  signed += relaxedHeader(signatureHeader.replace(/\bb=[^;]*/, 'b='));
  const ok = createVerify('RSA-SHA256')
    .update(signed)
    .verify(publicKey, (tags.b ?? '').replace(/\s+/g, ''), 'base64');
  if (!ok) throw new Error('signature does not verify');
  return tags;
}

function unfoldHeaders(block: string): string[] {
  return block
    .replace(/\r\n(?=[ \t])/g, '')
    .split('\r\n')
    .filter((l) => l !== '');
}

function parseTags(value: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    // No tag this oracle reads has meaningful spaces; folding may put them anywhere.
    tags[part.slice(0, eq).trim()] = part.slice(eq + 1).replace(/\s+/g, '');
  }
  return tags;
}

function relaxedHeader(line: string): string {
  const colon = line.indexOf(':');
  const name = line.slice(0, colon).trim().toLowerCase();
  const value = line
    .slice(colon + 1)
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}
