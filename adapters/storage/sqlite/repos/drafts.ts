import { asc, desc, eq, lt } from 'drizzle-orm';
import type { DraftRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toDraft } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { drafts } from '../schema.ts';

/** Drafts in SQLite. */
export function sqliteDrafts(ctx: SqliteContext): DraftRepository {
  return {
    save: ({ draft }) =>
      ctx.run((db) => {
        const { id, ...fields } = toDraft(draft);
        db.insert(drafts)
          .values({ id, ...fields })
          .onConflictDoUpdate({ target: drafts.id, set: fields })
          .run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = db.select().from(drafts).where(eq(drafts.id, id)).get();
        return row ? toDraft(row) : null;
      }),
    listForAccount: ({ accountId, ...page }) =>
      ctx.run((db) => {
        const { limit, offset } = checkPage(page);
        return db
          .select()
          .from(drafts)
          .where(eq(drafts.accountId, accountId))
          .orderBy(desc(drafts.updatedAt), desc(drafts.id))
          .limit(limit)
          .offset(offset)
          .all()
          .map(toDraft);
      }),
    delete: ({ id }) =>
      ctx.run((db) => {
        db.delete(drafts).where(eq(drafts.id, id)).run();
      }),
    listStale: ({ before, limit }) =>
      ctx.run((db) =>
        db
          .select({ id: drafts.id })
          .from(drafts)
          .where(lt(drafts.updatedAt, before))
          .orderBy(asc(drafts.updatedAt), asc(drafts.id))
          .limit(checkPage({ limit }).limit)
          .all()
          .map((row) => row.id),
      ),
  };
}
