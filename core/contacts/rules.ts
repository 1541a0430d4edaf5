import { type EmailProblem, emailKey, normaliseEmail } from '../accounts/email.ts';

/** The longest name a contact or group may have, in characters. */
export const MAX_NAME = 100;
/** The longest note on a contact, in characters. */
export const MAX_NOTE = 1_000;
/** The most contacts one address book may hold (it is an address book, not a mailing list). */
export const MAX_CONTACTS = 500;
/** The most groups one address book may hold. */
export const MAX_GROUPS = 100;

/**
 * What is wrong with a contact or group as typed, by field. Codes, not sentences: the
 * strings module words them in the reader's language. `email-invalid` carries the
 * problem code from the address check.
 */
export type ContactProblem =
  | { code: 'name-missing' }
  | { code: 'name-too-long'; max: number }
  | { code: 'email-missing' }
  | { code: 'email-invalid'; problem: EmailProblem }
  | { code: 'email-taken' }
  | { code: 'note-too-long'; max: number }
  | { code: 'members-missing' }
  | { code: 'too-many'; max: number };

/** Problems by form field (`name`, `email`, `note`, `members`). */
export type ContactIssues = Partial<Record<'name' | 'email' | 'note' | 'members', ContactProblem>>;

/** A contact as typed, checked: the normalised address, or the problems. */
export function checkContact(
  input: { name: string; email: string; note: string },
  takenKeys: ReadonlySet<string>,
): { ok: true; name: string; email: string; note: string } | { ok: false; issues: ContactIssues } {
  const issues: ContactIssues = {};
  const name = input.name.trim();
  if (name === '') issues.name = { code: 'name-missing' };
  else if (name.length > MAX_NAME) issues.name = { code: 'name-too-long', max: MAX_NAME };
  const rawEmail = input.email.trim();
  let email = '';
  if (rawEmail === '') issues.email = { code: 'email-missing' };
  else {
    const result = normaliseEmail(rawEmail);
    if (!result.ok) issues.email = { code: 'email-invalid', problem: result.problem };
    else if (takenKeys.has(emailKey(result.email))) issues.email = { code: 'email-taken' };
    else email = result.email;
  }
  const note = input.note.trim();
  if (note.length > MAX_NOTE) issues.note = { code: 'note-too-long', max: MAX_NOTE };
  return Object.keys(issues).length > 0 ? { ok: false, issues } : { ok: true, name, email, note };
}

/** A group as typed, checked: a name and at least one member. */
export function checkGroup(input: {
  name: string;
  memberIds: readonly string[];
}): { ok: true; name: string } | { ok: false; issues: ContactIssues } {
  const issues: ContactIssues = {};
  const name = input.name.trim();
  if (name === '') issues.name = { code: 'name-missing' };
  else if (name.length > MAX_NAME) issues.name = { code: 'name-too-long', max: MAX_NAME };
  if (input.memberIds.length === 0) issues.members = { code: 'members-missing' };
  return Object.keys(issues).length > 0 ? { ok: false, issues } : { ok: true, name };
}
