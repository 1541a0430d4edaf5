import { asc, eq, sql } from 'drizzle-orm';
import type { PersonalDataRepository } from '../../../../core/storage/ports.ts';
import { toContact, toOutboxMail } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { contacts, outbox } from '../schema.ts';

const folded = (column: typeof outbox.to | typeof contacts.email) => sql`lower(${column})`;

/** Lookups by a person's address, in PostgreSQL. */
export function pgPersonalData(ctx: PgContext): PersonalDataRepository {
  return {
    listOutboxTo: ({ email }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(outbox)
          .where(eq(folded(outbox.to), email.toLowerCase()))
          .orderBy(asc(outbox.createdAt), asc(outbox.id));
        return rows.map(toOutboxMail);
      }),
    deleteOutboxTo: ({ email }) =>
      ctx.run(async (db) => {
        const gone = await db
          .delete(outbox)
          .where(eq(folded(outbox.to), email.toLowerCase()))
          .returning({ id: outbox.id });
        return gone.length;
      }),
    listContactsNaming: ({ email }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(contacts)
          .where(eq(folded(contacts.email), email.toLowerCase()))
          .orderBy(asc(contacts.createdAt), asc(contacts.id));
        return rows.map(toContact);
      }),
  };
}
