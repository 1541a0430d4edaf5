import { and, asc, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm';
import type { TokenRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toToken } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { tokens } from '../schema.ts';

/** One-time tokens in PostgreSQL. */
export function pgTokens(ctx: PgContext): TokenRepository {
  return {
    insert: ({ token }) =>
      ctx.run(async (db) => {
        await db.insert(tokens).values(toToken(token));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await db.select().from(tokens).where(eq(tokens.id, id));
        return row ? toToken(row) : null;
      }),
    // Racing updates of one row queue on its row lock; each re-checks `used_at IS NULL`
    // once the one before commits, so exactly one of them changes the row.
    markUsed: ({ id, at }) =>
      ctx.run(async (db) => {
        const won = await db
          .update(tokens)
          .set({ usedAt: at })
          .where(and(eq(tokens.id, id), isNull(tokens.usedAt)))
          .returning({ id: tokens.id });
        return won.length === 1;
      }),
    listLive: ({ accountId, purpose, now }) =>
      ctx.run(async (db) => {
        const rows = await db
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
          .orderBy(asc(tokens.createdAt), asc(tokens.id));
        return rows.map(toToken);
      }),
    deleteExpired: ({ before, limit }) =>
      ctx.run(async (db) => {
        const due = db
          .select({ id: tokens.id })
          .from(tokens)
          .where(or(lt(tokens.expiresAt, before), lt(tokens.usedAt, before)))
          .limit(checkPage({ limit }).limit);
        const gone = await db
          .delete(tokens)
          .where(inArray(tokens.id, due))
          .returning({ id: tokens.id });
        return gone.length;
      }),
    deleteForAccount: ({ accountId }) =>
      ctx.run(async (db) => {
        const gone = await db
          .delete(tokens)
          .where(eq(tokens.accountId, accountId))
          .returning({ id: tokens.id });
        return gone.length;
      }),
  };
}
