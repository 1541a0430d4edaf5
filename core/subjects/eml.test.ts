import { describe, expect, it } from 'vitest';
import { readAll, streamOf } from '../shared/streams.ts';
import { base64Lines, type EmlMessage, emlStream, encodeHeaderText, rfc5322Date } from './eml.ts';

const encoder = new TextEncoder();
const text = async (stream: ReadableStream<Uint8Array>) =>
  new TextDecoder().decode(await readAll(stream));

describe('eml', () => {
  it('writes base64 in lines of at most 76 characters, whatever the chunks', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const chunks = [bytes.slice(0, 1), bytes.slice(1, 100), bytes.slice(100)];
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const out = await text(source.pipeThrough(base64Lines()));
    const lines = out.split('\r\n').filter(Boolean);
    expect(lines.every((l) => l.length <= 76)).toBe(true);
    expect(Uint8Array.from(Buffer.from(lines.join(''), 'base64'))).toEqual(bytes);
  });

  it('encodes non-ASCII header text as UTF-8 words without splitting a character', () => {
    expect(encodeHeaderText('Plain subject')).toBe('Plain subject');
    expect(encodeHeaderText('Line\r\nBcc: x@example.org')).toBe('Line Bcc: x@example.org');
    const welsh = 'Eich cais am dŷ: penderfyniad ✓ '.repeat(3);
    const words = encodeHeaderText(welsh).split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    const decoded = words
      .map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)?.[1] ?? '', 'base64'))
      .reduce((a, b) => Buffer.concat([a, b]));
    expect(decoded.toString('utf8')).toBe(welsh);
  });

  it('writes a multipart message with every part and a closing boundary', async () => {
    const message: EmlMessage = {
      from: { name: 'Officer "Jo"', email: 'jo@barnet.gov.uk' },
      to: ['ann@example.org'],
      cc: [],
      subject: 'Hello',
      date: new Date('2026-01-05T10:30:00Z'),
      messageId: 'm1',
      inReplyToId: null,
      body: { format: 'text', open: async () => streamOf(encoder.encode('Body')) },
      attachments: [
        {
          name: 'café (1).pdf',
          contentType: 'application/pdf',
          open: async () => streamOf(encoder.encode('%PDF')),
        },
      ],
      extraHeaders: { 'X-Sealpost-Access': 'active', 'X-Bad': 'ü' },
      boundary: '=_b',
    };
    const eml = await text(emlStream(message));
    expect(eml).toContain('From: "Officer \\"Jo\\"" <jo@barnet.gov.uk>\r\n');
    expect(eml).toContain(`Date: ${rfc5322Date(message.date)}\r\n`);
    expect(rfc5322Date(message.date)).toBe('Mon, 05 Jan 2026 10:30:00 +0000');
    expect(eml).toContain('X-Sealpost-Access: active\r\n');
    expect(eml).not.toContain('X-Bad');
    expect(eml).toContain("filename*=UTF-8''caf%C3%A9%20%281%29.pdf");
    expect(eml).toContain(`${Buffer.from('Body').toString('base64')}\r\n`);
    expect(eml.endsWith('--=_b--\r\n')).toBe(true);
  });
});
