import { recordAudit } from '../audit/record.ts';
import { finishBlobDeletions } from '../lifecycle/purge-message.ts';
import { type AdminActor, type AdminDeps, auditActor } from './deps.ts';

/** Why an account was not deleted. */
export type DeleteAccountRefusal =
  | 'not-found'
  /** Admins may not delete their own account. */
  | 'own-account'
  /** The person is under a legal hold: nothing of theirs may go. */
  | 'legal-hold'
  /**
   * The account sent or received messages. Those are other people's records too (the
   * other party's copy, the sender's tracking, the audit trail points at them), so the
   * account is not deleted: disable it instead. The messages go at the end of their
   * retention period; an external person's erasure request goes through
   * `sealpost subject erase`, which removes what is theirs and nothing else.
   */
  | 'has-messages';

/** What deleting an account removed with it, by count. */
export type DeletedAccount = {
  email: string;
  drafts: number;
  contacts: number;
  contactGroups: number;
  sessions: number;
};

/** The outcome of `deleteAccount`. */
export type DeleteAccountResult =
  | { ok: true; deleted: DeletedAccount }
  | { ok: false; reason: DeleteAccountRefusal };

/**
 * Whether `deleteAccount` would refuse this account, and why; null when it may go.
 * The account page asks first, so it can say so before anyone presses the button.
 */
export async function whyNotDeletable(
  deps: Pick<AdminDeps, 'storage'>,
  input: { accountId: string; actor: AdminActor },
): Promise<DeleteAccountRefusal | null> {
  const repos = deps.storage.repos;
  const account = await repos.accounts.findById({ id: input.accountId });
  if (!account) return 'not-found';
  if (account.id === input.actor.id) return 'own-account';
  if (account.legalHold) return 'legal-hold';
  const sent = await repos.messages.countSent({ senderId: account.id });
  if (sent > 0) return 'has-messages';
  const received = await repos.deliveries.listForRecipient({ recipientId: account.id });
  if (received.length > 0) return 'has-messages';
  return null;
}

/**
 * Deletes an account that never sent or received a message: typically a staff
 * member added by mistake, or who left before using the portal. Its own drafts
 * (with their files), address book, sessions, links and device locks go with it.
 * The audit trail is never touched: its events keep the account id and the address
 * they were recorded with, and `account.delete` is added (id and role, not the
 * address). An account with messages is refused, never anonymised here: see
 * `DeleteAccountRefusal`.
 */
export async function deleteAccount(
  deps: AdminDeps,
  input: { accountId: string; actor: AdminActor },
): Promise<DeleteAccountResult> {
  const refusal = await whyNotDeletable(deps, input);
  if (refusal) return { ok: false, reason: refusal };
  const now = deps.clock.now();
  const result = await deps.storage.transaction(async (repos) => {
    const account = await repos.accounts.findById({ id: input.accountId, forUpdate: true });
    if (!account) return { ok: false, reason: 'not-found' } as const;
    // Checked again inside: a message may have been sent since the check above.
    if (account.legalHold) return { ok: false, reason: 'legal-hold' } as const;
    if (
      (await repos.messages.countSent({ senderId: account.id })) > 0 ||
      (await repos.deliveries.listForRecipient({ recipientId: account.id })).length > 0
    ) {
      return { ok: false, reason: 'has-messages' } as const;
    }
    const blobIds: string[] = [];
    const drafts = await repos.drafts.listForAccount({
      accountId: account.id,
      limit: 10_000,
      offset: 0,
    });
    for (const draft of drafts) {
      const files = await repos.attachments.listForDraft({ draftId: draft.id });
      blobIds.push(...files.map((f) => f.blobId));
      for (const file of files) await repos.attachments.delete({ id: file.id });
      await repos.drafts.delete({ id: draft.id });
    }
    await repos.blobDeletions.add({ blobIds, at: now });
    const groups = await repos.contacts.listGroupsForOwner({ ownerId: account.id });
    for (const group of groups) await repos.contacts.deleteGroup({ id: group.id });
    const contacts = await repos.contacts.listForOwner({ ownerId: account.id });
    for (const contact of contacts) await repos.contacts.delete({ id: contact.id });
    // No access requests to remove: a request hangs on the requester's own copy, and
    // there is none.
    const sessions = await repos.sessions.deleteForAccount({ accountId: account.id });
    await repos.tokens.deleteForAccount({ accountId: account.id });
    await repos.deviceLockouts.deleteForAccount({ accountId: account.id });
    await repos.accounts.delete({ id: account.id });
    await recordAudit(deps, repos, {
      action: 'account.delete',
      ...auditActor(input.actor),
      targetType: 'account',
      targetId: account.id,
      details: { kind: account.kind, role: account.role, drafts: drafts.length },
    });
    return {
      ok: true,
      blobIds,
      deleted: {
        email: account.email,
        drafts: drafts.length,
        contacts: contacts.length,
        contactGroups: groups.length,
        sessions,
      },
    } as const;
  });
  if (!result.ok) return result;
  // After the commit: a blob store that is away leaves the queue for the next run.
  await finishBlobDeletions(deps, result.blobIds).catch(() => {});
  return { ok: true, deleted: result.deleted };
}
