import { asc, eq } from 'drizzle-orm';
import type { ContactRepository } from '../../../../core/storage/ports.ts';
import { toContact, toContactGroup } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { contactGroups, contacts } from '../schema.ts';

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
        const row = db.select().from(contacts).where(eq(contacts.id, id)).get();
        return row ? toContact(row) : null;
      }),
    listForOwner: ({ ownerId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(contacts)
          .where(eq(contacts.ownerId, ownerId))
          .orderBy(asc(contacts.email), asc(contacts.id))
          .all()
          .map(toContact),
      ),
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
        const row = db.select().from(contactGroups).where(eq(contactGroups.id, id)).get();
        return row ? toContactGroup(row) : null;
      }),
    listGroupsForOwner: ({ ownerId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(contactGroups)
          .where(eq(contactGroups.ownerId, ownerId))
          .orderBy(asc(contactGroups.createdAt), asc(contactGroups.id))
          .all()
          .map(toContactGroup),
      ),
    deleteGroup: ({ id }) =>
      ctx.run((db) => {
        db.delete(contactGroups).where(eq(contactGroups.id, id)).run();
      }),
  };
}
