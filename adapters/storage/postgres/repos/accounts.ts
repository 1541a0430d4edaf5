import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { AccountRepository } from '../../../../core/storage/ports.ts';
import { checkPage, containsPattern, toAccount } from '../../shared/mappers.ts';
import type { PgContext, PgDb } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { accounts } from '../schema.ts';

// Every signed-in request reads its account; the admin's account search pages through
// them, and the audit search finds a person by address (docs/decisions/0024).
/** The account search with the optional filters that are present (one statement each). */
function buildSearch(db: PgDb, query: boolean, kind: boolean, role: boolean) {
  return db
    .select()
    .from(accounts)
    .where(
      and(
        query
          ? sql`${accounts.emailKey} like ${sql.placeholder('pattern')} escape '\\'`
          : undefined,
        kind ? eq(accounts.kind, sql.placeholder('kind')) : undefined,
        role ? eq(accounts.role, sql.placeholder('role')) : undefined,
      ),
    )
    .orderBy(desc(accounts.createdAt), desc(accounts.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(`accounts_search_${query ? 'q' : ''}${kind ? 'k' : ''}${role ? 'r' : ''}`);
}

const searches = new Map<number, (db: PgDb) => ReturnType<typeof buildSearch>>();

/** The prepared statements of this repository (exported for the plan tests). */
export const accountStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder('id')))
      .prepare('accounts_find_by_id'),
  ),
  findByEmailKey: preparedPerHandle((db) =>
    db
      .select()
      .from(accounts)
      .where(eq(accounts.emailKey, sql.placeholder('emailKey')))
      .prepare('accounts_find_by_email_key'),
  ),
  /** The search with these filters present (each of the eight built on first use). */
  search(filters: { query: boolean; kind: boolean; role: boolean }) {
    const key = (filters.query ? 1 : 0) | (filters.kind ? 2 : 0) | (filters.role ? 4 : 0);
    let statement = searches.get(key);
    if (statement === undefined) {
      statement = preparedPerHandle((db) =>
        buildSearch(db, filters.query, filters.kind, filters.role),
      );
      searches.set(key, statement);
    }
    return statement;
  },
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
        const [row] = forUpdate
          ? await db.select().from(accounts).where(eq(accounts.emailKey, emailKey)).for('update')
          : await accountStatements.findByEmailKey(db).execute({ emailKey });
        return row ? toAccount(row) : null;
      }),
    findBySsoSubject: ({ ssoSubject, forUpdate }) =>
      ctx.run(async (db) => {
        const query = db.select().from(accounts).where(eq(accounts.ssoSubject, ssoSubject));
        const [row] = forUpdate ? await query.for('update') : await query;
        return row ? toAccount(row) : null;
      }),
    listSharedMailboxes: () =>
      ctx.run(async (db) =>
        (
          await db
            .select()
            .from(accounts)
            .where(eq(accounts.sharedMailbox, true))
            .orderBy(asc(accounts.emailKey))
        ).map(toAccount),
      ),
    search: ({ query, kind, role, ...page }) =>
      ctx.run(async (db) => {
        const rows = await accountStatements
          .search({ query: Boolean(query), kind: Boolean(kind), role: Boolean(role) })(db)
          .execute({
            pattern: query ? containsPattern(query) : null,
            kind,
            role,
            ...checkPage(page),
          });
        return rows.map(toAccount);
      }),
    delete: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(accounts).where(eq(accounts.id, id));
      }),
  };
}
