import { and, asc, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm';
import type { TokenRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toToken } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { tokens } from '../schema.ts';

/** One-time tokens in SQLite. */
export function sqliteTokens(ctx: SqliteContext): TokenRepository {
  return {
    insert: ({ token }) =>
      ctx.run((db) => {
        db.insert(tokens).values(toToken(token)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = db.select().from(tokens).where(eq(tokens.id, id)).get();
        return row ? toToken(row) : null;
      }),
    // The `used_at IS NULL` condition makes the update itself the test: of any number of
    // racing callers exactly one changes the row, and only that one sees a change.
    markUsed: ({ id, at }) =>
      ctx.run(
        (db) =>
          db
            .update(tokens)
            .set({ usedAt: at })
            .where(and(eq(tokens.id, id), isNull(tokens.usedAt)))
            .run().changes === 1,
      ),
    listLive: ({ accountId, purpose, now }) =>
      ctx.run((db) =>
        db
          .select()
          .from(tokens)
          .where(
            and(
              eq(tokens.accountId, accountId),
              eq(tokens.purpose, purpose),
              isNull(tokens.usedAt),
              gt(tokens.expiresAt, now),
            ),
          )
          .orderBy(asc(tokens.createdAt), asc(tokens.id))
          .all()
          .map(toToken),
      ),
    deleteExpired: ({ before, limit }) =>
      ctx.run((db) => {
        const due = db
          .select({ id: tokens.id })
          .from(tokens)
          .where(or(lt(tokens.expiresAt, before), lt(tokens.usedAt, before)))
          .limit(checkPage({ limit }).limit);
        return db.delete(tokens).where(inArray(tokens.id, due)).run().changes;
      }),
    deleteForAccount: ({ accountId }) =>
      ctx.run((db) => db.delete(tokens).where(eq(tokens.accountId, accountId)).run().changes),
  };
}
