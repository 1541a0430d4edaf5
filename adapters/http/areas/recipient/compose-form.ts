import type { Account } from '../../../../core/accounts/model.ts';
import { listContacts } from '../../../../core/contacts/address-book.ts';
import { listGroups } from '../../../../core/contacts/groups.ts';
import { saveDraft } from '../../../../core/messages/drafts.ts';
import type { DraftContent } from '../../../../core/messages/model.ts';
import {
  type ComposeNotice,
  ComposePage,
  type ComposeValues,
} from '../../../../views/pages/compose/compose.tsx';
import { formatTime } from '../../../../views/pages/mailbox/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { FormFields } from '../compose/compose-form.ts';
import { type AddressInput, draftAddresses, isCouncilAddress } from '../compose/recipients.ts';
import { type Ctx, composePageProps, type RecipientAreaDeps } from './context.ts';

/** The subject's limit, as sendMessage has it. */
const MAX_SUBJECT = 300;

/** What was typed into "Write a message". */
export function valuesFrom(fields: FormFields): ComposeValues {
  return {
    to: fields.get('to'),
    cc: fields.get('cc'),
    subject: fields.get('subject'),
    body: fields.get('body'),
    contactIds: fields.all('contact').filter((id) => id !== ''),
    groupIds: fields.all('group').filter((id) => id !== ''),
    draftId: fields.get('draftId') || null,
  };
}

/** The addresses typed and the contacts and groups picked. */
export function addressInput(v: ComposeValues): AddressInput {
  return {
    to: v.to,
    cc: v.cc,
    contactIds: v.contactIds,
    groupIds: v.groupIds,
  };
}

/** The compose page, with the address book's picker filled in. */
export async function composePage(
  deps: RecipientAreaDeps,
  c: Ctx,
  account: Account,
  args: {
    values: ComposeValues;
    issues?: Record<string, string>;
    notice?: ComposeNotice | null;
    savedAt?: Date | null;
  },
) {
  const { props, settings, lang } = await composePageProps(deps, c, account);
  const [contacts, groups] = await Promise.all([
    listContacts(deps.contacts, { ownerId: account.id }),
    listGroups(deps.contacts, { ownerId: account.id }),
  ]);
  return ComposePage({
    ...props,
    values: args.values,
    issues: args.issues ?? {},
    contacts: contacts.filter((contact) => isCouncilAddress(settings, contact.email)),
    groups: groups.map((g) => ({ id: g.id, name: g.name, count: g.members.length })),
    limits: { maxAttachments: settings.maxAttachments, maxTotalBytes: settings.maxTotalBytes },
    allowedDomains: settings.internalDomains,
    notice: args.notice ?? null,
    savedAt: args.savedAt ? formatTime(args.savedAt, lang) : null,
  });
}

/** Draft content from what was typed; picks become addresses. */
export async function draftContent(
  deps: RecipientAreaDeps,
  ownerId: string,
  values: ComposeValues,
  savedOnTimeout: boolean,
): Promise<DraftContent> {
  const addresses = await draftAddresses(deps.contacts, {
    ownerId,
    input: addressInput(values),
  });
  return {
    ...addresses,
    subject: values.subject,
    body: values.body,
    inReplyToId: null,
    savedOnTimeout,
  };
}

/** Saves into the person's draft, or a new one when that draft is gone (or not theirs). */
export async function saveInto(
  deps: RecipientAreaDeps,
  ownerId: string,
  draftId: string | null,
  content: DraftContent,
) {
  const saved = await saveDraft(deps.drafts, { accountId: ownerId, draftId, content });
  if (saved.ok) return saved.draft;
  const fresh = await saveDraft(deps.drafts, { accountId: ownerId, draftId: null, content });
  if (!fresh.ok) throw new Error('A new draft cannot be missing.');
  return fresh.draft;
}

/** The subject and message checks the compose form makes before anything is sent. */
export function checkText(strings: Strings, values: ComposeValues): Record<string, string> {
  const p = strings.compose.problems;
  const issues: Record<string, string> = {};
  const subject = values.subject.trim();
  if (subject === '') issues.subject = p.subjectMissing;
  else if (/[\r\n]/.test(values.subject)) issues.subject = p.subjectOneLine;
  else if (subject.length > MAX_SUBJECT) issues.subject = p.subjectTooLong(MAX_SUBJECT);
  if (values.body.trim() === '') issues.body = p.bodyMissing;
  return issues;
}
