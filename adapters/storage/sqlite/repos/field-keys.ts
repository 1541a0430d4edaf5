import { asc } from 'drizzle-orm';
import type { FieldKeyStore } from '../../../../core/crypto/ports.ts';
import type { SqliteContext } from '../connection.ts';
import { fieldKeys } from '../schema.ts';

/** The field keys (docs/decisions/0023-field-keys.md) in SQLite. */
export function sqliteFieldKeys(ctx: SqliteContext): FieldKeyStore {
  return {
    list: () =>
      ctx.run((db) =>
        db
          .select()
          .from(fieldKeys)
          .orderBy(asc(fieldKeys.createdAt), asc(fieldKeys.id))
          .all()
          .map((row) => ({ id: row.id, wrapped: row.wrapped, createdAt: row.createdAt })),
      ),
    add: ({ key }) =>
      ctx.run((db) => {
        db.insert(fieldKeys)
          .values({ id: key.id, wrapped: key.wrapped, createdAt: key.createdAt })
          .run();
      }),
  };
}
