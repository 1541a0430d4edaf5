import { and, desc, eq, sql } from 'drizzle-orm';
import type { AccountRepository } from '../../../../core/storage/ports.ts';
import { checkPage, containsPattern, toAccount } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { accounts } from '../schema.ts';

// Every signed-in request reads its account (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const accountStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder('id')))
      .prepare('accounts_find_by_id'),
  ),
};

/** Accounts in PostgreSQL; `forUpdate` locks the row until the transaction ends. */
export function pgAccounts(ctx: PgContext): AccountRepository {
  return {
    insert: ({ account }) =>
      ctx.run(async (db) => {
        await db.insert(accounts).values(toAccount(account));
      }),
    update: ({ account }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toAccount(account);
        await db.update(accounts).set(fields).where(eq(accounts.id, id));
      }),
    findById: ({ id, forUpdate }) =>
      ctx.run(async (db) => {
        const [row] = forUpdate
          ? await db.select().from(accounts).where(eq(accounts.id, id)).for('update')
          : await accountStatements.findById(db).execute({ id });
        return row ? toAccount(row) : null;
      }),
    findByEmailKey: ({ emailKey, forUpdate }) =>
      ctx.run(async (db) => {
        const query = db.select().from(accounts).where(eq(accounts.emailKey, emailKey));
        const [row] = forUpdate ? await query.for('update') : await query;
        return row ? toAccount(row) : null;
      }),
    search: ({ query, kind, role, ...page }) =>
      ctx.run(async (db) => {
        const { limit, offset } = checkPage(page);
        const rows = await db
          .select()
          .from(accounts)
          .where(
            and(
              query
                ? sql`${accounts.emailKey} like ${containsPattern(query)} escape '\\'`
                : undefined,
              kind ? eq(accounts.kind, kind) : undefined,
              role ? eq(accounts.role, role) : undefined,
            ),
          )
          .orderBy(desc(accounts.createdAt), desc(accounts.id))
          .limit(limit)
          .offset(offset);
        return rows.map(toAccount);
      }),
    delete: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(accounts).where(eq(accounts.id, id));
      }),
  };
}
