import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { readMail, streamAttachments } from '../../adapters/gateway/parse-mail.ts';
import { readAll } from '../../core/shared/streams.ts';
import { malformedMail } from './support/malformed.ts';

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');

/** Splits a buffer into chunks of `size`, as it arrives from a socket. */
function chunked(buffer: Buffer, size = 7919): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) chunks.push(buffer.subarray(i, i + size));
  return chunks;
}

async function read(raw: Buffer) {
  const result = await readMail(chunked(raw));
  if (!result.ok) throw new Error(result.reason);
  return result.mail;
}

/** The decoded bytes of every attachment, read the second time as the gateway stores them. */
async function contents(raw: Buffer, count: number): Promise<Buffer[]> {
  const opened = streamAttachments(chunked(raw), count);
  const out: Buffer[] = [];
  for (const stream of opened.streams) out.push(Buffer.from(await readAll(stream)));
  opened.cancel();
  return out;
}

const TNEF = randomBytes(3000);
const PDF = randomBytes(70_000);

const OUTLOOK_STYLE = crlf(`From: =?iso-8859-1?Q?Ren=E9e_Dupont?= <renee@council.test>
To: "Citizen, A." <citizen@example.org>, Team: one@example.org, two@example.org;
Cc: =?utf-8?B?w4lsw6xzZQ==?= <elise@example.org>
Subject: =?windows-1252?Q?zixencrypt_Caf=E9_=96_report?=
Message-ID: <abc.123@council.test>
X-Folded: first
 second
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

Caf=E9 =80100 and na=EFve
--outer
Content-Type: application/ms-tnef
Content-Transfer-Encoding: base64

${TNEF.toString('base64').replace(/.{76}/g, '$&\n')}
--outer
Content-Type: message/rfc822
Content-Disposition: attachment

From: someone@example.net
Subject: inner

inner body
--outer
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf
Content-Transfer-Encoding: base64

${PDF.toString('base64').replace(/.{76}/g, '$&\n')}
--outer--
`);

describe('readMail and streamAttachments', () => {
  it('reads Outlook-style mail: charsets, encoded words, TNEF, a nested message', async () => {
    const mail = await read(OUTLOOK_STYLE);
    expect(mail.subject).toBe('zixencrypt Café – report');
    expect(mail.messageId).toBe('<abc.123@council.test>');
    expect(mail.fromHeader).toEqual({ address: 'renee@council.test', name: 'Renée Dupont' });
    expect(mail.toHeader).toEqual(['citizen@example.org', 'one@example.org', 'two@example.org']);
    expect(mail.ccHeader).toEqual(['elise@example.org']);
    expect(mail.text.trim()).toBe('Café €100 and naïve');
    expect(mail.html).toBeNull();
    expect(mail.headers['x-folded']).toEqual(['first second']);
    expect(mail.attachments.map(({ name, contentType }) => ({ name, contentType }))).toEqual([
      { name: 'winmail.dat', contentType: 'application/ms-tnef' },
      { name: 'message.eml', contentType: 'message/rfc822' },
      { name: 'résumé.pdf', contentType: 'application/pdf' },
    ]);
    const bytes = await contents(OUTLOOK_STYLE, mail.attachments.length);
    expect(bytes[0]?.equals(TNEF)).toBe(true);
    expect(bytes[1]?.toString()).toContain('Subject: inner');
    expect(bytes[1]?.toString()).toContain('inner body');
    expect(bytes[2]?.equals(PDF)).toBe(true);
    expect(mail.attachments.map((a) => a.size)).toEqual(bytes.map((b) => b.length));
  });

  it('reads multipart/alternative with inline images, as nodemailer and Outlook build it', async () => {
    const image = randomBytes(5000);
    const doc = randomBytes(20_000);
    const raw = await new MailComposer({
      from: 'Jo <jo@council.test>',
      to: 'citizen@example.org',
      subject: 'Ünïcödé 件名 zixencrypt',
      text: 'Plain body',
      html: '<p>HTML body <img src="cid:logo@council"></p>',
      attachments: [
        { filename: 'logo.png', content: image, cid: 'logo@council', contentType: 'image/png' },
        { filename: 'notes.docx', content: doc },
      ],
    })
      .compile()
      .build();
    const mail = await read(raw);
    expect(mail.subject).toBe('Ünïcödé 件名 zixencrypt');
    expect(mail.text.trim()).toBe('Plain body');
    expect(mail.html).toContain('cid:logo@council');
    expect(mail.attachments.map((a) => a.name)).toEqual(['logo.png', 'notes.docx']);
    const bytes = await contents(raw, 2);
    expect(bytes[0]?.equals(image)).toBe(true);
    expect(bytes[1]?.equals(doc)).toBe(true);
  });

  it('decodes subjects and bodies in other charsets (KOI8-R, ISO-8859-1)', async () => {
    const mail = await read(
      Buffer.concat([
        crlf('Subject: =?koi8-r?B?8NLJ18XU?=\nContent-Type: text/plain; charset=iso-8859-1\n\n'),
        Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0d, 0x0a]),
      ]),
    );
    expect(mail.subject).toBe('Привет');
    expect(mail.text.trim()).toBe('Grüße');
  });

  it('gives the text of text-like attachments to the policy, within a bound', async () => {
    const raw = await new MailComposer({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 's',
      text: 'body',
      attachments: [{ filename: 'list.csv', content: 'name,nhs\nA,943 476 5919\n' }],
    })
      .compile()
      .build();
    const mail = await read(raw);
    expect(mail.attachments[0]?.text).toContain('943 476 5919');
  });

  it('keeps no more decoded bytes for reading than the mail budget: a file past it is unreadable', async () => {
    const raw = await new MailComposer({
      from: 'jo@council.test',
      to: 'a@example.org',
      subject: 's',
      text: 'body',
      attachments: [
        { filename: 'first.csv', content: `name,nhs\nA,943 476 5919\n${'x'.repeat(600)}` },
        { filename: 'second.csv', content: `name,nhs\nB,401 023 2137\n${'y'.repeat(600)}` },
        { filename: 'photo.png', content: Buffer.alloc(2000, 1), contentType: 'image/png' },
      ],
    })
      .compile()
      .build();
    const result = await readMail([raw], { extractBudget: 1000 });
    if (!result.ok) throw new Error(result.reason);
    const [first, second, photo] = result.mail.attachments;
    expect(first?.text).toContain('943 476 5919');
    expect(first?.unreadable).toBe(false);
    // Past the budget: not read, and said so, so the policy's "when unsure" rule applies.
    expect(second).toMatchObject({ text: null, unreadable: true });
    // A picture past it holds no text anyway: not unreadable.
    expect(photo).toMatchObject({ text: null, unreadable: false });
    // Its size is still counted in full.
    expect(second?.size).toBeGreaterThan(600);
  });

  it('never throws on malformed mail, and reads the same attachments twice', async () => {
    await fc.assert(
      fc.asyncProperty(malformedMail, async (raw) => {
        const result = await readMail(chunked(raw, 61));
        if (!result.ok) {
          expect(result.reason).toMatch(/^its MIME structure is broken/);
          return;
        }
        const sizes = result.mail.attachments.map((a) => a.size);
        const bytes = await contents(raw, sizes.length);
        expect(bytes.map((b) => b.length)).toEqual(sizes);
      }),
      { numRuns: 300 },
    );
  });
});
