import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { mailComposerEml } from '../../adapters/subjects/eml-writer.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import type { EmlMessage } from '../../core/subjects/eml.ts';

// The subject-access `.eml` files, written by nodemailer's MailComposer and read back
// by mailparser, as a mail client would: every header, part and byte survives, a
// hostile name cannot add a header, and nothing is decrypted before it is written.

const encoder = new TextEncoder();

function message(over: Partial<EmlMessage> = {}): EmlMessage {
  return {
    from: { name: 'Officer "Jo" Ŵyn', email: 'jo@barnet.gov.uk' },
    to: ['ann@example.org'],
    cc: ['bob@example.org'],
    subject: 'Eich cais am dŷ: penderfyniad ✓ '.repeat(3).trim(),
    date: new Date('2026-01-05T10:30:00Z'),
    messageId: 'm1',
    inReplyToId: 'm0',
    body: { format: 'text', open: async () => streamOf(encoder.encode('Body line\nsecond')) },
    attachments: [
      {
        name: 'café (1).pdf',
        contentType: 'application/pdf',
        open: async () => streamOf(Uint8Array.from({ length: 200_000 }, (_, i) => i % 251)),
      },
    ],
    extraHeaders: { 'X-Sealpost-Access': 'active', 'X-Bad': 'ü' },
    ...over,
  };
}

describe('the .eml writer (MailComposer)', () => {
  it('writes every header, the text and each file so a mail client reads them back', async () => {
    const written = await readAll(mailComposerEml().write(message()));
    const raw = new TextDecoder().decode(written);
    expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    const parsed = await simpleParser(Buffer.from(written));
    expect(parsed.from?.value).toEqual([{ name: 'Officer "Jo" Ŵyn', address: 'jo@barnet.gov.uk' }]);
    expect(parsed.subject).toBe(message().subject);
    expect(parsed.date?.toISOString()).toBe('2026-01-05T10:30:00.000Z');
    expect(parsed.messageId).toBe('<m1@sealpost.invalid>');
    expect(parsed.inReplyTo).toBe('<m0@sealpost.invalid>');
    expect(parsed.text?.trim()).toBe('Body line\nsecond');
    expect(parsed.headers.get('x-sealpost-access')).toBe('active');
    expect(parsed.headers.has('x-bad')).toBe(false);
    const [file] = parsed.attachments;
    expect(file?.filename).toBe('café (1).pdf');
    expect(file?.contentType).toBe('application/pdf');
    expect(Uint8Array.from(file?.content ?? [])).toEqual(
      Uint8Array.from({ length: 200_000 }, (_, i) => i % 251),
    );
  });

  it('cannot be given a header through a subject or a file name', async () => {
    const written = await readAll(
      mailComposerEml().write(
        message({
          subject: 'Hello\r\nBcc: victim@example.org',
          attachments: [
            {
              name: 'a.pdf"\r\nX-Injected: yes',
              contentType: 'text/html\r\nX-Injected: yes',
              open: async () => streamOf(encoder.encode('x')),
            },
          ],
        }),
      ),
    );
    const parsed = await simpleParser(Buffer.from(written));
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(parsed.attachments[0]?.contentType).toBe('application/octet-stream');
  });

  it('opens (decrypts) a part only when the writer reaches it', async () => {
    const opened: string[] = [];
    const stream = mailComposerEml().write(
      message({
        body: {
          format: 'html',
          open: async () => {
            opened.push('body');
            return streamOf(encoder.encode('<p>Hi</p>'));
          },
        },
        attachments: [
          {
            name: 'a.txt',
            contentType: 'text/plain',
            open: async () => {
              opened.push('file');
              return streamOf(encoder.encode('file'));
            },
          },
        ],
      }),
    );
    expect(opened).toEqual([]);
    const parsed = await simpleParser(Buffer.from(await readAll(stream)));
    expect(opened).toEqual(['body', 'file']);
    expect(parsed.html).toContain('<p>Hi</p>');
  });
});
