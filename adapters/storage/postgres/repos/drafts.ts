import { asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { DraftRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toDraft } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { drafts } from '../schema.ts';

// The drafts page lists a person's drafts, and opening one finds it (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const draftStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(drafts)
      .where(eq(drafts.id, sql.placeholder('id')))
      .prepare('drafts_find_by_id'),
  ),
  listForAccount: preparedPerHandle((db) =>
    db
      .select()
      .from(drafts)
      .where(eq(drafts.accountId, sql.placeholder('accountId')))
      .orderBy(desc(drafts.updatedAt), desc(drafts.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'))
      .prepare('drafts_list_for_account'),
  ),
};

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
        const [row] = await draftStatements.findById(db).execute({ id });
        return row ? toDraft(row) : null;
      }),
    listForAccount: ({ accountId, ...page }) =>
      ctx.run(async (db) => {
        const rows = await draftStatements
          .listForAccount(db)
          .execute({ accountId, ...checkPage(page) });
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
