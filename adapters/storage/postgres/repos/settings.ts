import { eq } from 'drizzle-orm';
import type { SettingsRepository } from '../../../../core/storage/ports.ts';
import { toSettings } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { settings } from '../schema.ts';

/** Admin-editable settings in PostgreSQL. */
export function pgSettings(ctx: PgContext): SettingsRepository {
  return {
    getAll: () => ctx.run(async (db) => toSettings(await db.select().from(settings))),
    set: ({ key, value }) =>
      ctx.run(async (db) => {
        // JSON has no `undefined`; an unset value is stored as null.
        const stored = value === undefined ? null : value;
        await db
          .insert(settings)
          .values({ key, value: stored })
          .onConflictDoUpdate({ target: settings.key, set: { value: stored } });
      }),
    delete: ({ key }) =>
      ctx.run(async (db) => {
        await db.delete(settings).where(eq(settings.key, key));
      }),
  };
}
