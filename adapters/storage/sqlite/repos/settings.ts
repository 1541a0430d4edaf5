import { eq } from 'drizzle-orm';
import type { SettingsRepository } from '../../../../core/storage/ports.ts';
import { toSettings } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { settings } from '../schema.ts';

/** Admin-editable settings in SQLite. */
export function sqliteSettings(ctx: SqliteContext): SettingsRepository {
  return {
    getAll: () => ctx.run((db) => toSettings(db.select().from(settings).all())),
    set: ({ key, value }) =>
      ctx.run((db) => {
        // JSON has no `undefined`; an unset value is stored as null.
        const stored = value === undefined ? null : value;
        db.insert(settings)
          .values({ key, value: stored })
          .onConflictDoUpdate({ target: settings.key, set: { value: stored } })
          .run();
      }),
    delete: ({ key }) =>
      ctx.run((db) => {
        db.delete(settings).where(eq(settings.key, key)).run();
      }),
  };
}
