import {
  type CreateStaffIssues,
  createStaffAccount,
  SET_PASSWORD_DAYS,
} from '../accounts/create-staff.ts';
import type { Account } from '../accounts/model.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { AdminActor, AdminDeps } from './deps.ts';

/** The staff roles an admin may give. */
export const STAFF_ROLES = ['sender', 'admin', 'auditor'] as const;

/** One of `STAFF_ROLES`. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The outcome: the new account (its link is on its way), or the problems by field. */
export type CreateStaffMemberResult =
  | { ok: true; account: Account }
  | { ok: false; issues: CreateStaffIssues };

/**
 * Adds a staff member from the admin pages: `createStaffAccount` makes the account
 * (without a password), its set-password token and the `account.create` event; then
 * the set-password email is queued in the outbox. The link goes only to the person's
 * own address: the admin never sees it, so cannot set the password themselves.
 *
 * The two steps are two transactions (`createStaffAccount` owns the first). Should
 * the second fail, the account exists without its email, and "Send a reset link" on
 * its page gives the person a way in.
 */
export async function createStaffMember(
  deps: AdminDeps,
  input: { email: string; name: string; role: StaffRole; actor: AdminActor },
): Promise<CreateStaffMemberResult> {
  const created = await createStaffAccount(deps, {
    email: input.email,
    name: input.name,
    role: input.role,
    actorId: input.actor.id,
    ip: input.actor.ip,
  });
  if (!created.ok) return created;
  const settings = await deps.settings.get();
  // The admin's page language is theirs, not the new member's: the council's setting.
  const rendered = deps.templates.setPassword(
    {
      orgName: settings.orgName,
      name: created.account.displayName,
      link: `${deps.publicUrl}/set-password/${created.setPasswordToken}`,
      publicUrl: deps.publicUrl,
      linkDays: SET_PASSWORD_DAYS,
    },
    chooseMailLanguage({ account: created.account, setting: settings.emailLanguage }),
  );
  const mail = await prepareOutboxMail(deps, {
    kind: 'set-password',
    mail: {
      to: created.account.email,
      ...rendered,
      headers: { 'Auto-Submitted': 'auto-generated' },
    },
  });
  await deps.storage.repos.outbox.insert({ mail });
  return { ok: true, account: created.account };
}
