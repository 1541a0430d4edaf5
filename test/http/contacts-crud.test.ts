import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { type ComposeHarness, composeHarness, type Part } from './compose-harness.ts';

describe('address book', () => {
  let h: ComposeHarness;
  let ann: Account;
  let cookie: string;
  let csrf: string;

  beforeEach(async () => {
    h = await composeHarness();
    ann = await h.addPerson('ann@example.org');
    cookie = await h.signIn('ann@example.org');
    csrf = await h.tokenFrom('/contacts', cookie);
  });
  afterEach(() => h.close());

  const add = (name: string, email: string, note = '') =>
    h.postForm('/contacts', {
      cookie,
      csrf,
      fields: [
        ['name', name],
        ['email', email],
        ['note', note],
      ],
    });

  const contacts = () => h.app.storage.repos.contacts.listForOwner({ ownerId: ann.id });
  const idOf = async (email: string) => (await contacts()).find((c) => c.email === email)?.id ?? '';

  it('adds a contact with its name and note encrypted, and lists it', async () => {
    const res = await add('Priya Shah', 'priya.shah@barnet.gov.uk', 'Housing officer, case 881');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/contacts?notice=added');
    const [stored] = await contacts();
    expect(stored?.email).toBe('priya.shah@barnet.gov.uk');
    expect(Buffer.from(stored?.nameEnc ?? []).toString('latin1')).not.toContain('Priya');
    expect(Buffer.from(stored?.noteEnc ?? []).toString('latin1')).not.toContain('case 881');

    const page = await h.get('/contacts?notice=added', cookie);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('The contact has been added');
    expect(html).toContain('Priya Shah');
    expect(html).toContain(`/compose?contact=${stored?.id}`);
  });

  it('refuses a bad or repeated address with the typed values kept', async () => {
    const bad = await add('Sam', 'sam at barnet');
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('Enter a valid email address');
    expect(html).toContain('value="Sam"');
    expect(html).toContain('value="sam at barnet"');

    await add('Sam', 'sam@barnet.gov.uk');
    const again = await add('Samuel', 'SAM@barnet.gov.uk');
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('You already have a contact with this email address.');
    const empty = await add('', '');
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain('Enter a name.');
    expect(emptyHtml).toContain('Enter an email address.');
    expect(await contacts()).toHaveLength(1);
  });

  it('changes and deletes a contact, taking it out of its groups', async () => {
    await add('Priya', 'priya@barnet.gov.uk');
    await add('Tom', 'tom@barnet.gov.uk');
    const priya = await idOf('priya@barnet.gov.uk');
    const tom = await idOf('tom@barnet.gov.uk');

    const edit = await h.get(`/contacts/${priya}`, cookie);
    expect(edit.status).toBe(200);
    expect(await edit.text()).toContain('Change contact: Priya');
    const changed = await h.postForm(`/contacts/${priya}`, {
      cookie,
      csrf,
      fields: [
        ['name', 'Priya Shah'],
        ['email', 'priya@barnet.gov.uk'],
        ['note', 'Team leader'],
      ],
    });
    expect(changed.status).toBe(303);
    expect(await (await h.get(`/contacts/${priya}`, cookie)).text()).toContain('Team leader');

    const created = await h.postForm('/contacts/groups', {
      cookie,
      csrf,
      fields: [
        ['name', 'Housing team'],
        ['members', priya],
        ['members', tom],
      ],
    });
    expect(created.status).toBe(303);
    const [group] = await h.app.storage.repos.contacts.listGroupsForOwner({ ownerId: ann.id });
    expect(group?.memberIds.sort()).toEqual([priya, tom].sort());

    const deleted = await h.postForm(`/contacts/${priya}/delete`, { cookie, csrf });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/contacts?notice=deleted');
    expect(await contacts()).toHaveLength(1);
    const after = await h.app.storage.repos.contacts.findGroupById({ id: group?.id ?? '' });
    expect(after?.memberIds).toEqual([tom]);
  });

  it('creates, changes and deletes groups, with the name encrypted', async () => {
    await add('Priya', 'priya@barnet.gov.uk');
    await add('Tom', 'tom@barnet.gov.uk');
    const priya = await idOf('priya@barnet.gov.uk');
    const tom = await idOf('tom@barnet.gov.uk');

    const none = await h.postForm('/contacts/groups', {
      cookie,
      csrf,
      fields: [['name', 'Empty']],
    });
    expect(none.status).toBe(400);
    const noneHtml = await none.text();
    expect(noneHtml).toContain('Choose at least one contact for the group.');
    expect(noneHtml).toContain('value="Empty"');

    await h.postForm('/contacts/groups', {
      cookie,
      csrf,
      fields: [
        ['name', 'Social care'],
        ['members', priya],
      ],
    });
    const [group] = await h.app.storage.repos.contacts.listGroupsForOwner({ ownerId: ann.id });
    const id = group?.id ?? '';
    expect(Buffer.from(group?.nameEnc ?? []).toString('latin1')).not.toContain('Social care');
    const list = await (await h.get('/contacts/groups?notice=created', cookie)).text();
    expect(list).toContain('The group has been created');
    expect(list).toContain('Social care');
    expect(list).toContain('1 person');
    expect(list).toContain(`/compose?group=${id}`);

    const changed = await h.postForm(`/contacts/groups/${id}`, {
      cookie,
      csrf,
      fields: [
        ['name', 'Social care team'],
        ['members', priya],
        ['members', tom],
      ],
    });
    expect(changed.status).toBe(303);
    const page = await (await h.get(`/contacts/groups/${id}`, cookie)).text();
    expect(page).toContain('Change group: Social care team');
    expect((await h.app.storage.repos.contacts.findGroupById({ id }))?.memberIds).toHaveLength(2);

    const deleted = await h.postForm(`/contacts/groups/${id}/delete`, { cookie, csrf });
    expect(deleted.status).toBe(303);
    expect(await h.app.storage.repos.contacts.findGroupById({ id })).toBeNull();
    // Its contacts stay.
    expect(await contacts()).toHaveLength(2);
  });

  it('sends to a group by expanding its members', async () => {
    await add('Priya', 'priya@barnet.gov.uk');
    await add('Tom', 'tom@hr.barnet.gov.uk');
    await add('Jo', 'jo@barnet.gov.uk');
    const ids = [await idOf('priya@barnet.gov.uk'), await idOf('jo@barnet.gov.uk')];
    await h.postForm('/contacts/groups', {
      cookie,
      csrf,
      fields: [['name', 'Team'], ...ids.map((id) => ['members', id] as [string, string])],
    });
    const [group] = await h.app.storage.repos.contacts.listGroupsForOwner({ ownerId: ann.id });

    const compose = await (await h.get(`/compose?group=${group?.id}`, cookie)).text();
    expect(compose).toMatch(new RegExp(`value="${group?.id}" checked`));
    // tom@hr.barnet.gov.uk is outside (no subdomains allowed): not offered in the picker.
    expect(compose).not.toContain('tom@hr.barnet.gov.uk');

    const token = await h.tokenFrom('/compose', cookie);
    const parts: Part[] = [
      { name: 'to', value: '' },
      { name: 'group', value: group?.id ?? '' },
      { name: 'subject', value: 'Team update' },
      { name: 'body', value: 'Hello all' },
    ];
    const sent = await h.postMultipart(`/compose?_csrf=${encodeURIComponent(token)}`, {
      cookie,
      parts,
    });
    expect(sent.res.status).toBe(303);
    const [message] = await h.app.storage.repos.messages.listSent({
      senderId: ann.id,
      limit: 5,
      offset: 0,
    });
    const deliveries = await h.app.storage.repos.deliveries.listForMessage({
      messageId: message?.id ?? '',
    });
    expect(deliveries.map((d) => d.recipientEmail).sort()).toEqual([
      'jo@barnet.gov.uk',
      'priya@barnet.gov.uk',
    ]);
  });

  it('refuses a group with an outside member, saying which', async () => {
    await add('Priya', 'priya@barnet.gov.uk');
    await add('Friend', 'friend@gmail.com');
    const ids = [await idOf('priya@barnet.gov.uk'), await idOf('friend@gmail.com')];
    await h.postForm('/contacts/groups', {
      cookie,
      csrf,
      fields: [['name', 'Mixed'], ...ids.map((id) => ['members', id] as [string, string])],
    });
    const [group] = await h.app.storage.repos.contacts.listGroupsForOwner({ ownerId: ann.id });
    const token = await h.tokenFrom('/compose', cookie);
    const res = await h.postMultipart(`/compose?_csrf=${encodeURIComponent(token)}`, {
      cookie,
      parts: [
        { name: 'group', value: group?.id ?? '' },
        { name: 'subject', value: 'Hi' },
        { name: 'body', value: 'Kept text' },
      ],
    });
    expect(res.res.status).toBe(400);
    const html = await res.res.text();
    expect(html).toContain('The group &quot;Mixed&quot; includes friend@gmail.com');
    expect(html).toContain('Kept text');
  });

  it('suggests contacts for the address being typed, keeping the ones before it', async () => {
    await add('Priya Shah', 'priya@barnet.gov.uk');
    await add('Private Friend', 'pri@gmail.com');
    const res = await h.get(
      `/contacts/suggest?to=${encodeURIComponent('tom@barnet.gov.uk, pri')}`,
      cookie,
      { 'hx-request': 'true' },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<datalist id="to-suggestions">');
    expect(html).toContain('value="tom@barnet.gov.uk, priya@barnet.gov.uk"');
    expect(html).toContain('label="Priya Shah (priya@barnet.gov.uk)"');
    // Only addresses that may be written to are suggested.
    expect(html).not.toContain('pri@gmail.com');
    const cc = await (await h.get('/contacts/suggest?cc=shah', cookie)).text();
    expect(cc).toContain('<datalist id="cc-suggestions">');
    expect(cc).toContain('value="priya@barnet.gov.uk"');
  });

  it('refuses contact forms without the CSRF token', async () => {
    const res = await h.postForm('/contacts', {
      cookie,
      csrf: null,
      fields: [
        ['name', 'X'],
        ['email', 'x@barnet.gov.uk'],
      ],
    });
    expect(res.status).toBe(403);
    expect(await contacts()).toHaveLength(0);
    const group = await h.postForm('/contacts/groups', {
      cookie,
      csrf: null,
      fields: [['name', 'G']],
    });
    expect(group.status).toBe(403);
  });
});
