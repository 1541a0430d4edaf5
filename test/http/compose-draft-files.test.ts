import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { en } from '../../views/strings/en.ts';
import {
  type ComposeHarness,
  composeHarness,
  type Part,
  withoutTokens,
} from './compose-harness.ts';

const encoder = new TextEncoder();

/** "Write a message" drafts keep their files: staged encrypted, listed, removable, sent. */
describe('recipient drafts keep their files', () => {
  let h: ComposeHarness;
  let cookie: string;
  let csrf: string;

  beforeEach(async () => {
    h = await composeHarness();
    await h.addPerson('ann@example.org');
    cookie = await h.signIn('ann@example.org');
    csrf = await h.tokenFrom('/compose', cookie);
  });
  afterEach(() => h.close());

  const typed = (over: Record<string, string> = {}): Part[] =>
    Object.entries({
      to: 'officer@barnet.gov.uk',
      cc: '',
      subject: 'Signed forms',
      body: 'Please see the two scans.',
      ...over,
    }).map(([name, value]) => ({ name, value }));
  const file = (filename: string, content: string | Uint8Array): Part => ({
    name: 'attachments',
    filename,
    content: typeof content === 'string' ? encoder.encode(content) : content,
  });
  const withToken = (path: string) => `${path}?_csrf=${encodeURIComponent(csrf)}`;
  const idFrom = (location: string) => location.slice('/drafts/'.length, location.indexOf('?'));
  const annId = async () =>
    (await h.app.storage.repos.accounts.findByEmailKey({ emailKey: 'ann@example.org' }))?.id ?? '';
  const removeButtons = (html: string) =>
    [
      ...html.matchAll(/formaction="(\/drafts\/[^"/]+\/files\/([^"/]+)\/remove\?_csrf=[^"]+)"/g),
    ].map((m) => ({ action: (m[1] ?? '').replaceAll('&amp;', '&'), fileId: m[2] ?? '' }));
  const sentFiles = async () => {
    const [message] = await h.app.storage.repos.messages.listSent({
      senderId: await annId(),
      limit: 10,
      offset: 0,
    });
    const files = await h.app.storage.repos.attachments.listForMessage({
      messageId: message?.id ?? '',
    });
    return Promise.all(
      files.map(async (f) =>
        new TextDecoder().decode(await h.app.cipher.decryptBytes({ ciphertext: f.nameEnc })),
      ),
    );
  };

  it('saves two files, reopens them, removes one, and sends the other with a new one', async () => {
    const saved = await h.postMultipart(withToken('/compose/save'), {
      cookie,
      parts: [...typed(), file('scan-a.pdf', '%PDF-a'), file('scan-b.pdf', '%PDF-bb')],
    });
    expect(saved.res.status).toBe(303);
    const location = saved.res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/drafts\/[^/?]+\?saved=1$/);
    const draftId = idFrom(location);
    const staged = await h.app.storage.repos.attachments.listForDraft({ draftId });
    expect(staged).toHaveLength(2);
    // Stored encrypted: neither the name nor the bytes appear as typed.
    expect(Buffer.from(staged[0]?.nameEnc ?? []).toString('latin1')).not.toContain('scan-');

    const page = await (await h.get(location, cookie)).text();
    expect(page).toContain('Your draft has been saved');
    expect(page).toContain('scan-a.pdf');
    expect(page).toContain('scan-b.pdf');
    expect(page).toContain(en.compose.filesKept);
    expect(page).not.toContain('not kept');
    const buttons = removeButtons(page);
    expect(buttons).toHaveLength(2);

    // Remove scan-a: the whole form posts, so a changed subject is saved with it.
    const scanA = staged.find((f) => buttons.some((b) => b.fileId === f.id));
    const removeA = buttons[0];
    const removed = await h.postMultipart(removeA?.action ?? '', {
      cookie,
      parts: [...typed({ subject: 'Signed forms (one)' }), { name: 'draftId', value: draftId }],
    });
    expect(removed.res.status).toBe(303);
    expect(removed.res.headers.get('location')).toBe(`/drafts/${draftId}?saved=removed`);
    const after = await (await h.get(`/drafts/${draftId}?saved=removed`, cookie)).text();
    expect(after).toContain('The file has been removed');
    expect(after).toContain('value="Signed forms (one)"');
    expect(removeButtons(after)).toHaveLength(1);
    const left = await h.app.storage.repos.attachments.listForDraft({ draftId });
    expect(left).toHaveLength(1);
    expect(left[0]?.id).not.toBe(removeA?.fileId);
    expect(await h.app.blobs.get({ id: scanA?.blobId ?? '' })).toBeNull();

    // Send: the staged file plus one chosen now; the draft and its staged copies go.
    const sent = await h.postMultipart(withToken('/compose'), {
      cookie,
      parts: [...typed(), { name: 'draftId', value: draftId }, file('letter.txt', 'hello')],
    });
    expect(sent.res.status).toBe(303);
    expect(sent.res.headers.get('location')).toBe('/sent?sent=1');
    const names = await sentFiles();
    expect(names.sort()).toEqual(
      [after.includes('scan-a.pdf') ? 'scan-a.pdf' : 'scan-b.pdf', 'letter.txt'].sort(),
    );
    expect(await h.app.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(0);
    expect(await h.app.blobs.get({ id: left[0]?.blobId ?? '' })).toBeNull();
    expect((await h.get(`/drafts/${draftId}`, cookie)).status).toBe(404);
  });

  it('deleting a draft deletes its files', async () => {
    const saved = await h.postMultipart(withToken('/compose/save'), {
      cookie,
      parts: [...typed(), file('scan-a.pdf', '%PDF-a')],
    });
    const draftId = idFrom(saved.res.headers.get('location') ?? '');
    const [staged] = await h.app.storage.repos.attachments.listForDraft({ draftId });
    expect(await h.app.blobs.get({ id: staged?.blobId ?? '' })).not.toBeNull();
    const token = await h.tokenFrom('/drafts', cookie);
    const deleted = await h.postForm(`/drafts/${draftId}/delete`, { cookie, csrf: token });
    expect(deleted.status).toBe(303);
    expect(await h.app.storage.repos.attachments.findById({ id: staged?.id ?? '' })).toBeNull();
    expect(await h.app.blobs.get({ id: staged?.blobId ?? '' })).toBeNull();
  });

  it('counts staged and new files together: exactly the limit is sent, a byte more refused', async () => {
    await h.app.settings.update({ maxTotalBytes: 64 * 1024, maxAttachments: 3 });
    const saved = await h.postMultipart(withToken('/compose/save'), {
      cookie,
      parts: [...typed(), file('half-1.bin', new Uint8Array(32 * 1024))],
    });
    expect(saved.res.status).toBe(303);
    const draftId = idFrom(saved.res.headers.get('location') ?? '');

    // Saving one byte over (staged + new) is refused, the text kept, the staged file kept.
    const saveOver = await h.postMultipart(withToken('/compose/save'), {
      cookie,
      parts: [
        ...typed({ body: 'Kept when refused on save' }),
        { name: 'draftId', value: draftId },
        file('over.bin', new Uint8Array(32 * 1024 + 1)),
      ],
    });
    expect(saveOver.res.status).toBe(400);
    const saveHtml = await saveOver.res.text();
    expect(saveHtml).toContain(en.compose.problems.tooLarge('0.1 MB'));
    expect(saveHtml).toContain('Kept when refused on save');
    expect(saveHtml).toContain('half-1.bin');
    expect(await h.app.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(1);

    // Sending one byte over is refused the same way, the text kept, nothing sent.
    const sendOver = await h.postMultipart(withToken('/compose'), {
      cookie,
      parts: [
        ...typed({ body: 'Kept when refused on send' }),
        { name: 'draftId', value: draftId },
        file('over.bin', new Uint8Array(32 * 1024 + 1)),
      ],
    });
    expect(sendOver.res.status).toBe(400);
    const sendHtml = await sendOver.res.text();
    expect(sendHtml).toContain(en.compose.problems.tooLarge('0.1 MB'));
    expect(sendHtml).toContain('Kept when refused on send');
    expect(await sentFiles()).toEqual([]);

    // Too many: the staged file plus three new ones is four, over three.
    const manyOver = await h.postMultipart(withToken('/compose'), {
      cookie,
      parts: [
        ...typed({ body: 'Kept when too many' }),
        { name: 'draftId', value: draftId },
        file('a.txt', 'a'),
        file('b.txt', 'b'),
        file('c.txt', 'c'),
      ],
    });
    expect(manyOver.res.status).toBe(400);
    const manyHtml = await manyOver.res.text();
    expect(manyHtml).toContain(en.compose.problems.tooManyFiles(3));
    expect(manyHtml).toContain('Kept when too many');

    // Exactly the limit (files only, the text aside) is sent.
    const exact = await h.postMultipart(withToken('/compose'), {
      cookie,
      parts: [
        ...typed(),
        { name: 'draftId', value: draftId },
        file('half-2.bin', new Uint8Array(32 * 1024)),
      ],
    });
    expect(exact.res.status).toBe(303);
    expect((await sentFiles()).sort()).toEqual(['half-1.bin', 'half-2.bin']);
  });

  it("answers a file of another person's draft, or of none, exactly like a missing one", async () => {
    await h.addPerson('bob@example.org');
    const bob = await h.signIn('bob@example.org');
    const bobCsrf = await h.tokenFrom('/compose', bob);
    const bobSaved = await h.postMultipart(`/compose/save?_csrf=${encodeURIComponent(bobCsrf)}`, {
      cookie: bob,
      parts: [...typed(), file('bob.pdf', '%PDF-bob')],
    });
    const bobsDraft = idFrom(bobSaved.res.headers.get('location') ?? '');
    const [bobsFile] = await h.app.storage.repos.attachments.listForDraft({ draftId: bobsDraft });

    const annSaved = await h.postMultipart(withToken('/compose/save'), {
      cookie,
      parts: [...typed(), file('ann.pdf', '%PDF-ann')],
    });
    const annsDraft = idFrom(annSaved.res.headers.get('location') ?? '');

    const attempt = (draftId: string, fileId: string) =>
      h.postMultipart(withToken(`/drafts/${draftId}/files/${fileId}/remove`), {
        cookie,
        parts: [...typed(), { name: 'draftId', value: draftId }],
      });
    // Bob's draft and file; Bob's file through Ann's own draft; nothing at all.
    const theirs = await attempt(bobsDraft, bobsFile?.id ?? '');
    const theirFileInMine = await attempt(annsDraft, bobsFile?.id ?? '');
    const missing = await attempt('no-such-draft', 'no-such-file');
    expect(theirs.res.status).toBe(404);
    expect(theirFileInMine.res.status).toBe(404);
    expect(missing.res.status).toBe(404);
    const missingHtml = withoutTokens(await missing.res.text());
    expect(withoutTokens(await theirs.res.text())).toBe(missingHtml);
    expect(withoutTokens(await theirFileInMine.res.text())).toBe(missingHtml);
    // Bob's draft and file are untouched; Ann's subject did not land in Bob's draft.
    expect(await h.app.storage.repos.attachments.listForDraft({ draftId: bobsDraft })).toHaveLength(
      1,
    );
    expect(await h.app.blobs.get({ id: bobsFile?.blobId ?? '' })).not.toBeNull();

    // Nor can Ann send Bob's staged file by naming his draft.
    const send = await h.postMultipart(withToken('/compose'), {
      cookie,
      parts: [...typed(), { name: 'draftId', value: bobsDraft }],
    });
    expect(send.res.status).toBe(400);
    expect(await h.app.storage.repos.attachments.listForDraft({ draftId: bobsDraft })).toHaveLength(
      1,
    );
  });

  it('refuses a Remove without the CSRF token', async () => {
    const saved = await h.postMultipart(withToken('/compose/save'), {
      cookie,
      parts: [...typed(), file('scan-a.pdf', '%PDF-a')],
    });
    const draftId = idFrom(saved.res.headers.get('location') ?? '');
    const [staged] = await h.app.storage.repos.attachments.listForDraft({ draftId });
    const res = await h.postMultipart(`/drafts/${draftId}/files/${staged?.id}/remove`, {
      cookie,
      parts: [...typed(), { name: 'draftId', value: draftId }],
    });
    expect(res.res.status).toBe(403);
    expect(await h.app.storage.repos.attachments.listForDraft({ draftId })).toHaveLength(1);
  });
});
