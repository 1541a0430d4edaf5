import { and, asc, eq } from 'drizzle-orm';
import type { PasskeyRepository } from '../../../../core/storage/ports.ts';
import { toPasskey } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { passkeys } from '../schema.ts';

/** Passkeys in PostgreSQL. Read at sign-in and on the account page only: nothing is prepared. */
export function pgPasskeys(ctx: PgContext): PasskeyRepository {
  return {
    insert: ({ passkey }) =>
      ctx.run(async (db) => {
        await db.insert(passkeys).values(toPasskey(passkey));
      }),
    findByCredentialId: ({ credentialId }) =>
      ctx.run(async (db) => {
        const [row] = await db
          .select()
          .from(passkeys)
          .where(eq(passkeys.credentialId, credentialId));
        return row ? toPasskey(row) : null;
      }),
    listForAccount: ({ accountId }) =>
      ctx.run(async (db) =>
        (
          await db
            .select()
            .from(passkeys)
            .where(eq(passkeys.accountId, accountId))
            .orderBy(asc(passkeys.createdAt), asc(passkeys.id))
        ).map(toPasskey),
      ),
    update: ({ passkey }) =>
      ctx.run(async (db) => {
        await db
          .update(passkeys)
          .set({ counter: passkey.counter, lastUsedAt: passkey.lastUsedAt, name: passkey.name })
          .where(eq(passkeys.id, passkey.id));
      }),
    delete: ({ id, accountId }) =>
      ctx.run(async (db) => {
        const gone = await db
          .delete(passkeys)
          .where(and(eq(passkeys.id, id), eq(passkeys.accountId, accountId)))
          .returning({ id: passkeys.id });
        return gone.length > 0;
      }),
    deleteForAccount: ({ accountId }) =>
      ctx.run(async (db) => {
        const gone = await db
          .delete(passkeys)
          .where(eq(passkeys.accountId, accountId))
          .returning({ id: passkeys.id });
        return gone.length;
      }),
  };
}
