import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDrafts } from '../../core/messages/drafts.ts';
import {
  type ComposeHarness,
  composeHarness,
  lazyBytes,
  type Part,
  withoutTokens,
} from './compose-harness.ts';

const MINUTE = 60_000;
const encoder = new TextEncoder();

describe('drafts', () => {
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
      subject: 'Council tax question',
      body: 'My reference is 12345 and I moved house in May.',
      ...over,
    }).map(([name, value]) => ({ name, value }));

  const draftsOf = async (email: string) => {
    const account = await h.app.storage.repos.accounts.findByEmailKey({ emailKey: email });
    return listDrafts(
      { storage: h.app.storage, cipher: h.app.cipher, ids: h.app.ids, clock: h.app.clock },
      { accountId: account?.id ?? '' },
    );
  };

  it('saves, lists, reopens and deletes a draft, with its content encrypted', async () => {
    const saved = await h.postMultipart(`/compose/save?_csrf=${encodeURIComponent(csrf)}`, {
      cookie,
      parts: typed(),
    });
    expect(saved.res.status).toBe(303);
    const location = saved.res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/drafts\/[^/?]+\?saved=1$/);
    const id = location.slice('/drafts/'.length, location.indexOf('?'));

    const row = await h.app.storage.repos.drafts.findById({ id });
    expect(Buffer.from(row?.contentEnc ?? []).toString('latin1')).not.toContain('Council tax');

    const list = await h.get('/drafts', cookie);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const listHtml = await list.text();
    expect(listHtml).toContain('Council tax question');
    expect(listHtml).toContain(`href="/drafts/${id}"`);

    const opened = await (await h.get(location, cookie)).text();
    expect(opened).toContain('Your draft has been saved');
    expect(opened).toContain('value="Council tax question"');
    expect(opened).toContain('My reference is 12345');
    expect(opened).toContain(`name="draftId" value="${id}"`);

    const token = await h.tokenFrom('/drafts', cookie);
    const deleted = await h.postForm(`/drafts/${id}/delete`, { cookie, csrf: token });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/drafts?notice=deleted');
    expect((await h.get(`/drafts/${id}`, cookie)).status).toBe(404);
    expect(await draftsOf('ann@example.org')).toHaveLength(0);
  });

  it('keeps the files chosen when a draft is saved, streamed into encryption', async () => {
    const saved = await h.postMultipart(`/compose/save?_csrf=${encodeURIComponent(csrf)}`, {
      cookie,
      parts: [
        ...typed(),
        { name: 'attachments', filename: 'big.bin', content: lazyBytes(5_000_000) },
      ],
    });
    expect(saved.res.status).toBe(303);
    const location = saved.res.headers.get('location') ?? '';
    expect(location).toMatch(/\?saved=1$/);
    const draftId = location.slice('/drafts/'.length, location.indexOf('?'));
    const [file] = await h.app.storage.repos.attachments.listForDraft({ draftId });
    expect(file?.size).toBe(5_000_000);
    const page = await (await h.get(location, cookie)).text();
    expect(page).toContain('big.bin');
    expect(page).not.toContain('Files are not kept in drafts');
  });

  it('autosaves (htmx) into one draft, and sending deletes it', async () => {
    const fields = (draftId?: string): Array<[string, string]> => [
      ['to', 'officer@barnet.gov.uk'],
      ['subject', 'Bins'],
      ['body', 'First words'],
      ...(draftId ? ([['draftId', draftId]] as Array<[string, string]>) : []),
    ];
    const first = await h.postForm('/compose/autosave', { cookie, csrf, fields: fields() });
    expect(first.status).toBe(200);
    const fragment = await first.text();
    expect(fragment).not.toContain('<html');
    expect(fragment).toMatch(/Draft saved at \d\d:\d\d\./);
    const draftId = /name="draftId" value="([^"]+)"/.exec(fragment)?.[1] ?? '';
    expect(draftId).not.toBe('');
    const second = await h.postForm('/compose/autosave', { cookie, csrf, fields: fields(draftId) });
    expect(second.status).toBe(200);
    expect(await draftsOf('ann@example.org')).toHaveLength(1);

    const sent = await h.postMultipart(`/compose?_csrf=${encodeURIComponent(csrf)}`, {
      cookie,
      parts: [...typed({ subject: 'Bins' }), { name: 'draftId', value: draftId }],
    });
    expect(sent.res.status).toBe(303);
    expect(await draftsOf('ann@example.org')).toHaveLength(0);
    // A late autosave of the sent draft does not bring it back.
    const late = await h.postForm('/compose/autosave', { cookie, csrf, fields: fields(draftId) });
    expect(late.status).toBe(204);
    expect(await draftsOf('ann@example.org')).toHaveLength(0);
  });

  it('saves the message as a draft when the session timed out before Send', async () => {
    const ann = await h.app.storage.repos.accounts.findByEmailKey({ emailKey: 'ann@example.org' });
    h.clock.advance(16 * MINUTE);
    const res = await h.postMultipart(`/compose?_csrf=${encodeURIComponent(csrf)}`, {
      cookie,
      parts: [
        ...typed({ subject: 'Written slowly' }),
        { name: 'attachments', filename: 'scan.pdf', content: encoder.encode('%PDF-1.4') },
      ],
    });
    expect(res.res.status).toBe(303);
    expect(res.res.headers.get('location')).toBe('/compose/signed-out?idle=15&files=1');
    // The old cookie is removed and spent.
    expect(res.res.headers.getSetCookie().join('\n')).toMatch(/__Host-sealpost_session=;/);
    const drafts = await draftsOf('ann@example.org');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.draft.accountId).toBe(ann?.id);
    expect(drafts[0]?.content.subject).toBe('Written slowly');
    expect(drafts[0]?.content.savedOnTimeout).toBe(true);
    expect(await h.app.storage.repos.messages.countSent({ senderId: ann?.id ?? '' })).toBe(0);

    const page = await (await h.get('/compose/signed-out?idle=15&files=1')).text();
    expect(page).toContain('You have been signed out');
    expect(page).toContain('It has been saved in Drafts.');
    expect(page).toContain('Files you attached were not saved.');
    expect(page).toContain(`/sign-in?next=${encodeURIComponent('/drafts?notice=timeout')}`);

    // The spent cookie can do nothing more, not even save again.
    const again = await h.postMultipart(`/compose?_csrf=${encodeURIComponent(csrf)}`, {
      cookie,
      parts: typed(),
    });
    expect(again.res.status).toBe(403);
    expect(await draftsOf('ann@example.org')).toHaveLength(1);

    // Signed in again, the drafts page says where the message went.
    const fresh = await h.signIn('ann@example.org');
    const drafts2 = await (await h.get('/drafts?notice=timeout', fresh)).text();
    expect(drafts2).toContain('Your message was saved in Drafts');
    expect(drafts2).toContain('Saved when you were signed out');
    const opened = await (await h.get(`/drafts/${drafts[0]?.draft.id}`, fresh)).text();
    expect(opened).toContain('This message was saved when you were signed out');
    expect(opened).toContain('value="Written slowly"');
  });

  it('autosave after a timeout saves the text and says so; the cookie opens nothing', async () => {
    h.clock.advance(16 * MINUTE);
    const res = await h.postForm('/compose/autosave', {
      cookie,
      csrf,
      fields: [
        ['to', 'officer@barnet.gov.uk'],
        ['subject', 'Half written'],
        ['body', 'Still typing'],
      ],
    });
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment).toContain('You have been signed out because you were inactive.');
    expect((await draftsOf('ann@example.org'))[0]?.content.savedOnTimeout).toBe(true);
    // Not a session: pages that need one still ask to sign in.
    expect((await h.get('/drafts', cookie)).status).toBe(401);
    // An hour later the cookie can no longer save anything.
    h.clock.advance(61 * MINUTE);
    const late = await h.postForm('/compose/autosave', { cookie, csrf, fields: [['body', 'x']] });
    expect(late.status).toBe(403);
  });

  it('a timed-out cookie saves nothing after Sign out, nor after signing in again elsewhere', async () => {
    h.clock.advance(16 * MINUTE);
    // Someone presses Sign out on the timed-out page; a copy of the cookie is then useless.
    const out = await h.postForm('/sign-out', { cookie, csrf, fields: [] });
    expect(out.status).toBe(303);
    const afterSignOut = await h.postForm('/compose/autosave', {
      cookie,
      csrf,
      fields: [['body', 'written by whoever copied the cookie']],
    });
    expect(afterSignOut.status).toBe(403);
    expect(await draftsOf('ann@example.org')).toHaveLength(0);

    // Another timed-out cookie, then the person signs in again on another device.
    const second = await h.signIn('ann@example.org');
    const secondCsrf = await h.tokenFrom('/compose', second);
    h.clock.advance(16 * MINUTE);
    await h.signIn('ann@example.org');
    const afterSignIn = await h.postForm('/compose/autosave', {
      cookie: second,
      csrf: secondCsrf,
      fields: [['body', 'x']],
    });
    expect(afterSignIn.status).toBe(403);
    expect(await draftsOf('ann@example.org')).toHaveLength(0);
  });

  it("answers another person's draft exactly like a missing one", async () => {
    await h.addPerson('bob@example.org');
    const bob = await h.signIn('bob@example.org');
    const bobCsrf = await h.tokenFrom('/compose', bob);
    const saved = await h.postMultipart(`/compose/save?_csrf=${encodeURIComponent(bobCsrf)}`, {
      cookie: bob,
      parts: typed({ subject: "Bob's secret" }),
    });
    const location = saved.res.headers.get('location') ?? '';
    const bobsId = location.slice('/drafts/'.length, location.indexOf('?'));

    const theirs = await h.get(`/drafts/${bobsId}`, cookie);
    const missing = await h.get('/drafts/no-such-draft', cookie);
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(withoutTokens(await theirs.text())).toBe(withoutTokens(await missing.text()));

    const token = await h.tokenFrom('/drafts', cookie);
    const del = await h.postForm(`/drafts/${bobsId}/delete`, { cookie, csrf: token });
    const delMissing = await h.postForm('/drafts/no-such-draft/delete', { cookie, csrf: token });
    expect(del.status).toBe(404);
    expect(withoutTokens(await del.text())).toBe(withoutTokens(await delMissing.text()));
    // Saving into Bob's draft id makes Ann a new draft of her own; Bob's is untouched.
    await h.postForm('/compose/autosave', {
      cookie,
      csrf,
      fields: [
        ['draftId', bobsId],
        ['body', 'overwrite?'],
      ],
    });
    expect((await draftsOf('bob@example.org'))[0]?.content.subject).toBe("Bob's secret");
    expect(await draftsOf('ann@example.org')).toHaveLength(0);
  });
});
