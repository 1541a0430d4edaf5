import type { MailboxMember } from './model.ts';

/**
 * Members of shared mailboxes (docs/decisions/0028). Deleting either account removes
 * the membership with it (a foreign key that cascades).
 */
export type MailboxMemberRepository = {
  /** Adds a member; fails if `memberId` is already a member of `mailboxId`. */
  insert(args: { member: MailboxMember }): Promise<void>;
  /** The membership of `memberId` in `mailboxId`, accepted or not, or null. */
  find(args: { mailboxId: string; memberId: string }): Promise<MailboxMember | null>;
  /** Marks an invitation accepted; false when there is no such membership. */
  accept(args: { mailboxId: string; memberId: string; at: Date }): Promise<boolean>;
  /** Removes a membership; false when there was none. */
  delete(args: { mailboxId: string; memberId: string }): Promise<boolean>;
  /** Every member of a mailbox, accepted or not, oldest first. */
  listForMailbox(args: { mailboxId: string }): Promise<MailboxMember[]>;
  /** Every mailbox `memberId` belongs to or is invited to, oldest first. */
  listForMember(args: { memberId: string }): Promise<MailboxMember[]>;
};
