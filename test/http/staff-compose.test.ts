import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decryptText } from '../../core/messages/open-message.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import {
  COUNCIL_DOMAIN,
  csrfOf,
  type MailboxHarness,
  mailboxHarness,
  sharedCipher,
} from './mailbox-support.ts';
import { decodeEntities, hiddenFields, staffHelpers } from './staff-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const encoder = new TextEncoder();

describe('staff compose, preview and send', () => {
  let h: MailboxHarness;
  let s: ReturnType<typeof staffHelpers>;
  let cookie: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    s = staffHelpers(h);
    ({ cookie } = await s.signInWithTotp(h.sender.email));
  });
  afterEach(() => h.close());

  const goodFields = {
    to: 'ann@example.org, Colleague@Barnet.gov.uk',
    cc: 'bob@example.org',
    subject: 'Your assessment',
    body: 'Dear Ann,\n\nYour assessment is attached.\n<script>alert(1)</script>',
    readOnly: 'yes',
    accessDays: '',
    'accessDate-day': '',
    'accessDate-month': '',
    'accessDate-year': '',
    classification: 'OFFICIAL-SENSITIVE',
  };

  it('keeps everything typed when the form has problems (400, error summary)', async () => {
    const res = await h.post('/staff/compose', {
      cookie,
      formPage: '/staff/compose',
      fields: {
        to: 'ann@example.org, not-an-address',
        cc: '',
        subject: '',
        body: 'Kept body text',
        accessDays: '0',
        classification: 'OFFICIAL',
      },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<title>Error: ');
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('href="#to"');
    expect(html).toContain('href="#subject"');
    expect(html).toContain('href="#accessDays"');
    expect(html).toContain('ann@example.org, not-an-address');
    expect(html).toContain('Kept body text');
    expect(html).toMatch(/value="OFFICIAL" checked/);

    const badDate = await h.post('/staff/compose', {
      cookie,
      formPage: '/staff/compose',
      fields: {
        ...goodFields,
        'accessDate-day': '31',
        'accessDate-month': '2',
        'accessDate-year': '2030',
      },
    });
    expect(badDate.status).toBe(400);
    const dateHtml = await badDate.text();
    expect(dateHtml).toContain('href="#accessDate"');
    expect(dateHtml).toContain('value="31"');

    // Access may not outlast the council's retention (90 days here), nor ten years,
    // whether given as a date or as a number of days.
    for (const year of ['2099', '9999']) {
      const late = await h.post('/staff/compose', {
        cookie,
        formPage: '/staff/compose',
        fields: {
          ...goodFields,
          'accessDate-day': '31',
          'accessDate-month': '12',
          'accessDate-year': year,
        },
      });
      expect(late.status).toBe(400);
      const lateHtml = await late.text();
      expect(lateHtml).toContain('The end date must be no later than');
      expect(lateHtml).toContain(`value="${year}"`);
    }
    const tooManyDays = await h.post('/staff/compose', {
      cookie,
      formPage: '/staff/compose',
      fields: { ...goodFields, accessDays: '91' },
    });
    expect(tooManyDays.status).toBe(400);
    // The council's limit on addresses, not a fixed 100.
    h.settings.maxRecipients = 2;
    const tooMany = await h.post('/staff/compose', {
      cookie,
      formPage: '/staff/compose',
      fields: { ...goodFields, to: 'a@example.org, b@example.org, c@example.org' },
    });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain('There are too many addresses.');
    h.settings.maxRecipients = 100;
    expect(await tooManyDays.text()).toContain(
      'from 1 to 90: the council keeps messages for 90 days',
    );
  });

  it('previews, goes back to change, and sends with attachments streamed and encrypted', async () => {
    const compose = await h.get('/staff/compose', cookie);
    expect(compose.status).toBe(200);
    const form = await compose.text();
    expect(form).toContain('value="45"');

    const preview = await h.post('/staff/compose', {
      cookie,
      csrf: csrfOf(form) ?? '',
      fields: goodFields,
    });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('Check your message before sending');
    expect(html).toContain('ann@example.org, Colleague@barnet.gov.uk');
    expect(html).toContain('OFFICIAL-SENSITIVE');
    // Two of three are outside the council.
    expect(html).toContain('2 recipients are outside the council');
    // The script in the body is text, never markup.
    expect(html).not.toContain('<script>alert(1)');
    // The files are chosen on the form, so the preview's Send form is a plain one.
    expect(html).toMatch(/<form method="post" action="\/staff\/compose\/send" novalidate="">/);
    // The compose form itself is multipart, its token in the action's query.
    expect(form).toMatch(
      /<form method="post" action="\/staff\/compose\?_csrf=[^"]+" enctype="multipart\/form-data"/,
    );
    const fields = hiddenFields(html);
    expect(Object.fromEntries(fields).body).toBe(goodFields.body);

    // Change: the same fields back in the form.
    const change = await h.post('/staff/compose/edit', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: Object.fromEntries(fields),
    });
    expect(change.status).toBe(200);
    const changed = await change.text();
    expect(changed).toContain('Send a secure message');
    expect(decodeEntities(changed)).toContain('Your assessment is attached.');

    const pdf = encoder.encode('%PDF-1.4 pretend assessment '.repeat(2000));
    const sent = await s.postMultipart('/staff/compose/send', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: fields.filter(([name]) => name !== '_csrf'),
      files: [
        { name: 'assessment.pdf', type: 'application/pdf', bytes: pdf },
        { name: 'notes.txt', type: 'text/plain', bytes: encoder.encode('notes') },
      ],
    });
    expect(sent.status).toBe(303);
    const location = sent.headers.get('location') ?? '';
    expect(location).toMatch(/^\/staff\/compose\/sent\//);
    const confirm = await h.get(location, cookie);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Message sent');

    const messageId = decodeURIComponent(location.split('/').at(-1) ?? '');
    const message = await h.storage.repos.messages.findById({ id: messageId });
    expect(message?.classification).toBe('OFFICIAL-SENSITIVE');
    expect(message?.readOnly).toBe(true);
    expect(message?.source).toBe('web');
    const deliveries = await h.storage.repos.deliveries.listForMessage({ messageId });
    expect(deliveries.map((d) => `${d.kind}:${d.recipientEmail}`).sort()).toEqual([
      'cc:bob@example.org',
      `to:Colleague@${COUNCIL_DOMAIN}`,
      'to:ann@example.org',
    ]);
    // 45 days from the settings, by default.
    expect(deliveries[0]?.accessEndsAt.getTime()).toBe(h.clock.now().getTime() + 45 * 86_400_000);
    const files = await h.storage.repos.attachments.listForMessage({ messageId });
    expect(files).toHaveLength(2);
    const pdfRow = files.find((f) => f.size === pdf.byteLength);
    expect(pdfRow).toBeDefined();
    expect(await decryptText(h.deps, pdfRow?.nameEnc as Uint8Array)).toBe('assessment.pdf');
    // Stored encrypted: the blob is not the file.
    const blob = await h.deps.blobs.get({ id: pdfRow?.blobId ?? '' });
    const stored = await readAll(blob as ReadableStream<Uint8Array>);
    expect(Buffer.from(stored).includes(Buffer.from('pretend assessment'))).toBe(false);
    const decrypted = await readAll(
      await h.deps.cipher.decryptStream({ ciphertext: streamOf(stored) }),
    );
    expect(Buffer.from(decrypted).equals(Buffer.from(pdf))).toBe(true);

    // Each recipient is notified (the secure flow, for insiders too).
    const mails = await h.outbox();
    expect(
      mails
        .filter((m) => m.kind === 'notification')
        .map((m) => m.to)
        .sort(),
    ).toEqual([`Colleague@${COUNCIL_DOMAIN}`, 'ann@example.org', 'bob@example.org']);
  });

  it('uses an end date instead of days when one is given', async () => {
    const preview = await h.post('/staff/compose', {
      cookie,
      formPage: '/staff/compose',
      fields: {
        ...goodFields,
        'accessDate-day': '27',
        'accessDate-month': '3',
        'accessDate-year': '2025',
      },
    });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('27 March 2025 at 23:59');
    const sent = await s.postMultipart('/staff/compose/send', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: hiddenFields(html),
    });
    expect(sent.status).toBe(303);
    const messageId = decodeURIComponent(sent.headers.get('location')?.split('/').at(-1) ?? '');
    const [delivery] = await h.storage.repos.deliveries.listForMessage({ messageId });
    // The end of 27 March in London (GMT then): 23:59:59Z.
    expect(delivery?.accessEndsAt.toISOString()).toBe('2025-03-27T23:59:59.000Z');
  });

  it('refuses too many files and too many bytes with the preview again (400)', async () => {
    const preview = await h.post('/staff/compose', {
      cookie,
      formPage: '/staff/compose',
      fields: goodFields,
    });
    const html = await preview.text();
    const fields = hiddenFields(html);
    h.settings.maxAttachments = 2;
    const tooMany = await s.postMultipart('/staff/compose/send', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields,
      files: ['a', 'b', 'c'].map((n) => ({
        name: `${n}.txt`,
        type: 'text/plain',
        bytes: encoder.encode(n),
      })),
    });
    expect(tooMany.status).toBe(400);
    const tooManyHtml = await tooMany.text();
    // The recipients' wording, saying what to do; the text comes back in the form.
    expect(tooManyHtml).toContain(
      'You can attach up to 2 files. Choose your files again, 2 or fewer.',
    );
    expect(tooManyHtml).toContain('Send a secure message');
    expect(decodeEntities(tooManyHtml)).toContain('Your assessment is attached.');

    h.settings.maxAttachments = 10;
    h.settings.maxTotalBytes = 64 * 1024;
    const tooLarge = await s.postMultipart('/staff/compose/send', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields,
      files: [
        { name: 'big.bin', type: 'application/octet-stream', bytes: new Uint8Array(200_000) },
      ],
    });
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain(
      'The files must be 0.1 MB or smaller in total. Choose smaller files and attach them again.',
    );
    // Nothing was sent.
    expect(await h.storage.repos.messages.countSent({ senderId: h.sender.id })).toBe(0);
  });

  it('refuses a multipart send without its CSRF token', async () => {
    const preview = await h.post('/staff/compose', {
      cookie,
      formPage: '/staff/compose',
      fields: goodFields,
    });
    const res = await s.postMultipart('/staff/compose/send', {
      cookie,
      csrf: 'nope',
      fields: hiddenFields(await preview.text()),
    });
    expect(res.status).toBe(403);
  });

  it('replies securely from the staff inbox, and mails replies to staff when INTERNAL_DELIVERY=smtp', async () => {
    const ann = await h.addAccount('ann@example.org');
    const { messageId, deliveries } = await h.send({ to: [ann.email], subject: 'Care plan' });
    // Ann replies (as the recipient area does, through sendMessage with inReplyToId),
    // with the composition root's INTERNAL_DELIVERY=smtp.
    const reply = await sendMessage(
      { ...h.deps, internalDelivery: 'smtp' },
      { ...h.settings },
      {
        senderId: ann.id,
        to: [h.sender.email],
        cc: [],
        subject: 'Re: Care plan',
        body: 'Thank you, <b>received</b>.',
        bodyFormat: 'text',
        attachments: [
          {
            name: 'signed.pdf',
            contentType: 'application/pdf',
            content: streamOf(encoder.encode('x')),
          },
        ],
        readOnly: false,
        classification: null,
        source: 'web',
        inReplyToId: messageId,
      },
    );
    expect(reply.ok).toBe(true);
    const internal = (await h.outbox()).filter((m) => m.kind === 'internal-delivery');
    expect(internal).toHaveLength(1);
    expect(internal[0]?.to).toBe(h.sender.email);
    expect(internal[0]?.subject).toBe('Secure reply: Re: Care plan');
    expect(internal[0]?.text).toContain('Thank you, <b>received</b>.');
    expect(internal[0]?.text).toContain('signed.pdf');
    // The outbox row is encrypted at rest like every other.
    const rows = await h.storage.repos.outbox.claimDue({
      now: new Date('2100-01-01T00:00:00Z'),
      leaseUntil: new Date('2100-01-01T00:01:00Z'),
      limit: 100,
    });
    const row = rows.find((r) => r.kind === 'internal-delivery');
    expect(Buffer.from(row?.payloadEnc as Uint8Array).includes(Buffer.from('Thank you'))).toBe(
      false,
    );

    // Without the option (the default, portal), no internal delivery is queued.
    const portal = await sendMessage(
      h.deps,
      { ...h.settings },
      {
        senderId: ann.id,
        to: [h.sender.email],
        cc: [],
        subject: 'Again',
        body: 'b',
        bodyFormat: 'text',
        attachments: [],
        readOnly: false,
        classification: null,
        source: 'web',
        inReplyToId: messageId,
      },
    );
    expect(portal.ok).toBe(true);

    // The staff inbox lists the reply; opening it reuses openMessage (tracked, audited).
    const inbox = await h.get('/staff/inbox', cookie);
    const inboxHtml = await inbox.text();
    expect(inboxHtml).toContain('Re: Care plan');
    const replyDelivery = (
      await h.storage.repos.deliveries.listForMessage({
        messageId: reply.ok ? reply.messageId : '',
      })
    )[0];
    const open = await h.get(`/staff/inbox/${replyDelivery?.id}`, cookie);
    expect(open.status).toBe(200);
    const openHtml = await open.text();
    expect(openHtml).toContain('Thank you, &lt;b&gt;received&lt;/b&gt;.');
    expect(openHtml).toContain('Download signed.pdf');
    const opened = await h.storage.repos.deliveries.findById({ id: replyDelivery?.id ?? '' });
    expect(opened?.firstOpenedAt).not.toBeNull();
    const [attachment] = await h.storage.repos.attachments.listForMessage({
      messageId: reply.ok ? reply.messageId : '',
    });
    const download = await h.get(
      `/staff/inbox/${replyDelivery?.id}/attachments/${attachment?.id}`,
      cookie,
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('signed.pdf');
    expect(await download.text()).toBe('x');

    // Reply securely: the form comes addressed to Ann, as a reply to her message.
    const replyForm = await h.get(`/staff/compose?replyTo=${replyDelivery?.id}`, cookie);
    const replyHtml = await replyForm.text();
    expect(replyHtml).toContain('You are replying to');
    expect(replyHtml).toContain('ann@example.org');
    const preview = await h.post('/staff/compose', {
      cookie,
      csrf: csrfOf(replyHtml) ?? '',
      fields: {
        to: 'ann@example.org',
        cc: '',
        subject: 'Re: Re: Care plan',
        body: 'You are welcome.',
        accessDays: '10',
        classification: 'none',
        replyTo: replyDelivery?.id ?? '',
      },
    });
    const previewHtml = await preview.text();
    const sent = await s.postMultipart('/staff/compose/send', {
      cookie,
      csrf: csrfOf(previewHtml) ?? '',
      fields: hiddenFields(previewHtml),
    });
    expect(sent.status).toBe(303);
    const newId = decodeURIComponent(sent.headers.get('location')?.split('/').at(-1) ?? '');
    const answer = await h.storage.repos.messages.findById({ id: newId });
    expect(answer?.inReplyToId).toBe(reply.ok ? reply.messageId : '');
    expect(answer?.threadId).toBe(messageId);
    expect(deliveries[ann.email]).toBeDefined();
  });
});
