import { and, asc, eq, inArray, lte, ne } from 'drizzle-orm';
import type { SessionRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toSession } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { sessions } from '../schema.ts';

/** Sessions in SQLite. */
export function sqliteSessions(ctx: SqliteContext): SessionRepository {
  return {
    insert: ({ session }) =>
      ctx.run((db) => {
        db.insert(sessions).values(toSession(session)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = db.select().from(sessions).where(eq(sessions.id, id)).get();
        return row ? toSession(row) : null;
      }),
    update: ({ session }) =>
      ctx.run((db) => {
        db.update(sessions)
          .set({
            lastSeenAt: session.lastSeenAt,
            expiresAt: session.expiresAt,
            twoFactorPending: session.twoFactorPending,
          })
          .where(eq(sessions.id, session.id))
          .run();
      }),
    delete: ({ id }) =>
      ctx.run((db) => {
        db.delete(sessions).where(eq(sessions.id, id)).run();
      }),
    deleteForAccount: ({ accountId, exceptId }) =>
      ctx.run(
        (db) =>
          db
            .delete(sessions)
            .where(
              and(
                eq(sessions.accountId, accountId),
                exceptId === undefined ? undefined : ne(sessions.id, exceptId),
              ),
            )
            .run().changes,
      ),
    deleteExpired: ({ now, limit }) =>
      ctx.run((db) => {
        const due = db
          .select({ id: sessions.id })
          .from(sessions)
          .where(lte(sessions.expiresAt, now))
          .limit(checkPage({ limit }).limit);
        return db.delete(sessions).where(inArray(sessions.id, due)).run().changes;
      }),
    listForAccount: ({ accountId }) =>
      ctx.run((db) =>
        db
          .select()
          .from(sessions)
          .where(eq(sessions.accountId, accountId))
          .orderBy(asc(sessions.createdAt), asc(sessions.id))
          .all()
          .map(toSession),
      ),
  };
}
