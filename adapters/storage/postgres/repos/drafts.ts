import { asc, desc, eq, lt } from 'drizzle-orm';
import type { DraftRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toDraft } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { drafts } from '../schema.ts';

/** Drafts in PostgreSQL. */
export function pgDrafts(ctx: PgContext): DraftRepository {
  return {
    save: ({ draft }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toDraft(draft);
        await db
          .insert(drafts)
          .values({ id, ...fields })
          .onConflictDoUpdate({ target: drafts.id, set: fields });
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await db.select().from(drafts).where(eq(drafts.id, id));
        return row ? toDraft(row) : null;
      }),
    listForAccount: ({ accountId, ...page }) =>
      ctx.run(async (db) => {
        const { limit, offset } = checkPage(page);
        const rows = await db
          .select()
          .from(drafts)
          .where(eq(drafts.accountId, accountId))
          .orderBy(desc(drafts.updatedAt), desc(drafts.id))
          .limit(limit)
          .offset(offset);
        return rows.map(toDraft);
      }),
    delete: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(drafts).where(eq(drafts.id, id));
      }),
    listStale: ({ before, limit }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select({ id: drafts.id })
          .from(drafts)
          .where(lt(drafts.updatedAt, before))
          .orderBy(asc(drafts.updatedAt), asc(drafts.id))
          .limit(checkPage({ limit }).limit);
        return rows.map((row) => row.id);
      }),
  };
}
