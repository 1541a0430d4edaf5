import { emailKey } from '../accounts/email.ts';
import type { ContactDeps } from './deps.ts';
import type { Contact } from './model.ts';
import { type ContactIssues, checkContact, MAX_CONTACTS } from './rules.ts';

/** A contact with its name and note decrypted, as pages show it. */
export type ContactEntry = {
  id: string;
  email: string;
  name: string;
  note: string;
  createdAt: Date;
  updatedAt: Date;
};

/** The outcome of saving: the contact, or why not (another person's looks missing). */
export type SaveContactResult =
  | { ok: true; contact: ContactEntry }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'invalid'; issues: ContactIssues };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encrypts a short typed value. */
export async function sealText(deps: Pick<ContactDeps, 'cipher'>, text: string) {
  return deps.cipher.encryptBytes({ plaintext: encoder.encode(text) });
}

/** Decrypts a value made by `sealText`. */
export async function unsealText(deps: Pick<ContactDeps, 'cipher'>, value: Uint8Array) {
  return decoder.decode(await deps.cipher.decryptBytes({ ciphertext: value }));
}

async function entryOf(deps: ContactDeps, contact: Contact): Promise<ContactEntry> {
  return {
    id: contact.id,
    email: contact.email,
    name: await unsealText(deps, contact.nameEnc),
    note: contact.noteEnc ? await unsealText(deps, contact.noteEnc) : '',
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
  };
}

/** Sorts by name as people read it, then by address. */
export function byName(a: { name: string; email: string }, b: { name: string; email: string }) {
  return (
    a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.email.localeCompare(b.email)
  );
}

/** The owner's own contact row, or null: another person's is answered as missing. */
export async function findOwnContact(
  deps: ContactDeps,
  ownerId: string,
  contactId: string,
): Promise<Contact | null> {
  if (contactId === '') return null;
  const contact = await deps.storage.repos.contacts.findById({ id: contactId });
  return contact && contact.ownerId === ownerId ? contact : null;
}

/** Everyone in a person's address book, by name. */
export async function listContacts(
  deps: ContactDeps,
  input: { ownerId: string },
): Promise<ContactEntry[]> {
  const contacts = await deps.storage.repos.contacts.listForOwner({ ownerId: input.ownerId });
  const entries = await Promise.all(contacts.map((c) => entryOf(deps, c)));
  return entries.sort(byName);
}

/** One contact of the owner's, or null (missing or another person's). */
export async function findContact(
  deps: ContactDeps,
  input: { ownerId: string; contactId: string },
): Promise<ContactEntry | null> {
  const contact = await findOwnContact(deps, input.ownerId, input.contactId);
  return contact ? entryOf(deps, contact) : null;
}

/**
 * Adds a contact, or changes one of the owner's when `contactId` is given. The address
 * must be valid and not already in the address book; the name and note are encrypted.
 */
export async function saveContact(
  deps: ContactDeps,
  input: { ownerId: string; contactId?: string; name: string; email: string; note: string },
): Promise<SaveContactResult> {
  let existing: Contact | null = null;
  if (input.contactId !== undefined) {
    existing = await findOwnContact(deps, input.ownerId, input.contactId);
    if (!existing) return { ok: false, reason: 'not-found' };
  }
  const all = await deps.storage.repos.contacts.listForOwner({ ownerId: input.ownerId });
  if (!existing && all.length >= MAX_CONTACTS) {
    return {
      ok: false,
      reason: 'invalid',
      issues: { email: { code: 'too-many', max: MAX_CONTACTS } },
    };
  }
  const taken = new Set(all.filter((c) => c.id !== existing?.id).map((c) => emailKey(c.email)));
  const checked = checkContact(input, taken);
  if (!checked.ok) return { ok: false, reason: 'invalid', issues: checked.issues };
  const now = deps.clock.now();
  const contact: Contact = {
    id: existing?.id ?? deps.ids.newId(),
    ownerId: input.ownerId,
    email: checked.email,
    nameEnc: await sealText(deps, checked.name),
    noteEnc: checked.note === '' ? null : await sealText(deps, checked.note),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  await deps.storage.repos.contacts.save({ contact });
  return { ok: true, contact: await entryOf(deps, contact) };
}

/**
 * Deletes one of the owner's contacts and takes it out of their groups. False when it
 * is missing or another person's; the caller answers both the same way.
 */
export async function deleteContact(
  deps: ContactDeps,
  input: { ownerId: string; contactId: string },
): Promise<boolean> {
  const contact = await findOwnContact(deps, input.ownerId, input.contactId);
  if (!contact) return false;
  const now = deps.clock.now();
  await deps.storage.transaction(async (repos) => {
    for (const group of await repos.contacts.listGroupsForOwner({ ownerId: input.ownerId })) {
      if (!group.memberIds.includes(contact.id)) continue;
      await repos.contacts.saveGroup({
        group: {
          ...group,
          memberIds: group.memberIds.filter((id) => id !== contact.id),
          updatedAt: now,
        },
      });
    }
    await repos.contacts.delete({ id: contact.id });
  });
  return true;
}

/**
 * Contacts whose name or address contains `query` (ignoring case), by name, at most
 * `limit`: the suggestions shown while an address is typed. `accept` narrows them, for
 * example to the addresses the person may write to.
 */
export async function suggestContacts(
  deps: ContactDeps,
  input: {
    ownerId: string;
    query: string;
    limit: number;
    accept?: (email: string) => boolean;
  },
): Promise<ContactEntry[]> {
  const query = input.query.trim().toLowerCase();
  if (query === '') return [];
  const all = await listContacts(deps, { ownerId: input.ownerId });
  return all
    .filter((c) => input.accept?.(c.email) ?? true)
    .filter((c) => c.name.toLowerCase().includes(query) || c.email.toLowerCase().includes(query))
    .slice(0, Math.max(0, input.limit));
}
