import { decideAccessRequest, requestExtension } from '../../../core/access/requests.ts';
import { saveContact } from '../../../core/contacts/address-book.ts';
import { saveGroup } from '../../../core/contacts/groups.ts';
import { purgeMessage } from '../../../core/lifecycle/purge-message.ts';
import { stageDraftFiles } from '../../../core/messages/draft-files.ts';
import { saveDraft } from '../../../core/messages/drafts.ts';
import { streamOf } from '../../../core/shared/streams.ts';
import { addDays } from '../../../core/shared/time.ts';
import { type Actor, COUNCIL, type World } from './world.ts';

/**
 * The states an object can be in. Not every kind has every state: a draft or a contact
 * cannot expire or be withdrawn; an access request is pending (`active`) or `decided`.
 * `deleted` is "deleted by its owner" (a recipient's Delete hides their copy), `purged`
 * is "deleted for everyone" (the retention job removed the message).
 */
export type State =
  | 'active'
  | 'expired'
  | 'revoked'
  | 'deleted'
  | 'purged'
  | 'decided'
  | 'disabled'
  | 'locked'
  | 'failed';

/** The kinds of fixture the matrix builds, one per kind of object. */
export type FixtureKind =
  | 'delivery'
  | 'staff-delivery'
  | 'sent'
  | 'request'
  | 'draft'
  | 'staff-draft'
  | 'contact'
  | 'account'
  | 'mail'
  | 'passkey';

/** The ids a fixture made (all strings; a purged or deleted object keeps its old id). */
export type Fixture = {
  state: State;
  deliveryId: string;
  attachmentId: string;
  /** An inline image of the message's body (served by the images routes). */
  imageId: string;
  messageId: string;
  requestId: string;
  draftId: string;
  contactId: string;
  groupId: string;
  accountId: string;
  mailId: string;
  /** One of Ann's passkeys. */
  passkeyId: string;
};

const FILE = {
  name: 'plan.pdf',
  contentType: 'application/pdf',
  bytes: new TextEncoder().encode('%PDF-1.4 care plan'),
};

/** A signature image shown in the body, as the gateway stores a `cid:` part. */
const IMAGE = {
  name: 'logo.png',
  contentType: 'image/png',
  bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  kind: 'inline' as const,
};

/** The states each kind of fixture has. */
export const STATES: Record<FixtureKind, State[]> = {
  delivery: ['active', 'expired', 'revoked', 'deleted', 'purged'],
  'staff-delivery': ['active', 'expired', 'revoked', 'deleted', 'purged'],
  sent: ['active', 'expired', 'revoked', 'deleted', 'purged'],
  request: ['active', 'decided', 'purged'],
  draft: ['active', 'deleted'],
  'staff-draft': ['active', 'deleted'],
  contact: ['active', 'deleted'],
  account: ['active', 'disabled', 'locked', 'deleted'],
  mail: ['active', 'failed', 'deleted'],
  passkey: ['active', 'deleted'],
};

const EMPTY: Omit<Fixture, 'state'> = {
  deliveryId: '',
  attachmentId: '',
  imageId: '',
  messageId: '',
  requestId: '',
  draftId: '',
  contactId: '',
  groupId: '',
  accountId: '',
  mailId: '',
  passkeyId: '',
};

/** A fixture naming nothing (for routes without an id). */
export const NO_IDS: Fixture = { ...EMPTY, state: 'active' };

/**
 * Builds a fresh object of `kind` in `state`, owned as the matrix says:
 * - `delivery`: Olive's message (with a file) to Ann, Carol in copy; Ann's copy.
 * - `staff-delivery`: Ann's message (with a file) to Olive; Olive's copy.
 * - `sent`: Olive's message to Ann and Carol, seen from Olive's sent items.
 * - `request`: Ann's request for more time on an expired copy of Olive's message.
 * - `draft`, `contact` (with a group holding it): Ann's.
 * - `staff-draft`: Olive's draft with a file waiting in it (`attachmentId`).
 * - `account`: a recipient's account, as an admin manages it.
 * - `mail`: an email in the outbox (a notification), pending or failed.
 */
export async function makeFixture(w: World, kind: FixtureKind, state: State): Promise<Fixture> {
  const { ann, carol, olive } = w.people;
  const now = () => w.clock.now();
  const setDelivery = async (id: string, change: Record<string, unknown>) => {
    const delivery = await w.storage.repos.deliveries.findById({ id });
    if (!delivery) throw new Error(`no delivery ${id}`);
    await w.storage.repos.deliveries.update({ delivery: { ...delivery, ...change } });
  };
  const purge = (messageId: string) =>
    purgeMessage(
      { ...w.deps, blobs: w.app.blobs },
      { messageId, now: now(), reason: 'retention', actor: { id: null, label: 'test' } },
    );

  if (kind === 'delivery' || kind === 'sent' || kind === 'staff-delivery') {
    const sent =
      kind === 'staff-delivery'
        ? await w.send({
            from: ann,
            to: [olive.email],
            subject: 'About my plan',
            files: [FILE, IMAGE],
          })
        : await w.send({ from: olive, to: [ann.email], cc: [carol.email], files: [FILE, IMAGE] });
    const mine = sent.deliveries[kind === 'staff-delivery' ? olive.email : ann.email] as string;
    const all = Object.values(sent.deliveries);
    const affected = kind === 'sent' ? all : [mine];
    if (state === 'expired') {
      for (const id of affected) await setDelivery(id, { accessEndsAt: addDays(now(), -1) });
    }
    if (state === 'revoked') for (const id of affected) await setDelivery(id, { revokedAt: now() });
    if (state === 'deleted') await setDelivery(mine, { hiddenAt: now() });
    if (state === 'purged') await purge(sent.messageId);
    return {
      ...EMPTY,
      state,
      deliveryId: mine,
      attachmentId: sent.attachmentIds[0] ?? '',
      imageId: sent.attachmentIds[1] ?? '',
      messageId: sent.messageId,
    };
  }

  if (kind === 'request') {
    const sent = await w.send({ from: olive, to: [ann.email] });
    const deliveryId = sent.deliveries[ann.email] as string;
    await setDelivery(deliveryId, { accessEndsAt: addDays(now(), -1) });
    const asked = await requestExtension(
      { ...w.deps, orgName: w.settings.orgName },
      { account: ann, deliveryId, ip: null },
    );
    if (!asked.ok) throw new Error('request not made');
    if (state === 'decided') {
      await decideAccessRequest(
        {
          ...w.deps,
          orgName: w.settings.orgName,
          extensionDays: w.settings.extensionDays,
          accessDays: w.settings.accessDays,
        },
        { account: olive, requestId: asked.request.id, grant: false, ip: null },
      );
    }
    if (state === 'purged') await purge(sent.messageId);
    return { ...EMPTY, state, deliveryId, messageId: sent.messageId, requestId: asked.request.id };
  }

  if (kind === 'account') {
    const account = await w.addAccount(`managed-${w.ids.newId().slice(0, 8)}@example.org`);
    if (state === 'disabled' || state === 'locked') {
      await w.storage.repos.accounts.update({
        account: {
          ...account,
          ...(state === 'disabled'
            ? { status: 'disabled' as const }
            : { lockedUntil: addDays(now(), 1), failedSignIns: 3, failureWindowStartedAt: now() }),
        },
      });
    }
    if (state === 'deleted') await w.storage.repos.accounts.delete({ id: account.id });
    return { ...EMPTY, state, accountId: account.id };
  }

  if (kind === 'mail') {
    const sent = await w.send({
      from: olive,
      to: [`mailed-${w.ids.newId().slice(0, 8)}@example.org`],
    });
    const [mailId = ''] = Object.values(sent.deliveries);
    const mail = await w.storage.repos.outbox.findById({ id: mailId });
    if (!mail) throw new Error('no notification queued');
    if (state === 'failed') {
      await w.storage.repos.outbox.update({
        mail: { ...mail, status: 'failed', attempts: 9, lastError: 'Mailbox unavailable' },
      });
    }
    if (state === 'deleted') {
      await w.storage.repos.outbox.update({
        mail: { ...mail, status: 'sent', sentAt: now() },
      });
      await w.storage.repos.outbox.deleteSent({ before: addDays(now(), 1), limit: 1_000 });
    }
    return { ...EMPTY, state, mailId };
  }

  if (kind === 'passkey') {
    // A passkey of Ann's, as registration stores it (a public key only).
    const id = w.ids.newId();
    await w.storage.repos.passkeys.insert({
      passkey: {
        id,
        accountId: ann.id,
        credentialId: `cred-${id}`,
        publicKey: new Uint8Array([1, 2, 3]),
        counter: 0,
        transports: ['internal'],
        deviceType: 'singleDevice',
        backedUp: false,
        name: 'Ann’s phone',
        createdAt: now(),
        lastUsedAt: null,
      },
    });
    if (state === 'deleted') await w.storage.repos.passkeys.delete({ id, accountId: ann.id });
    return { ...EMPTY, state, passkeyId: id };
  }

  if (kind === 'staff-draft') {
    const saved = await saveDraft(w.deps, {
      accountId: olive.id,
      draftId: null,
      content: {
        to: [ann.email],
        cc: [],
        subject: 'Olive’s private draft',
        body: 'Not finished',
        inReplyToId: null,
      },
    });
    if (!saved.ok) throw new Error('draft not saved');
    const staged = await stageDraftFiles(
      { ...w.deps, blobs: w.app.blobs },
      {
        accountId: olive.id,
        draftId: saved.draft.id,
        files: [{ name: FILE.name, contentType: FILE.contentType, content: streamOf(FILE.bytes) }],
        limits: { maxAttachments: 10, maxTotalBytes: 1024 * 1024 },
      },
    );
    if (!staged.ok) throw new Error('draft file not staged');
    const [file] = await w.storage.repos.attachments.listForDraft({ draftId: saved.draft.id });
    if (state === 'deleted') await w.storage.repos.drafts.delete({ id: saved.draft.id });
    return { ...EMPTY, state, draftId: saved.draft.id, attachmentId: file?.id ?? '' };
  }

  if (kind === 'draft') {
    const saved = await saveDraft(w.deps, {
      accountId: ann.id,
      draftId: null,
      content: {
        to: [`officer@${COUNCIL}`],
        cc: [],
        subject: 'Ann’s private draft',
        body: 'Not finished',
        inReplyToId: null,
      },
    });
    if (!saved.ok) throw new Error('draft not saved');
    // A file waiting in the draft, for its Remove route.
    const staged = await stageDraftFiles(
      { ...w.deps, blobs: w.app.blobs },
      {
        accountId: ann.id,
        draftId: saved.draft.id,
        files: [{ name: FILE.name, contentType: FILE.contentType, content: streamOf(FILE.bytes) }],
        limits: { maxAttachments: 10, maxTotalBytes: 1024 * 1024 },
      },
    );
    if (!staged.ok) throw new Error('draft file not staged');
    const [file] = await w.storage.repos.attachments.listForDraft({ draftId: saved.draft.id });
    if (state === 'deleted') await w.storage.repos.drafts.delete({ id: saved.draft.id });
    return { ...EMPTY, state, draftId: saved.draft.id, attachmentId: file?.id ?? '' };
  }

  const contact = await saveContact(w.deps, {
    ownerId: ann.id,
    name: 'Ann’s social worker',
    email: `worker-${w.ids.newId().slice(0, 8)}@${COUNCIL}`,
    note: '',
  });
  if (!contact.ok) throw new Error('contact not saved');
  const group = await saveGroup(w.deps, {
    ownerId: ann.id,
    name: `Ann’s group ${w.ids.newId().slice(0, 6)}`,
    memberIds: [contact.contact.id],
  });
  if (!group.ok) throw new Error('group not saved');
  if (state === 'deleted') {
    await w.storage.repos.contacts.deleteGroup({ id: group.group.id });
    await w.storage.repos.contacts.delete({ id: contact.contact.id });
  }
  return { ...EMPTY, state, contactId: contact.contact.id, groupId: group.group.id };
}

/** A fixture whose every id is a fresh random one: what "missing" looks like. */
export function missingFixture(w: World, like: Fixture): Fixture {
  const fresh = (id: string) => (id === '' ? '' : w.ids.newId());
  return {
    state: like.state,
    deliveryId: fresh(like.deliveryId),
    attachmentId: fresh(like.attachmentId),
    imageId: fresh(like.imageId),
    messageId: fresh(like.messageId),
    requestId: fresh(like.requestId),
    draftId: fresh(like.draftId),
    contactId: fresh(like.contactId),
    groupId: fresh(like.groupId),
    accountId: fresh(like.accountId),
    mailId: fresh(like.mailId),
    passkeyId: fresh(like.passkeyId),
  };
}

/** Expected status per state for an actor who is let in. */
export type Allowed = Partial<Record<State, number>>;

/** One row of the matrix: a route that takes ids, tried by everyone in every state. */
export type MatrixRow = {
  /** The route's key in ROUTES. */
  route: string;
  /** The ids of the route this row covers (the inventory test checks every id is covered). */
  covers: string[];
  fixture: FixtureKind;
  path: (f: Fixture) => string;
  fields?: (f: Fixture) => Record<string, string>;
  /** The actors let in, with the status each state gives them; every other actor is refused. */
  allowed: Partial<Record<Actor, Allowed>>;
};

/** A copy its owner can still see: anything but deleted by them or purged. */
const UNTIL_DELETED = (status: number): Allowed => ({
  active: status,
  expired: status,
  revoked: status,
});
/** A sent message: its sender sees it whatever a recipient did with their copy, until purged. */
const UNTIL_PURGED = (status: number): Allowed => ({
  active: status,
  expired: status,
  revoked: status,
  deleted: status,
});
const ACTIVE_ONLY = (status: number): Allowed => ({ active: status });
const inTenDays = (w: { now(): Date }) => addDays(w.now(), 10);

/**
 * The matrix. Each row lists who gets in and with what; everyone else (Ann, Bob,
 * Carol, Olive, Sam, Audrey, Adam, or a client without a session) is refused: a
 * signed-in person with the very same 404 page a missing id gives them, a signed-out
 * client with the same "sign in first" answer a missing id gives.
 */
export function matrixRows(clock: { now(): Date }): MatrixRow[] {
  const end = inTenDays(clock);
  return [
    // ---- A recipient's copy of a message ----------------------------------------
    {
      route: 'GET /inbox/:id',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}`,
      // An expired or withdrawn copy says so to its owner (and offers to ask for time).
      allowed: { ann: UNTIL_DELETED(200) },
    },
    {
      route: 'GET /inbox/:id/attachments/:attachmentId',
      covers: ['id', 'attachmentId'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/attachments/${f.attachmentId}`,
      allowed: { ann: ACTIVE_ONLY(200) },
    },
    {
      route: 'GET /inbox/:id/images/:attachmentId',
      covers: ['id', 'attachmentId'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/images/${f.imageId}`,
      allowed: { ann: ACTIVE_ONLY(200) },
    },
    {
      route: 'GET /inbox/:id/reply',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/reply`,
      allowed: { ann: ACTIVE_ONLY(200) },
    },
    {
      route: 'POST /inbox/:id/reply',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/reply`,
      fields: () => ({ subject: 'Re: Your care plan', body: 'Thank you.' }),
      allowed: { ann: ACTIVE_ONLY(303) },
    },
    {
      route: 'GET /inbox/:id/forward',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/forward`,
      allowed: { ann: ACTIVE_ONLY(200) },
    },
    {
      route: 'POST /inbox/:id/forward',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/forward`,
      fields: () => ({ to: `colleague@${COUNCIL}` }),
      allowed: { ann: ACTIVE_ONLY(303) },
    },
    {
      route: 'GET /inbox/:id/delete',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/delete`,
      allowed: { ann: UNTIL_DELETED(200) },
    },
    {
      route: 'POST /inbox/:id/delete',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/delete`,
      allowed: { ann: UNTIL_DELETED(303) },
    },
    {
      route: 'POST /inbox/:id/request-access',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/request-access`,
      // Only an expired copy can be asked about; anything else is "missing".
      allowed: { ann: { expired: 303 } },
    },
    {
      route: 'POST /inbox/:id/step-up',
      covers: ['id'],
      fixture: 'delivery',
      path: (f) => `/inbox/${f.deliveryId}/step-up`,
      // An unmarked message needs no step: the person is sent back to it.
      allowed: { ann: UNTIL_DELETED(303) },
    },

    // ---- A staff member's copy (a reply from a recipient) --------------------------
    {
      route: 'GET /staff/inbox/:deliveryId',
      covers: ['deliveryId'],
      fixture: 'staff-delivery',
      path: (f) => `/staff/inbox/${f.deliveryId}`,
      allowed: { olive: UNTIL_DELETED(200) },
    },
    {
      route: 'GET /staff/inbox/:deliveryId/attachments/:attachmentId',
      covers: ['deliveryId', 'attachmentId'],
      fixture: 'staff-delivery',
      path: (f) => `/staff/inbox/${f.deliveryId}/attachments/${f.attachmentId}`,
      allowed: { olive: ACTIVE_ONLY(200) },
    },
    {
      route: 'GET /staff/inbox/:deliveryId/images/:attachmentId',
      covers: ['deliveryId', 'attachmentId'],
      fixture: 'staff-delivery',
      path: (f) => `/staff/inbox/${f.deliveryId}/images/${f.imageId}`,
      allowed: { olive: ACTIVE_ONLY(200) },
    },

    // ---- A sent message: tracking and control --------------------------------------
    {
      route: 'GET /staff/sent/:messageId',
      covers: ['messageId'],
      fixture: 'sent',
      path: (f) => `/staff/sent/${f.messageId}`,
      // Auditors (and admins, who can read the whole audit trail) see any tracking.
      allowed: { olive: UNTIL_PURGED(200), audrey: UNTIL_PURGED(200), adam: UNTIL_PURGED(200) },
    },
    {
      route: 'GET /staff/sent/:messageId/attachments/:attachmentId',
      covers: ['messageId', 'attachmentId'],
      fixture: 'sent',
      path: (f) => `/staff/sent/${f.messageId}/attachments/${f.attachmentId}`,
      // The content is the sender's alone: auditors and admins see tracking, not files.
      allowed: { olive: UNTIL_PURGED(200) },
    },
    {
      route: 'GET /staff/drafts/:draftId',
      covers: ['draftId'],
      fixture: 'staff-draft',
      path: (f) => `/staff/drafts/${f.draftId}`,
      allowed: { olive: ACTIVE_ONLY(200) },
    },
    {
      route: 'POST /staff/drafts/:draftId/delete',
      covers: ['draftId'],
      fixture: 'staff-draft',
      path: (f) => `/staff/drafts/${f.draftId}/delete`,
      allowed: { olive: ACTIVE_ONLY(303) },
    },
    {
      route: 'GET /staff/compose/sent/:messageId',
      covers: ['messageId'],
      fixture: 'sent',
      path: (f) => `/staff/compose/sent/${f.messageId}`,
      allowed: { olive: UNTIL_PURGED(200) },
    },
    {
      route: 'POST /staff/sent/:messageId/revoke',
      covers: ['messageId'],
      fixture: 'sent',
      path: (f) => `/staff/sent/${f.messageId}/revoke`,
      allowed: { olive: UNTIL_PURGED(303) },
    },
    {
      route: 'POST /staff/sent/:messageId/restore',
      covers: ['messageId'],
      fixture: 'sent',
      path: (f) => `/staff/sent/${f.messageId}/restore`,
      allowed: { olive: UNTIL_PURGED(303) },
    },
    {
      route: 'POST /staff/sent/:messageId/access-end',
      covers: ['messageId'],
      fixture: 'sent',
      path: (f) => `/staff/sent/${f.messageId}/access-end`,
      fields: () => ({
        'endDate-day': String(end.getUTCDate()),
        'endDate-month': String(end.getUTCMonth() + 1),
        'endDate-year': String(end.getUTCFullYear()),
      }),
      allowed: { olive: UNTIL_PURGED(303) },
    },

    // ---- Access requests -------------------------------------------------------------
    {
      route: 'GET /staff/requests/:requestId',
      covers: ['requestId'],
      fixture: 'request',
      path: (f) => `/staff/requests/${f.requestId}`,
      allowed: { olive: { active: 200, decided: 200 } },
    },
    {
      route: 'POST /staff/requests/:requestId',
      covers: ['requestId'],
      fixture: 'request',
      path: (f) => `/staff/requests/${f.requestId}`,
      fields: () => ({ decision: 'grant' }),
      // A request decided already is shown again with that said (400), to its owner only.
      allowed: { olive: { active: 303, decided: 400 } },
    },

    // ---- Drafts, contacts, groups ----------------------------------------------------
    {
      // What Ann sent (her message to Olive), re-read and its file fetched by Ann alone.
      route: 'GET /sent/:id',
      covers: ['id'],
      fixture: 'staff-delivery',
      path: (f) => `/sent/${f.messageId}`,
      allowed: { ann: UNTIL_PURGED(200) },
    },
    {
      route: 'GET /sent/:id/attachments/:attachmentId',
      covers: ['id', 'attachmentId'],
      fixture: 'staff-delivery',
      path: (f) => `/sent/${f.messageId}/attachments/${f.attachmentId}`,
      allowed: { ann: UNTIL_PURGED(200) },
    },
    {
      route: 'GET /drafts/:id',
      covers: ['id'],
      fixture: 'draft',
      path: (f) => `/drafts/${f.draftId}`,
      allowed: { ann: ACTIVE_ONLY(200) },
    },
    {
      route: 'POST /drafts/:id/delete',
      covers: ['id'],
      fixture: 'draft',
      path: (f) => `/drafts/${f.draftId}/delete`,
      allowed: { ann: ACTIVE_ONLY(303) },
    },
    {
      // Remove posts the whole compose form: the text is saved with it (so a file id of
      // another person's draft must not even save anything into that draft).
      route: 'POST /drafts/:id/files/:fileId/remove',
      covers: ['id', 'fileId'],
      fixture: 'draft',
      path: (f) => `/drafts/${f.draftId}/files/${f.attachmentId}/remove`,
      fields: (f) => ({ subject: 'Ann’s private draft', body: 'Not finished', draftId: f.draftId }),
      allowed: { ann: ACTIVE_ONLY(303) },
    },
    {
      route: 'GET /contacts/:id',
      covers: ['id'],
      fixture: 'contact',
      path: (f) => `/contacts/${f.contactId}`,
      allowed: { ann: ACTIVE_ONLY(200) },
    },
    {
      route: 'POST /contacts/:id',
      covers: ['id'],
      fixture: 'contact',
      path: (f) => `/contacts/${f.contactId}`,
      fields: () => ({ name: 'Taken over', email: `taken-over@${COUNCIL}`, note: '' }),
      allowed: { ann: ACTIVE_ONLY(303) },
    },
    {
      route: 'POST /account/passkeys/:id/rename',
      covers: ['id'],
      fixture: 'passkey',
      path: (f) => `/account/passkeys/${f.passkeyId}/rename`,
      fields: () => ({ name: 'Taken over' }),
      allowed: { ann: ACTIVE_ONLY(303) },
    },
    {
      route: 'POST /contacts/:id/delete',
      covers: ['id'],
      fixture: 'contact',
      path: (f) => `/contacts/${f.contactId}/delete`,
      allowed: { ann: ACTIVE_ONLY(303) },
    },
    {
      route: 'GET /contacts/groups/:id',
      covers: ['id'],
      fixture: 'contact',
      path: (f) => `/contacts/groups/${f.groupId}`,
      allowed: { ann: ACTIVE_ONLY(200) },
    },
    {
      route: 'POST /contacts/groups/:id',
      covers: ['id'],
      fixture: 'contact',
      path: (f) => `/contacts/groups/${f.groupId}`,
      fields: (f) => ({ name: 'Renamed group', members: f.contactId }),
      allowed: { ann: ACTIVE_ONLY(303) },
    },
    {
      route: 'POST /contacts/groups/:id/delete',
      covers: ['id'],
      fixture: 'contact',
      path: (f) => `/contacts/groups/${f.groupId}/delete`,
      allowed: { ann: ACTIVE_ONLY(303) },
    },

    // ---- Accounts and failed mail, for admins only (auditors read neither) --------
    {
      route: 'GET /admin/accounts/:id',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/accounts/${f.accountId}`,
      allowed: { adam: { active: 200, disabled: 200, locked: 200 } },
    },
    {
      route: 'GET /admin/accounts/:id/delete',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/accounts/${f.accountId}/delete`,
      allowed: { adam: { active: 200, disabled: 200, locked: 200 } },
    },
    {
      route: 'POST /admin/accounts/:id/delete',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/accounts/${f.accountId}/delete`,
      allowed: { adam: { active: 303, disabled: 303, locked: 303 } },
    },
    {
      route: 'POST /admin/accounts/:id/disable',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/accounts/${f.accountId}/disable`,
      // Disabling a disabled account changes nothing, and says so (400).
      allowed: { adam: { active: 303, disabled: 400, locked: 303 } },
    },
    {
      route: 'POST /admin/accounts/:id/enable',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/accounts/${f.accountId}/enable`,
      allowed: { adam: { active: 400, disabled: 303, locked: 400 } },
    },
    {
      route: 'POST /admin/accounts/:id/reset',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/accounts/${f.accountId}/reset`,
      allowed: { adam: { active: 303, disabled: 400, locked: 303 } },
    },
    {
      route: 'POST /admin/accounts/:id/reset-second-factor',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/accounts/${f.accountId}/reset-second-factor`,
      fields: () => ({ confirm: 'yes' }),
      // The fixture has no second factor, so the admin is told there is nothing to
      // reset (400); test/http/admin-second-factor-reset.test.ts resets a real one.
      allowed: { adam: { active: 400, disabled: 400, locked: 400 } },
    },
    {
      route: 'POST /admin/accounts/:id/unlock',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/accounts/${f.accountId}/unlock`,
      allowed: { adam: { active: 400, disabled: 400, locked: 303 } },
    },
    // Team mailboxes: an account that is not a team (the fixture is a recipient's) is
    // answered exactly as a missing id, for the admin too; test/http/team-mailbox.test.ts
    // covers real teams, their members and who else is refused.
    {
      route: 'POST /admin/teams/:id/members',
      covers: ['id'],
      fixture: 'account',
      path: (f) => `/admin/teams/${f.accountId}/members`,
      fields: () => ({ email: `olive@${COUNCIL}` }),
      allowed: {},
    },
    {
      route: 'POST /admin/teams/:id/members/:memberId/remove',
      covers: ['id', 'memberId'],
      fixture: 'account',
      path: (f) => `/admin/teams/${f.accountId}/members/${f.accountId}/remove`,
      allowed: {},
    },
    {
      route: 'POST /admin/mail/:id/retry',
      covers: ['id'],
      fixture: 'mail',
      path: (f) => `/admin/mail/${f.mailId}/retry`,
      // Only a mail that gave up can be tried again; a waiting one is shown as it is.
      allowed: { adam: { failed: 303, active: 400 } },
    },
  ];
}

/**
 * Ids that arrive in a form field or the query string rather than the path. Each is
 * covered by a test in access-control-matrix.test.ts ("ids in forms and query strings")
 * that checks another person's id is treated exactly like a missing one.
 */
export const FIELD_ID_COVERAGE: readonly string[] = [
  'GET /compose contact',
  'GET /compose group',
  'POST /compose draftId',
  'POST /compose contact',
  'POST /compose group',
  'POST /compose/save draftId',
  'POST /compose/save contact',
  'POST /compose/save group',
  'POST /compose/autosave draftId',
  'POST /inbox/:id/reply draftId',
  'POST /inbox/:id/reply remove',
  'POST /inbox/:id/forward draftId',
  'POST /inbox/:id/forward remove',
  'POST /contacts/groups members',
  'POST /contacts/groups/:id members',
  'GET /staff/compose replyTo',
  'POST /staff/compose/edit replyTo',
  'POST /staff/compose replyTo',
  'POST /staff/compose/send replyTo',
  'POST /staff/compose/edit draftId',
  'POST /staff/compose draftId',
  'POST /staff/compose/send draftId',
  'POST /staff/sent/:messageId/revoke deliveryId',
  'POST /staff/sent/:messageId/restore deliveryId',
  // A generic address one is not an accepted member of, or another person's member,
  // answers as a missing id (access-control-matrix.test.ts, "shared mailboxes").
  'POST /account/members/remove memberId',
  'POST /mailboxes/act mailboxId',
  'POST /mailboxes/accept mailboxId',
  'POST /mailboxes/leave mailboxId',
  // A team the person is not on answers as a missing id (test/http/team-mailbox.test.ts,
  // "gives Bob, not on the team, the 404 a missing id gets").
  'POST /staff/mailboxes/act mailboxId',
];

/** Link-token routes: covered by "emailed links" in access-control-matrix.test.ts. */
export const TOKEN_ROUTES: readonly string[] = [
  'GET /r/:token',
  'POST /r/:token',
  'GET /open/:token',
  'POST /open/:token',
  'GET /register/:token',
  'POST /register/:token',
  'POST /register/:token/code',
  'GET /r/:token/ask',
  'POST /r/:token/ask',
  'POST /r/:token/ask/confirm',
  'GET /reset/:token',
  'POST /reset/:token',
  'GET /set-password/:token',
  'POST /set-password/:token',
];
