import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ComposeHarness, composeHarness, withoutTokens } from './compose-harness.ts';

/**
 * Every id in the address book is checked against its owner: another person's contact
 * or group is answered exactly as a missing one (same status, same page), and nothing
 * of it is read, changed or deleted.
 */
describe('address book: other people’s ids', () => {
  let h: ComposeHarness;
  let ann: string;
  let annCsrf: string;
  let bobContact: string;
  let bobGroup: string;
  let bobOwner: string;

  beforeEach(async () => {
    h = await composeHarness();
    await h.addPerson('ann@example.org');
    const bob = await h.addPerson('bob@example.org');
    bobOwner = bob.id;
    const bobCookie = await h.signIn('bob@example.org');
    const bobCsrf = await h.tokenFrom('/contacts', bobCookie);
    await h.postForm('/contacts', {
      cookie: bobCookie,
      csrf: bobCsrf,
      fields: [
        ['name', 'Bob’s secret contact'],
        ['email', 'hidden@barnet.gov.uk'],
      ],
    });
    bobContact =
      (await h.app.storage.repos.contacts.listForOwner({ ownerId: bob.id }))[0]?.id ?? '';
    await h.postForm('/contacts/groups', {
      cookie: bobCookie,
      csrf: bobCsrf,
      fields: [
        ['name', 'Bob’s group'],
        ['members', bobContact],
      ],
    });
    bobGroup =
      (await h.app.storage.repos.contacts.listGroupsForOwner({ ownerId: bob.id }))[0]?.id ?? '';
    expect(bobContact).not.toBe('');
    expect(bobGroup).not.toBe('');
    ann = await h.signIn('ann@example.org');
    annCsrf = await h.tokenFrom('/contacts', ann);
  });
  afterEach(() => h.close());

  const same = async (a: Response, b: Response) => {
    expect(a.status).toBe(404);
    expect(b.status).toBe(404);
    expect(withoutTokens(await a.text())).toBe(withoutTokens(await b.text()));
  };

  it('GET of another person’s contact or group is the missing page', async () => {
    await same(await h.get(`/contacts/${bobContact}`, ann), await h.get('/contacts/nope', ann));
    await same(
      await h.get(`/contacts/groups/${bobGroup}`, ann),
      await h.get('/contacts/groups/nope', ann),
    );
  });

  it('changing or deleting them is the missing page, and changes nothing', async () => {
    const fields: Array<[string, string]> = [
      ['name', 'Taken over'],
      ['email', 'evil@barnet.gov.uk'],
      ['members', bobContact],
    ];
    const post = (path: string) => h.postForm(path, { cookie: ann, csrf: annCsrf, fields });
    await same(await post(`/contacts/${bobContact}`), await post('/contacts/nope'));
    await same(await post(`/contacts/${bobContact}/delete`), await post('/contacts/nope/delete'));
    await same(await post(`/contacts/groups/${bobGroup}`), await post('/contacts/groups/nope'));
    await same(
      await post(`/contacts/groups/${bobGroup}/delete`),
      await post('/contacts/groups/nope/delete'),
    );
    const contact = await h.app.storage.repos.contacts.findById({ id: bobContact });
    expect(contact?.email).toBe('hidden@barnet.gov.uk');
    const group = await h.app.storage.repos.contacts.findGroupById({ id: bobGroup });
    expect(group?.memberIds).toEqual([bobContact]);
    expect(group?.ownerId).toBe(bobOwner);
  });

  it('another person’s contact cannot be put in one’s own group, nor written to', async () => {
    await h.postForm('/contacts/groups', {
      cookie: ann,
      csrf: annCsrf,
      fields: [
        ['name', 'Mine'],
        ['members', bobContact],
      ],
    });
    // The only member was not Ann's, so the group has no members and is refused.
    const annAccount = await h.app.storage.repos.accounts.findByEmailKey({
      emailKey: 'ann@example.org',
    });
    expect(
      await h.app.storage.repos.contacts.listGroupsForOwner({ ownerId: annAccount?.id ?? '' }),
    ).toHaveLength(0);

    const compose = await (
      await h.get(`/compose?contact=${bobContact}&group=${bobGroup}`, ann)
    ).text();
    expect(compose).not.toContain('hidden@barnet.gov.uk');
    expect(compose).not.toContain('Bob’s group');

    const token = await h.tokenFrom('/compose', ann);
    const sent = await h.postMultipart(`/compose?_csrf=${encodeURIComponent(token)}`, {
      cookie: ann,
      parts: [
        { name: 'contact', value: bobContact },
        { name: 'group', value: bobGroup },
        { name: 'subject', value: 'Probe' },
        { name: 'body', value: 'Probe' },
      ],
    });
    expect(sent.res.status).toBe(400);
    const html = await sent.res.text();
    expect(html).toContain('A contact or group you chose no longer exists.');
    expect(html).not.toContain('hidden@barnet.gov.uk');
  });

  it('suggestions come only from one’s own address book', async () => {
    const html = await (await h.get('/contacts/suggest?to=hidden', ann)).text();
    expect(html).not.toContain('hidden@barnet.gov.uk');
  });
});
