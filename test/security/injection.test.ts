import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentName } from '../../adapters/gateway/parse-mail.ts';
import { safeNextPath } from '../../adapters/http/areas/public/paths.ts';
import { contentDisposition } from '../../adapters/http/areas/recipient/download-headers.ts';
import { composeOptions, parseSender } from '../../adapters/mail/message.ts';
import { csvField } from '../../core/audit/export.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import { findUnsafeHeader } from '../../core/mail/outbox-worker.ts';
import { safeFileName } from '../../core/shared/file-names.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { sharedCipher } from '../http/mailbox-support.ts';
import { countCases, runsFor } from './support/counts.ts';
import { expectNoInlineCode } from './support/headers.ts';
import { BASE, COUNCIL, openWorld, type World } from './support/world.ts';

const keys = sharedCipher();
let w: World;
beforeAll(async () => {
  w = await openWorld(keys.cipher(), {
    // Replies to staff are also mailed to them: their subject and text reach an email.
    env: { INTERNAL_DELIVERY: 'smtp', SMTP_URL: 'smtp://127.0.0.1:2525' },
    areaOptions: { signInLimit: 100_000 },
  });
}, 120_000);
afterAll(async () => {
  await w?.close();
  keys.close();
});

/** Markup and script in every form that has broken a mail or messaging portal before. */
const MARKUP = [
  '<script>window.__pwned=1</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</textarea><script>alert(1)</script>',
  '<iframe src="https://evil.example"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '<style>body{display:none}</style>',
  '<!--<script>alert(1)//-->',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '{{constructor.constructor("alert(1)")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, as typed.
  '${alert(1)}',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
];
/** Line breaks that would start a new mail header if they ever reached one. */
const CRLF = [
  'Hello\r\nBcc: victim@evil.example',
  'Hello\nX-Injected: yes',
  'Hello\rTo: x@evil.example',
];

// Characters that must never survive into a file name, a path or a redirect: finding
// them is the point of these patterns.
// biome-ignore lint/suspicious/noControlCharactersInRegex: see above.
const SEPARATOR_OR_CONTROL = /[/\\\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: see above.
const SEPARATOR_CONTROL_OR_BIDI = /[/\\\u0000-\u001f\u202a-\u202e]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: see above.
const SPACE_BACKSLASH_OR_CONTROL = /[\s\\\u0000-\u001f\u007f]/;
const UNSAFE_IN_A_NAME =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: see above.
  /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Every payload must show as text: none of its markup may appear as markup. */
function expectInert(html: string, what: string): void {
  expectNoInlineCode(html, what);
  for (const payload of MARKUP) {
    if (payload.includes('<')) expect(html, `${what}: ${payload}`).not.toContain(payload);
  }
  expect(html, what).not.toMatch(/<(iframe|svg|math|object|embed)\b/i);
}

async function page(path: string, cookie: string): Promise<string> {
  const res = await w.get(path, cookie);
  expect(res.status, path).toBeLessThan(400);
  return res.text();
}

describe('what people type is shown as text, everywhere it is shown', () => {
  it('subjects, bodies, file names and display names of a message', async ({ task }) => {
    const { ann, olive } = w.people;
    let n = 0;
    for (const payload of MARKUP) {
      // The sender's display name carries it too (staff names come from Outlook's From).
      await w.storage.repos.accounts.update({
        account: { ...olive, displayName: `Olive ${payload}` },
      });
      const sent = await w.send({
        from: olive,
        to: [ann.email],
        subject: `Plan ${payload}`,
        body: `Body ${payload}`,
        files: [
          { name: `file ${payload}.pdf`, contentType: 'text/html', bytes: new Uint8Array([60]) },
        ],
      });
      const deliveryId = sent.deliveries[ann.email] as string;
      for (const path of [
        '/inbox',
        `/inbox/${deliveryId}`,
        `/inbox/${deliveryId}/reply`,
        `/inbox/${deliveryId}/forward`,
        `/inbox/${deliveryId}/delete`,
      ]) {
        expectInert(await page(path, w.cookies.ann), `${path} ${payload}`);
        n += 1;
      }
      for (const path of ['/staff/sent', `/staff/sent/${sent.messageId}`]) {
        expectInert(await page(path, w.cookies.olive), `${path} ${payload}`);
        n += 1;
      }
      // The file is offered as a download, never as a page of ours.
      const download = await w.get(
        `/inbox/${deliveryId}/attachments/${sent.attachmentIds[0]}`,
        w.cookies.ann,
      );
      expect(download.headers.get('content-type')).toBe('application/octet-stream');
      expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(download.headers.get('content-disposition')).not.toMatch(/[\r\n]/);
      n += 1;
    }
    await w.storage.repos.accounts.update({ account: olive });
    countCases(task, 'injection: payloads rendered', n);
  });

  it('replies from a recipient, in the staff inbox and the staff member’s email', async ({
    task,
  }) => {
    const { ann, olive } = w.people;
    let n = 0;
    for (const payload of MARKUP) {
      const original = await w.send({ from: olive, to: [ann.email], subject: 'Question' });
      const deliveryId = original.deliveries[ann.email] as string;
      const res = await w.post(`/inbox/${deliveryId}/reply`, {
        cookie: w.cookies.ann,
        csrf: w.tokens.ann,
        fields: { subject: `Re: ${payload}`, body: `Answer ${payload}` },
      });
      expect(res.status).toBe(303);
      n += 1;
    }
    const inbox = await page('/staff/inbox', w.cookies.olive);
    expectInert(inbox, 'staff inbox');
    const replies = await w.storage.repos.deliveries.listForMessage({
      messageId:
        (await w.storage.repos.messages.listSent({ senderId: ann.id, limit: 1, offset: 0 }))[0]
          ?.id ?? '',
    });
    for (const reply of replies) {
      expectInert(await page(`/staff/inbox/${reply.id}`, w.cookies.olive), 'staff message');
      n += 1;
    }
    countCases(task, 'injection: payloads rendered', n);
  });

  it('contact names, notes, group names and drafts', async ({ task }) => {
    let n = 0;
    for (const [i, payload] of MARKUP.entries()) {
      const add = await w.post('/contacts', {
        cookie: w.cookies.ann,
        csrf: w.tokens.ann,
        fields: { name: `C ${payload}`.slice(0, 100), email: `c${i}@${COUNCIL}`, note: payload },
      });
      expect(add.status).toBe(303);
      const save = await w.post('/compose/autosave', {
        cookie: w.cookies.ann,
        csrf: w.tokens.ann,
        fields: { to: `x${i}@${COUNCIL}`, subject: `Draft ${payload}`, body: payload },
      });
      expect(save.status).toBe(200);
      expectInert(await save.text(), 'autosave status');
      n += 2;
    }
    const contacts = await w.storage.repos.contacts.listForOwner({ ownerId: w.people.ann.id });
    const group = await w.post('/contacts/groups', {
      cookie: w.cookies.ann,
      csrf: w.tokens.ann,
      fields: [
        ['name', `G ${MARKUP[0]}`.slice(0, 100)],
        ['members', contacts[0]?.id ?? ''],
      ],
    });
    expect(group.status).toBe(303);
    const drafts = await w.storage.repos.drafts.listForAccount({
      accountId: w.people.ann.id,
      limit: 50,
      offset: 0,
    });
    const paths = [
      '/contacts',
      '/contacts/groups',
      '/compose',
      '/drafts',
      '/contacts/suggest?to=c',
      ...contacts.map((c) => `/contacts/${c.id}`),
      ...drafts.map((d) => `/drafts/${d.id}`),
    ];
    for (const path of paths) {
      expectInert(await page(path, w.cookies.ann), path);
      n += 1;
    }
    countCases(task, 'injection: payloads rendered', n);
  });

  it('input echoed back on a form that failed, and values in the query string', async ({
    task,
  }) => {
    const delivery = (await w.send({ from: w.people.olive, to: [w.people.ann.email] })).deliveries[
      w.people.ann.email
    ] as string;
    let n = 0;
    for (const payload of MARKUP) {
      const answers: Array<[string, Response]> = [
        [
          'forward to',
          await w.post(`/inbox/${delivery}/forward`, {
            cookie: w.cookies.ann,
            csrf: w.tokens.ann,
            fields: { to: payload },
          }),
        ],
        [
          'sign-in email',
          await w.post('/sign-in', {
            csrf: w.anonymousToken('/sign-in'),
            fields: { email: payload, password: 'x', next: `/inbox?x=${payload}` },
          }),
        ],
        [
          'reset email',
          await w.post('/reset', { csrf: w.anonymousToken('/reset'), fields: { email: payload } }),
        ],
        [
          'contact',
          await w.post('/contacts', {
            cookie: w.cookies.ann,
            csrf: w.tokens.ann,
            fields: { name: payload, email: payload, note: '' },
          }),
        ],
        [
          'staff compose',
          await w.post('/staff/compose', {
            cookie: w.cookies.olive,
            csrf: w.tokens.olive,
            fields: {
              to: payload,
              cc: payload,
              subject: payload,
              body: payload,
              accessDays: payload,
            },
          }),
        ],
        ['sign-in next', await w.get(`/sign-in?next=${encodeURIComponent(`/${payload}`)}`)],
        [
          'lang and notice',
          await w.get(
            `/inbox?lang=${encodeURIComponent(payload)}&notice=${encodeURIComponent(payload)}&page=${encodeURIComponent(payload)}`,
            w.cookies.ann,
          ),
        ],
        ['help topic', await w.get(`/help/${encodeURIComponent(payload)}`)],
      ];
      for (const [what, res] of answers) {
        expect(res.status, what).toBeLessThan(500);
        expectInert(await res.text(), `${what}: ${payload}`);
        n += 1;
      }
    }
    countCases(task, 'injection: payloads rendered', n);
  });

  it('an HTML body goes through the sanitiser on the recipient’s and the staff page', async ({
    task,
  }) => {
    const html = [
      '<p>Dear Ann,</p>',
      '<a href="https://example.org/ok">fine link</a>',
      ...MARKUP,
      '<img src="https://tracker.example/pixel.gif">',
      '<form action="https://evil.example"><input name="password"></form>',
      '<base href="https://evil.example/">',
      '<meta http-equiv="refresh" content="0;url=https://evil.example">',
      '<div style="position:fixed;top:0">fake banner</div>',
      '<a href=" javascript:alert(1)">spaced</a><a href="jav&#x09;ascript:alert(1)">tab</a>',
    ].join('\n');
    const toAnn = await w.send({
      from: w.people.olive,
      to: [w.people.ann.email],
      bodyFormat: 'html',
      body: html,
    });
    const toOlive = await w.send({
      from: w.people.ann,
      to: [w.people.olive.email],
      bodyFormat: 'html',
      body: html,
    });
    const views = [
      await page(`/inbox/${toAnn.deliveries[w.people.ann.email]}`, w.cookies.ann),
      await page(`/staff/inbox/${toOlive.deliveries[w.people.olive.email]}`, w.cookies.olive),
    ];
    for (const view of views) {
      expectInert(view, 'html body');
      expect(view).toContain('Dear Ann,');
      expect(view).toContain('href="https://example.org/ok"');
      expect(view).not.toMatch(/tracker\.example|<form[^>]*evil|<base\b|http-equiv|position:fixed/);
    }
    countCases(task, 'injection: payloads rendered', 2);
  });
});

describe('nothing typed reaches an email header', () => {
  /** The raw header block nodemailer writes for a queued mail. */
  async function headersOf(mail: Parameters<typeof readOutboxMail>[1]): Promise<string[]> {
    const content = await readOutboxMail({ cipher: w.app.cipher }, mail);
    expect(findUnsafeHeader(content), mail.kind).toBeNull();
    const raw = await new MailComposer(
      composeOptions({
        id: mail.id,
        mail: content,
        sender: parseSender('Barnet Council <no-reply@barnet.gov.uk>'),
      }),
    )
      .compile()
      .build();
    const head = raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
    return head.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
  }

  it('CR and LF in a subject are refused before anything is stored', async ({ task }) => {
    const delivery = (await w.send({ from: w.people.olive, to: [w.people.ann.email] })).deliveries[
      w.people.ann.email
    ] as string;
    const before = w.fingerprint();
    for (const subject of CRLF) {
      const reply = await w.post(`/inbox/${delivery}/reply`, {
        cookie: w.cookies.ann,
        csrf: w.tokens.ann,
        fields: { subject, body: 'x' },
      });
      expect(reply.status).toBe(400);
      const compose = await w.post('/staff/compose', {
        cookie: w.cookies.olive,
        csrf: w.tokens.olive,
        fields: { to: w.people.ann.email, subject, body: 'x', accessDays: '7' },
      });
      expect(compose.status).toBe(400);
      await expect(
        w.send({ from: w.people.olive, to: [w.people.ann.email], subject }),
      ).rejects.toThrow(/subject/);
    }
    expect(w.fingerprint()).toBe(before);
    countCases(task, 'injection: payloads rendered', CRLF.length * 3);
  });

  it('display names, subjects and bodies with line breaks stay out of every queued mail’s headers', async ({
    task,
  }) => {
    const { ann, olive } = w.people;
    const sneaky = { ...olive, displayName: `Olive\r\nBcc: victim@evil.example\r\n${MARKUP[0]}` };
    await w.storage.repos.accounts.update({ account: sneaky });
    await w.send({ from: sneaky, to: [ann.email], subject: 'Plain', body: CRLF.join('\n') });
    const original = await w.send({ from: olive, to: [ann.email], subject: 'Q' });
    await w.post(`/inbox/${original.deliveries[ann.email]}/reply`, {
      cookie: w.cookies.ann,
      csrf: w.tokens.ann,
      fields: { subject: `Re: ${MARKUP[0]}`, body: `${CRLF[0]}\n${MARKUP[1]}` },
    });
    const mails = await w.storage.repos.outbox.claimDue({
      now: new Date('2100-01-01T00:00:00Z'),
      leaseUntil: new Date('2000-01-01T00:00:00Z'),
      limit: 10_000,
    });
    expect(mails.some((m) => m.kind === 'internal-delivery')).toBe(true);
    const allowed =
      /^(Content-Type|From|To|Subject|Message-ID|Date|MIME-Version|Content-Transfer-Encoding|Auto-Submitted):/i;
    let n = 0;
    for (const mail of mails) {
      const headers = await headersOf(mail);
      for (const line of headers) expect(line, `${mail.kind}: ${line}`).toMatch(allowed);
      expect(headers.filter((l) => /^To:/i.test(l))).toHaveLength(1);
      expect(headers.join('\n')).not.toMatch(/evil\.example|X-Injected/i);
      const content = await readOutboxMail({ cipher: w.app.cipher }, mail);
      if (content.html) expectInert(content.html, `${mail.kind} html part`);
      n += 1;
    }
    await w.storage.repos.accounts.update({ account: olive });
    countCases(task, 'injection: payloads rendered', n);
  });
});

describe('file names', () => {
  const NAMES = [
    '../../../etc/passwd',
    '..\\..\\windows\\win.ini',
    '/etc/shadow',
    'C:\\Users\\ann\\report.pdf',
    'a\u0000b.pdf',
    'invoice\u202Efdp.exe',
    'report"; filename="evil.html',
    'name\r\nContent-Type: text/html',
    '.htaccess',
    '..',
    '.',
    ' ',
    'CON',
    `${'x'.repeat(300)}.pdf`,
    '%2e%2e%2fetc%2fpasswd',
    '<script>alert(1)</script>.html',
  ];

  it('uploaded with path traversal or control characters, are stored by id and offered safely', async ({
    task,
  }) => {
    const form = new FormData();
    form.append('to', `officer@${COUNCIL}`);
    form.append('subject', 'Files');
    form.append('body', 'Files');
    for (const name of NAMES.slice(0, 10)) {
      form.append('attachments', new Blob([new Uint8Array([1, 2, 3])]), name);
    }
    const sent = await w.request('POST', `/compose?_csrf=${encodeURIComponent(w.tokens.ann)}`, {
      cookie: w.cookies.ann,
      headers: { origin: BASE },
      body: form,
    });
    expect(sent.status).toBe(303);
    // Blobs are named by random id only: nothing of a file name reaches the disk.
    for (const file of w.blobFiles()) expect(file).toMatch(/^[A-Za-z0-9_-]{2}\/[A-Za-z0-9_-]+$/);
    // Sent directly too (the gateway passes Outlook's names on), then downloaded.
    for (const names of [NAMES.slice(0, 8), NAMES.slice(8)]) {
      const direct = await w.send({
        from: w.people.olive,
        to: [w.people.ann.email],
        files: names.map((name) => ({
          name,
          contentType: 'application/pdf',
          bytes: new Uint8Array([1]),
        })),
      });
      const delivery = direct.deliveries[w.people.ann.email] as string;
      expectInert(await page(`/inbox/${delivery}`, w.cookies.ann), 'message with odd names');
      for (const id of direct.attachmentIds) {
        const res = await w.get(`/inbox/${delivery}/attachments/${id}`, w.cookies.ann);
        expect(res.status).toBe(200);
        const disposition = res.headers.get('content-disposition') ?? '';
        const [ascii = ''] = /filename="([^"]*)"/.exec(disposition)?.slice(1) ?? [];
        // No separator survives, so a `..` left inside a name cannot climb out of a folder.
        expect(ascii).not.toMatch(SEPARATOR_OR_CONTROL);
        expect(ascii.startsWith('.')).toBe(false);
        expect(disposition).not.toMatch(/[\r\n]/);
        expect(
          decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(disposition)?.[1] ?? ''),
        ).not.toMatch(SEPARATOR_CONTROL_OR_BIDI);
      }
    }
    countCases(task, 'injection: payloads rendered', NAMES.length + 10);
  });

  it('are safe for any input: downloads, exports and mail attachments (property)', async ({
    task,
  }) => {
    const runs = runsFor(3_000);
    const nasty = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom(...NAMES),
      fc
        .array(
          fc.constantFrom('..', '/', '\\', '.', ' ', '\u202e', '\u0000', '\r\n', 'a', '€', '"'),
          {
            maxLength: 40,
          },
        )
        .map((parts) => parts.join('')),
    );
    const unsafe = UNSAFE_IN_A_NAME;
    fc.assert(
      fc.property(nasty, (name) => {
        // One rule for downloads and exports alike.
        for (const clean of [safeFileName(name), safeFileName(name, 'file')]) {
          expect(clean.length).toBeGreaterThan(0);
          expect(clean).not.toMatch(unsafe);
          expect(clean.startsWith('.')).toBe(false);
          expect([...clean].length).toBeLessThanOrEqual(120);
        }
        const header = contentDisposition(name);
        expect(() => new Headers({ 'content-disposition': header })).not.toThrow();
        expect(header).toMatch(
          /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]*$/,
        );
        const given = attachmentName({ filename: name, contentType: 'application/pdf' }, 1);
        expect(given).not.toMatch(SEPARATOR_OR_CONTROL);
        expect(given === '.' || given === '..' || given === '').toBe(false);
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: redirects, file names, CSV cells', runs);
  });
});

describe('redirects after sign-in go only to local paths', () => {
  const ATTACKS = [
    'https://evil.example/',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '/\t/evil.example',
    ' //evil.example',
    '/%2F%2Fevil.example',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/inbox\r\nLocation: https://evil.example',
    'https:evil.example',
    '\u3002/evil.example',
    '/\u2215evil.example',
  ];

  it('keeps next= on this site, over HTTP', async ({ task }) => {
    let n = 0;
    const person = await w.addAccount(`next-${w.ids.newId().slice(0, 6)}@example.org`);
    for (const next of ATTACKS) {
      const res = await w.post('/sign-in', {
        csrf: w.anonymousToken('/sign-in'),
        fields: { email: person.email, password: GOOD_PASSWORD, next },
      });
      expect(res.status).toBe(303);
      const location = res.headers.get('location') ?? '';
      expect(new URL(location, BASE).origin, `${JSON.stringify(next)} -> ${location}`).toBe(BASE);
      expect(location, next).toMatch(/^\/(?![/\\])/);
      const signedIn = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const again = await w.get(`/sign-in?next=${encodeURIComponent(next)}`, signedIn);
      expect(new URL(again.headers.get('location') ?? '', BASE).origin, next).toBe(BASE);
      n += 2;
    }
    countCases(task, 'injection: payloads rendered', n);
  });

  it('accepts only local paths for any input (property)', ({ task }) => {
    const runs = runsFor(20_000);
    const candidate = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom(...ATTACKS),
      fc
        .array(
          fc.constantFrom(
            '/',
            '\\',
            '.',
            ':',
            'evil.example',
            '%2f',
            '\t',
            ' ',
            '@',
            'http',
            '\u3002',
          ),
          {
            maxLength: 12,
          },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(candidate, (next) => {
        const safe = safeNextPath(next);
        if (safe === null) return;
        expect(new URL(safe, BASE).origin).toBe(BASE);
        expect(safe).toMatch(/^\/(?![/\\])/);
        expect(safe).not.toMatch(SPACE_BACKSLASH_OR_CONTROL);
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: redirects, file names, CSV cells', runs);
  });
});

describe('the audit export opens safely in a spreadsheet', () => {
  /** The cells of one CSV line (RFC 4180 quoting). */
  function cells(line: string): string[] {
    const out: string[] = [];
    let at = 0;
    while (at <= line.length) {
      if (line[at] === '"') {
        let value = '';
        at += 1;
        while (at < line.length) {
          if (line[at] === '"' && line[at + 1] === '"') {
            value += '"';
            at += 2;
          } else if (line[at] === '"') {
            at += 1;
            break;
          } else value += line[at++];
        }
        out.push(value);
        at += 1;
      } else {
        const end = line.indexOf(',', at);
        out.push(line.slice(at, end < 0 ? line.length : end));
        at = end < 0 ? line.length + 1 : end + 1;
      }
    }
    return out;
  }

  it('never starts a cell with a formula, whatever the text (property)', ({ task }) => {
    const runs = runsFor(5_000);
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .tuple(
          fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ','),
          fc.string({ maxLength: 20 }),
        )
        .map(([a, b]) => `${a}${b}`),
    );
    fc.assert(
      fc.property(text, text, (a, b) => {
        const line = `${csvField(a)},${csvField(b)}`;
        const [first = '', second = ''] = cells(line);
        for (const cell of [first, second]) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        // A quoted cell keeps its line breaks inside quotes: the row stays one row.
        expect(cells(line)).toHaveLength(2);
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: redirects, file names, CSV cells', runs);
  });

  it('neutralises a formula in a real address as an auditor downloads it', async ({ task }) => {
    const sneaky = '=2+5+cmd|calc@example.org';
    const account = await w.addAccount(sneaky);
    await w.post('/sign-in', {
      csrf: w.anonymousToken('/sign-in'),
      fields: { email: account.email, password: 'not it at all' },
    });
    const res = await w.get('/admin/audit.csv', w.cookies.audrey);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const csv = await res.text();
    expect(csv).toContain(`'${sneaky}`);
    for (const line of csv.split('\r\n')) {
      for (const cell of cells(line)) expect(cell).not.toMatch(/^[=+\-@]/);
    }
    countCases(task, 'injection: payloads rendered', 1);
  });
});

describe('forms take only the fields they expect', () => {
  it('an extra owner field does not move a contact to someone else (mass assignment)', async ({
    task,
  }) => {
    const res = await w.post('/contacts', {
      cookie: w.cookies.ann,
      csrf: w.tokens.ann,
      fields: {
        name: 'Assigned',
        email: `assigned@${COUNCIL}`,
        note: '',
        ownerId: w.people.bob.id,
        id: 'chosen-id',
        accountId: w.people.bob.id,
      },
    });
    expect(res.status).toBe(303);
    const bob = await w.storage.repos.contacts.listForOwner({ ownerId: w.people.bob.id });
    expect(bob.some((c) => c.email === `assigned@${COUNCIL}`)).toBe(false);
    const ann = await w.storage.repos.contacts.listForOwner({ ownerId: w.people.ann.id });
    const made = ann.find((c) => c.email === `assigned@${COUNCIL}`);
    expect(made?.id).not.toBe('chosen-id');
    countCases(task, 'injection: payloads rendered', 1);
  });

  it('__proto__ and constructor fields pollute nothing (prototype pollution)', async ({ task }) => {
    const probes: Array<[string, string]> = [
      ['__proto__[polluted]', 'yes'],
      ['__proto__.polluted', 'yes'],
      ['constructor[prototype][polluted]', 'yes'],
      ['__proto__', 'yes'],
      ['name', 'Proto'],
      ['email', `proto@${COUNCIL}`],
      ['note', ''],
    ];
    const res = await w.post('/contacts', {
      cookie: w.cookies.ann,
      csrf: w.tokens.ann,
      fields: probes,
    });
    expect(res.status).toBeLessThan(500);
    const form = new FormData();
    for (const [k, v] of probes) form.append(k, v);
    await w.request('POST', `/compose/save?_csrf=${encodeURIComponent(w.tokens.ann)}`, {
      cookie: w.cookies.ann,
      headers: { origin: BASE },
      body: form,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    countCases(task, 'injection: payloads rendered', 2);
  });

  it('an id is taken from the path only, never from the query or the form', async ({ task }) => {
    const anns = (await w.send({ from: w.people.olive, to: [w.people.ann.email] })).deliveries[
      w.people.ann.email
    ] as string;
    const bobs = (await w.send({ from: w.people.olive, to: [w.people.bob.email] })).deliveries[
      w.people.bob.email
    ] as string;
    const before = w.fingerprint();
    const res = await w.post(`/inbox/${anns}/delete?id=${bobs}&deliveryId=${bobs}`, {
      cookie: w.cookies.bob,
      csrf: w.tokens.bob,
      fields: { id: bobs, deliveryId: bobs },
    });
    expect(res.status).toBe(404);
    expect(w.fingerprint()).toBe(before);
    countCases(task, 'injection: payloads rendered', 1);
  });
});
