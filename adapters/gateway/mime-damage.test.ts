import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { BROKEN_SAMPLES, crlf } from '../../test/gateway/support/broken-mime.ts';
import { findDamage, readableText } from './mime-damage.ts';
import { readMail } from './parse-mail.ts';

/** Splits a buffer into chunks, as it arrives from a socket. */
function chunked(buffer: Buffer, size = 4093): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) chunks.push(buffer.subarray(i, i + size));
  return chunks;
}

/** What readMail (which asks findDamage) makes of `raw`. */
async function read(raw: Buffer) {
  const result = await readMail(chunked(raw));
  if (!result.ok) throw new Error(result.reason);
  return result.mail;
}

const build = (mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> =>
  new MailComposer(mail).compile().build();

describe('findDamage on real-world broken MIME', () => {
  for (const sample of BROKEN_SAMPLES) {
    it(`flags ${sample.name}, and the text is in what the parser read or what was recovered`, async () => {
      const mail = await read(sample.raw);
      expect(mail.damage.damaged).toBe(true);
      const recovered = mail.damage.damaged ? mail.damage.recovered : '';
      expect(`${mail.text}\n${recovered}`).toContain(sample.text);
      // Recovery shows what a person wrote, not the MIME scaffolding around it.
      expect(recovered).not.toMatch(/^--/m);
      expect(recovered).not.toMatch(/^content-type:/im);
    });
  }

  it('reads the same verdict however the mail is split into chunks', async () => {
    for (const sample of BROKEN_SAMPLES) {
      const whole = await readMail([sample.raw]);
      const bytewise = await readMail(chunked(sample.raw, 1));
      if (!whole.ok || !bytewise.ok) throw new Error('unreadable');
      expect(bytewise.mail.damage).toEqual(whole.mail.damage);
    }
  });

  it('recovers the epilogue even when the closing boundary lies in an earlier chunk', () => {
    const raw = crlf(
      'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nfirst\n--b1--\nLate text after the end.\n',
    );
    const damage = findDamage(chunked(raw, 3), {
      text: 'first',
      html: null,
      attachments: [],
      contentType: 'multipart/mixed',
      boundary: 'b1',
    });
    expect(damage).toEqual({ damaged: true, recovered: 'Late text after the end.' });
  });
});

describe('findDamage on intact mail', () => {
  it('does not flag a multipart with the usual preamble', async () => {
    const raw = crlf(`From: jo@council.test
To: a@example.org
Subject: preamble
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_NextPart_000_0001"

This is a multi-part message in MIME format.

------=_NextPart_000_0001
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: 7bit

The minutes are attached.

------=_NextPart_000_0001
Content-Type: application/pdf; name="minutes.pdf"
Content-Disposition: attachment; filename="minutes.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K

------=_NextPart_000_0001--
`);
    const mail = await read(raw);
    expect(mail.damage).toEqual({ damaged: false });
    expect(mail.text).toContain('The minutes are attached.');
  });

  it('does not flag nodemailer-built mail: text, HTML, inline images, files, large files', async () => {
    const samples = [
      await build({
        from: 'jo@council.test',
        to: 'a@example.org',
        subject: 's',
        text: 'only text',
      }),
      await build({ from: 'jo@council.test', to: 'a@example.org', subject: 's', html: '<p>x</p>' }),
      await build({
        from: 'jo@council.test',
        to: 'a@example.org',
        subject: 'files',
        text: 'See attached.',
        html: '<p>See attached.</p><img src="cid:logo@council">',
        attachments: [
          { filename: 'logo.png', content: randomBytes(2000), cid: 'logo@council' },
          { filename: 'report.pdf', content: randomBytes(300_000) },
          { filename: 'notes.txt', content: 'plain notes\n' },
          { filename: 'forwarded.eml', content: 'Subject: inner\r\n\r\nbody\r\n' },
        ],
      }),
      // A body larger than the part of the head that is looked at.
      await build({
        from: 'jo@council.test',
        to: 'a@example.org',
        subject: 'long',
        text: 'A long letter line.\n'.repeat(20_000),
      }),
      // Only attachments, no text at all (a scanner's mail).
      await build({
        from: 'scanner@council.test',
        to: 'a@example.org',
        subject: 'Scan',
        attachments: [{ filename: 'scan.pdf', content: randomBytes(5000) }],
      }),
    ];
    for (const raw of samples) expect((await read(raw)).damage).toEqual({ damaged: false });
  });

  it('does not flag a mail of files only, with the usual preamble and no text part', async () => {
    const raw = crlf(`From: scanner@council.test
To: a@example.org
Subject: Scan
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

This is a multi-part message in MIME format.
--b1
Content-Type: application/pdf; name="scan.pdf"
Content-Transfer-Encoding: base64

${randomBytes(3000).toString('base64').replace(/.{76}/g, '$&\n')}
--b1--
`);
    expect((await read(raw)).damage).toEqual({ damaged: false });
  });

  it('does not flag a mail with an empty body', async () => {
    const empty = crlf('From: jo@council.test\nTo: a@example.org\nSubject: empty\n\n');
    expect((await read(empty)).damage).toEqual({ damaged: false });
    const nothingAtAll = crlf('From: jo@council.test\nTo: a@example.org\nSubject: bare\n');
    expect((await read(nothingAtAll)).damage).toEqual({ damaged: false });
    const built = await build({ from: 'jo@council.test', to: 'a@example.org', subject: 'e' });
    expect((await read(built)).damage).toEqual({ damaged: false });
  });

  it('does not flag folded headers or headers with unusual but valid names', async () => {
    const raw = crlf(`From: jo@council.test
To: a@example.org
Subject: a long subject that Outlook
\tfolds over two lines
X-MS-Has-Attach:
X-Custom_Header.Name: value
Thread-Index: AdnB
Content-Type: text/plain; charset=utf-8

Body text.
`);
    const mail = await read(raw);
    expect(mail.damage).toEqual({ damaged: false });
    expect(mail.text).toContain('Body text.');
  });
});

describe('readableText', () => {
  it('keeps what a person wrote and drops boundaries, part headers and base64', () => {
    const text = readableText(
      [
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Dear resident, the meeting is at=',
        ' ten.',
        '--b1',
        'Content-Type: image/png',
        'Content-Disposition: inline;',
        '\tfilename="logo.png"',
        '',
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA',
        '--b1--',
        'Sent from the council.',
      ].join('\r\n'),
    );
    expect(text).toBe('Dear resident, the meeting is at ten.\n\nSent from the council.');
  });

  it('keeps a line that only looks like a header outside any part headers', () => {
    expect(readableText('Reference: CT-4471\nAmount due: 12 pounds')).toBe(
      'Reference: CT-4471\nAmount due: 12 pounds',
    );
  });

  it('gives nothing for scaffolding alone', () => {
    expect(readableText('--b1\r\nContent-Type: text/plain\r\n\r\n--b1--\r\n')).toBe('');
  });
});
