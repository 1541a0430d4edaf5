import { asc, eq, sql } from 'drizzle-orm';
import type { ContactRepository } from '../../../../core/storage/ports.ts';
import { toContact, toContactGroup } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { contactGroups, contacts } from '../schema.ts';

// The address book, its groups and the compose page read a person's contacts and groups
// on every view (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const contactStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(contacts)
      .where(eq(contacts.id, sql.placeholder('id')))
      .prepare(),
  ),
  listForOwner: preparedPerConnection((db) =>
    db
      .select()
      .from(contacts)
      .where(eq(contacts.ownerId, sql.placeholder('ownerId')))
      .orderBy(asc(contacts.email), asc(contacts.id))
      .prepare(),
  ),
  findGroupById: preparedPerConnection((db) =>
    db
      .select()
      .from(contactGroups)
      .where(eq(contactGroups.id, sql.placeholder('id')))
      .prepare(),
  ),
  listGroupsForOwner: preparedPerConnection((db) =>
    db
      .select()
      .from(contactGroups)
      .where(eq(contactGroups.ownerId, sql.placeholder('ownerId')))
      .orderBy(asc(contactGroups.createdAt), asc(contactGroups.id))
      .prepare(),
  ),
};

/** Address books in SQLite. */
export function sqliteContacts(ctx: SqliteContext): ContactRepository {
  return {
    save: ({ contact }) =>
      ctx.run((db) => {
        const { id, ...fields } = toContact(contact);
        db.insert(contacts)
          .values({ id, ...fields })
          .onConflictDoUpdate({ target: contacts.id, set: fields })
          .run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = contactStatements.findById(db).get({ id });
        return row ? toContact(row) : null;
      }),
    listForOwner: ({ ownerId }) =>
      ctx.run((db) => contactStatements.listForOwner(db).all({ ownerId }).map(toContact)),
    delete: ({ id }) =>
      ctx.run((db) => {
        db.delete(contacts).where(eq(contacts.id, id)).run();
      }),
    saveGroup: ({ group }) =>
      ctx.run((db) => {
        const { id, ...fields } = toContactGroup(group);
        db.insert(contactGroups)
          .values({ id, ...fields })
          .onConflictDoUpdate({ target: contactGroups.id, set: fields })
          .run();
      }),
    findGroupById: ({ id }) =>
      ctx.run((db) => {
        const row = contactStatements.findGroupById(db).get({ id });
        return row ? toContactGroup(row) : null;
      }),
    listGroupsForOwner: ({ ownerId }) =>
      ctx.run((db) =>
        contactStatements.listGroupsForOwner(db).all({ ownerId }).map(toContactGroup),
      ),
    deleteGroup: ({ id }) =>
      ctx.run((db) => {
        db.delete(contactGroups).where(eq(contactGroups.id, id)).run();
      }),
  };
}
