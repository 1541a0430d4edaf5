import { asc, eq, sql } from 'drizzle-orm';
import type { PersonalDataRepository } from '../../../../core/storage/ports.ts';
import { toContact, toOutboxMail } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { contacts, outbox } from '../schema.ts';

// SQLite's lower() folds ASCII only. Domains are stored as punycode, so only a local
// part with non-ASCII letters typed in another case would be missed: named in the
// storage contract as the one difference from PostgreSQL.
const folded = (column: typeof outbox.to | typeof contacts.email) => sql`lower(${column})`;

/** Lookups by a person's address, in SQLite. */
export function sqlitePersonalData(ctx: SqliteContext): PersonalDataRepository {
  return {
    listOutboxTo: ({ email }) =>
      ctx.run((db) =>
        db
          .select()
          .from(outbox)
          .where(eq(folded(outbox.to), email.toLowerCase()))
          .orderBy(asc(outbox.createdAt), asc(outbox.id))
          .all()
          .map(toOutboxMail),
      ),
    deleteOutboxTo: ({ email }) =>
      ctx.run(
        (db) =>
          db
            .delete(outbox)
            .where(eq(folded(outbox.to), email.toLowerCase()))
            .run().changes,
      ),
    listContactsNaming: ({ email }) =>
      ctx.run((db) =>
        db
          .select()
          .from(contacts)
          .where(eq(folded(contacts.email), email.toLowerCase()))
          .orderBy(asc(contacts.createdAt), asc(contacts.id))
          .all()
          .map(toContact),
      ),
  };
}
