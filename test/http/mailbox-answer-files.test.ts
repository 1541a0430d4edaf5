import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { openDraft } from '../../core/messages/drafts.ts';
import { decryptText } from '../../core/messages/open-message.ts';
import {
  BASE,
  csrfOf,
  type MailboxHarness,
  mailboxHarness,
  sharedCipher,
  stable,
} from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const MINUTE = 60_000;
const encoder = new TextEncoder();
const ORIGINAL = {
  name: 'plan.pdf',
  contentType: 'application/pdf',
  bytes: encoder.encode('%PDF plan'),
};

/** A page less what changes per response, including the session-end form's `next` path. */
const same = (html: string) =>
  stable(html).replace(/<input type="hidden" name="next" value="[^"]*"\/>/g, '');

type Field = [string, string] | [string, { name: string; type: string; bytes: Uint8Array }];

/**
 * Replies, reply all and forwards that carry files, the page of a sent message, and a
 * reply written past the idle timeout: the real app over SQLite, the OpenPGP cipher
 * and the blob store, driven as a browser would (multipart, token in the action).
 */
describe('answers with files and sent messages', () => {
  let h: MailboxHarness;
  let ann: Account;
  let bob: Account;
  let annCookie: string;
  let annDelivery: string;
  let bobDelivery: string;
  let messageId: string;

  /** A multipart POST with the CSRF token in the query, as the forms send it. */
  const postFiles = (path: string, cookie: string, csrf: string | null, fields: Field[]) => {
    const form = new FormData();
    for (const [name, value] of fields) {
      if (typeof value === 'string') form.append(name, value);
      else
        form.append(
          name,
          new Blob([new Uint8Array(value.bytes)], { type: value.type }),
          value.name,
        );
    }
    const url = csrf
      ? `${path}${path.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf)}`
      : path;
    return h.app.request(`${BASE}${url}`, {
      method: 'POST',
      body: form,
      headers: { origin: BASE, cookie },
    });
  };
  const tokenOf = async (path: string, cookie: string) =>
    csrfOf(await (await h.get(path, cookie)).text());
  const sentBy = (account: Account) =>
    h.storage.repos.messages.listSent({ senderId: account.id, limit: 10, offset: 0 });
  const filesOf = async (id: string) =>
    Promise.all(
      (await h.storage.repos.attachments.listForMessage({ messageId: id })).map(async (a) => ({
        id: a.id,
        name: await decryptText(h.deps, a.nameEnc),
        size: a.size,
      })),
    );

  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher(), { settings: { maxAttachments: 3 } });
    ann = await h.addAccount('ann@example.org');
    bob = await h.addAccount('bob@example.org');
    const sent = await h.send({
      to: [ann.email, bob.email],
      subject: 'Your care plan',
      body: 'Please sign the plan.',
      files: [ORIGINAL],
    });
    messageId = sent.messageId;
    annDelivery = sent.deliveries[ann.email] as string;
    bobDelivery = sent.deliveries[bob.email] as string;
    annCookie = await h.signIn(ann.email);
  });
  afterEach(() => h.close());

  it('sends a reply with a file, threaded, and the sender can fetch the file', async () => {
    const path = `/inbox/${annDelivery}/reply`;
    const page = await (await h.get(path, annCookie)).text();
    expect(page).toContain('enctype="multipart/form-data"');
    expect(page).toContain('type="file"');
    const res = await postFiles(path, annCookie, csrfOf(page), [
      ['subject', 'Re: Your care plan'],
      ['body', 'Signed copy attached.'],
      [
        'attachments',
        { name: 'signed.pdf', type: 'application/pdf', bytes: encoder.encode('%PDF signed') },
      ],
    ]);
    expect(res.status).toBe(303);
    const [reply] = await sentBy(ann);
    expect(reply?.inReplyToId).toBe(messageId);
    const files = await filesOf(reply?.id ?? '');
    expect(files.map((f) => f.name)).toEqual(['signed.pdf']);

    // The council officer, who sent the original, downloads it from their inbox.
    const [officerCopy] = await h.storage.repos.deliveries.listForMessage({
      messageId: reply?.id ?? '',
    });
    const officer = await h.signIn(h.sender.email);
    const staffPage = await (await h.get(`/staff/inbox/${officerCopy?.id}`, officer)).text();
    expect(staffPage).toContain('signed.pdf');
    const fetched = await h.get(
      `/staff/inbox/${officerCopy?.id}/attachments/${files[0]?.id}`,
      officer,
    );
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe('%PDF signed');
    const sentPage = await (await h.get(`/sent/${reply?.id}`, annCookie)).text();
    expect(sentPage).toContain('Signed copy attached.');
    expect(sentPage).toContain('officer@barnet.gov.uk');
    const file = await h.get(`/sent/${reply?.id}/attachments/${files[0]?.id}`, annCookie);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('%PDF signed');
    const audit = await h.storage.repos.audit.list({ filter: { actorId: ann.id }, limit: 50 });
    const actions = audit.map((e) => e.action);
    // Re-reading what one wrote is not recorded as an open (core/messages/open-sent.ts:
    // it must not read as "opened" on a tracking page); fetching a file is a download.
    expect(actions).not.toContain('message.open');
    expect(actions).toContain('message.download');
  });

  it('refuses too many files with the compose wording, keeping the text', async () => {
    const path = `/inbox/${annDelivery}/reply?all=1`;
    const file = (n: number): Field => [
      'attachments',
      { name: `f${n}.txt`, type: 'text/plain', bytes: encoder.encode('x') },
    ];
    const res = await postFiles(path, annCookie, await tokenOf(path, annCookie), [
      ['subject', 'Re: Your care plan'],
      ['body', 'Four files, one too many.'],
      file(1),
      file(2),
      file(3),
      file(4),
    ]);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('You can attach up to 3 files. Choose your files again, 3 or fewer.');
    expect(html).toContain('Four files, one too many.');
    expect(await sentBy(ann)).toEqual([]);
  });

  it('forwards the original’s file, chosen not re-uploaded, with a new one', async () => {
    const path = `/inbox/${annDelivery}/forward`;
    const page = await (await h.get(path, annCookie)).text();
    const [original] = await filesOf(messageId);
    // The original's file is offered, ticked.
    expect(page).toMatch(new RegExp(`value="${original?.id}"[^>]*checked`));
    const res = await postFiles(path, annCookie, csrfOf(page), [
      ['to', 'colleague@barnet.gov.uk'],
      ['filesShown', '1'],
      ['keep', original?.id ?? ''],
      ['attachments', { name: 'notes.txt', type: 'text/plain', bytes: encoder.encode('my notes') }],
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/inbox/${annDelivery}?notice=forwarded`);
    const [forward] = await sentBy(ann);
    expect(forward?.inReplyToId).toBeNull();
    expect(forward?.secondFactorRequired).toBe(false);
    const files = await filesOf(forward?.id ?? '');
    expect(files.map((f) => f.name)).toEqual(['plan.pdf', 'notes.txt']);
    // Encrypted again from the stored blob: a new blob with the same content.
    const copy = await h.get(`/sent/${forward?.id}/attachments/${files[0]?.id}`, annCookie);
    expect(await copy.text()).toBe('%PDF plan');
    const body = await (await h.get(`/sent/${forward?.id}`, annCookie)).text();
    expect(body).toContain('Please sign the plan.');
    expect(body).toContain('Fwd: Your care plan');
    const colleague = await h.storage.repos.deliveries.listForMessage({
      messageId: forward?.id ?? '',
    });
    expect(colleague.map((d) => d.recipientEmail)).toEqual(['colleague@barnet.gov.uk']);
  });

  it('keeps a message’s second-factor mark on the new message a forward makes', async () => {
    const marked = await h.send({
      to: [ann.email],
      subject: 'Strategy meeting',
      body: 'The plan is agreed.',
      files: [ORIGINAL],
      secondFactorRequired: true,
    });
    const delivery = marked.deliveries[ann.email] as string;
    // Ann's session proved a second factor, so the marked message opens for her.
    for (const session of await h.storage.repos.sessions.listForAccount({ accountId: ann.id })) {
      await h.storage.repos.sessions.update({
        session: { ...session, secondFactorAt: h.clock.now() },
      });
    }
    const path = `/inbox/${delivery}/forward`;
    const res = await postFiles(path, annCookie, await tokenOf(path, annCookie), [
      ['to', 'colleague@barnet.gov.uk'],
      ['filesShown', '1'],
    ]);
    expect(res.status).toBe(303);
    // A new message (the files were chosen), protected for its new reader as well.
    const [forward] = await sentBy(ann);
    expect(forward?.id).not.toBe(marked.messageId);
    const stored = await h.storage.repos.messages.findById({ id: forward?.id ?? '' });
    expect(stored?.secondFactorRequired).toBe(true);
    const copies = await h.storage.repos.deliveries.listForMessage({ messageId: stored?.id ?? '' });
    expect(copies.map((d) => d.recipientEmail)).toEqual(['colleague@barnet.gov.uk']);
  });

  it('forwards without the original’s files when they are unticked', async () => {
    const path = `/inbox/${annDelivery}/forward`;
    const res = await postFiles(path, annCookie, await tokenOf(path, annCookie), [
      ['to', 'colleague@barnet.gov.uk'],
      ['filesShown', '1'],
    ]);
    expect(res.status).toBe(303);
    const [forward] = await sentBy(ann);
    expect(await filesOf(forward?.id ?? '')).toEqual([]);
  });

  it('answers 404 for files of another message, another person’s message, and sent pages not yours', async () => {
    const missing = same(await (await h.get('/sent/no-such-message', annCookie)).text());
    const other = await h.send({ to: [bob.email], subject: 'Bob only', files: [ORIGINAL] });
    const [foreign] = await filesOf(other.messageId);
    const path = `/inbox/${annDelivery}/forward`;
    const csrf = await tokenOf(path, annCookie);
    const refused = await postFiles(path, annCookie, csrf, [
      ['to', 'colleague@barnet.gov.uk'],
      ['filesShown', '1'],
      ['keep', foreign?.id ?? ''],
    ]);
    expect(refused.status).toBe(404);
    expect(same(await refused.text())).toBe(missing);
    // A message the person cannot read cannot be forwarded or replied to, files or not.
    for (const p of [`/inbox/${bobDelivery}/forward`, `/inbox/${bobDelivery}/reply`]) {
      const res = await postFiles(p, annCookie, csrf, [
        ['to', 'colleague@barnet.gov.uk'],
        ['body', 'x'],
        ['filesShown', '1'],
        ['keep', foreign?.id ?? ''],
      ]);
      expect(res.status, p).toBe(404);
      expect(same(await res.text()), p).toBe(missing);
    }
    expect(await sentBy(ann)).toEqual([]);

    // Ann's reply, with a file, is hers alone: Bob (a co-recipient of the original) and
    // the officer who received it get the 404 on its page and its file.
    const replyPath = `/inbox/${annDelivery}/reply`;
    await postFiles(replyPath, annCookie, await tokenOf(replyPath, annCookie), [
      ['subject', 'Re: Your care plan'],
      ['body', 'Mine.'],
      ['attachments', { name: 'mine.txt', type: 'text/plain', bytes: encoder.encode('mine') }],
    ]);
    const [reply] = await sentBy(ann);
    const [file] = await filesOf(reply?.id ?? '');
    const bobCookie = await h.signIn(bob.email);
    const bobMissing = same(await (await h.get('/sent/no-such-message', bobCookie)).text());
    for (const p of [
      `/sent/${reply?.id}`,
      `/sent/${reply?.id}/attachments/${file?.id}`,
      `/sent/${messageId}`,
    ]) {
      const res = await h.get(p, bobCookie);
      expect(res.status, p).toBe(404);
      expect(same(await res.text()), p).toBe(bobMissing);
    }
    // The original's file through ann's sent page: not hers, not found.
    const viaAnn = await h.get(`/sent/${reply?.id}/attachments/${foreign?.id}`, annCookie);
    expect(viaAnn.status).toBe(404);
  });

  it('refuses the new POSTs without a CSRF token', async () => {
    for (const p of [
      `/inbox/${annDelivery}/reply`,
      `/inbox/${annDelivery}/reply?all=1`,
      `/inbox/${annDelivery}/forward`,
    ]) {
      const res = await postFiles(p, annCookie, null, [
        ['subject', 'Re: x'],
        ['body', 'x'],
        ['to', 'colleague@barnet.gov.uk'],
        ['attachments', { name: 'a.txt', type: 'text/plain', bytes: encoder.encode('a') }],
      ]);
      expect(res.status, p).toBe(403);
    }
    expect(await sentBy(ann)).toEqual([]);
  });

  it('saves a reply sent after the timeout as a draft that, sent later, still threads', async () => {
    const path = `/inbox/${annDelivery}/reply?all=1`;
    const csrf = await tokenOf(path, annCookie);
    h.clock.advance(16 * MINUTE);
    const res = await postFiles(path, annCookie, csrf, [
      ['subject', 'Re: Your care plan'],
      ['body', 'Typed over lunch.'],
      ['attachments', { name: 'lost.txt', type: 'text/plain', bytes: encoder.encode('lost') }],
    ]);
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    const draftId = /[?&]draft=([^&]+)/.exec(location)?.[1] ?? '';
    expect(location).toMatch(/^\/compose\/signed-out\?idle=\d+&files=1&draft=/);
    const saved = await openDraft(h.deps, { accountId: ann.id, draftId });
    expect(saved?.content.body).toBe('Typed over lunch.');
    expect(saved?.content.inReplyToId).toBe(messageId);
    expect(saved?.content.answer).toEqual({
      kind: 'reply-all',
      deliveryId: annDelivery,
      keepFileIds: [],
    });
    expect(await sentBy(ann)).toEqual([]);

    const signedOut = await (await h.get(location)).text();
    expect(signedOut).toContain('Files you attached were not saved.');
    expect(signedOut).toContain(`/sign-in?next=${encodeURIComponent(`/drafts/${draftId}`)}`);

    const fresh = await h.signIn(ann.email);
    const opened = await h.get(`/drafts/${draftId}`, fresh);
    expect(opened.status).toBe(303);
    const replyUrl = opened.headers.get('location') ?? '';
    expect(replyUrl).toBe(`/inbox/${annDelivery}/reply?all=1&draft=${draftId}`);
    const form = await (await h.get(replyUrl, fresh)).text();
    expect(form).toContain('This message was saved when you were signed out');
    expect(form).toContain('Typed over lunch.');
    expect(form).toContain(`name="draftId" value="${draftId}"`);

    const sent = await postFiles(path, fresh, csrfOf(form), [
      ['draftId', draftId],
      ['subject', 'Re: Your care plan'],
      ['body', 'Typed over lunch.'],
    ]);
    expect(sent.status).toBe(303);
    const [reply] = await sentBy(ann);
    expect(reply?.inReplyToId).toBe(messageId);
    expect(reply?.threadId).toBe(messageId);
    expect(await openDraft(h.deps, { accountId: ann.id, draftId })).toBeNull();
  });

  it('saves a forward sent after the timeout with its addresses and ticks', async () => {
    const path = `/inbox/${annDelivery}/forward`;
    const csrf = await tokenOf(path, annCookie);
    h.clock.advance(16 * MINUTE);
    const res = await postFiles(path, annCookie, csrf, [
      ['to', 'colleague@barnet.gov.uk'],
      ['filesShown', '1'],
    ]);
    expect(res.status).toBe(303);
    const draftId = /[?&]draft=([^&]+)/.exec(res.headers.get('location') ?? '')?.[1] ?? '';
    const saved = await openDraft(h.deps, { accountId: ann.id, draftId });
    expect(saved?.content.to).toEqual(['colleague@barnet.gov.uk']);
    expect(saved?.content.answer).toEqual({
      kind: 'forward',
      deliveryId: annDelivery,
      keepFileIds: [],
    });
    const fresh = await h.signIn(ann.email);
    const opened = await h.get(`/drafts/${draftId}`, fresh);
    expect(opened.headers.get('location')).toBe(`/inbox/${annDelivery}/forward?draft=${draftId}`);
    const form = await (await h.get(opened.headers.get('location') ?? '', fresh)).text();
    expect(form).toContain('value="colleague@barnet.gov.uk"');
    // The file was unticked when it was saved, and stays unticked.
    expect(form).not.toMatch(/name="keep"[^>]*checked/);
  });
});
