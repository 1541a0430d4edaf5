import { and, asc, eq, inArray, lte, ne } from 'drizzle-orm';
import type { SessionRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toSession } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { sessions } from '../schema.ts';

/** Sessions in PostgreSQL. */
export function pgSessions(ctx: PgContext): SessionRepository {
  return {
    insert: ({ session }) =>
      ctx.run(async (db) => {
        await db.insert(sessions).values(toSession(session));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
        return row ? toSession(row) : null;
      }),
    update: ({ session }) =>
      ctx.run(async (db) => {
        await db
          .update(sessions)
          .set({
            lastSeenAt: session.lastSeenAt,
            expiresAt: session.expiresAt,
            twoFactorPending: session.twoFactorPending,
          })
          .where(eq(sessions.id, session.id));
      }),
    delete: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(sessions).where(eq(sessions.id, id));
      }),
    deleteForAccount: ({ accountId, exceptId }) =>
      ctx.run(async (db) => {
        const gone = await db
          .delete(sessions)
          .where(
            and(
              eq(sessions.accountId, accountId),
              exceptId === undefined ? undefined : ne(sessions.id, exceptId),
            ),
          )
          .returning({ id: sessions.id });
        return gone.length;
      }),
    deleteExpired: ({ now, limit }) =>
      ctx.run(async (db) => {
        const due = db
          .select({ id: sessions.id })
          .from(sessions)
          .where(lte(sessions.expiresAt, now))
          .limit(checkPage({ limit }).limit);
        const gone = await db
          .delete(sessions)
          .where(inArray(sessions.id, due))
          .returning({ id: sessions.id });
        return gone.length;
      }),
    listForAccount: ({ accountId }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(sessions)
          .where(eq(sessions.accountId, accountId))
          .orderBy(asc(sessions.createdAt), asc(sessions.id));
        return rows.map(toSession);
      }),
  };
}
