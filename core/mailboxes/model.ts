/**
 * A person's place in a shared mailbox (docs/decisions/0028): `memberId` may act for
 * the mailbox account `mailboxId` once `acceptedAt` is set. Team mailboxes' members are
 * accepted when an admin assigns them; a generic address's members accept an
 * invitation from its holder.
 */
export type MailboxMember = {
  mailboxId: string;
  memberId: string;
  /** Who added the member: the holder of a generic address, or an admin. */
  addedById: string | null;
  createdAt: Date;
  /** When the member accepted (or was assigned); null while an invitation waits. */
  acceptedAt: Date | null;
};

/**
 * Who is acting for which mailbox in the current request, for the audit trail: events
 * whose actor is the mailbox are written with the member as actor and the mailbox in
 * their details (`core/audit/record.ts`).
 */
export type Delegate = {
  mailboxId: string;
  mailboxLabel: string;
  memberId: string;
  memberLabel: string;
};
