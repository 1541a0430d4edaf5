import { isAllowedAddress } from '../access/allowed-domains.ts';
import { emailKey, normaliseEmail } from '../accounts/email.ts';
import { type Account, isAdmin } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { cleanLine } from '../shared/clean-text.ts';
import type { DomainPolicy, MembershipDeps } from './membership.ts';

/** A team mailbox and who works from it. */
export type Team = { mailbox: Account; members: Account[] };

/** Why a team mailbox was not created; the admin page words each. */
export type TeamProblem = 'invalid-email' | 'outside' | 'taken' | 'invalid-name';

/**
 * An admin creates a team mailbox: a staff account at an address inside the council
 * that has no password and can never get one (`sharedMailbox`), so staff work from it
 * each as themselves. Mail to the address lands in it like any colleague's.
 */
export async function createTeamMailbox(
  deps: MembershipDeps,
  input: { admin: Account; email: string; name: string; domains: DomainPolicy; ip: string | null },
): Promise<{ ok: true; mailbox: Account } | { ok: false; problems: TeamProblem[] }> {
  if (!isAdmin(input.admin)) throw new Error('Only an admin creates team mailboxes.');
  const problems: TeamProblem[] = [];
  const normalised = normaliseEmail(input.email);
  const name = cleanLine(input.name);
  if (name === '' || name.length > 100 || /[<>]/.test(name)) problems.push('invalid-name');
  if (!normalised.ok) problems.push('invalid-email');
  else if (
    !isAllowedAddress({
      email: normalised.email,
      allowedDomains: input.domains.internalDomains,
      allowSubdomains: input.domains.allowSubdomains,
    })
  ) {
    problems.push('outside');
  }
  if (!normalised.ok || problems.length > 0) return { ok: false, problems };
  const now = deps.clock.now();
  const key = emailKey(normalised.email);
  return deps.storage.transaction(async (repos) => {
    if (await repos.accounts.findByEmailKey({ emailKey: key })) {
      return { ok: false, problems: ['taken'] } as { ok: false; problems: TeamProblem[] };
    }
    const mailbox: Account = {
      id: deps.ids.newId(),
      email: normalised.email,
      emailKey: key,
      displayName: name,
      kind: 'staff',
      role: 'sender',
      passwordHash: null,
      status: 'active',
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
      totpKeyEnc: null,
      recoveryCodeHashes: [],
      legalHold: false,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
      passwordChangedAt: null,
      sharedMailbox: true,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
    };
    await repos.accounts.insert({ account: mailbox });
    await recordAudit(deps, repos, {
      action: 'mailbox.create',
      actorId: input.admin.id,
      actorLabel: input.admin.email,
      ip: input.ip,
      targetType: 'account',
      targetId: mailbox.id,
      details: { mailbox: mailbox.email },
    });
    return { ok: true, mailbox } as const;
  });
}

/** Every team mailbox with its members, by address. */
export async function listTeams(deps: Pick<MembershipDeps, 'storage'>): Promise<Team[]> {
  const repos = deps.storage.repos;
  const teams: Team[] = [];
  for (const mailbox of await repos.accounts.listSharedMailboxes()) {
    const members: Account[] = [];
    for (const m of await repos.mailboxMembers.listForMailbox({ mailboxId: mailbox.id })) {
      const member = await repos.accounts.findById({ id: m.memberId });
      if (member) members.push(member);
    }
    teams.push({ mailbox, members });
  }
  return teams;
}

/** Why a member was not assigned. */
export type AssignProblem = 'no-team' | 'no-such-staff' | 'already-member';

/**
 * An admin assigns a staff member to a team mailbox, by their address; accepted at
 * once (staff are known people). Auditors cannot be members: they send nothing.
 */
export async function assignTeamMember(
  deps: MembershipDeps,
  input: { admin: Account; mailboxId: string; memberEmail: string; ip: string | null },
): Promise<{ ok: true; member: Account } | { ok: false; problem: AssignProblem }> {
  if (!isAdmin(input.admin)) throw new Error('Only an admin assigns team members.');
  const repos = deps.storage.repos;
  const mailbox = await repos.accounts.findById({ id: input.mailboxId });
  if (!mailbox?.sharedMailbox) return { ok: false, problem: 'no-team' };
  const normalised = normaliseEmail(input.memberEmail);
  const member = normalised.ok
    ? await repos.accounts.findByEmailKey({ emailKey: emailKey(normalised.email) })
    : null;
  if (
    member?.kind !== 'staff' ||
    member.sharedMailbox ||
    member.status !== 'active' ||
    member.role === 'auditor'
  ) {
    return { ok: false, problem: 'no-such-staff' };
  }
  if (await repos.mailboxMembers.find({ mailboxId: mailbox.id, memberId: member.id })) {
    return { ok: false, problem: 'already-member' };
  }
  const now = deps.clock.now();
  await deps.storage.transaction(async (tx) => {
    await tx.mailboxMembers.insert({
      member: {
        mailboxId: mailbox.id,
        memberId: member.id,
        addedById: input.admin.id,
        createdAt: now,
        acceptedAt: now,
      },
    });
    await recordAudit(deps, tx, {
      action: 'mailbox.assign',
      actorId: input.admin.id,
      actorLabel: input.admin.email,
      ip: input.ip,
      targetType: 'account',
      targetId: member.id,
      details: { mailboxId: mailbox.id, mailbox: mailbox.email },
    });
  });
  return { ok: true, member };
}

/** An admin takes a staff member off a team mailbox. False when they were not on it. */
export async function unassignTeamMember(
  deps: MembershipDeps,
  input: { admin: Account; mailboxId: string; memberId: string; ip: string | null },
): Promise<boolean> {
  if (!isAdmin(input.admin)) throw new Error('Only an admin changes team members.');
  const mailbox = await deps.storage.repos.accounts.findById({ id: input.mailboxId });
  if (!mailbox?.sharedMailbox) return false;
  return deps.storage.transaction(async (tx) => {
    if (!(await tx.mailboxMembers.delete({ mailboxId: mailbox.id, memberId: input.memberId })))
      return false;
    await recordAudit(deps, tx, {
      action: 'mailbox.unassign',
      actorId: input.admin.id,
      actorLabel: input.admin.email,
      ip: input.ip,
      targetType: 'account',
      targetId: input.memberId,
      details: { mailboxId: mailbox.id, mailbox: mailbox.email },
    });
    return true;
  });
}
