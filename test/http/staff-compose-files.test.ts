import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDrafts, openDraft } from '../../core/messages/drafts.ts';
import { readAll } from '../../core/shared/streams.ts';
import { stringsFor } from '../../views/strings/index.ts';
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
const MINUTE = 60_000;
const en = stringsFor('en');

// Staff attach files on the compose page itself: they go, encrypted, into the message's
// draft, are listed on the form and the preview, and are sent with the message. The
// sender re-reads what they sent; nobody else can.
describe('staff compose with files, drafts and re-reading what was sent', () => {
  let h: MailboxHarness;
  let s: ReturnType<typeof staffHelpers>;
  let cookie: string;
  let csrf: string;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
    s = staffHelpers(h);
    cookie = await h.signIn(h.sender.email);
    csrf = csrfOf(await (await h.get('/staff/compose', cookie)).text()) ?? '';
  });
  afterEach(() => h.close());

  const typed: Array<[string, string]> = [
    ['replyTo', ''],
    ['draftId', ''],
    ['to', 'ann@example.org'],
    ['cc', `colleague@${COUNCIL_DOMAIN}`],
    ['subject', 'Two scans'],
    ['body', 'Please see the two scans.'],
    ['readOnly', 'yes'],
    ['accessDays', '12'],
    ['accessDate-day', ''],
    ['accessDate-month', ''],
    ['accessDate-year', ''],
    ['classification', 'OFFICIAL'],
  ];
  const withDraft = (draftId: string) =>
    typed.map(([k, v]): [string, string] => [k, k === 'draftId' ? draftId : v]);
  const scanA = encoder.encode('%PDF-1.4 scan A '.repeat(500));
  const scanB = encoder.encode('%PDF-1.4 scan B '.repeat(700));
  const twoScans = [
    { name: 'scan-a.pdf', type: 'application/pdf', bytes: scanA },
    { name: 'scan-b.pdf', type: 'application/pdf', bytes: scanB },
  ];
  const draftsOf = (accountId: string) =>
    listDrafts(h.deps, { accountId }).then((list) => list.map((d) => d.draft));

  it('attaches two files on the form; the preview lists and keeps them; Send sends both', async () => {
    const preview = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: [...typed, ['action', 'preview']],
      files: twoScans,
    });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('Check your message before sending');
    expect(html).toContain('scan-a.pdf');
    expect(html).toContain('scan-b.pdf');
    // Kept in the message's draft, encrypted: the preview names it.
    const fields = hiddenFields(html);
    const draftId = Object.fromEntries(fields).draftId ?? '';
    expect(draftId).not.toBe('');
    const staged = await h.storage.repos.attachments.listForDraft({ draftId });
    expect(staged.map((f) => f.size).sort((a, b) => a - b)).toEqual([
      scanA.byteLength,
      scanB.byteLength,
    ]);
    const stored = await readAll(
      (await h.deps.blobs.get({ id: staged[0]?.blobId ?? '' })) as ReadableStream<Uint8Array>,
    );
    expect(Buffer.from(stored).includes(Buffer.from('scan A'))).toBe(false);

    // Change and back: still attached.
    const change = await h.post('/staff/compose/edit', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: Object.fromEntries(fields),
    });
    const changed = await change.text();
    expect(changed).toContain('scan-a.pdf');
    expect(changed).toMatch(/name="remove" value="[^"]+"/);

    // Send is a plain form: the files come from the draft.
    const sent = await h.post('/staff/compose/send', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: Object.fromEntries(fields),
    });
    expect(sent.status).toBe(303);
    const messageId = decodeURIComponent(sent.headers.get('location')?.split('/').at(-1) ?? '');
    const files = await h.storage.repos.attachments.listForMessage({ messageId });
    expect(files).toHaveLength(2);
    for (const [file, bytes] of [
      [files.find((f) => f.size === scanA.byteLength), scanA],
      [files.find((f) => f.size === scanB.byteLength), scanB],
    ] as const) {
      const blob = await h.deps.blobs.get({ id: file?.blobId ?? '' });
      const plain = await readAll(
        await h.deps.cipher.decryptStream({ ciphertext: blob as ReadableStream<Uint8Array> }),
      );
      expect(Buffer.from(plain).equals(Buffer.from(bytes))).toBe(true);
    }
    const message = await h.storage.repos.messages.findById({ id: messageId });
    expect(message?.readOnly).toBe(true);
    expect(message?.classification).toBe('OFFICIAL');
    // The draft and its staged copies are gone.
    expect(await draftsOf(h.sender.id)).toHaveLength(0);
    expect(await h.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(0);
    expect(await h.deps.blobs.get({ id: staged[0]?.blobId ?? '' })).toBeNull();
  });

  it('counts files only: exactly the limit in files plus the text is accepted, a byte more refused', async () => {
    h.settings.maxTotalBytes = 64 * 1024;
    const exact = [
      { name: 'half-1.bin', type: 'application/octet-stream', bytes: new Uint8Array(32 * 1024) },
      { name: 'half-2.bin', type: 'application/octet-stream', bytes: new Uint8Array(32 * 1024) },
    ];
    const ok = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: typed,
      files: exact,
    });
    expect(ok.status).toBe(200);
    const okHtml = await ok.text();
    expect(okHtml).toContain('Check your message before sending');
    const sent = await h.post('/staff/compose/send', {
      cookie,
      csrf: csrfOf(okHtml) ?? '',
      fields: Object.fromEntries(hiddenFields(okHtml)),
    });
    expect(sent.status).toBe(303);

    const over = [
      exact[0] as (typeof exact)[number],
      {
        name: 'one-more.bin',
        type: 'application/octet-stream',
        bytes: new Uint8Array(32 * 1024 + 1),
      },
    ];
    const refused = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: typed,
      files: over,
    });
    expect(refused.status).toBe(400);
    const html = decodeEntities(await refused.text());
    // The recipients' wording, word for word, and everything typed kept.
    expect(html).toContain(en.compose.problems.tooLarge('0.1 MB'));
    expect(html).toContain('Please see the two scans.');
    expect(html).toContain('value="Two scans"');
    expect(html).toContain('value="12"');
    expect(html).toMatch(/value="OFFICIAL" checked/);
    expect(html).toContain('href="#attachments"');
  });

  it('saves a draft with its files, keeps them when more are refused, and removes one', async () => {
    h.settings.maxAttachments = 2;
    const saved = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: [...typed, ['action', 'save']],
      files: [twoScans[0] as (typeof twoScans)[number]],
    });
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location') ?? '';
    expect(location).toMatch(/^\/staff\/drafts\/[^/?]+\?done=saved$/);
    const draftId = decodeURIComponent(location.split('/').at(-1)?.split('?')[0] ?? '');
    const page = await (await h.get(location, cookie)).text();
    expect(page).toContain('Draft saved');
    expect(page).toContain('scan-a.pdf');
    expect(page).toContain('value="Two scans"');
    expect(page).toContain('value="12"');
    expect(page).toMatch(/value="yes" checked/);
    const drafts = await (await h.get('/staff/drafts', cookie)).text();
    expect(drafts).toContain('Two scans');

    // Two more would make three: refused in the shared words; the one kept stays.
    const tooMany = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: withDraft(draftId),
      files: twoScans,
    });
    expect(tooMany.status).toBe(400);
    const tooManyHtml = decodeEntities(await tooMany.text());
    expect(tooManyHtml).toContain(en.compose.problems.tooManyFiles(2));
    expect(tooManyHtml).toContain('scan-a.pdf');
    expect(tooManyHtml).not.toContain('scan-b.pdf');
    const staged = await h.storage.repos.attachments.listForDraft({ draftId });
    expect(staged).toHaveLength(1);

    // Remove: a button of the same form, so what was typed since is saved too.
    const removed = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: [
        ...withDraft(draftId).map(([k, v]): [string, string] =>
          k === 'subject' ? [k, 'Two scans, changed'] : [k, v],
        ),
        ['remove', staged[0]?.id ?? ''],
      ],
    });
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe(`/staff/drafts/${draftId}?done=removed`);
    expect(await h.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(0);
    expect(await h.deps.blobs.get({ id: staged[0]?.blobId ?? '' })).toBeNull();
    const after = await (await h.get(`/staff/drafts/${draftId}?done=removed`, cookie)).text();
    expect(after).toContain('File removed');
    expect(after).toContain('value="Two scans, changed"');

    // Deleting the draft takes its files with it.
    const again = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: [...withDraft(draftId), ['action', 'save']],
      files: [twoScans[1] as (typeof twoScans)[number]],
    });
    expect(again.status).toBe(303);
    const [file] = await h.storage.repos.attachments.listForDraft({ draftId });
    const del = await h.post(`/staff/drafts/${draftId}/delete`, { cookie, csrf, fields: {} });
    expect(del.status).toBe(303);
    expect(await draftsOf(h.sender.id)).toHaveLength(0);
    expect(await h.deps.blobs.get({ id: file?.blobId ?? '' })).toBeNull();
  });

  it("gives another staff member the same 404 for a draft, its files and a sent message's files", async () => {
    const saved = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: [...typed, ['action', 'save']],
      files: twoScans,
    });
    const draftId = decodeURIComponent(
      saved.headers.get('location')?.split('/').at(-1)?.split('?')[0] ?? '',
    );
    const [file] = await h.storage.repos.attachments.listForDraft({ draftId });
    const { messageId } = await h.send({
      to: ['ann@example.org'],
      files: [{ name: 'plan.pdf', contentType: 'application/pdf', bytes: scanA }],
    });
    const [sentFile] = await h.storage.repos.attachments.listForMessage({ messageId });

    await s.addStaff('sara', 'sender');
    await s.addStaff('audrey', 'auditor');
    const sara = await h.signIn(`sara@${COUNCIL_DOMAIN}`);
    const saraCsrf = csrfOf(await (await h.get('/staff/compose', sara)).text()) ?? '';
    const missing = await h.get(`/staff/drafts/${h.deps.ids.newId()}`, sara);
    expect(missing.status).toBe(404);
    const theirs = await h.get(`/staff/drafts/${draftId}`, sara);
    expect(theirs.status).toBe(404);
    const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
    expect(title(await theirs.text())).toBe(title(await missing.text()));
    expect(
      (await h.post(`/staff/drafts/${draftId}/delete`, { cookie: sara, csrf: saraCsrf })).status,
    ).toBe(404);
    // Naming another's draft on the form never touches it: a new draft of her own.
    const remove = await s.postMultipart('/staff/compose', {
      cookie: sara,
      csrf: saraCsrf,
      fields: [...withDraft(draftId), ['remove', file?.id ?? '']],
    });
    expect(remove.status).toBe(303);
    expect(remove.headers.get('location')).not.toContain(draftId);
    expect(await h.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(2);
    // Sending with another's draft sends none of its files, and nothing at all.
    const send = await h.post('/staff/compose/send', {
      cookie: sara,
      csrf: saraCsrf,
      fields: Object.fromEntries(withDraft(draftId)),
    });
    expect(send.status).toBe(400);
    expect(await send.text()).toContain('That draft no longer exists.');
    expect(await h.storage.repos.messages.countSent({ senderId: h.sender.id })).toBe(1);

    // The sent message: tracking and the file are 404 for another sender.
    expect((await h.get(`/staff/sent/${messageId}`, sara)).status).toBe(404);
    const download = `/staff/sent/${messageId}/attachments/${sentFile?.id}`;
    expect((await h.get(download, sara)).status).toBe(404);
    // An auditor sees the tracking but neither the text nor the file.
    const audrey = await s.signInWithTotp(`audrey@${COUNCIL_DOMAIN}`);
    const audited = await h.get(`/staff/sent/${messageId}`, audrey.cookie);
    expect(audited.status).toBe(200);
    const auditedHtml = await audited.text();
    expect(auditedHtml).not.toContain('please find your plan attached');
    expect(auditedHtml).not.toContain('/attachments/');
    expect((await h.get(download, audrey.cookie)).status).toBe(404);
    expect((await h.get(`/staff/drafts/${draftId}`, audrey.cookie)).status).toBe(404);
  });

  it('lets the sender re-read the text and download a file, audited as a download', async () => {
    const { messageId } = await h.send({
      to: ['ann@example.org'],
      body: 'Hello Ann,\n\nHere is <b>your</b> plan.',
      files: [{ name: 'plan.pdf', contentType: 'application/pdf', bytes: scanA }],
    });
    const [file] = await h.storage.repos.attachments.listForMessage({ messageId });
    const page = await h.get(`/staff/sent/${messageId}`, cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Here is &lt;b&gt;your&lt;/b&gt; plan.');
    expect(html).toContain(`href="/staff/sent/${messageId}/attachments/${file?.id}"`);
    // The per-recipient status is beside it, as before.
    expect(html).toContain('ann@example.org');
    const download = await h.get(`/staff/sent/${messageId}/attachments/${file?.id}`, cookie);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('plan.pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(scanA))).toBe(true);
    const events = await h.storage.repos.audit.list({
      filter: { targetId: file?.id ?? '', action: 'message.download' },
      limit: 10,
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.actorId).toBe(h.sender.id);
    expect(events[0]?.details.messageId).toBe(messageId);
  });

  it('saves the message as a draft when the session timed out, and leads back to it', async () => {
    const saved = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: [...typed, ['action', 'save']],
      files: [twoScans[0] as (typeof twoScans)[number]],
    });
    const draftId = decodeURIComponent(
      saved.headers.get('location')?.split('/').at(-1)?.split('?')[0] ?? '',
    );
    h.clock.advance(31 * MINUTE);
    const res = await h.post('/staff/compose/send', {
      cookie,
      csrf,
      fields: Object.fromEntries(
        withDraft(draftId).map(([k, v]) => [k, k === 'body' ? 'Written slowly.' : v]),
      ),
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toBe(`/staff/signed-out?draft=${draftId}&idle=30`);
    expect(res.headers.getSetCookie().join('\n')).toMatch(/__Host-sealpost_session=;/);
    expect(await h.storage.repos.messages.countSent({ senderId: h.sender.id })).toBe(0);
    const opened = await openDraft(h.deps, { accountId: h.sender.id, draftId });
    expect(opened?.content.body).toBe('Written slowly.');
    expect(opened?.content.savedOnTimeout).toBe(true);
    expect(opened?.content.staff?.accessDays).toBe('12');
    expect(await h.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(1);

    const page = await (await h.get(location)).text();
    expect(page).toContain('You have been signed out');
    expect(page).toContain(`/sign-in?next=${encodeURIComponent(`/staff/drafts/${draftId}`)}`);
    // The spent cookie saves nothing more.
    const again = await h.post('/staff/compose', { cookie, csrf, fields: { subject: 'x' } });
    expect(again.status).toBe(403);

    const fresh = await h.signIn(h.sender.email);
    const back = await (await h.get(`/staff/drafts/${draftId}`, fresh)).text();
    expect(back).toContain('This message was saved when you were signed out');
    expect(back).toContain('Written slowly.');
    expect(back).toContain('scan-a.pdf');
  });

  it('refuses the new forms without their CSRF token', async () => {
    const saved = await s.postMultipart('/staff/compose', {
      cookie,
      csrf,
      fields: [...typed, ['action', 'save']],
    });
    const draftId = decodeURIComponent(
      saved.headers.get('location')?.split('/').at(-1)?.split('?')[0] ?? '',
    );
    expect(
      (await h.post(`/staff/drafts/${draftId}/delete`, { cookie, csrf: 'nope', fields: {} }))
        .status,
    ).toBe(403);
    expect((await h.post(`/staff/drafts/${draftId}/delete`, { cookie, fields: {} })).status).toBe(
      403,
    );
    const noToken = await s.postMultipart('/staff/compose', {
      cookie,
      csrf: 'nope',
      fields: [...typed, ['action', 'save']],
      files: twoScans,
    });
    expect(noToken.status).toBe(403);
    expect(await draftsOf(h.sender.id)).toHaveLength(1);
  });
});
