import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  attachmentHeaders,
  contentDisposition,
  downloadContentType,
} from '../../adapters/http/areas/recipient/download-headers.ts';
import type { Account } from '../../core/accounts/model.ts';
import { safeFileName } from '../../core/shared/file-names.ts';
import { addDays } from '../../core/shared/time.ts';
import { inlineCodeIn } from '../views/render.ts';
import { csrfOf, type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const PDF = new Uint8Array(Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256));

describe('the inbox', () => {
  let h: MailboxHarness;
  let ann: Account;
  let cookie: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    ann = await h.addAccount('ann@example.org');
    cookie = await h.signIn(ann.email);
  });
  afterEach(() => h.close());

  it('asks a signed-out person to sign in, and comes back afterwards', async () => {
    const res = await h.get('/inbox?page=2');
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('You need to sign in');
    expect(html).toContain(`/sign-in?next=${encodeURIComponent('/inbox?page=2')}`);
  });

  it('shows an empty state, a link to expired messages and no-store', async () => {
    const res = await h.get('/inbox', cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('You have no messages.');
    expect(html).toContain('href="/inbox?expired=1"');
    expect(html).toContain('href="/account"');
    expect(inlineCodeIn(html)).toEqual([]);
  });

  it('lists messages newest first with sender, subject, date, days left and files; unread in bold and said', async () => {
    await h.send({ to: [ann.email], subject: 'First letter' });
    h.clock.advance(60_000);
    const second = await h.send({
      to: [ann.email],
      subject: 'Second letter',
      files: [
        { name: 'a.pdf', contentType: 'application/pdf', bytes: PDF },
        { name: 'b.txt', contentType: 'text/plain', bytes: new Uint8Array([65]) },
      ],
    });
    h.clock.advance(3 * 86_400_000);
    // Three days on, the session has long timed out: sign in again.
    cookie = await h.signIn(ann.email);
    const html = await (await h.get('/inbox', cookie)).text();
    expect(html.indexOf('Second letter')).toBeLessThan(html.indexOf('First letter'));
    expect(html).toContain('Olive Officer');
    expect(html).toContain('2 files');
    expect(html).toContain('None');
    expect(html).toContain('41 more days');
    expect(html).toContain('3 Mar 2025');
    // Unread: bold row and hidden text for screen readers.
    expect(html.match(/class="govuk-table__row sp-unread"/g)?.length).toBe(2);
    expect(html.match(/<span class="govuk-visually-hidden">Unread: <\/span>/g)?.length).toBe(2);

    const secondId = second.deliveries[ann.email] as string;
    await h.get(`/inbox/${secondId}`, cookie);
    const after = await (await h.get('/inbox', cookie)).text();
    expect(after.match(/sp-unread/g)?.length).toBe(1);
  });

  it('pages 25 at a time with GOV.UK pagination', async () => {
    for (let i = 1; i <= 27; i += 1) {
      await h.send({ to: [ann.email], subject: `Letter ${String(i).padStart(2, '0')}` });
      h.clock.advance(1000);
    }
    const first = await (await h.get('/inbox', cookie)).text();
    // 25 rows and the heading row.
    expect(first.match(/<tr class="govuk-table__row/g)?.length).toBe(26);
    expect(first).toContain('Letter 27');
    expect(first).not.toContain('Letter 02<');
    expect(first).toContain('class="govuk-pagination"');
    expect(first).toContain('href="/inbox?page=2"');
    const second = await (await h.get('/inbox?page=2', cookie)).text();
    expect(second.match(/<tr class="govuk-table__row/g)?.length).toBe(3);
    expect(second).toContain('Letter 01');
    expect(second).toContain('rel="prev"');
    // Past the end: the last page.
    const beyond = await (await h.get('/inbox?page=9', cookie)).text();
    expect(beyond).toContain('Letter 01');
  });

  it('lists expired messages apart, each with "Access expired" and "Request more access"', async () => {
    const live = await h.send({ to: [ann.email], subject: 'Still open' });
    const old = await h.send({ to: [ann.email], subject: 'Long gone' });
    await h.setAccessEnd(old.deliveries[ann.email] as string, addDays(h.clock.now(), -1));
    const inbox = await (await h.get('/inbox', cookie)).text();
    expect(inbox).toContain('Still open');
    expect(inbox).not.toContain('Long gone');

    const expired = await (await h.get('/inbox?expired=1', cookie)).text();
    expect(expired).toContain('Long gone');
    expect(expired).not.toContain('Still open');
    expect(expired).toContain('Access expired');
    expect(expired).toContain('Request more access');
    expect(expired).toContain(`action="/inbox/${old.deliveries[ann.email]}/request-access"`);
    expect(live.deliveries[ann.email]).toBeDefined();
  });

  it('moves a revoked message out of the inbox, never as unread with days left', async () => {
    await h.send({ to: [ann.email], subject: 'Still open' });
    const withdrawn = await h.send({ to: [ann.email], subject: 'Withdrawn letter' });
    const id = withdrawn.deliveries[ann.email] as string;
    await h.revoke(id);
    const inbox = await (await h.get('/inbox', cookie)).text();
    expect(inbox).toContain('Still open');
    expect(inbox).not.toContain('Withdrawn letter');
    expect(inbox).not.toContain(`/inbox/${id}"`);

    const gone = await (await h.get('/inbox?expired=1', cookie)).text();
    expect(gone).toContain('Messages you can no longer read');
    expect(gone).toContain('Withdrawn letter');
    expect(gone).toContain('Revoked');
    expect(gone).toContain('Contact the sender if you need it');
    // A revoked copy cannot be asked back: no request button for it.
    expect(gone).not.toContain(`action="/inbox/${id}/request-access"`);
    expect(gone).not.toContain('Still open');
  });
});

describe('the message page', () => {
  let h: MailboxHarness;
  let ann: Account;
  let cookie: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    ann = await h.addAccount('ann@example.org');
    cookie = await h.signIn(ann.email);
  });
  afterEach(() => h.close());

  it('shows from, to, cc, date, subject and marking, and records message.open', async () => {
    const sent = await h.send({
      to: [ann.email],
      cc: [`manager@${'barnet.gov.uk'}`],
      subject: 'Assessment',
      classification: 'OFFICIAL-SENSITIVE',
      files: [{ name: 'report.pdf', contentType: 'application/pdf', bytes: PDF }],
    });
    const id = sent.deliveries[ann.email] as string;
    const res = await h.get(`/inbox/${id}`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<h1 class="govuk-heading-l govuk-!-text-break-word">Assessment</h1>');
    expect(html).toContain('Olive Officer (officer@barnet.gov.uk)');
    expect(html).toContain('ann@example.org');
    expect(html).toContain('Copied to');
    expect(html).toContain('manager@barnet.gov.uk');
    expect(html).toContain('3 March 2025');
    expect(html).toMatch(/govuk-tag--red[^>]*>OFFICIAL-SENSITIVE</);
    expect(html).toContain(`href="/inbox/${id}/reply"`);
    expect(html).toContain(`href="/inbox/${id}/reply?all=1"`);
    expect(html).toContain(`href="/inbox/${id}/forward"`);
    expect(html).toContain(`href="/inbox/${id}/delete"`);
    expect(html).toMatch(/report\.pdf<\/a> <span[^>]*>\(PDF, 68 KB\)/);
    expect(inlineCodeIn(html)).toEqual([]);

    const events = await h.storage.repos.audit.list({
      filter: { action: 'message.open', targetId: id },
      limit: 10,
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.actorId).toBe(ann.id);
  });

  it('escapes a subject and body carrying <script> and keeps the CRLF line breaks', async () => {
    const sent = await h.send({
      to: [ann.email],
      subject: '<script>alert("s")</script> & more',
      body: 'Line one\r\n<script>alert("b")</script>\r\n\r\n  indented <b>not bold</b>',
    });
    const html = await (await h.get(`/inbox/${sent.deliveries[ann.email]}`, cookie)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain(
      'Line one<br/>&lt;script&gt;alert(&quot;b&quot;)&lt;/script&gt;<br/><br/>  indented &lt;b&gt;not bold&lt;/b&gt;',
    );
    expect(html).not.toContain('\r');
    expect(inlineCodeIn(html)).toEqual([]);
    // The inbox escapes the subject as well.
    const inbox = await (await h.get('/inbox', cookie)).text();
    expect(inbox).not.toContain('<script>alert');
    expect(inbox).toContain('&lt;script&gt;');
  });

  it('sanitises an HTML body: no script, no handlers, no remote images; links open safely', async () => {
    const sent = await h.send({
      to: [ann.email],
      bodyFormat: 'html',
      body: [
        '<p onclick="steal()">Dear Ann,<script>steal()</script></p>',
        '<img src="https://tracker.example/open.gif" alt="t">',
        '<a href="https://example.org/info">Info</a> <a href="javascript:steal()">bad</a>',
        '<style>body{display:none}</style><iframe src="https://evil.example"></iframe>',
      ].join(''),
    });
    const html = await (await h.get(`/inbox/${sent.deliveries[ann.email]}`, cookie)).text();
    expect(html).toContain('<p>Dear Ann,</p>');
    expect(html).not.toContain('steal()');
    expect(html).not.toContain('tracker.example');
    expect(html).not.toContain('evil.example');
    expect(html).toContain(
      '<a href="https://example.org/info" target="_blank" rel="noopener noreferrer">Info</a>',
    );
    expect(inlineCodeIn(html)).toEqual([]);
  });

  it('shows a revoked delivery as revoked, with none of its content', async () => {
    const sent = await h.send({ to: [ann.email], subject: 'Withdrawn one', body: 'Secret body' });
    const id = sent.deliveries[ann.email] as string;
    await h.revoke(id);
    const res = await h.get(`/inbox/${id}`, cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('revoked');
    expect(html).not.toContain('Withdrawn one');
    expect(html).not.toContain('Secret body');
  });

  it('every form on the page carries the CSRF token', async () => {
    const sent = await h.send({ to: [ann.email] });
    const html = await (await h.get(`/inbox/${sent.deliveries[ann.email]}`, cookie)).text();
    const forms = html.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
    expect(forms.length).toBeGreaterThan(0);
    for (const form of forms) expect(csrfOf(form)).not.toBeNull();
  });
});

describe('attachments', () => {
  let h: MailboxHarness;
  let ann: Account;
  let cookie: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    ann = await h.addAccount('ann@example.org');
    cookie = await h.signIn(ann.email);
  });
  afterEach(() => h.close());

  const attachmentIdOf = async (deliveryId: string) => {
    const delivery = await h.storage.repos.deliveries.findById({ id: deliveryId });
    const [attachment] = await h.storage.repos.attachments.listForMessage({
      messageId: delivery?.messageId ?? '',
    });
    return attachment?.id ?? '';
  };

  it('downloads byte for byte with safe headers, and records the download', async () => {
    const sent = await h.send({
      to: [ann.email],
      files: [{ name: 'Café "plan"/../ü.pdf', contentType: 'application/pdf', bytes: PDF }],
    });
    const id = sent.deliveries[ann.email] as string;
    const attachmentId = await attachmentIdOf(id);
    const res = await h.get(`/inbox/${id}/attachments/${attachmentId}`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-length')).toBe(String(PDF.byteLength));
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Caf_ _plan__..__.pdf"; filename*=UTF-8''Caf%C3%A9%20_plan__.._%C3%BC.pdf`,
    );
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
    const events = await h.storage.repos.audit.list({
      filter: { action: 'message.download', targetId: attachmentId },
      limit: 10,
    });
    expect(events).toHaveLength(1);
  });

  it('sends a type that is not allowlisted as application/octet-stream', async () => {
    const sent = await h.send({
      to: [ann.email],
      files: [
        {
          name: 'page.html',
          contentType: 'text/html',
          bytes: new TextEncoder().encode('<script>alert(1)</script>'),
        },
      ],
    });
    const id = sent.deliveries[ann.email] as string;
    const res = await h.get(`/inbox/${id}/attachments/${await attachmentIdOf(id)}`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(await res.text()).toBe('<script>alert(1)</script>');
  });

  it('read-only: no forward, no download links, a watermark, print-protected; download 404s', async () => {
    const sent = await h.send({
      to: [ann.email],
      readOnly: true,
      files: [{ name: 'secret.pdf', contentType: 'application/pdf', bytes: PDF }],
    });
    const id = sent.deliveries[ann.email] as string;
    const html = await (await h.get(`/inbox/${id}`, cookie)).text();
    expect(html).not.toContain(`/inbox/${id}/forward`);
    expect(html).not.toContain('/attachments/');
    expect(html).toContain('secret.pdf');
    expect(html).toMatch(
      /class="sp-protected sp-watermark" data-watermark="ann@example\.org · 3 March 2025/,
    );
    expect(html).toContain('cannot stop someone taking a photo of the screen');
    expect(inlineCodeIn(html)).toEqual([]);

    const download = await h.get(`/inbox/${id}/attachments/${await attachmentIdOf(id)}`, cookie);
    expect(download.status).toBe(404);
    const forward = await h.get(`/inbox/${id}/forward`, cookie);
    expect(forward.status).toBe(404);
  });

  it('refuses a download once access has expired', async () => {
    const sent = await h.send({
      to: [ann.email],
      files: [{ name: 'a.pdf', contentType: 'application/pdf', bytes: PDF }],
    });
    const id = sent.deliveries[ann.email] as string;
    await h.setAccessEnd(id, addDays(h.clock.now(), -1));
    const res = await h.get(`/inbox/${id}/attachments/${await attachmentIdOf(id)}`, cookie);
    expect(res.status).toBe(404);
  });
});

describe('download headers', () => {
  it('keeps a name readable but never a path, a control character or a quote', () => {
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('a\\b/c.pdf')).toBe('a_b_c.pdf');
    expect(safeFileName('in\u0000vo\r\nice.pdf')).toBe('invoice.pdf');
    expect(safeFileName('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('say "hi".txt')).toBe('say _hi_.txt');
    expect(safeFileName('...')).toBe('download');
    expect(safeFileName('')).toBe('download');
    const long = `${'x'.repeat(300)}.docx`;
    expect(safeFileName(long)).toHaveLength(120);
    expect(safeFileName(long).endsWith('.docx')).toBe(true);
  });

  it('gives an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('Plan für Zoë (v2).pdf')).toBe(
      `attachment; filename="Plan f_r Zo_ (v2).pdf"; filename*=UTF-8''Plan%20f%C3%BCr%20Zo%C3%AB%20%28v2%29.pdf`,
    );
    expect(contentDisposition("O'Brien 100%;.pdf")).toBe(
      `attachment; filename="O_Brien 100__.pdf"; filename*=UTF-8''O_Brien%20100%25%3B.pdf`,
    );
  });

  it('allowlists content types and drops their parameters', () => {
    expect(downloadContentType('application/PDF')).toBe('application/pdf');
    expect(downloadContentType('text/plain; charset=utf-7')).toBe('text/plain');
    expect(downloadContentType('text/html')).toBe('application/octet-stream');
    expect(downloadContentType('image/svg+xml')).toBe('application/octet-stream');
    expect(downloadContentType('')).toBe('application/octet-stream');
    expect(attachmentHeaders({ name: 'a', contentType: 'x/y', size: 3 })).toEqual({
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="a"; filename*=UTF-8''a`,
      'Content-Length': '3',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
  });
});
