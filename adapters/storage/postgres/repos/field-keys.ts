import { asc } from 'drizzle-orm';
import type { FieldKeyStore } from '../../../../core/crypto/ports.ts';
import type { PgContext } from '../context.ts';
import { fieldKeys } from '../schema.ts';

/** The field keys (docs/decisions/0023-field-keys.md) in PostgreSQL. */
export function pgFieldKeys(ctx: PgContext): FieldKeyStore {
  return {
    list: () =>
      ctx.run(async (db) =>
        (
          await db.select().from(fieldKeys).orderBy(asc(fieldKeys.createdAt), asc(fieldKeys.id))
        ).map((row) => ({ id: row.id, wrapped: row.wrapped, createdAt: row.createdAt })),
      ),
    add: ({ key }) =>
      ctx.run(async (db) => {
        await db
          .insert(fieldKeys)
          .values({ id: key.id, wrapped: key.wrapped, createdAt: key.createdAt });
      }),
  };
}
