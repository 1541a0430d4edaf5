import { and, asc, eq } from 'drizzle-orm';
import type { PasskeyRepository } from '../../../../core/storage/ports.ts';
import { toPasskey } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { passkeys } from '../schema.ts';

/** Passkeys in SQLite. Read at sign-in and on the account page only: nothing is prepared. */
export function sqlitePasskeys(ctx: SqliteContext): PasskeyRepository {
  return {
    insert: ({ passkey }) =>
      ctx.run((db) => {
        db.insert(passkeys).values(toPasskey(passkey)).run();
      }),
    findByCredentialId: ({ credentialId }) =>
      ctx.run((db) => {
        const row = db.select().from(passkeys).where(eq(passkeys.credentialId, credentialId)).get();
        return row ? toPasskey(row) : null;
      }),
    listForAccount: ({ accountId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(passkeys)
          .where(eq(passkeys.accountId, accountId))
          .orderBy(asc(passkeys.createdAt), asc(passkeys.id))
          .all()
          .map(toPasskey),
      ),
    update: ({ passkey }) =>
      ctx.run((db) => {
        db.update(passkeys)
          .set({ counter: passkey.counter, lastUsedAt: passkey.lastUsedAt, name: passkey.name })
          .where(eq(passkeys.id, passkey.id))
          .run();
      }),
    delete: ({ id, accountId }) =>
      ctx.run(
        (db) =>
          db
            .delete(passkeys)
            .where(and(eq(passkeys.id, id), eq(passkeys.accountId, accountId)))
            .run().changes > 0,
      ),
    deleteForAccount: ({ accountId }) =>
      ctx.run((db) => db.delete(passkeys).where(eq(passkeys.accountId, accountId)).run().changes),
  };
}
