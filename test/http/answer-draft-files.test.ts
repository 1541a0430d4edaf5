import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { decryptText } from '../../core/messages/open-message.ts';
import { en } from '../../views/strings/en.ts';
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

const encoder = new TextEncoder();
const KB = 1024;
type Field = [string, string] | [string, { name: string; bytes: Uint8Array }];

/**
 * Reply, Reply all and Forward drafts keep their files as "Write a message" drafts do:
 * Save as draft stages them (encrypted) in the draft, the page lists them with Remove,
 * Send sends them with any new ones within one set of limits, and deleting the draft
 * (or sending it) removes them. The real app over SQLite and the OpenPGP cipher.
 */
describe('reply and forward drafts keep their files', () => {
  let h: MailboxHarness;
  let ann: Account;
  let annCookie: string;
  let annDelivery: string;
  let bobDelivery: string;
  let bobCookie: string;

  async function setUp(settings: { maxAttachments?: number; maxTotalBytes?: number } = {}) {
    h = await mailboxHarness(keys.cipher(), { settings: { maxAttachments: 3, ...settings } });
    ann = await h.addAccount('ann@example.org');
    const bob = await h.addAccount('bob@example.org');
    const sent = await h.send({
      to: [ann.email, bob.email],
      subject: 'Your care plan',
      body: 'Please sign the plan.',
      files: [{ name: 'plan.pdf', contentType: 'application/pdf', bytes: encoder.encode('%PDF') }],
    });
    annDelivery = sent.deliveries[ann.email] as string;
    bobDelivery = sent.deliveries[bob.email] as string;
    annCookie = await h.signIn(ann.email);
    bobCookie = await h.signIn(bob.email);
  }
  afterEach(() => h?.close());

  const post = (path: string, cookie: string, csrf: string, fields: Field[]) => {
    const form = new FormData();
    for (const [name, value] of fields) {
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, new Blob([new Uint8Array(value.bytes)]), value.name);
    }
    const url = `${path}${path.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf)}`;
    return h.app.request(`${BASE}${url}`, {
      method: 'POST',
      body: form,
      headers: { origin: BASE, cookie },
    });
  };
  const file = (name: string, bytes: Uint8Array | string): Field => [
    'attachments',
    { name, bytes: typeof bytes === 'string' ? encoder.encode(bytes) : bytes },
  ];
  const page = async (path: string, cookie: string) => {
    const html = await (await h.get(path, cookie)).text();
    return { html, csrf: csrfOf(html) ?? '' };
  };
  const draftOf = (location: string) => new URL(location, BASE).searchParams.get('draft') ?? '';
  const sentFiles = async (account: Account) => {
    const [message] = await h.storage.repos.messages.listSent({
      senderId: account.id,
      limit: 10,
      offset: 0,
    });
    const files = await h.storage.repos.attachments.listForMessage({
      messageId: message?.id ?? '',
    });
    return (await Promise.all(files.map((f) => decryptText(h.deps, f.nameEnc)))).sort();
  };
  const removeActions = (html: string) =>
    [...html.matchAll(/formaction="([^"]*[?&]amp;remove=[^"]+|[^"]*\?remove=[^"]+)"/g)].map((m) =>
      (m[1] ?? '').replaceAll('&amp;', '&'),
    );

  it('reply: saves two files, reopens them, removes one, sends the other with a new one', async () => {
    await setUp();
    const path = `/inbox/${annDelivery}/reply`;
    const form = await page(path, annCookie);
    expect(form.html).toContain('Save as draft');
    expect(form.html).not.toContain('not kept');
    const saved = await post(`${path}?save=1`, annCookie, form.csrf, [
      ['subject', 'Re: Your care plan'],
      ['body', 'Signed pages attached.'],
      file('page-1.pdf', '%PDF-1'),
      file('page-2.pdf', '%PDF-2'),
    ]);
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${path}\\?draft=[^&]+&saved=saved$`));
    const draftId = draftOf(location);
    expect(await h.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(2);

    // The drafts list opens it as the reply again, with its files listed.
    const fromDrafts = await h.get(`/drafts/${draftId}`, annCookie);
    expect(fromDrafts.status).toBe(303);
    const reopened = await page(location, annCookie);
    expect(reopened.html).toContain('Your draft has been saved');
    expect(reopened.html).toContain('Signed pages attached.');
    expect(reopened.html).toContain('page-1.pdf');
    expect(reopened.html).toContain('page-2.pdf');
    const actions = removeActions(reopened.html);
    expect(actions).toHaveLength(2);

    const removed = await post(
      actions[1]?.replace(/&_csrf=[^&]*/, '') ?? '',
      annCookie,
      form.csrf,
      [
        ['draftId', draftId],
        ['subject', 'Re: Your care plan'],
        ['body', 'Signed page attached.'],
      ],
    );
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe(`${path}?draft=${draftId}&saved=removed`);
    const after = await page(removed.headers.get('location') ?? '', annCookie);
    expect(after.html).toContain('The file has been removed');
    expect(after.html).toContain('Signed page attached.');
    expect(after.html).toContain('page-1.pdf');
    expect(after.html).not.toContain('page-2.pdf');

    const sent = await post(path, annCookie, form.csrf, [
      ['draftId', draftId],
      ['subject', 'Re: Your care plan'],
      ['body', 'Signed page attached.'],
      file('letter.txt', 'hello'),
    ]);
    expect(sent.status).toBe(303);
    expect(await sentFiles(ann)).toEqual(['letter.txt', 'page-1.pdf']);
    expect(await h.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(0);
    expect(await h.storage.repos.drafts.findById({ id: draftId })).toBeNull();
  });

  it('reply: staged and new files count together, exactly the limit accepted', async () => {
    await setUp({ maxTotalBytes: 64 * KB });
    const path = `/inbox/${annDelivery}/reply`;
    const { csrf } = await page(path, annCookie);
    const saved = await post(`${path}?save=1`, annCookie, csrf, [
      ['subject', 'Re: Your care plan'],
      ['body', 'Half now'],
      file('half-1.bin', new Uint8Array(32 * KB)),
    ]);
    const draftId = draftOf(saved.headers.get('location') ?? '');
    const over = await post(path, annCookie, csrf, [
      ['draftId', draftId],
      ['subject', 'Re: Your care plan'],
      ['body', 'Typed and kept'],
      file('over.bin', new Uint8Array(32 * KB + 1)),
    ]);
    expect(over.status).toBe(400);
    const html = await over.text();
    expect(html).toContain(en.compose.problems.tooLarge('0.1 MB'));
    expect(html).toContain('Typed and kept');
    expect(html).toContain('half-1.bin');
    const tooMany = await post(path, annCookie, csrf, [
      ['draftId', draftId],
      ['subject', 'Re: Your care plan'],
      ['body', 'Typed and kept'],
      file('a.txt', 'a'),
      file('b.txt', 'b'),
      file('c.txt', 'c'),
    ]);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain(en.compose.problems.tooManyFiles(3));
    expect(await sentFiles(ann)).toEqual([]);
    const exact = await post(path, annCookie, csrf, [
      ['draftId', draftId],
      ['subject', 'Re: Your care plan'],
      ['body', 'Both halves'],
      file('half-2.bin', new Uint8Array(32 * KB)),
    ]);
    expect(exact.status).toBe(303);
    expect(await sentFiles(ann)).toEqual(['half-1.bin', 'half-2.bin']);
  });

  it('forward: keeps the ticks and a file of its own, and sends them as a new message', async () => {
    await setUp();
    const path = `/inbox/${annDelivery}/forward`;
    const form = await page(path, annCookie);
    const saved = await post(`${path}?save=1`, annCookie, form.csrf, [
      ['to', 'colleague@barnet.gov.uk'],
      ['filesShown', '1'],
      file('note.txt', 'my note'),
    ]);
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location') ?? '';
    const draftId = draftOf(location);
    const reopened = await page(location, annCookie);
    expect(reopened.html).toContain('value="colleague@barnet.gov.uk"');
    expect(reopened.html).toContain('note.txt');
    // The original's file was unticked, and stays unticked.
    expect(reopened.html).not.toMatch(/name="keep" [^>]*checked/);
    const sent = await post(path, annCookie, form.csrf, [
      ['draftId', draftId],
      ['to', 'colleague@barnet.gov.uk'],
      ['filesShown', '1'],
    ]);
    expect(sent.status).toBe(303);
    expect(await sentFiles(ann)).toEqual(['note.txt']);
    expect(await h.storage.repos.drafts.findById({ id: draftId })).toBeNull();
  });

  it("answers another person's draft file exactly like a missing one, and deleting removes files", async () => {
    await setUp();
    const bobPath = `/inbox/${bobDelivery}/reply`;
    const bobForm = await page(bobPath, bobCookie);
    const bobSaved = await post(`${bobPath}?save=1`, bobCookie, bobForm.csrf, [
      ['body', 'Bob’s reply'],
      file('bob.pdf', '%PDF-bob'),
    ]);
    const bobsDraft = draftOf(bobSaved.headers.get('location') ?? '');
    const [bobsFile] = await h.storage.repos.attachments.listForDraft({ draftId: bobsDraft });

    const path = `/inbox/${annDelivery}/reply`;
    const { csrf } = await page(path, annCookie);
    const mine = await post(`${path}?save=1`, annCookie, csrf, [
      ['body', 'Ann’s reply'],
      file('ann.pdf', '%PDF-ann'),
    ]);
    const annsDraft = draftOf(mine.headers.get('location') ?? '');
    const attempt = (draftId: string, fileId: string) =>
      post(`${path}?remove=${fileId}`, annCookie, csrf, [
        ['draftId', draftId],
        ['body', 'Ann’s reply'],
      ]);
    const theirs = await attempt(bobsDraft, bobsFile?.id ?? '');
    const theirsInMine = await attempt(annsDraft, bobsFile?.id ?? '');
    const missing = await attempt(annsDraft, 'no-such-file');
    for (const res of [theirs, theirsInMine, missing]) expect(res.status).toBe(404);
    const baseline = stable(await missing.text());
    expect(stable(await theirs.text())).toBe(baseline);
    expect(stable(await theirsInMine.text())).toBe(baseline);
    expect(await h.storage.repos.attachments.listForDraft({ draftId: bobsDraft })).toHaveLength(1);
    // Bob's delivery, through Ann's session: the same 404.
    const bobsMessage = await post(`${bobPath}?save=1`, annCookie, csrf, [['body', 'x']]);
    expect(bobsMessage.status).toBe(404);

    // Deleting Ann's draft deletes its file and the stored copy.
    const [annsFile] = await h.storage.repos.attachments.listForDraft({ draftId: annsDraft });
    const token = csrfOf(await (await h.get('/drafts', annCookie)).text()) ?? '';
    const del = await h.app.request(`${BASE}/drafts/${annsDraft}/delete`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: token }).toString(),
      headers: {
        origin: BASE,
        cookie: annCookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    expect(del.status).toBe(303);
    expect(await h.storage.repos.attachments.findById({ id: annsFile?.id ?? '' })).toBeNull();
    expect(await h.deps.blobs.get({ id: annsFile?.blobId ?? '' })).toBeNull();
  });
});
