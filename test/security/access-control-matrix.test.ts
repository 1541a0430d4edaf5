import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../core/shared/time.ts';
import { sharedCipher, stable } from '../http/mailbox-support.ts';
import { countCases } from './support/counts.ts';
import {
  type Fixture,
  type FixtureKind,
  type MatrixRow,
  makeFixture,
  matrixRows,
  missingFixture,
  NO_IDS,
  STATES,
  type State,
} from './support/matrix.ts';
import { ROUTES } from './support/routes.ts';
import { ACTORS, type Actor, COUNCIL, openWorld, type World } from './support/world.ts';

const keys = sharedCipher();
let w: World;
beforeAll(async () => {
  w = await openWorld(keys.cipher());
}, 120_000);
afterAll(async () => {
  await w?.close();
  keys.close();
});

/** What a client saw, with everything that legitimately varies between two answers taken out. */
type Seen = { status: number; location: string; body: string };

const ids = (f: Fixture) =>
  [
    f.deliveryId,
    f.attachmentId,
    f.imageId,
    f.messageId,
    f.requestId,
    f.draftId,
    f.contactId,
    f.groupId,
    f.accountId,
    f.mailId,
  ]
    .filter((id) => id !== '')
    .sort((a, b) => b.length - a.length);

function normalise(text: string, f: Fixture): string {
  let out = stable(text).replace(/s\.[a-z2-7]{8,32}\.[0-9a-f]{64}/g, 'TOKEN');
  for (const id of ids(f)) out = out.split(id).join('{id}');
  return out;
}

async function ask(actor: Actor, row: MatrixRow, f: Fixture): Promise<Seen & { raw: Response }> {
  const path = row.path(f);
  const res = row.route.startsWith('POST ')
    ? await w.post(path, {
        cookie: w.cookies[actor],
        csrf:
          actor === 'anonymous' ? w.anonymousToken(path.split('?')[0] ?? path) : w.tokens[actor],
        fields: row.fields?.(f) ?? {},
      })
    : await w.get(path, w.cookies[actor]);
  const body = await res.clone().text();
  return {
    raw: res,
    status: res.status,
    location: normalise(res.headers.get('location') ?? '', f),
    body: normalise(body, f),
  };
}

/**
 * A refusal must be the very answer a missing id gets: for a signed-in person the one
 * 404 page; for a client without a session the same "sign in first" answer.
 */
function expectRefused(actor: Actor, seen: Seen, baseline: Seen, what: string) {
  if (actor === 'anonymous') {
    expect([401, 303], what).toContain(seen.status);
  } else {
    expect(seen.status, what).toBe(404);
  }
  expect(seen.status, what).toBe(baseline.status);
  expect(seen.location, what).toBe(baseline.location);
  // Same bytes, so the same length class too.
  expect(seen.body, what).toBe(baseline.body);
}

/** Fixtures read-only rows share, made on first use. */
const shared = new Map<string, Promise<Fixture>>();
function sharedFixture(kind: FixtureKind, state: State): Promise<Fixture> {
  const key = `${kind} ${state}`;
  let fixture = shared.get(key);
  if (!fixture) {
    fixture = makeFixture(w, kind, state);
    shared.set(key, fixture);
  }
  return fixture;
}

describe('access-control matrix: every route that takes an id, everyone, every state', () => {
  const rows = matrixRows({ now: () => new Date('2025-03-03T09:00:00Z') });

  for (const row of rows) {
    it(row.route, async ({ task }) => {
      const isPost = row.route.startsWith('POST ');
      const allowedActors = ACTORS.filter((a) => row.allowed[a] !== undefined);
      const baselines = new Map<Actor, Seen>();
      let requests = 0;
      for (const state of STATES[row.fixture]) {
        // Reading changes nothing another row depends on, so GET rows share fixtures;
        // every POST row gets its own, since the owner's change is real.
        const fixture = isPost
          ? await makeFixture(w, row.fixture, state)
          : await sharedFixture(row.fixture, state);
        const missing = missingFixture(w, fixture);
        for (const actor of ACTORS) {
          if (!baselines.has(actor)) {
            baselines.set(actor, await ask(actor, row, missing));
            requests += 1;
          }
        }
        const refused = ACTORS.filter((a) => row.allowed[a]?.[state] === undefined);
        const before = w.fingerprint();
        for (const actor of refused) {
          const seen = await ask(actor, row, fixture);
          requests += 1;
          expectRefused(actor, seen, baselines.get(actor) as Seen, `${actor}, ${state}`);
        }
        expect(w.fingerprint(), `${state}: the refusals changed nothing`).toBe(before);

        let first = true;
        for (const actor of allowedActors) {
          const expected = row.allowed[actor]?.[state];
          if (expected === undefined) continue;
          // A change made by one person must not hide what the next one is allowed.
          const target = isPost && !first ? await makeFixture(w, row.fixture, state) : fixture;
          first = false;
          const seen = await ask(actor, row, target);
          requests += 1;
          expect(seen.status, `${actor}, ${state}: ${seen.body.slice(0, 300)}`).toBe(expected);
        }
      }
      countCases(task, 'access control: requests', requests);
    });
  }
});

describe('access-control matrix: ids in forms and query strings', () => {
  it('another person’s draft, contact or group in the compose form is treated as missing', async ({
    task,
  }) => {
    const draft = await makeFixture(w, 'draft', 'active');
    const contact = await makeFixture(w, 'contact', 'active');
    const before = await w.storage.repos.drafts.findById({ id: draft.draftId });
    let n = 0;
    for (const actor of ['bob', 'olive', 'adam'] as const) {
      // GET /compose?contact=&group= ticks nothing that is not theirs.
      const theirs = await w.get(
        `/compose?contact=${contact.contactId}&group=${contact.groupId}`,
        w.cookies[actor],
      );
      const none = await w.get(
        `/compose?contact=${w.ids.newId()}&group=${w.ids.newId()}`,
        w.cookies[actor],
      );
      expect(theirs.status).toBe(200);
      expect(normalise(await theirs.text(), contact)).toBe(
        normalise(await none.text(), missingFixture(w, contact)),
      );
      // Autosave into Ann's draft: nothing saved, nothing said.
      const autosave = await w.post('/compose/autosave', {
        cookie: w.cookies[actor],
        csrf: w.tokens[actor],
        fields: { draftId: draft.draftId, subject: 'Overwritten', body: 'Overwritten' },
      });
      expect(autosave.status).toBe(204);
      // Save into Ann's draft: a new draft of their own, Ann's untouched.
      const save = await w.request('POST', `/compose/save?_csrf=${w.tokens[actor]}`, {
        cookie: w.cookies[actor],
        headers: { origin: 'https://messages.example.gov.uk' },
        body: formData([
          ['draftId', draft.draftId],
          ['contact', contact.contactId],
          ['group', contact.groupId],
          ['subject', 'Overwritten'],
          ['body', 'Overwritten'],
        ]),
      });
      expect(save.status).toBe(303);
      expect(save.headers.get('location')).not.toContain(draft.draftId);
      // ...and Ann's contact and group did not become addresses in it.
      const saved = decodeURIComponent(
        /\/drafts\/([^?]+)/.exec(save.headers.get('location') ?? '')?.[1] ?? '',
      );
      const page = await (await w.get(`/drafts/${saved}`, w.cookies[actor])).text();
      expect(page).not.toContain('worker-');
      // Sending with Ann's draft named: answered as a draft that no longer exists (its
      // files are not theirs to send), nothing sent, and Ann's draft is still there.
      const sendWithDraft = await w.request('POST', `/compose?_csrf=${w.tokens[actor]}`, {
        cookie: w.cookies[actor],
        headers: { origin: 'https://messages.example.gov.uk' },
        body: formData([
          ['draftId', draft.draftId],
          ['to', `officer@${COUNCIL}`],
          ['subject', 'Sent'],
          ['body', 'Sent'],
        ]),
      });
      expect(sendWithDraft.status).toBe(400);
      expect(await sendWithDraft.text()).toContain('That draft no longer exists.');
      expect(await w.storage.repos.drafts.findById({ id: draft.draftId })).not.toBeNull();
      expect(
        await w.storage.repos.attachments.listForDraft({ draftId: draft.draftId }),
      ).toHaveLength(1);
      // Send naming Ann's contact and group: refused as "no longer exists", nothing sent.
      const send = await w.request('POST', `/compose?_csrf=${w.tokens[actor]}`, {
        cookie: w.cookies[actor],
        headers: { origin: 'https://messages.example.gov.uk' },
        body: formData([
          ['contact', contact.contactId],
          ['group', contact.groupId],
          ['subject', 'Probe'],
          ['body', 'Probe'],
        ]),
      });
      expect(send.status).toBe(400);
      expect(await send.text()).not.toContain('worker-');
      n += 7;
    }
    const after = await w.storage.repos.drafts.findById({ id: draft.draftId });
    expect(after).toEqual(before);
    // A group can only hold one's own contacts.
    const group = await w.post('/contacts/groups', {
      cookie: w.cookies.bob,
      csrf: w.tokens.bob,
      fields: [
        ['name', 'Bob’s probe'],
        ['members', contact.contactId],
      ],
    });
    expect(group.status).toBe(400);
    const bobGroups = await w.storage.repos.contacts.listGroupsForOwner({
      ownerId: w.people.bob.id,
    });
    expect(bobGroups).toHaveLength(0);
    countCases(task, 'access control: requests', n + 1);
  });

  it('another person’s contact cannot be put into one’s own group', async ({ task }) => {
    const annContact = await makeFixture(w, 'contact', 'active');
    const bobContact = await w.post('/contacts', {
      cookie: w.cookies.bob,
      csrf: w.tokens.bob,
      fields: { name: 'Bob’s friend', email: `friend@${COUNCIL}`, note: '' },
    });
    expect(bobContact.status).toBe(303);
    const [mine] = await w.storage.repos.contacts.listForOwner({ ownerId: w.people.bob.id });
    await w.post('/contacts/groups', {
      cookie: w.cookies.bob,
      csrf: w.tokens.bob,
      fields: [
        ['name', 'Bob’s own'],
        ['members', mine?.id ?? ''],
      ],
    });
    const [group] = await w.storage.repos.contacts.listGroupsForOwner({ ownerId: w.people.bob.id });
    const res = await w.post(`/contacts/groups/${group?.id}`, {
      cookie: w.cookies.bob,
      csrf: w.tokens.bob,
      fields: [
        ['name', 'Bob’s own'],
        ['members', mine?.id ?? ''],
        ['members', annContact.contactId],
      ],
    });
    expect([303, 400]).toContain(res.status);
    const saved = await w.storage.repos.contacts.findGroupById({ id: group?.id ?? '' });
    expect(saved?.memberIds).not.toContain(annContact.contactId);
    countCases(task, 'access control: requests', 3);
  });

  it('replyTo of someone else’s message prefills nothing, and a send is not threaded to it', async ({
    task,
  }) => {
    const olives = await makeFixture(w, 'staff-delivery', 'active');
    const original = await w.storage.repos.deliveries.findById({ id: olives.deliveryId });
    let n = 0;
    for (const actor of ['sam', 'adam'] as const) {
      const theirs = await w.get(`/staff/compose?replyTo=${olives.deliveryId}`, w.cookies[actor]);
      const none = await w.get(`/staff/compose?replyTo=${w.ids.newId()}`, w.cookies[actor]);
      expect(theirs.status).toBe(200);
      const page = await theirs.text();
      expect(page).not.toContain(w.people.ann.email);
      expect(page).not.toContain('About my plan');
      expect(normalise(page, olives)).toBe(normalise(await none.text(), missingFixture(w, olives)));
      const fields = (replyTo: string) => ({
        replyTo,
        to: `colleague@${COUNCIL}`,
        subject: 'x',
        body: 'y',
        accessDays: '7',
        classification: 'none',
      });
      for (const path of ['/staff/compose/edit', '/staff/compose']) {
        const post = (replyTo: string) =>
          w.post(path, {
            cookie: w.cookies[actor],
            csrf: w.tokens[actor],
            fields: fields(replyTo),
          });
        const foreign = await post(olives.deliveryId);
        const missingId = w.ids.newId();
        const missing = await post(missingId);
        expect(foreign.status).toBe(missing.status);
        const seen = normalise(await foreign.text(), olives);
        expect(seen).not.toContain('About my plan');
        expect(seen).toBe(
          normalise(await missing.text(), { ...missingFixture(w, olives), deliveryId: missingId }),
        );
      }
      // Sending with it: the message is not made a reply to Olive's (nor to its thread).
      const send = await w.request('POST', `/staff/compose/send?_csrf=${w.tokens[actor]}`, {
        cookie: w.cookies[actor],
        headers: { origin: 'https://messages.example.gov.uk' },
        body: formData(Object.entries(fields(olives.deliveryId))),
      });
      expect(send.status).toBe(303);
      const messageId = decodeURIComponent(
        (send.headers.get('location') ?? '').split('/').pop() ?? '',
      );
      const message = await w.storage.repos.messages.findById({ id: messageId });
      expect(message?.senderId).toBe(w.people[actor].id);
      expect(message?.inReplyToId).toBeNull();
      expect(message?.threadId).toBe(messageId);
      n += 7;
    }
    // The owner does get the reply prefilled (the test would be empty otherwise).
    const own = await w.get(`/staff/compose?replyTo=${olives.deliveryId}`, w.cookies.olive);
    expect(await own.text()).toContain(w.people.ann.email);
    expect(await w.storage.repos.deliveries.findById({ id: olives.deliveryId })).toEqual(original);
    countCases(task, 'access control: requests', n + 1);
  });

  it('draftId of another staff member’s draft shows, removes and sends none of its files', async ({
    task,
  }) => {
    const olives = await makeFixture(w, 'staff-draft', 'active');
    const file = await w.storage.repos.attachments.findById({ id: olives.attachmentId });
    let n = 0;
    for (const actor of ['sam', 'adam'] as const) {
      const fields = (draftId: string): Array<[string, string]> => [
        ['draftId', draftId],
        ['to', `colleague@${COUNCIL}`],
        ['subject', 'x'],
        ['body', 'y'],
        ['accessDays', '7'],
        ['classification', 'none'],
      ];
      const missingId = w.ids.newId();
      // Change: the form comes back, none of her files on it, as for a missing draft.
      const edit = (draftId: string) =>
        w.post('/staff/compose/edit', {
          cookie: w.cookies[actor],
          csrf: w.tokens[actor],
          fields: Object.fromEntries(fields(draftId)),
        });
      const foreign = await edit(olives.draftId);
      const missing = await edit(missingId);
      expect(foreign.status).toBe(200);
      const seen = normalise(await foreign.text(), olives);
      expect(seen).not.toContain('plan.pdf');
      expect(seen).toBe(
        normalise(await missing.text(), { ...missingFixture(w, olives), draftId: missingId }),
      );
      // Remove on the form: a new draft of their own; hers keeps its file.
      const remove = await w.request('POST', `/staff/compose?_csrf=${w.tokens[actor]}`, {
        cookie: w.cookies[actor],
        headers: { origin: 'https://messages.example.gov.uk' },
        body: formData([...fields(olives.draftId), ['remove', olives.attachmentId]]),
      });
      expect(remove.status).toBe(303);
      expect(remove.headers.get('location')).not.toContain(olives.draftId);
      // Send: refused as for a missing draft, and nothing is sent.
      const send = (draftId: string) =>
        w.post('/staff/compose/send', {
          cookie: w.cookies[actor],
          csrf: w.tokens[actor],
          fields: Object.fromEntries(fields(draftId)),
        });
      const sentBefore = await w.storage.repos.messages.countSent({ senderId: w.people[actor].id });
      const foreignSend = await send(olives.draftId);
      const missingSend = await send(missingId);
      expect(foreignSend.status).toBe(400);
      expect(missingSend.status).toBe(400);
      expect(normalise(await foreignSend.text(), olives)).toBe(
        normalise(await missingSend.text(), { ...missingFixture(w, olives), draftId: missingId }),
      );
      expect(await w.storage.repos.messages.countSent({ senderId: w.people[actor].id })).toBe(
        sentBefore,
      );
      n += 6;
    }
    expect(await w.storage.repos.attachments.findById({ id: olives.attachmentId })).toEqual(file);
    const draft = await w.storage.repos.drafts.findById({ id: olives.draftId });
    expect(draft?.accountId).toBe(w.people.olive.id);
    countCases(task, 'access control: requests', n + 1);
  });

  it('a file or draft of another person’s, named on a reply or forward, is missing', async ({
    task,
  }) => {
    // Ann's draft with a file waiting in it; Carol answers her own copy of a message.
    const anns = await makeFixture(w, 'draft', 'active');
    const file = await w.storage.repos.attachments.findById({ id: anns.attachmentId });
    const sent = await w.send({ from: w.people.olive, to: [w.people.carol.email] });
    const carols = sent.deliveries[w.people.carol.email] as string;
    const ask = (path: string, fields: Array<[string, string]>) =>
      w.request('POST', `${path}${path.includes('?') ? '&' : '?'}_csrf=${w.tokens.carol}`, {
        cookie: w.cookies.carol,
        headers: { origin: 'https://messages.example.gov.uk' },
        body: formData(fields),
      });
    let n = 0;
    for (const kind of ['reply', 'forward'] as const) {
      const path = `/inbox/${carols}/${kind}`;
      const fields = (draftId: string): Array<[string, string]> => [
        ['draftId', draftId],
        ['to', `colleague@${COUNCIL}`],
        ['subject', 'Re: x'],
        ['body', 'y'],
      ];
      // Remove, naming Ann's file (with her draft, or none): the one 404 page.
      const missingId = w.ids.newId();
      const missing = await ask(`${path}?remove=${missingId}`, fields(''));
      expect(missing.status).toBe(404);
      const baseline = normalise(await missing.text(), missingFixture(w, anns));
      for (const draftId of [anns.draftId, '']) {
        const foreign = await ask(`${path}?remove=${anns.attachmentId}`, fields(draftId));
        expect(foreign.status).toBe(404);
        expect(normalise(await foreign.text(), anns)).toBe(baseline);
      }
      // Send naming Ann's draft: refused as a draft that no longer exists, nothing sent.
      const before = await w.storage.repos.messages.countSent({ senderId: w.people.carol.id });
      const send = await ask(path, fields(anns.draftId));
      expect(send.status).toBe(400);
      expect(await send.text()).toContain('That draft no longer exists.');
      expect(await w.storage.repos.messages.countSent({ senderId: w.people.carol.id })).toBe(
        before,
      );
      n += 4;
    }
    expect(await w.storage.repos.attachments.findById({ id: anns.attachmentId })).toEqual(file);
    expect((await w.storage.repos.drafts.findById({ id: anns.draftId }))?.accountId).toBe(
      w.people.ann.id,
    );
    countCases(task, 'access control: requests', n);
  });

  it('a delivery of another message cannot be withdrawn through one’s own message', async ({
    task,
  }) => {
    const olives = await makeFixture(w, 'sent', 'active');
    const sams = await w.send({ from: w.people.sam, to: [w.people.bob.email] });
    const bobsCopy = sams.deliveries[w.people.bob.email] as string;
    const before = w.fingerprint();
    for (const action of ['revoke', 'restore']) {
      const res = await w.post(`/staff/sent/${olives.messageId}/${action}`, {
        cookie: w.cookies.olive,
        csrf: w.tokens.olive,
        fields: { deliveryId: bobsCopy },
      });
      expect(res.status, action).toBe(404);
    }
    expect(w.fingerprint()).toBe(before);
    const copy = await w.storage.repos.deliveries.findById({ id: bobsCopy });
    expect(copy?.revokedAt).toBeNull();
    countCases(task, 'access control: requests', 2);
  });

  it('one’s own delivery does not serve another message’s file', async ({ task }) => {
    const anns = await makeFixture(w, 'delivery', 'active');
    const others = await w.send({
      from: w.people.olive,
      to: [w.people.bob.email],
      files: [{ name: 'b.pdf', contentType: 'application/pdf', bytes: new Uint8Array([7]) }],
    });
    const bobsFile = others.attachmentIds[0] as string;
    const foreign = await w.get(`/inbox/${anns.deliveryId}/attachments/${bobsFile}`, w.cookies.ann);
    const missing = await w.get(
      `/inbox/${anns.deliveryId}/attachments/${w.ids.newId()}`,
      w.cookies.ann,
    );
    expect(foreign.status).toBe(404);
    expect(stable(await foreign.text())).toBe(stable(await missing.text()));
    countCases(task, 'access control: requests', 2);
  });
});

describe('access-control matrix: shared mailboxes', () => {
  it('a mailbox one is not an accepted member of, or a member of someone else’s, is missing', async ({
    task,
  }) => {
    // Carol is an accepted member of a generic address, Bob is invited to it.
    const holder = await w.addAccount(`shared-${w.ids.newId().slice(0, 8)}@example.org`);
    const { bob, carol } = w.people;
    const join = async (memberId: string, acceptedAt: Date | null) =>
      w.storage.repos.mailboxMembers.insert({
        member: {
          mailboxId: holder.id,
          memberId,
          addedById: holder.id,
          createdAt: w.clock.now(),
          acceptedAt,
        },
      });
    await join(carol.id, w.clock.now());
    await join(bob.id, null);
    const forms: Array<[string, (id: string) => Record<string, string>]> = [
      ['/mailboxes/act', (id) => ({ mailboxId: id })],
      ['/mailboxes/accept', (id) => ({ mailboxId: id })],
      ['/mailboxes/leave', (id) => ({ mailboxId: id })],
      ['/account/members/remove', (id) => ({ memberId: id })],
    ];
    const before = w.fingerprint();
    let n = 0;
    for (const actor of ['ann', 'olive', 'adam'] as const) {
      for (const [path, fields] of forms) {
        const probe = path === '/account/members/remove' ? carol.id : holder.id;
        const send = (id: string) =>
          w.post(path, { cookie: w.cookies[actor], csrf: w.tokens[actor], fields: fields(id) });
        const theirs = await send(probe);
        const missing = await send(w.ids.newId());
        expect(theirs.status, `${actor} ${path}`).toBe(404);
        expect(stable(await theirs.text()), `${actor} ${path}`).toBe(stable(await missing.text()));
        n += 2;
      }
    }
    // Bob, invited but not yet accepted, cannot work from it, nor remove Carol.
    const bobActs = await w.post('/mailboxes/act', {
      cookie: w.cookies.bob,
      csrf: w.tokens.bob,
      fields: { mailboxId: holder.id },
    });
    expect(bobActs.status).toBe(404);
    const bobRemoves = await w.post('/account/members/remove', {
      cookie: w.cookies.bob,
      csrf: w.tokens.bob,
      fields: { memberId: carol.id },
    });
    expect(bobRemoves.status).toBe(404);
    expect(w.fingerprint()).toBe(before);
    // Carol, the accepted member, can: the refusals above are not a route that always refuses.
    const carolActs = await w.post('/mailboxes/act', {
      cookie: w.cookies.carol,
      csrf: w.tokens.carol,
      fields: { mailboxId: holder.id },
    });
    expect(carolActs.status).toBe(303);
    await w.post('/mailboxes/act', {
      cookie: w.cookies.carol,
      csrf: w.tokens.carol,
      fields: { mailboxId: '' },
    });
    countCases(task, 'access control: requests', n + 3);
  });
});

describe('access-control matrix: admin pages and the audit export', () => {
  const pages = Object.entries(ROUTES).filter(
    ([, spec]) => spec.area === 'admin' && spec.ids.length === 0,
  );

  /** The answer each actor gets for an admin page that does not exist: the refusal to match. */
  const refusals = new Map<Actor, Seen>();
  const none: Fixture = { ...NO_IDS };
  const unpath = (text: string, path: string) =>
    text.split(encodeURIComponent(path)).join('{path}').split(path).join('{path}');
  const seen = async (res: Response, path: string): Promise<Seen> => ({
    status: res.status,
    location: unpath(normalise(res.headers.get('location') ?? '', none), path),
    body: unpath(normalise(await res.text(), none), path),
  });

  for (const [key, spec] of pages) {
    it(`${key}: ${(spec.readers ?? ['adam']).join(' and ')} only`, async ({ task }) => {
      const [method = 'GET', path = '/'] = key.split(' ');
      const readers: Actor[] = method === 'GET' ? (spec.readers ?? ['adam']) : [];
      const before = w.fingerprint();
      let n = 0;
      for (const actor of ACTORS) {
        if (!refusals.has(actor)) {
          const missing = '/admin/no-such-page';
          refusals.set(actor, await seen(await w.get(missing, w.cookies[actor]), missing));
        }
        if (readers.includes(actor) || (method === 'POST' && actor === 'adam')) continue;
        const res =
          method === 'GET'
            ? await w.get(path, w.cookies[actor])
            : await w.post(path, {
                cookie: w.cookies[actor],
                csrf: actor === 'anonymous' ? w.anonymousToken(path) : w.tokens[actor],
                fields: {
                  orgName: 'Taken over',
                  email: `new@${COUNCIL}`,
                  name: 'New',
                  role: 'admin',
                },
              });
        const answer = await seen(res, path);
        const expected = refusals.get(actor) as Seen;
        if (actor === 'anonymous') {
          expect(answer.status, `${key} ${actor}`).toBe(303);
          expect(answer.location, `${key} ${actor}`).toBe(expected.location);
        } else {
          expect(answer.status, `${key} ${actor}`).toBe(404);
          expect(answer.body, `${key} ${actor}`).toBe(expected.body);
        }
        n += 1;
      }
      expect(w.fingerprint(), `${key}: the refusals changed nothing`).toBe(before);
      for (const actor of readers) {
        const res = await w.get(path, w.cookies[actor]);
        expect(res.status, `${key} ${actor}`).toBe(200);
        await res.arrayBuffer();
        n += 1;
      }
      countCases(task, 'access control: requests', n);
    });
  }
});

describe('access-control matrix: emailed links', () => {
  it('answers an unknown, expired, spent or tampered link exactly alike', async ({ task }) => {
    const { ann } = w.people;
    const sent = await w.send({ from: w.people.olive, to: ['newcomer@example.org'] });
    const deliveryId = sent.deliveries['newcomer@example.org'] as string;
    const newcomer = await w.storage.repos.accounts.findByEmailKey({
      emailKey: 'newcomer@example.org',
    });
    const { buildLinkToken } = await import('../../core/auth/one-time-tokens.ts');
    const link = async (purpose: 'notify' | 'reset' | 'set-password', expiresAt: Date) => {
      const { token, value } = buildLinkToken(
        { ids: w.ids, secrets: w.secrets, clock: w.clock },
        {
          purpose,
          accountId: purpose === 'notify' ? (newcomer?.id ?? null) : ann.id,
          email: purpose === 'notify' ? 'newcomer@example.org' : ann.email,
          deliveryId: purpose === 'notify' ? deliveryId : null,
          expiresAt,
        },
      );
      await w.storage.repos.tokens.insert({ token });
      return value;
    };
    let n = 0;
    const cases: Array<{
      route: string;
      suffix?: string;
      methods?: ReadonlyArray<'GET' | 'POST'>;
      purpose: 'notify' | 'reset' | 'set-password';
    }> = [
      { route: '/r', purpose: 'notify' },
      { route: '/open', purpose: 'notify' },
      { route: '/register', purpose: 'notify' },
      { route: '/register', suffix: '/code', methods: ['POST'], purpose: 'notify' },
      { route: '/r', suffix: '/ask', purpose: 'notify' },
      { route: '/r', suffix: '/ask/confirm', methods: ['POST'], purpose: 'notify' },
      { route: '/reset', purpose: 'reset' },
      { route: '/set-password', purpose: 'set-password' },
    ];
    for (const { route, suffix = '', methods = ['GET', 'POST'], purpose } of cases) {
      const expired = await link(purpose, addDays(w.clock.now(), -1));
      const spent = await link(purpose, addDays(w.clock.now(), 1));
      const [id] = spent.split('.');
      await w.storage.repos.tokens.markUsed({ id: id ?? '', at: w.clock.now() });
      const live = await link(purpose, addDays(w.clock.now(), 1));
      const tampered = `${live.slice(0, -2)}${live.endsWith('aa') ? 'bb' : 'aa'}`;
      const unknown = `${w.ids.newId()}.${'A'.repeat(22)}`;
      const bad = [unknown, expired, spent, tampered, 'malformed-zq', 'zq.zq.zq'];
      for (const method of methods) {
        const answers: string[] = [];
        for (const token of bad) {
          const path = `${route}/${token}${suffix}`;
          const res =
            method === 'GET'
              ? await w.get(path)
              : await w.post(path, {
                  csrf: w.anonymousToken(path),
                  fields: {
                    password: 'a perfectly fine new password',
                    email: 'someone.else@example.org',
                    code: '12345678',
                  },
                });
          n += 1;
          const text = stable(await res.text())
            .split(token)
            .join('{token}');
          answers.push(
            `${res.status} ${text.replace(/value="[0-9a-z]{1,12}\.[0-9a-f]{64}"/g, '')}`,
          );
        }
        expect(new Set(answers).size, `${method} ${route}${suffix}`).toBe(1);
        // Only a button is shown for /r and /open on GET (mail scanners must not spend a
        // link), so even a live link looks the same there.
        if (method === 'GET' && suffix === '' && (route === '/r' || route === '/open')) {
          const res = await w.get(`${route}/${live}`);
          const text = stable(await res.text())
            .split(live)
            .join('{token}');
          expect(`${res.status} ${text.replace(/value="[0-9a-z]{1,12}\.[0-9a-f]{64}"/g, '')}`).toBe(
            answers[0],
          );
          n += 1;
        } else {
          expect(answers[0]?.startsWith('404 '), `${method} ${route}${suffix}`).toBe(true);
        }
      }
    }
    countCases(task, 'access control: requests', n);
  });
});

describe('access-control matrix: timing', () => {
  /**
   * The lower quartile of a list of durations in ms. On a shared machine a request
   * either runs at its own cost or is delayed by something else (a collection, another
   * process) by tens of milliseconds; the lower quartile is the request's own cost.
   */
  const quartile = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 4)] as number;
  };

  it('answers another person’s id no faster or slower than a missing one, beyond noise', async ({
    task,
  }) => {
    const delivery = await makeFixture(w, 'delivery', 'active');
    const sent = await makeFixture(w, 'sent', 'active');
    const draft = await makeFixture(w, 'draft', 'active');
    const contact = await makeFixture(w, 'contact', 'active');
    const probes: Array<{ actor: Actor; real: string; fake: string }> = [
      {
        actor: 'bob',
        real: `/inbox/${delivery.deliveryId}`,
        fake: `/inbox/${w.ids.newId()}`,
      },
      {
        actor: 'bob',
        real: `/inbox/${delivery.deliveryId}/attachments/${delivery.attachmentId}`,
        fake: `/inbox/${w.ids.newId()}/attachments/${w.ids.newId()}`,
      },
      { actor: 'sam', real: `/staff/sent/${sent.messageId}`, fake: `/staff/sent/${w.ids.newId()}` },
      { actor: 'bob', real: `/drafts/${draft.draftId}`, fake: `/drafts/${w.ids.newId()}` },
      { actor: 'bob', real: `/contacts/${contact.contactId}`, fake: `/contacts/${w.ids.newId()}` },
    ];
    const ROUNDS = 40;
    let samples = 0;
    for (const probe of probes) {
      const real: number[] = [];
      const fake: number[] = [];
      const time = async (path: string) => {
        const started = performance.now();
        const res = await w.get(path, w.cookies[probe.actor]);
        await res.arrayBuffer();
        expect(res.status).toBe(404);
        return performance.now() - started;
      };
      // Warm up both paths, then interleave so drift in the machine's load hits both.
      for (let i = 0; i < 5; i++) {
        await time(probe.real);
        await time(probe.fake);
      }
      for (let i = 0; i < ROUNDS; i++) {
        if (i % 2 === 0) {
          real.push(await time(probe.real));
          fake.push(await time(probe.fake));
        } else {
          fake.push(await time(probe.fake));
          real.push(await time(probe.real));
        }
      }
      samples += 2 * ROUNDS;
      const a = quartile(real);
      const b = quartile(fake);
      // Decrypting or rendering anything of the real object would cost milliseconds
      // (an OpenPGP session key alone is several); the two answers' own costs must not
      // differ by more than noise.
      const noise = Math.max(3, 0.75 * Math.min(a, b));
      expect(Math.abs(a - b), `${probe.real}: ${a.toFixed(2)} vs ${b.toFixed(2)} ms`).toBeLessThan(
        noise,
      );
    }
    countCases(task, 'access control: timing samples', samples);
  });
});

/** A multipart form body. */
function formData(fields: Array<[string, string]>): FormData {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  return form;
}
