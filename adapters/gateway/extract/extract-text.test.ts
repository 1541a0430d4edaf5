import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  docx,
  message,
  ods,
  odt,
  PNG,
  pdf,
  rtf,
  utf16,
  xlsx,
} from '../../../test/fixtures/dlp/formats.ts';
import { type ExtractInput, extractTexts, stopExtractWorkers } from './extract-text.ts';
import { htmlToText } from './markup-text.ts';
import { readZip, ZIP_LIMITS } from './office.ts';

afterAll(() => stopExtractWorkers());

const file = (name: string, contentType: string, bytes: Uint8Array | null): ExtractInput => ({
  name,
  contentType,
  bytes,
});

/** Reads one file through the worker, as the gateway does. */
async function read(input: ExtractInput) {
  const [output] = await extractTexts([input]);
  return output as { text: string | null; unreadable: boolean };
}

describe('text extraction, in the worker', () => {
  it('reads Word, joining a number Word split across runs', async () => {
    const bytes = docx(
      [['Dear colleague,'], ['NHS number 943 4', '76 5919 attached']],
      [
        ['Name', 'NI'],
        ['A Smith', 'AB123456C'],
      ],
    );
    const out = await read(
      file(
        'letter.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        bytes,
      ),
    );
    expect(out.unreadable).toBe(false);
    expect(out.text).toContain('NHS number 943 476 5919 attached');
    expect(out.text).toMatch(/A Smith\s+AB123456C/);
  });

  it('reads Excel: shared strings, numbers, each value after its column heading', async () => {
    const bytes = xlsx([
      ['Name', 'NHS Number', 'Order'],
      ['A Smith', 9434765919, '4968550189'],
    ]);
    const out = await read(file('list.xlsx', 'application/octet-stream', bytes));
    expect(out.text).toContain('Name: A Smith\tNHS Number: 9434765919\tOrder: 4968550189');
  });

  it('reads OpenDocument text and spreadsheets', async () => {
    const text = await read(
      file(
        'notes.odt',
        'application/vnd.oasis.opendocument.text',
        odt(['Sort code  12-34-56', 'Account 12345678']),
      ),
    );
    expect(text.text).toContain('Sort code  12-34-56\nAccount 12345678');
    const sheet = await read(
      file(
        's.ods',
        'application/vnd.oasis.opendocument.spreadsheet',
        ods([
          ['Name', 'Card'],
          ['B Jones', '4111 1111 1111 1111'],
        ]),
      ),
    );
    expect(sheet.text).toContain('Card: 4111 1111 1111 1111');
  });

  it('reads the text layer of a PDF, plain, compressed or over a scanned image, whatever its declared type', async () => {
    for (const kind of ['text', 'compressed', 'scan'] as const) {
      const out = await read(
        file('scan.pdf', 'application/octet-stream', pdf(['Referral', 'NHS 943 476 5919'], kind)),
      );
      expect(out).toEqual({ text: expect.stringContaining('NHS 943 476 5919'), unreadable: false });
    }
    const table = await read(
      file(
        't.pdf',
        'application/pdf',
        pdf([
          ['Name', 'NHS'],
          ['A Smith', '943 476 5919'],
        ]),
      ),
    );
    expect(table.text).toMatch(/A Smith +943 476 5919/);
  });

  it('counts a scan with no text layer, a damaged PDF and a non-PDF named .pdf as unreadable', async () => {
    const whole = pdf(['Quarterly report']);
    const outs = await extractTexts([
      file('scan.pdf', 'application/pdf', pdf([], 'image-only')),
      file('cut.pdf', 'application/pdf', whole.slice(0, 150)),
      file('x.pdf', 'application/pdf', new Uint8Array([0, 1, 2, 3, 0, 0, 9])),
    ]);
    expect(outs).toEqual([
      { text: null, unreadable: true },
      { text: null, unreadable: true },
      { text: null, unreadable: true },
    ]);
  });

  it('reads UTF-16 text with or without a byte order mark', async () => {
    const text = 'Name\tNI\r\nA Smith\tAB 12 34 56 C\r\n';
    for (const withBom of [true, false]) {
      const out = await read(file('export.txt', 'application/octet-stream', utf16(text, withBom)));
      expect(out.text).toContain('AB 12 34 56 C');
    }
  });

  it('reads a CSV sent as application/vnd.ms-excel, and Windows-1252 text', async () => {
    const csv = strToU8('Name,NHS Number,Phone\r\n"Smith, A",943 476 5919,01482 960841\r\n');
    const out = await read(file('list.csv', 'application/vnd.ms-excel', csv));
    expect(out.text).toContain('Name: Smith, A\tNHS Number: 943 476 5919\tPhone: 01482 960841');
    const latin = await read(
      file('note.txt', 'text/plain', new Uint8Array([0xa3, 0x35, 0x20, 0x93, 0x6f, 0x6b, 0x94])),
    );
    expect(latin.text).toBe('£5 “ok”');
  });

  it('reads a forwarded message: its body, its HTML and its own files', async () => {
    const inner = message(
      {
        from: 'a@example.org',
        to: 'b@example.org',
        subjects: ['Referral'],
        date: 'Mon, 13 May 2024 09:12:44 +0100',
        messageId: '<1@example.org>',
        html: '<p>Card <b>4111 1111</b> 1111 1111</p>',
        text: 'See HTML',
        attachments: [
          {
            name: 'r.docx',
            contentType: 'application/octet-stream',
            bytes: docx([['NI AB123456C']]),
          },
        ],
      },
      'x',
    );
    const out = await read(file('Fwd.eml', 'message/rfc822', strToU8(inner)));
    expect(out.unreadable).toBe(false);
    expect(out.text).toContain('Card 4111 1111 1111 1111');
    expect(out.text).toContain('NI AB123456C');
  });

  it('reads RTF, HTML files and zips of documents', async () => {
    const rtfOut = await read(
      file('a.rtf', 'application/msword', rtf(['Sort code 12-34-56', 'Account 12345678'])),
    );
    expect(rtfOut.text).toContain('Sort code 12-34-56\nAccount 12345678');
    const html = await read(
      file(
        'a.html',
        'text/html',
        strToU8('<p>NHS&nbsp;943<span>476</span>&#53;919</p><script>943 476 5919</script>'),
      ),
    );
    expect(html.text?.trim()).toBe('NHS\u00a09434765919');
    const zip = zipSync({
      'docs/letter.docx': docx([['NHS 943 476 5919']]),
      'docs/': new Uint8Array(),
    });
    expect((await read(file('docs.zip', 'application/zip', zip))).text).toContain('943 476 5919');
  });

  it('gives pictures no text and does not count them unreadable; a file too large to keep is unreadable', async () => {
    const outs = await extractTexts([
      file('image001.png', 'image/png', PNG),
      file('big.pdf', 'application/pdf', null),
      file('film.mp4', 'video/mp4', null),
      file(
        'old.doc',
        'application/msword',
        new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      ),
    ]);
    expect(outs).toEqual([
      { text: null, unreadable: false },
      { text: null, unreadable: true },
      { text: null, unreadable: false },
      { text: null, unreadable: true },
    ]);
  });
});

describe('bounds', () => {
  it('refuses a zip bomb by its declared sizes, before inflating', async () => {
    const huge = new Uint8Array(ZIP_LIMITS.maxPartBytes + 1);
    const bomb = zipSync({ 'word/document.xml': huge, '[Content_Types].xml': strToU8('<Types/>') });
    expect(bomb.length).toBeLessThan(100_000);
    expect(await read(file('bomb.docx', 'application/octet-stream', bomb))).toEqual({
      text: null,
      unreadable: true,
    });
    // Dense but under the size limit: still more compressed than any real document.
    const dense = zipSync({ 'word/document.xml': new Uint8Array(8 * 1024 * 1024) });
    expect(await readZip(dense, null)).toEqual({ text: null, unreadable: true });
  });

  it('cannot be made to inflate past a part size that lies', async () => {
    const body = strToU8(
      `<w:document><w:body><w:p><w:r><w:t>${'x'.repeat(2_000_000)}</w:t></w:r></w:p></w:body></w:document>`,
    );
    const zip = zipSync({ 'word/document.xml': body });
    // Declare the part as 100 bytes in the local header and the central directory.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let i = 0; i < zip.length - 4; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x04034b50) view.setUint32(i + 22, 100, true);
      if (sig === 0x02014b50) view.setUint32(i + 24, 100, true);
    }
    // Inflated into the 100 bytes declared (cut short, so no text), or refused as damaged.
    const out = await readZip(zip, null);
    expect((out?.text ?? '').length).toBeLessThanOrEqual(100);
  });

  it('turns a megabyte of nested HTML into text in one linear pass', () => {
    const nested = `${'<div>'.repeat(200_000)}NHS 943 476 5919${'</span>'.repeat(10_000)}`;
    expect(nested.length).toBeGreaterThan(1_000_000);
    expect(htmlToText(nested)).toContain('NHS 943 476 5919');
  });

  it('stops a mail that takes longer than its deadline, counting its unread files unreadable, and carries on', async () => {
    const slow = [
      file('a.pdf', 'application/pdf', pdf(['NHS 943 476 5919'])),
      file('b.txt', 'text/plain', strToU8('x')),
    ];
    expect(await extractTexts(slow, { timeoutMs: 1 })).toEqual([
      { text: null, unreadable: true },
      { text: null, unreadable: true },
    ]);
    // A fresh worker takes the next mail.
    expect(await extractTexts([file('b.txt', 'text/plain', strToU8('still here'))])).toEqual([
      { text: 'still here', unreadable: false },
    ]);
  });

  it('reads the same in this thread when asked (tools), and never throws', async () => {
    const outs = await extractTexts(
      [
        file('a.csv', 'application/octet-stream', strToU8('Name,Ref\nA Smith,12\n')),
        file('x', 'application/pdf', strToU8('%PDF-broken')),
      ],
      { inProcess: true },
    );
    expect(outs).toEqual([
      { text: 'Name\tRef\nName: A Smith\tRef: 12', unreadable: false },
      { text: null, unreadable: true },
    ]);
  });
});
