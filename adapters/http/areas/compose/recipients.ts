import { isAllowedAddress } from '../../../../core/access/allowed-domains.ts';
import { emailKey, normaliseEmail } from '../../../../core/accounts/email.ts';
import { findContact } from '../../../../core/contacts/address-book.ts';
import type { ContactDeps } from '../../../../core/contacts/deps.ts';
import { findGroup } from '../../../../core/contacts/groups.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import { emailProblemText } from '../../../../views/codes.ts';
import type { Strings } from '../../../../views/strings/index.ts';

/** The most people one message may go to (sendMessage has the same limit). */
const MAX_RECIPIENTS = 100;

/** Who a message goes to, as typed and picked. */
export type AddressInput = {
  to: string;
  cc: string;
  contactIds: string[];
  groupIds: string[];
};

/** The addresses in a To or Cc box: separated by commas, semicolons or spaces. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[,;\s]+/u)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** True when `email` is at one of the council's domains (the only ones a recipient may write to). */
export function isCouncilAddress(settings: Settings, email: string): boolean {
  return isAllowedAddress({
    email,
    allowedDomains: settings.internalDomains,
    allowSubdomains: settings.allowSubdomains,
  });
}

/**
 * Turns the To and Cc boxes and the ticked contacts and groups (added to To) into
 * normalised addresses, applying the addressing rule: a recipient may write only to
 * addresses at the council's allowed domains. Every problem is a sentence that says
 * why, keyed by the field it belongs to.
 */
export async function resolveRecipients(
  deps: ContactDeps,
  args: { ownerId: string; input: AddressInput; settings: Settings; strings: Strings },
): Promise<{ to: string[]; cc: string[]; issues: Record<string, string> }> {
  const p = args.strings.compose.problems;
  const issues: Record<string, string> = {};
  const seen = new Set<string>();
  const lists = { to: [] as string[], cc: [] as string[] };
  const outside = { to: [] as string[], cc: [] as string[] };
  const domains = args.settings.internalDomains.join(', ');
  const add = (field: 'to' | 'cc', email: string) => {
    const key = emailKey(email);
    if (seen.has(key)) return;
    seen.add(key);
    if (isCouncilAddress(args.settings, email)) lists[field].push(email);
    else outside[field].push(email);
  };

  for (const field of ['to', 'cc'] as const) {
    for (const raw of splitAddresses(args.input[field])) {
      const result = normaliseEmail(raw);
      if (!result.ok) {
        issues[field] ??= p.invalidAddress(raw, emailProblemText(args.strings, result.problem));
        continue;
      }
      add(field, result.email);
    }
  }
  for (const contactId of args.input.contactIds) {
    const contact = await findContact(deps, { ownerId: args.ownerId, contactId });
    if (!contact) issues.contact = p.pickGone;
    else add('to', contact.email);
  }
  for (const groupId of args.input.groupIds) {
    const group = await findGroup(deps, { ownerId: args.ownerId, groupId });
    if (!group) {
      issues.group = p.pickGone;
      continue;
    }
    const strangers = group.members.filter((m) => !isCouncilAddress(args.settings, m.email));
    if (strangers.length > 0) {
      issues.group = p.groupOutside(group.name, strangers.map((m) => m.email).join(', '));
      continue;
    }
    for (const member of group.members) add('to', member.email);
  }

  for (const field of ['to', 'cc'] as const) {
    if (outside[field].length === 0 || issues[field]) continue;
    const addresses = outside[field].join(', ');
    issues[field] = domains === '' ? p.outsideNoDomains(addresses) : p.outside(addresses, domains);
  }
  if (lists.to.length === 0 && !issues.to && !issues.contact && !issues.group) {
    issues.to = p.toMissing;
  }
  if (lists.to.length + lists.cc.length > MAX_RECIPIENTS) {
    issues.to = p.tooManyRecipients(MAX_RECIPIENTS);
  }
  return { to: lists.to, cc: lists.cc, issues };
}

/**
 * Every address a draft should remember: the boxes as typed plus the ticked contacts
 * and groups, leniently (a pick that no longer exists is dropped, nothing is refused).
 */
export async function draftAddresses(
  deps: ContactDeps,
  args: { ownerId: string; input: AddressInput },
): Promise<{ to: string[]; cc: string[] }> {
  const to = splitAddresses(args.input.to);
  for (const contactId of args.input.contactIds) {
    const contact = await findContact(deps, { ownerId: args.ownerId, contactId });
    if (contact) to.push(contact.email);
  }
  for (const groupId of args.input.groupIds) {
    const group = await findGroup(deps, { ownerId: args.ownerId, groupId });
    for (const member of group?.members ?? []) to.push(member.email);
  }
  const unique = [...new Map(to.map((a) => [a.toLowerCase(), a] as const)).values()];
  return { to: unique, cc: splitAddresses(args.input.cc) };
}
