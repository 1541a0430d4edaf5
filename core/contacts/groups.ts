import { byName, type ContactEntry, listContacts, sealText, unsealText } from './address-book.ts';
import type { ContactDeps } from './deps.ts';
import type { ContactGroup } from './model.ts';
import { type ContactIssues, checkGroup, MAX_GROUPS } from './rules.ts';

/** A group with its name decrypted and its members as they stand in the address book. */
export type GroupEntry = {
  id: string;
  name: string;
  members: ContactEntry[];
  createdAt: Date;
  updatedAt: Date;
};

/** The outcome of saving a group: the group, or why not (another person's looks missing). */
export type SaveGroupResult =
  | { ok: true; group: GroupEntry }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'invalid'; issues: ContactIssues };

async function entryOf(
  deps: ContactDeps,
  group: ContactGroup,
  contacts: ReadonlyMap<string, ContactEntry>,
): Promise<GroupEntry> {
  return {
    id: group.id,
    name: await unsealText(deps, group.nameEnc),
    // A member deleted since is simply left out.
    members: group.memberIds
      .map((id) => contacts.get(id))
      .filter((c): c is ContactEntry => c !== undefined)
      .sort(byName),
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
  };
}

async function contactsById(deps: ContactDeps, ownerId: string) {
  const all = await listContacts(deps, { ownerId });
  return new Map(all.map((c) => [c.id, c] as const));
}

async function findOwnGroup(
  deps: ContactDeps,
  ownerId: string,
  groupId: string,
): Promise<ContactGroup | null> {
  if (groupId === '') return null;
  const group = await deps.storage.repos.contacts.findGroupById({ id: groupId });
  return group && group.ownerId === ownerId ? group : null;
}

/** A person's groups, by name, with their members. */
export async function listGroups(
  deps: ContactDeps,
  input: { ownerId: string },
): Promise<GroupEntry[]> {
  const [groups, contacts] = await Promise.all([
    deps.storage.repos.contacts.listGroupsForOwner({ ownerId: input.ownerId }),
    contactsById(deps, input.ownerId),
  ]);
  const entries = await Promise.all(groups.map((g) => entryOf(deps, g, contacts)));
  return entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
}

/** One of the owner's groups, or null (missing or another person's). */
export async function findGroup(
  deps: ContactDeps,
  input: { ownerId: string; groupId: string },
): Promise<GroupEntry | null> {
  const group = await findOwnGroup(deps, input.ownerId, input.groupId);
  if (!group) return null;
  return entryOf(deps, group, await contactsById(deps, input.ownerId));
}

/**
 * Creates a group, or changes one of the owner's when `groupId` is given. Members are
 * the owner's own contacts; any other id is ignored (so a group cannot reach into
 * another address book). The name is encrypted.
 */
export async function saveGroup(
  deps: ContactDeps,
  input: { ownerId: string; groupId?: string; name: string; memberIds: readonly string[] },
): Promise<SaveGroupResult> {
  let existing: ContactGroup | null = null;
  if (input.groupId !== undefined) {
    existing = await findOwnGroup(deps, input.ownerId, input.groupId);
    if (!existing) return { ok: false, reason: 'not-found' };
  } else {
    const groups = await deps.storage.repos.contacts.listGroupsForOwner({ ownerId: input.ownerId });
    if (groups.length >= MAX_GROUPS) {
      return {
        ok: false,
        reason: 'invalid',
        issues: { name: { code: 'too-many', max: MAX_GROUPS } },
      };
    }
  }
  const contacts = await contactsById(deps, input.ownerId);
  const memberIds = [...new Set(input.memberIds)].filter((id) => contacts.has(id));
  const checked = checkGroup({ name: input.name, memberIds });
  if (!checked.ok) return { ok: false, reason: 'invalid', issues: checked.issues };
  const now = deps.clock.now();
  const group: ContactGroup = {
    id: existing?.id ?? deps.ids.newId(),
    ownerId: input.ownerId,
    nameEnc: await sealText(deps, checked.name),
    memberIds,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  await deps.storage.repos.contacts.saveGroup({ group });
  return { ok: true, group: await entryOf(deps, group, contacts) };
}

/** Deletes one of the owner's groups (its contacts stay). False when missing or another's. */
export async function deleteGroup(
  deps: ContactDeps,
  input: { ownerId: string; groupId: string },
): Promise<boolean> {
  const group = await findOwnGroup(deps, input.ownerId, input.groupId);
  if (!group) return false;
  await deps.storage.repos.contacts.deleteGroup({ id: group.id });
  return true;
}
