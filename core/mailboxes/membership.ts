import { isAllowedAddress } from '../access/allowed-domains.ts';
import { emailKey, normaliseEmail } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import { type AuditDeps, recordAudit } from '../audit/record.ts';
import type { OneTimeToken } from '../auth/model.ts';
import type { Cipher } from '../crypto/ports.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailTemplates } from '../mail/ports.ts';
import { findOrCreateRecipient } from '../messages/new-delivery.ts';
import type { Settings } from '../settings/model.ts';
import { addDays } from '../shared/time.ts';
import type { Repositories, Storage } from '../storage/ports.ts';

/** How long an invitation's registration link works. */
export const INVITATION_DAYS = 14;
/** Members of one generic address, invited or accepted: a team, not a mailing list. */
export const MAX_MEMBERS = 50;

/** What the membership use cases need. */
export type MembershipDeps = AuditDeps & { storage: Storage };

/** What inviting needs besides: the invitation goes out through the encrypted outbox. */
export type InviteDeps = MembershipDeps & {
  cipher: Cipher;
  templates: MailTemplates;
  publicUrl: string;
};

/** The council's domains: a generic address's members are people outside them. */
export type DomainPolicy = { internalDomains: string[]; allowSubdomains: boolean };

/**
 * The mailbox `person` may act for now, or null: an accepted membership, an active
 * mailbox of the person's own kind (staff act for team mailboxes, recipients for
 * generic addresses), and, for a generic address, the council allowing it
 * (`genericAllowed`, the `sharedMailboxes` setting). Checked on every request.
 */
export async function mailboxToActFor(
  repos: Pick<Repositories, 'accounts' | 'mailboxMembers'>,
  input: { person: Account; mailboxId: string; genericAllowed: boolean },
): Promise<Account | null> {
  const { person, mailboxId } = input;
  if (mailboxId === person.id) return null;
  const membership = await repos.mailboxMembers.find({ mailboxId, memberId: person.id });
  if (!membership?.acceptedAt) return null;
  const mailbox = await repos.accounts.findById({ id: mailboxId });
  return canActFor(mailbox, person, input.genericAllowed) ? mailbox : null;
}

/**
 * Whether a mailbox may be acted for by `person`, membership aside: active, of the
 * person's kind, and, for a generic address, allowed by the council.
 */
function canActFor(
  mailbox: Account | null,
  person: Account,
  genericAllowed: boolean,
): mailbox is Account {
  return (
    mailbox?.status === 'active' &&
    mailbox.kind === person.kind &&
    (mailbox.kind !== 'external' || genericAllowed)
  );
}

/**
 * Whose delivery `deliveryId` is, for a person whose session has just ended (no session
 * says which mailbox they were working from): their own, or that of a shared mailbox
 * they may act for. Null for anyone else's, or a missing one.
 */
export async function deliveryOwnerFor(
  repos: Pick<Repositories, 'accounts' | 'mailboxMembers' | 'deliveries'>,
  input: { person: Account; deliveryId: string; genericAllowed: boolean },
): Promise<Account | null> {
  const delivery = await repos.deliveries.findById({ id: input.deliveryId });
  if (!delivery) return null;
  if (delivery.recipientId === input.person.id) return input.person;
  return mailboxToActFor(repos, {
    person: input.person,
    mailboxId: delivery.recipientId,
    genericAllowed: input.genericAllowed,
  });
}

/** The mailboxes a person acts for, and the invitations waiting for their answer. */
export async function mailboxesOf(
  repos: Pick<Repositories, 'accounts' | 'mailboxMembers'>,
  input: { person: Account; genericAllowed: boolean },
): Promise<{ mailboxes: Account[]; invitations: Array<{ mailbox: Account; invitedAt: Date }> }> {
  const mailboxes: Account[] = [];
  const invitations: Array<{ mailbox: Account; invitedAt: Date }> = [];
  for (const membership of await repos.mailboxMembers.listForMember({
    memberId: input.person.id,
  })) {
    const mailbox = await repos.accounts.findById({ id: membership.mailboxId });
    if (!canActFor(mailbox, input.person, input.genericAllowed)) continue;
    if (membership.acceptedAt) mailboxes.push(mailbox);
    else invitations.push({ mailbox, invitedAt: membership.createdAt });
  }
  return { mailboxes, invitations };
}

/** Why an invitation was not made; the page words each. */
export type InviteProblem =
  | 'switched-off'
  | 'not-a-holder'
  | 'invalid-email'
  | 'self'
  | 'internal'
  | 'not-a-person'
  | 'already-member'
  | 'too-many';

/**
 * The holder of a generic address invites a person by their own address. The person
 * gets their own account (unregistered, if new) and an email: a registration link if
 * they have no password (registering proves they read that mailbox, by an emailed
 * code), else a link to sign in and accept. Nothing is shared but the mailbox: the
 * member never learns the holder's password.
 */
export async function inviteMember(
  deps: InviteDeps,
  input: {
    holder: Account;
    email: string;
    domains: DomainPolicy;
    genericAllowed: boolean;
    orgName: string;
    /** The council's `emailLanguage`, for a member who has not chosen a language. */
    emailLanguage?: Settings['emailLanguage'] | undefined;
    ip: string | null;
  },
): Promise<{ ok: true; member: Account } | { ok: false; problem: InviteProblem }> {
  const { holder } = input;
  if (!input.genericAllowed) return { ok: false, problem: 'switched-off' };
  if (holder.kind !== 'external' || holder.sharedMailbox || holder.passwordHash === null) {
    return { ok: false, problem: 'not-a-holder' };
  }
  const normalised = normaliseEmail(input.email);
  if (!normalised.ok) return { ok: false, problem: 'invalid-email' };
  const email = normalised.email;
  if (emailKey(email) === holder.emailKey) return { ok: false, problem: 'self' };
  if (
    isAllowedAddress({
      email,
      allowedDomains: input.domains.internalDomains,
      allowSubdomains: input.domains.allowSubdomains,
    })
  ) {
    return { ok: false, problem: 'internal' };
  }

  const now = deps.clock.now();
  const secret = deps.secrets.randomToken({ bytes: 16 });
  const tokenId = deps.ids.newId();
  return deps.storage.transaction(async (repos) => {
    const members = await repos.mailboxMembers.listForMailbox({ mailboxId: holder.id });
    if (members.length >= MAX_MEMBERS) return { ok: false, problem: 'too-many' } as const;
    const member = await findOrCreateRecipient(deps, repos, email, now);
    if (member.kind !== 'external' || member.sharedMailbox || member.status !== 'active') {
      return { ok: false, problem: 'not-a-person' } as const;
    }
    if (members.some((m) => m.memberId === member.id)) {
      return { ok: false, problem: 'already-member' } as const;
    }
    await repos.mailboxMembers.insert({
      member: {
        mailboxId: holder.id,
        memberId: member.id,
        addedById: holder.id,
        createdAt: now,
        acceptedAt: null,
      },
    });
    const registered = member.passwordHash !== null;
    if (!registered) {
      const token: OneTimeToken = {
        id: tokenId,
        purpose: 'register',
        secretHash: deps.secrets.hashToken({ value: secret }),
        accountId: member.id,
        email: member.email,
        deliveryId: null,
        createdAt: now,
        expiresAt: addDays(now, INVITATION_DAYS),
        usedAt: null,
      };
      await repos.tokens.insert({ token });
    }
    const rendered = deps.templates.mailboxInvitation(
      {
        orgName: input.orgName,
        mailboxEmail: holder.email,
        link: registered
          ? `${deps.publicUrl}/mailboxes`
          : `${deps.publicUrl}/register/${tokenId}.${secret}`,
        registered,
        publicUrl: deps.publicUrl,
        linkDays: INVITATION_DAYS,
      },
      chooseMailLanguage({ account: member, setting: input.emailLanguage }),
    );
    await repos.outbox.insert({
      mail: await prepareOutboxMail(deps, {
        kind: 'mailbox-invitation',
        mail: { to: member.email, ...rendered, headers: { 'Auto-Submitted': 'auto-generated' } },
      }),
    });
    await recordAudit(deps, repos, {
      action: 'mailbox.invite',
      actorId: holder.id,
      actorLabel: holder.email,
      ip: input.ip,
      targetType: 'account',
      targetId: member.id,
      details: { mailboxId: holder.id, mailbox: holder.email },
    });
    return { ok: true, member } as const;
  });
}

/**
 * The invited person accepts (from their own session, whatever link brought them:
 * the membership names their account, so holding someone's invitation link gives
 * nothing). False when there is no invitation for them.
 */
export async function acceptInvitation(
  deps: MembershipDeps,
  input: { person: Account; mailboxId: string; genericAllowed: boolean; ip: string | null },
): Promise<boolean> {
  const repos = deps.storage.repos;
  const membership = await repos.mailboxMembers.find({
    mailboxId: input.mailboxId,
    memberId: input.person.id,
  });
  if (!membership || membership.acceptedAt) return false;
  const mailbox = await repos.accounts.findById({ id: input.mailboxId });
  if (!mailbox || mailbox.kind !== input.person.kind) return false;
  if (mailbox.kind === 'external' && !input.genericAllowed) return false;
  return deps.storage.transaction(async (tx) => {
    const at = deps.clock.now();
    if (!(await tx.mailboxMembers.accept({ mailboxId: mailbox.id, memberId: input.person.id, at })))
      return false;
    await recordAudit(deps, tx, {
      action: 'mailbox.accept',
      actorId: input.person.id,
      actorLabel: input.person.email,
      ip: input.ip,
      targetType: 'account',
      targetId: mailbox.id,
      details: { mailboxId: mailbox.id, mailbox: mailbox.email },
    });
    return true;
  });
}

/**
 * Ends a membership: the holder removing a member (`by` the holder), or a member
 * leaving or declining (`by` the member). A team mailbox's members are removed by an
 * admin (`unassignTeamMember`). False when there is no such membership.
 */
export async function removeMember(
  deps: MembershipDeps,
  input: { by: Account; mailboxId: string; memberId: string; ip: string | null },
): Promise<boolean> {
  const { by } = input;
  const isHolder = by.id === input.mailboxId && !by.sharedMailbox;
  const isSelf = by.id === input.memberId;
  if (!isHolder && !isSelf) return false;
  const mailbox = await deps.storage.repos.accounts.findById({ id: input.mailboxId });
  if (!mailbox) return false;
  // Only an admin changes a team; its members may not leave it on their own either.
  if (mailbox.sharedMailbox) return false;
  return deps.storage.transaction(async (tx) => {
    if (!(await tx.mailboxMembers.delete({ mailboxId: mailbox.id, memberId: input.memberId })))
      return false;
    await recordAudit(deps, tx, {
      action: 'mailbox.remove',
      actorId: by.id,
      actorLabel: by.email,
      ip: input.ip,
      targetType: 'account',
      targetId: input.memberId,
      details: { mailboxId: mailbox.id, mailbox: mailbox.email, left: isSelf },
    });
    return true;
  });
}
