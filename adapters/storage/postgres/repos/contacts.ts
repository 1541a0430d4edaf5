import { asc, eq } from 'drizzle-orm';
import type { ContactRepository } from '../../../../core/storage/ports.ts';
import { toContact, toContactGroup } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { contactGroups, contacts } from '../schema.ts';

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
        const [row] = await db.select().from(contacts).where(eq(contacts.id, id));
        return row ? toContact(row) : null;
      }),
    listForOwner: ({ ownerId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(contacts)
          .where(eq(contacts.ownerId, ownerId))
          .orderBy(asc(contacts.email), asc(contacts.id));
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
        const [row] = await db.select().from(contactGroups).where(eq(contactGroups.id, id));
        return row ? toContactGroup(row) : null;
      }),
    listGroupsForOwner: ({ ownerId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(contactGroups)
          .where(eq(contactGroups.ownerId, ownerId))
          .orderBy(asc(contactGroups.createdAt), asc(contactGroups.id));
        return rows.map(toContactGroup);
      }),
    deleteGroup: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(contactGroups).where(eq(contactGroups.id, id));
      }),
  };
}
