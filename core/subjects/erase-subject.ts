import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { finishBlobDeletions, purgeMessage } from '../lifecycle/purge-message.ts';
import { findSubject, type SubjectActor, type SubjectDeps } from './deps.ts';

/** What an erasure removes (or, in a dry run, would remove), by count. */
export type ErasurePlan = {
  accountId: string;
  /** Messages the person sent, deleted with every copy and file. */
  sentMessages: number;
  /** Their copies of messages others sent them (the sender's record stays until retention). */
  receivedCopies: number;
  drafts: number;
  /** Entries and groups of their own address book. */
  contacts: number;
  contactGroups: number;
  /** Entries with their address in other people's address books. */
  namedInAddressBooks: number;
  sessions: number;
  /** Emails in the outbox addressed to them, sent or not. */
  emailsToAddress: number;
  /** Messages under a legal hold, left exactly as they are. */
  heldMessageIds: string[];
  /**
   * True when held messages still name the person, so the account row stays, disabled,
   * without password, second factor or sessions, for as long as the hold lasts.
   */
  accountKept: boolean;
};

/** The outcome: done (or planned), or why not. */
export type EraseResult =
  | { ok: true; dryRun: boolean; plan: ErasurePlan }
  | { ok: false; reason: 'not-found' }
  /** The person is under a legal hold: nothing of theirs may be erased. */
  | { ok: false; reason: 'person-on-hold' }
  /**
   * A staff account: what staff sent are the council's records, not their personal
   * data, so an admin disables the account instead (docs/privacy.md).
   */
  | { ok: false; reason: 'staff' };

const PAGE = 50;

/** The account with everything that could let anyone use it removed. */
function scrubbed(account: Account, now: Date): Account {
  return {
    ...account,
    displayName: account.email,
    passwordHash: null,
    status: 'disabled',
    failedSignIns: 0,
    failureWindowStartedAt: null,
    lockedUntil: null,
    totpKeyEnc: null,
    recoveryCodeHashes: [],
    passkeyCount: 0,
    updatedAt: now,
    lastSignInAt: null,
    passwordChangedAt: null,
  };
}

/**
 * Erases a person at their request, where the law requires it: their account, the
 * messages they sent, their copies of messages sent to them, their drafts, their
 * address book, their entries in other people's address books, their sessions and
 * links, and the emails queued to them. Messages under a legal hold are not touched,
 * and neither is anything of a person under one. The audit trail is kept as it is
 * (it is tamper-evident and the council's record of what was done; see
 * docs/privacy.md); the erasure itself is recorded as a `subject.erase` event that
 * names the account id and counts, never the address.
 *
 * `dryRun` reports the same plan and changes nothing. Each message goes in its own
 * transaction and the account last, with the event, so an interrupted erasure is
 * finished by running it again.
 */
export async function eraseSubject(
  deps: SubjectDeps,
  args: { email: string; dryRun: boolean; actor: SubjectActor },
): Promise<EraseResult> {
  const account = await findSubject(deps, args.email);
  if (!account) return { ok: false, reason: 'not-found' };
  if (account.legalHold) return { ok: false, reason: 'person-on-hold' };
  if (account.kind === 'staff') return { ok: false, reason: 'staff' };
  const apply = !args.dryRun;
  const repos = deps.storage.repos;
  const now = deps.clock.now();
  const actor = { id: args.actor.id, label: args.actor.label };
  const held = new Set<string>();
  const plan: ErasurePlan = {
    accountId: account.id,
    sentMessages: 0,
    receivedCopies: 0,
    drafts: 0,
    contacts: 0,
    contactGroups: 0,
    namedInAddressBooks: 0,
    sessions: 0,
    emailsToAddress: 0,
    heldMessageIds: [],
    accountKept: false,
  };

  // Messages they sent. Deleting shifts the pages, so in earnest only the kept ones
  // are skipped over.
  for (let offset = 0; ; ) {
    const page = await repos.messages.listSent({ senderId: account.id, limit: PAGE, offset });
    for (const message of page) {
      if (message.legalHold) {
        held.add(message.id);
        offset++;
        continue;
      }
      if (!apply) offset++;
      else if (
        !(await purgeMessage(deps, { messageId: message.id, now, reason: 'erasure', actor }))
      ) {
        held.add(message.id);
        offset++;
        continue;
      }
      plan.sentMessages++;
    }
    if (page.length < PAGE) break;
  }

  // Their copies of messages sent to them; the link tokens and access requests of a
  // copy go with it (foreign keys cascade).
  for (const delivery of await repos.deliveries.listForRecipient({ recipientId: account.id })) {
    const message = await repos.messages.findById({ id: delivery.messageId });
    if (message?.legalHold) {
      held.add(message.id);
      continue;
    }
    if (apply) {
      await deps.storage.transaction(async (tx) => {
        // A hold set a moment ago wins.
        if ((await tx.messages.findById({ id: delivery.messageId }))?.legalHold) {
          held.add(delivery.messageId);
          return;
        }
        await tx.deliveries.delete({ id: delivery.id });
      });
    }
    plan.receivedCopies++;
  }

  for (let offset = 0; ; ) {
    const page = await repos.drafts.listForAccount({ accountId: account.id, limit: PAGE, offset });
    for (const draft of page) {
      plan.drafts++;
      if (!apply) {
        offset++;
        continue;
      }
      const blobIds = await deps.storage.transaction(async (tx) => {
        const files = await tx.attachments.listForDraft({ draftId: draft.id });
        const queued = files.map((f) => f.blobId);
        await tx.blobDeletions.add({ blobIds: queued, at: now });
        for (const file of files) await tx.attachments.delete({ id: file.id });
        await tx.drafts.delete({ id: draft.id });
        return queued;
      });
      await finishBlobDeletions(deps, blobIds);
    }
    if (page.length < PAGE) break;
  }

  const groups = await repos.contacts.listGroupsForOwner({ ownerId: account.id });
  const contacts = await repos.contacts.listForOwner({ ownerId: account.id });
  plan.contactGroups = groups.length;
  plan.contacts = contacts.length;
  if (apply) {
    for (const group of groups) await repos.contacts.deleteGroup({ id: group.id });
    for (const contact of contacts) await repos.contacts.delete({ id: contact.id });
  }

  const naming = (await repos.personalData.listContactsNaming({ email: account.email })).filter(
    (c) => c.ownerId !== account.id,
  );
  plan.namedInAddressBooks = naming.length;
  if (apply) {
    for (const contact of naming) {
      await deps.storage.transaction(async (tx) => {
        for (const group of await tx.contacts.listGroupsForOwner({ ownerId: contact.ownerId })) {
          if (!group.memberIds.includes(contact.id)) continue;
          await tx.contacts.saveGroup({
            group: {
              ...group,
              memberIds: group.memberIds.filter((id) => id !== contact.id),
              updatedAt: now,
            },
          });
        }
        await tx.contacts.delete({ id: contact.id });
      });
    }
  }

  plan.sessions = (await repos.sessions.listForAccount({ accountId: account.id })).length;
  plan.emailsToAddress = (await repos.personalData.listOutboxTo({ email: account.email })).length;
  plan.heldMessageIds = [...held].sort();
  plan.accountKept = held.size > 0;
  if (!apply) return { ok: true, dryRun: true, plan };

  await deps.storage.transaction(async (tx) => {
    await tx.sessions.deleteForAccount({ accountId: account.id });
    await tx.tokens.deleteForAccount({ accountId: account.id });
    await tx.deviceLockouts.deleteForAccount({ accountId: account.id });
    // Passkeys are public keys, but they could still sign the account in: they go too.
    await tx.passkeys.deleteForAccount({ accountId: account.id });
    await tx.personalData.deleteOutboxTo({ email: account.email });
    if (plan.accountKept) await tx.accounts.update({ account: scrubbed(account, now) });
    else await tx.accounts.delete({ id: account.id });
    await recordAudit(deps, tx, {
      action: 'subject.erase',
      actorId: args.actor.id,
      actorLabel: args.actor.label,
      ip: args.actor.ip,
      targetType: 'account',
      targetId: account.id,
      details: {
        sentMessages: plan.sentMessages,
        receivedCopies: plan.receivedCopies,
        drafts: plan.drafts,
        contacts: plan.contacts,
        namedInAddressBooks: plan.namedInAddressBooks,
        heldMessages: plan.heldMessageIds.length,
        accountKept: plan.accountKept,
      },
    });
  });
  return { ok: true, dryRun: false, plan };
}
