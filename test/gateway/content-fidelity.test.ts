/**
 * Every mail the gateway answers 250 arrives whole (issue 18): over real SMTP
 * conversations with the real gateway (keyword policy, SQLite, OpenPGP, blobs on
 * disk), each test checks the reply and then what the recipient is shown through the
 * portal pages, as a browser asks for them.
 */
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeHtmlSafe } from '../../adapters/html/sanitise-html.ts';
import { decryptText } from '../../core/messages/open-message.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { BROKEN_SAMPLES, crlf } from './support/broken-mime.ts';
import { type GatewayApp, openGatewayApp } from './support/gateway-app.ts';
import {
  deliveryOf,
  newBrowser,
  type PortalReader,
  registerReader,
  sendRaw,
  storedBody,
  storedFiles,
} from './support/portal-reader.ts';
import { startRelaySink } from './support/relay-sink.ts';

// Counts every run of the sanitiser (the real one runs): a page view must never run it.
const sanitiser = vi.hoisted(() => ({ runs: 0 }));
vi.mock('sanitize-html', async (importOriginal) => {
  // sanitize-html is a CommonJS module (`export =`): its function is the default export.
  const real = (await importOriginal<{ default: typeof import('sanitize-html') }>()).default;
  const counted = ((...args: Parameters<typeof real>) => {
    sanitiser.runs++;
    return real(...args);
  }) as typeof real;
  return { default: Object.assign(counted, real) };
});

const STORED = '250 Accepted: stored as a secure message.';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(over: Record<string, string> = {}): Promise<GatewayApp> {
  const sink = await startRelaySink();
  cleanups.push(() => sink.close());
  const gw = await openGatewayApp({ RELAY_SMTP_URL: sink.url, ...over });
  cleanups.push(() => gw.close());
  return gw;
}

/** A nodemailer client of the gateway, closed after the test. */
function client(port: number) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port });
  cleanups.push(async () => transport.close());
  return transport;
}

function build(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(mail).compile().build();
}

/** `raw` ending in CRLF, so the bytes on the wire are the bytes of the mail. */
const endInCrlf = (raw: Buffer) =>
  raw.subarray(-2).toString() === '\r\n' ? raw : Buffer.concat([raw, Buffer.from('\r\n')]);

const base64Lines = (bytes: Buffer) => bytes.toString('base64').replace(/.{76}/g, '$&\r\n');

/** Every message the gateway stored holds text or HTML made safe at intake, never raw HTML. */
async function expectNoRawHtml(gw: GatewayApp, ...senders: string[]) {
  for (const sender of senders) {
    for (const message of await gw.sentBy(sender)) {
      expect(message.source).toBe('gateway');
      expect(['text', 'safe-html']).toContain(message.bodyFormat);
    }
  }
}

/** The text of an HTML page without its tags, for "the page shows it" checks. */
const pageText = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The file links a message page lists: attachment ids, in order. */
const listedFiles = (html: string, deliveryId: string) =>
  [...html.matchAll(new RegExp(`href="/inbox/${deliveryId}/attachments/([^"?]+)`, 'g'))].map(
    (m) => m[1],
  );

async function page(reader: PortalReader, path: string): Promise<string> {
  const res = await reader.request(path);
  expect(res.status).toBe(200);
  return res.text();
}

describe('every text part of a mail reaches the recipient', () => {
  const samples = {
    'an HTML body with a disclaimer part and a second text part (multipart/mixed)':
      crlf(`From: Jo Bloggs <jo@council.test>
To: resident@example.org
Subject: zixencrypt Parts in order
Message-ID: <parts-1@council.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed"

--mixed
Content-Type: text/html; charset=utf-8

<html><body><p>First: the <b>HTML letter</b> about your tenancy.</p></body></html>
--mixed
Content-Type: text/plain; charset=utf-8

Second: DISCLAIMER this email is confidential to the addressee.
--mixed
Content-Type: text/plain; charset=utf-8

Third: a second plain part with reference HB-2291.
--mixed--
`),
    'an alternative body followed by a disclaimer part, as Exchange appends it':
      crlf(`From: Jo Bloggs <jo@council.test>
To: resident@example.org
Subject: zixencrypt Alternative then disclaimer
Message-ID: <parts-2@council.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed"

--mixed
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

First: the HTML letter about your tenancy.
--alt
Content-Type: text/html; charset=utf-8

<p>First: the <b>HTML letter</b> about your tenancy.</p>
--alt--
--mixed
Content-Type: text/plain; charset=utf-8

Second: DISCLAIMER this email is confidential to the addressee.
--mixed
Content-Type: text/plain; charset=utf-8
Content-Disposition: inline

Third: a second plain part with reference HB-2291.
--mixed--
`),
  };
  const inOrder = [
    'First: the HTML letter about your tenancy.',
    'Second: DISCLAIMER this email is confidential to the addressee.',
    'Third: a second plain part with reference HB-2291.',
  ];

  it('stores both plain parts after the HTML, in order, and the message page shows them so', async () => {
    const gw = await setup();
    let reader: PortalReader | null = null;
    for (const [name, raw] of Object.entries(samples)) {
      const reply = await sendRaw(
        gw.port,
        { from: 'jo@council.test', to: ['resident@example.org'] },
        raw,
      );
      expect(`${reply.code} ${reply.text}`, name).toBe(STORED);
      const [message] = await gw.sentBy('jo@council.test');
      if (!message) throw new Error('not stored');
      expect(message.bodyFormat, name).toBe('safe-html');
      const body = pageText(await storedBody(gw, message));
      const positions = inOrder.map((t) => body.indexOf(t));
      expect(
        positions.every((p) => p >= 0),
        `${name}: ${body}`,
      ).toBe(true);
      expect(
        [...positions].sort((a, b) => a - b),
        name,
      ).toEqual(positions);
      // Neither plain part was turned into a file instead.
      expect(await storedFiles(gw, message.id), name).toEqual([]);

      reader ??= await registerReader(gw, 'resident@example.org');
      const html = await page(
        reader,
        `/inbox/${await deliveryOf(gw, message.id, 'resident@example.org')}`,
      );
      const shown = pageText(html);
      const onPage = inOrder.map((t) => shown.indexOf(t));
      expect(
        onPage.every((p) => p >= 0),
        name,
      ).toBe(true);
      expect(
        [...onPage].sort((a, b) => a - b),
        name,
      ).toEqual(onPage);
    }
    await expectNoRawHtml(gw, 'jo@council.test');
  });
});

/** Outlook's signature images: `image00N.png@01DA...` Content-IDs in multipart/related. */
function outlookMail(
  images: Array<{ cid: string; name: string; type: string; bytes: Buffer }>,
  unreferenced: { cid: string; name: string; bytes: Buffer },
  pdf: Buffer,
  htmlExtra = '',
) {
  const imgTags = images
    .map((i) => `<img width="32" height="32" src="cid:${i.cid}" alt="${i.name}">`)
    .join('\r\n');
  const related = [...images, { ...unreferenced, type: 'image/png' }]
    .map(
      (i) => `--related
Content-Type: ${i.type}; name="${i.name}"
Content-Description: ${i.name}
Content-Disposition: inline; filename="${i.name}"; size=${i.bytes.length}
Content-ID: <${i.cid}>
Content-Transfer-Encoding: base64

${base64Lines(i.bytes)}
`,
    )
    .join('');
  return crlf(`From: Jo Bloggs <jo@council.test>
To: "A Resident" <resident@example.org>
Subject: zixencrypt Your benefit letter
Message-ID: <outlook-1@council.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed"

--mixed
Content-Type: multipart/related; boundary="related"; type="multipart/alternative"

--related
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset="us-ascii"

Please find your benefit letter attached.

--alt
Content-Type: text/html; charset="us-ascii"

<html><body><p>Please find your benefit letter attached.</p>
${imgTags}${htmlExtra}
</body></html>
--alt--

${related}--related--

--mixed
Content-Type: application/pdf; name="benefit-letter.pdf"
Content-Disposition: attachment; filename="benefit-letter.pdf"
Content-Transfer-Encoding: base64

${base64Lines(pdf)}
--mixed--
`);
}

describe('inline images of the body', () => {
  it('takes the 12 images as files, still not counted, when the HTML that places them is refused', async () => {
    const gw = await setup();
    const images = Array.from({ length: 12 }, (_, i) => ({
      cid: `sig${i}@outlook`,
      name: `sig${i}.png`,
      type: 'image/png',
      bytes: randomBytes(300 + i),
    }));
    const unreferenced = { cid: 'sig-x@outlook', name: 'sig-x.png', bytes: randomBytes(200) };
    // Nested past the pre-scan's limit: the HTML is refused and shown as text.
    const deep = `${'<div>'.repeat(500)}deep${'</div>'.repeat(500)}`;
    const raw = outlookMail(images, unreferenced, randomBytes(5000), deep);
    const info = await client(gw.port).sendMail({
      envelope: { from: 'jo@council.test', to: ['resident@example.org'] },
      raw,
    });
    expect(info.response).toBe(STORED);
    const [message] = await gw.sentBy('jo@council.test');
    expect(message?.bodyFormat).toBe('text');
    const files = await gw.app.storage.repos.attachments.listForMessage({
      messageId: message?.id ?? '',
    });
    // 13 images and the PDF as files, and the original: more than the 10 a sender may choose.
    expect(files).toHaveLength(15);
    expect(files.every((f) => !f.inline)).toBe(true);
  });

  it('shows 12 Outlook signature images in place from the portal, lists only the real files, and serves each image to its recipient only', async () => {
    const gw = await setup();
    // More inline images than the files a sender may attach: they are not files.
    expect((await gw.app.settings.get()).maxAttachments).toBe(10);
    const types = ['image/png', 'image/jpeg', 'image/gif'];
    const images = Array.from({ length: 12 }, (_, i) => {
      const n = String(i + 1).padStart(3, '0');
      const type = types[i % 3] as string;
      const ext = type.split('/')[1];
      return {
        cid: `image${n}.${ext}@01DA1234.ABCDEF${n}`,
        name: `image${n}.${ext}`,
        type,
        bytes: randomBytes(500 + i * 37),
      };
    });
    const unreferenced = {
      cid: 'image013.png@01DA1234.ABCDEF013',
      name: 'image013.png',
      bytes: randomBytes(777),
    };
    const pdf = randomBytes(20_000);
    const raw = outlookMail(images, unreferenced, pdf);
    const runsAtStart = sanitiser.runs;
    const info = await client(gw.port).sendMail({
      envelope: { from: 'jo@council.test', to: ['resident@example.org'] },
      raw,
    });
    expect(info.response).toBe(STORED);
    // The HTML was made safe at intake (and the count below is a live one).
    expect(sanitiser.runs).toBeGreaterThan(runsAtStart);

    const [message] = await gw.sentBy('jo@council.test');
    if (!message) throw new Error('not stored');
    const files = await storedFiles(gw, message.id);
    const byName = new Map(files.map((f) => [f.name, f]));
    for (const image of images) {
      expect(byName.get(image.name)).toMatchObject({
        contentType: image.type,
        size: image.bytes.length,
        inline: true,
      });
    }
    // The image the HTML does not show is a file, as is the PDF; no original.eml.
    expect(byName.get('image013.png')).toMatchObject({ inline: false, size: 777 });
    expect(byName.get('benefit-letter.pdf')).toMatchObject({ inline: false, size: pdf.length });
    expect(files).toHaveLength(14);

    const reader = await registerReader(gw, 'resident@example.org');
    const deliveryId = await deliveryOf(gw, message.id, 'resident@example.org');
    const runsBefore = sanitiser.runs;
    const html = await page(reader, `/inbox/${deliveryId}`);
    expect(sanitiser.runs, 'a page view ran the sanitiser').toBe(runsBefore);
    expect(html).not.toContain('cid:');
    for (const image of images) {
      const id = byName.get(image.name)?.id;
      expect(html).toContain(`src="/inbox/${deliveryId}/images/${id}"`);
    }
    expect(pageText(html)).toContain('Please find your benefit letter attached.');
    expect(listedFiles(html, deliveryId).sort()).toEqual(
      [byName.get('image013.png')?.id, byName.get('benefit-letter.pdf')?.id].sort(),
    );

    for (const image of images) {
      const id = byName.get(image.name)?.id;
      const res = await reader.request(`/inbox/${deliveryId}/images/${id}`);
      expect(res.status, image.name).toBe(200);
      expect(res.headers.get('content-type')).toBe(image.type);
      expect(Buffer.from(await res.arrayBuffer()).equals(image.bytes), image.name).toBe(true);
    }

    // Files that are not inline images are never served by the images route.
    for (const name of ['benefit-letter.pdf', 'image013.png']) {
      const res = await reader.request(`/inbox/${deliveryId}/images/${byName.get(name)?.id}`);
      expect(res.status, name).toBe(404);
    }

    // Another signed-in recipient (with a message of their own) gets nothing.
    await client(gw.port).sendMail({
      from: 'jo@council.test',
      to: 'attacker@example.net',
      subject: 'zixencrypt Yours',
      text: 'Your own message.',
    });
    const attacker = await registerReader(gw, 'attacker@example.net');
    const [own] = await gw.sentBy('jo@council.test');
    const ownDelivery = await deliveryOf(gw, own?.id ?? '', 'attacker@example.net');
    const imageId = byName.get('image001.png')?.id;
    for (const path of [
      `/inbox/${deliveryId}/images/${imageId}`,
      `/inbox/${ownDelivery}/images/${imageId}`,
      `/inbox/${deliveryId}`,
    ]) {
      const res = await attacker.request(path);
      expect(res.status, path).toBe(404);
    }
    // Nor does someone who is not signed in.
    const stranger = await newBrowser(gw, 'nobody').request(
      `/inbox/${deliveryId}/images/${imageId}`,
    );
    expect(stranger.status).not.toBe(200);
    await expectNoRawHtml(gw, 'jo@council.test');
  });

  it('shows the images of a read-only message but does not let its files be downloaded', async () => {
    const gw = await setup();
    // The keyword path always sends a message that can be downloaded; read-only is a
    // choice staff make in the portal, so this message is sent as the portal does.
    await client(gw.port).sendMail({
      from: 'jo@council.test',
      to: 'resident@example.org',
      subject: 'zixencrypt first',
      text: 'first',
    });
    const reader = await registerReader(gw, 'resident@example.org');
    const sender = await gw.account('jo@council.test');
    const signature = randomBytes(900);
    const pdf = randomBytes(4000);
    const safe = makeHtmlSafe(
      '<p>Read-only letter.</p><img src="cid:sig@council" alt="Signature">',
      new Map([['sig@council', 0]]),
    );
    if (!safe.ok) throw new Error('refused');
    const sent = await sendMessage(
      { ...gw.app, publicUrl: gw.app.config.publicUrl },
      await gw.app.settings.get(),
      {
        senderId: sender?.id ?? '',
        to: ['resident@example.org'],
        cc: [],
        subject: 'Read only',
        body: safe.html,
        bodyFormat: 'safe-html',
        attachments: [
          {
            name: 'sig.png',
            contentType: 'image/png',
            kind: 'inline',
            content: streamOf(signature),
          },
          { name: 'letter.pdf', contentType: 'application/pdf', content: streamOf(pdf) },
        ],
        readOnly: true,
        classification: null,
        source: 'portal',
      },
    );
    if (!sent.ok) throw new Error(JSON.stringify(sent.issues));
    const deliveryId = await deliveryOf(gw, sent.messageId, 'resident@example.org');
    const [image, file] = await storedFiles(gw, sent.messageId);
    const html = await page(reader, `/inbox/${deliveryId}`);
    expect(html).toContain(`src="/inbox/${deliveryId}/images/${image?.id}"`);
    const shown = await reader.request(`/inbox/${deliveryId}/images/${image?.id}`);
    expect(shown.status).toBe(200);
    expect(Buffer.from(await shown.arrayBuffer()).equals(signature)).toBe(true);
    // Neither the file nor the image is a download on a read-only message.
    for (const id of [file?.id, image?.id]) {
      const download = await reader.request(`/inbox/${deliveryId}/attachments/${id}`);
      expect(download.status).toBe(404);
    }
  });
});

describe('broken MIME is never shown as an empty message', () => {
  it('answers 250 for each real-world sample, shows its text, and attaches the mail byte for byte as original.eml', async () => {
    const gw = await setup();
    let reader: PortalReader | null = null;
    for (const sample of BROKEN_SAMPLES) {
      const reply = await sendRaw(
        gw.port,
        { from: 'jo@council.test', to: ['resident@example.org'] },
        sample.raw,
      );
      expect(`${reply.code} ${reply.text}`, sample.name).toBe(STORED);
      const [message] = await gw.sentBy('jo@council.test');
      if (!message) throw new Error('not stored');
      const body = await storedBody(gw, message);
      expect(body.trim(), sample.name).not.toBe('');
      expect(pageText(body), sample.name).toContain(sample.text);

      const files = await storedFiles(gw, message.id);
      const original = files.find((f) => f.name === 'original.eml');
      expect(original, sample.name).toMatchObject({
        contentType: 'message/rfc822',
        size: sample.raw.length,
        inline: false,
      });

      reader ??= await registerReader(gw, 'resident@example.org');
      const deliveryId = await deliveryOf(gw, message.id, 'resident@example.org');
      const html = await page(reader, `/inbox/${deliveryId}`);
      expect(pageText(html), sample.name).toContain(sample.text);
      expect(listedFiles(html, deliveryId), sample.name).toContain(original?.id);
      const download = await reader.request(
        `/inbox/${deliveryId}/attachments/${original?.id ?? ''}`,
      );
      expect(download.status, sample.name).toBe(200);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(bytes.equals(sample.raw), sample.name).toBe(true);
    }
    expect(await gw.sentBy('jo@council.test')).toHaveLength(BROKEN_SAMPLES.length);
    await expectNoRawHtml(gw, 'jo@council.test');
  });

  it('takes a broken mail whose files fit the size limit, as it takes the same mail intact', async () => {
    // The original is kept because the mail could not be shown whole, not because the
    // sender chose to send more: it must not turn a mail that fits into one refused.
    const gw = await setup({ MAX_TOTAL_MB: '1' });
    const pdf = randomBytes(600 * 1024);
    const mail = (epilogue: string, id: string) =>
      crlf(`From: jo@council.test
To: resident@example.org
Subject: zixencrypt Scan ${id}
Message-ID: <${id}@council.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

The scanned form is attached.
--b1
Content-Type: application/pdf; name="form.pdf"
Content-Disposition: attachment; filename="form.pdf"
Content-Transfer-Encoding: base64

${base64Lines(pdf)}
--b1--
${epilogue}`);
    const envelope = { from: 'jo@council.test', to: ['resident@example.org'] };
    const intact = await sendRaw(gw.port, envelope, mail('', 'intact'));
    expect(`${intact.code} ${intact.text}`).toBe(STORED);
    const broken = await sendRaw(
      gw.port,
      envelope,
      mail('This notice was appended after the closing boundary.\n', 'epilogue'),
    );
    expect(`${broken.code} ${broken.text}`).toBe(STORED);
    expect(await gw.sentBy('jo@council.test')).toHaveLength(2);
  });

  it('refuses a broken mail too large for the limit with 552, and nothing in the gateway throws', async () => {
    // When sendMessage stops reading part way (here: the size limit, in the PDF, before
    // original.eml is read), the streams of the mail must stop cleanly: an uncaught
    // exception ends the process.
    const thrown: unknown[] = [];
    const monitor = (error: unknown) => thrown.push(error);
    process.on('uncaughtExceptionMonitor', monitor);
    cleanups.push(async () => {
      process.off('uncaughtExceptionMonitor', monitor);
    });
    const gw = await setup({ MAX_TOTAL_MB: '1' });
    const pdf = randomBytes(1200 * 1024);
    const raw = crlf(`From: jo@council.test
To: resident@example.org
Subject: zixencrypt Too big and broken
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Two scans attached.
--b1
Content-Type: application/pdf; name="scan.pdf"
Content-Disposition: attachment; filename="scan.pdf"
Content-Transfer-Encoding: base64

${base64Lines(pdf)}
--b1--
Appended after the closing boundary.
`);
    const envelope = { from: 'jo@council.test', to: ['resident@example.org'] };
    const refused = await sendRaw(gw.port, envelope, raw);
    expect(refused.code).toBe(552);
    // The next mail is still taken, after the refused one's streams have wound down.
    for (let i = 0; i < 3; i++) {
      const next = await sendRaw(
        gw.port,
        envelope,
        crlf(`Subject: zixencrypt next ${i}\n\nhello\n`),
      );
      expect(`${next.code} ${next.text}`).toBe(STORED);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(thrown.map(String)).toEqual([]);
  });

  it('keeps no original.eml for an intact mail', async () => {
    const gw = await setup();
    const info = await client(gw.port).sendMail({
      from: 'jo@council.test',
      to: 'resident@example.org',
      subject: 'zixencrypt intact',
      text: 'Intact.',
      html: '<p>Intact.</p>',
      attachments: [{ filename: 'a.pdf', content: randomBytes(100) }],
    });
    expect(info.response).toBe(STORED);
    const [message] = await gw.sentBy('jo@council.test');
    expect((await storedFiles(gw, message?.id ?? '')).map((f) => f.name)).toEqual(['a.pdf']);
  });
});

describe('duplicates are found by content, not by Message-ID', () => {
  it('stores a different mail that reuses a Message-ID, and the same bytes sent again once', async () => {
    const gw = await setup();
    const envelope = { from: 'jo@council.test', to: ['resident@example.org'] };
    const mail = (text: string) =>
      build({
        from: 'jo@council.test',
        to: 'resident@example.org',
        subject: 'zixencrypt Statement',
        text,
        messageId: '<statement-2024@billing.council.test>',
        date: new Date('2024-05-01T09:00:00Z'),
      });
    const january = await mail('Your statement for January: 120.00');
    const february = await mail('Your statement for February: 95.50');
    expect((await client(gw.port).sendMail({ envelope, raw: january })).response).toBe(STORED);
    expect((await client(gw.port).sendMail({ envelope, raw: february })).response).toBe(STORED);
    const again = await client(gw.port).sendMail({ envelope, raw: january });
    expect(again.response).toBe('250 Accepted: this mail was already stored as a secure message.');

    const messages = await gw.sentBy('jo@council.test');
    expect(messages).toHaveLength(2);
    const bodies = (await Promise.all(messages.map((m) => storedBody(gw, m)))).sort();
    expect(bodies).toEqual([
      expect.stringContaining('Your statement for February: 95.50'),
      expect.stringContaining('Your statement for January: 120.00'),
    ]);

    // The recipient sees both in their inbox.
    const reader = await registerReader(gw, 'resident@example.org');
    for (const m of messages) {
      const html = await page(
        reader,
        `/inbox/${await deliveryOf(gw, m.id, 'resident@example.org')}`,
      );
      expect(html).toMatch(/Your statement for (January|February)/);
    }
  });
});

describe('a body built to be slow', () => {
  const DEPTH = 100_000;
  const deep = `<html><body>${'<div>'.repeat(DEPTH)}Deep text of the letter.${'</div>'.repeat(DEPTH)}</body></html>`;

  for (const [kind, text] of [
    ['an HTML-only mail', null],
    ['multipart/alternative with a text part', 'The plain text of the letter.'],
  ] as const) {
    it(`accepts ${kind} nested ${DEPTH} deep, stores text and the original, and the page renders without the sanitiser`, async () => {
      const gw = await setup();
      expect(deep.length).toBeGreaterThan(1_000_000);
      const raw = endInCrlf(
        await build({
          from: 'jo@council.test',
          to: 'resident@example.org',
          subject: 'zixencrypt Deep',
          html: deep,
          ...(text ? { text } : {}),
        }),
      );
      const runsBefore = sanitiser.runs;
      const info = await client(gw.port).sendMail({
        envelope: { from: 'jo@council.test', to: ['resident@example.org'] },
        raw,
      });
      expect(info.response).toBe(STORED);
      // The pre-scan refused the depth: the sanitiser never saw it.
      expect(sanitiser.runs).toBe(runsBefore);

      const [message] = await gw.sentBy('jo@council.test');
      if (!message) throw new Error('not stored');
      expect(message.bodyFormat).toBe('text');
      const expected = text ?? 'Deep text of the letter.';
      expect((await storedBody(gw, message)).trim()).toBe(expected);
      const files = await storedFiles(gw, message.id);
      expect(files.map((f) => [f.name, f.size])).toEqual([['original.eml', raw.length]]);

      const reader = await registerReader(gw, 'resident@example.org');
      const deliveryId = await deliveryOf(gw, message.id, 'resident@example.org');
      const health = newBrowser(gw, 'monitor');
      // The page and a health check asked for at the same time: both are answered.
      const pageRequest = reader.request(`/inbox/${deliveryId}`);
      const healthRequest = health.request('/healthz');
      const [pageRes, healthRes] = await Promise.all([pageRequest, healthRequest]);
      expect(healthRes.status).toBe(200);
      expect(pageRes.status).toBe(200);
      const html = await pageRes.text();
      expect(pageText(html)).toContain(expected);
      expect(html).not.toContain('<div><div>');
      expect(sanitiser.runs, 'a page view ran the sanitiser').toBe(runsBefore);

      const original = await reader.request(
        `/inbox/${deliveryId}/attachments/${files[0]?.id ?? ''}`,
      );
      expect(Buffer.from(await original.arrayBuffer()).equals(raw)).toBe(true);
      await expectNoRawHtml(gw, 'jo@council.test');
    }, 60_000);
  }
});

describe('text that reads backwards', () => {
  const HIDDEN = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f]/;

  it('strips bidi controls from the subject, the new sender name and file names', async () => {
    const gw = await setup();
    const info = await client(gw.port).sendMail({
      from: { name: 'Mallory \u202eyrolla\u202c Payroll', address: 'mallory@council.test' },
      to: 'resident@example.org',
      subject: 'zixencrypt Refund \u202edeveorppa\u202c \u2066isolated\u2069 zero\u200bwidth',
      text: 'See the invoice.',
      attachments: [
        {
          filename: 'invoice\u202efdp.exe',
          content: 'MZ',
          contentType: 'application/octet-stream',
        },
      ],
    });
    expect(info.response).toBe(STORED);
    const [message] = await gw.sentBy('mallory@council.test');
    if (!message) throw new Error('not stored');
    const subject = await decryptText(gw.app, message.subjectEnc);
    expect(subject).not.toMatch(HIDDEN);
    expect(subject).toBe('Refund deveorppa isolated zerowidth');
    const sender = await gw.account('mallory@council.test');
    expect(sender?.displayName).not.toMatch(HIDDEN);
    expect(sender?.displayName).toBe('Mallory yrolla Payroll');
    const [file] = await storedFiles(gw, message.id);
    expect(file?.name).toBe('invoicefdp.exe');

    // The recipient's page shows none of them either.
    const reader = await registerReader(gw, 'resident@example.org');
    const html = await page(
      reader,
      `/inbox/${await deliveryOf(gw, message.id, 'resident@example.org')}`,
    );
    expect(html).not.toMatch(HIDDEN);
    expect(html).toContain('invoicefdp.exe');
  });

  it('strips the Arabic letter mark (U+061C), a bidi mark like U+200F, from subjects', async () => {
    const gw = await setup();
    const info = await client(gw.port).sendMail({
      from: 'jo@council.test',
      to: 'resident@example.org',
      subject: 'zixencrypt Refund \u061cdeveorppa',
      text: 'x',
    });
    expect(info.response).toBe(STORED);
    const [message] = await gw.sentBy('jo@council.test');
    expect(await decryptText(gw.app, message?.subjectEnc ?? new Uint8Array())).toBe(
      'Refund deveorppa',
    );
  });
});
