import { asc, eq, sql } from 'drizzle-orm';
import type { ContactRepository } from '../../../../core/storage/ports.ts';
import { toContact, toContactGroup } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { contactGroups, contacts } from '../schema.ts';

// The address book, its groups and the compose page read a person's contacts and groups
// on every view (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const contactStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(contacts)
      .where(eq(contacts.id, sql.placeholder('id')))
      .prepare('contacts_find_by_id'),
  ),
  listForOwner: preparedPerHandle((db) =>
    db
      .select()
      .from(contacts)
      .where(eq(contacts.ownerId, sql.placeholder('ownerId')))
      .orderBy(asc(contacts.email), asc(contacts.id))
      .prepare('contacts_list_for_owner'),
  ),
  findGroupById: preparedPerHandle((db) =>
    db
      .select()
      .from(contactGroups)
      .where(eq(contactGroups.id, sql.placeholder('id')))
      .prepare('contact_groups_find_by_id'),
  ),
  listGroupsForOwner: preparedPerHandle((db) =>
    db
      .select()
      .from(contactGroups)
      .where(eq(contactGroups.ownerId, sql.placeholder('ownerId')))
      .orderBy(asc(contactGroups.createdAt), asc(contactGroups.id))
      .prepare('contact_groups_list_for_owner'),
  ),
};

/** Address books in PostgreSQL. */
export function pgContacts(ctx: PgContext): ContactRepository {
  return {
    save: ({ contact }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toContact(contact);
        await db
          .insert(contacts)
          .values({ id, ...fields })
          .onConflictDoUpdate({ target: contacts.id, set: fields });
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await contactStatements.findById(db).execute({ id });
        return row ? toContact(row) : null;
      }),
    listForOwner: ({ ownerId }) =>
      ctx.run(async (db) => {
        const rows = await contactStatements.listForOwner(db).execute({ ownerId });
        return rows.map(toContact);
      }),
    delete: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(contacts).where(eq(contacts.id, id));
      }),
    saveGroup: ({ group }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toContactGroup(group);
        await db
          .insert(contactGroups)
          .values({ id, ...fields })
          .onConflictDoUpdate({ target: contactGroups.id, set: fields });
      }),
    findGroupById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await contactStatements.findGroupById(db).execute({ id });
        return row ? toContactGroup(row) : null;
      }),
    listGroupsForOwner: ({ ownerId }) =>
      ctx.run(async (db) => {
        const rows = await contactStatements.listGroupsForOwner(db).execute({ ownerId });
        return rows.map(toContactGroup);
      }),
    deleteGroup: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(contactGroups).where(eq(contactGroups.id, id));
      }),
  };
}
