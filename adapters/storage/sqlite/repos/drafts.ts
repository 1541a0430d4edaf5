import { asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { DraftRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toDraft } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { drafts } from '../schema.ts';

// The drafts page lists a person's drafts, and opening one finds it (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const draftStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(drafts)
      .where(eq(drafts.id, sql.placeholder('id')))
      .prepare(),
  ),
  listForAccount: preparedPerConnection((db) =>
    db
      .select()
      .from(drafts)
      .where(eq(drafts.accountId, sql.placeholder('accountId')))
      .orderBy(desc(drafts.updatedAt), desc(drafts.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'))
      .prepare(),
  ),
};

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
        const row = draftStatements.findById(db).get({ id });
        return row ? toDraft(row) : null;
      }),
    listForAccount: ({ accountId, ...page }) =>
      ctx.run((db) =>
        draftStatements
          .listForAccount(db)
          .all({ accountId, ...checkPage(page) })
          .map(toDraft),
      ),
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
