import { and, desc, eq, sql } from 'drizzle-orm';
import type { AccountRepository } from '../../../../core/storage/ports.ts';
import { checkPage, containsPattern, toAccount } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { accounts } from '../schema.ts';

// Every signed-in request reads its account (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const accountStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder('id')))
      .prepare(),
  ),
};

/** Accounts in SQLite. `forUpdate` needs nothing: SQLite transactions run one at a time. */
export function sqliteAccounts(ctx: SqliteContext): AccountRepository {
  return {
    insert: ({ account }) =>
      ctx.run((db) => {
        db.insert(accounts).values(toAccount(account)).run();
      }),
    update: ({ account }) =>
      ctx.run((db) => {
        const { id, ...fields } = toAccount(account);
        db.update(accounts).set(fields).where(eq(accounts.id, id)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = accountStatements.findById(db).get({ id });
        return row ? toAccount(row) : null;
      }),
    findByEmailKey: ({ emailKey }) =>
      ctx.run((db) => {
        const row = db.select().from(accounts).where(eq(accounts.emailKey, emailKey)).get();
        return row ? toAccount(row) : null;
      }),
    search: ({ query, kind, role, ...page }) =>
      ctx.run((db) => {
        const { limit, offset } = checkPage(page);
        return db
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
          .offset(offset)
          .all()
          .map(toAccount);
      }),
    delete: ({ id }) =>
      ctx.run((db) => {
        db.delete(accounts).where(eq(accounts.id, id)).run();
      }),
  };
}
