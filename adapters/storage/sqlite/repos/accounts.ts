import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { AccountRepository } from '../../../../core/storage/ports.ts';
import { checkPage, containsPattern, toAccount } from '../../shared/mappers.ts';
import type { SqliteContext, SqliteDb } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { accounts } from '../schema.ts';

// Every signed-in request reads its account; the admin's account search pages through
// them, and the audit search finds a person by address (docs/decisions/0024).
/** The account search with the optional filters that are present (one statement each). */
function buildSearch(db: SqliteDb, query: boolean, kind: boolean, role: boolean) {
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
    .prepare();
}

const searches = new Map<number, (db: SqliteDb) => ReturnType<typeof buildSearch>>();

/** The prepared statements of this repository (exported for the plan tests). */
export const accountStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder('id')))
      .prepare(),
  ),
  findByEmailKey: preparedPerConnection((db) =>
    db
      .select()
      .from(accounts)
      .where(eq(accounts.emailKey, sql.placeholder('emailKey')))
      .prepare(),
  ),
  /** The search with these filters present (each of the eight built on first use). */
  search(filters: { query: boolean; kind: boolean; role: boolean }) {
    const key = (filters.query ? 1 : 0) | (filters.kind ? 2 : 0) | (filters.role ? 4 : 0);
    let statement = searches.get(key);
    if (statement === undefined) {
      statement = preparedPerConnection((db) =>
        buildSearch(db, filters.query, filters.kind, filters.role),
      );
      searches.set(key, statement);
    }
    return statement;
  },
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
        const row = accountStatements.findByEmailKey(db).get({ emailKey });
        return row ? toAccount(row) : null;
      }),
    findBySsoSubject: ({ ssoSubject }) =>
      ctx.run((db) => {
        const row = db.select().from(accounts).where(eq(accounts.ssoSubject, ssoSubject)).get();
        return row ? toAccount(row) : null;
      }),
    listSharedMailboxes: () =>
      ctx.run((db) =>
        db
          .select()
          .from(accounts)
          .where(eq(accounts.sharedMailbox, true))
          .orderBy(asc(accounts.emailKey))
          .all()
          .map(toAccount),
      ),
    search: ({ query, kind, role, ...page }) =>
      ctx.run((db) =>
        accountStatements
          .search({ query: Boolean(query), kind: Boolean(kind), role: Boolean(role) })(db)
          .all({ pattern: query ? containsPattern(query) : null, kind, role, ...checkPage(page) })
          .map(toAccount),
      ),
    delete: ({ id }) =>
      ctx.run((db) => {
        db.delete(accounts).where(eq(accounts.id, id)).run();
      }),
  };
}
