import { and, asc, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import type { SessionRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toSession } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { sessions } from '../schema.ts';

// Every signed-in request reads its session, and a sliding one is moved on often: both
// are prepared once per connection (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const sessionStatements = {
  findById: preparedPerConnection((db) =>
    db
      .select()
      .from(sessions)
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare(),
  ),
  update: preparedPerConnection((db) =>
    db
      .update(sessions)
      .set({
        lastSeenAt: sql`${sql.placeholder('lastSeenAt')}`,
        expiresAt: sql`${sql.placeholder('expiresAt')}`,
        twoFactorPending: sql`${sql.placeholder('twoFactorPending')}`,
        secondFactorAt: sql`${sql.placeholder('secondFactorAt')}`,
        ssoCheckedAt: sql`${sql.placeholder('ssoCheckedAt')}`,
        ssoRefreshEnc: sql`${sql.placeholder('ssoRefreshEnc')}`,
      })
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare(),
  ),
};

/** Sessions in SQLite. */
export function sqliteSessions(ctx: SqliteContext): SessionRepository {
  return {
    insert: ({ session }) =>
      ctx.run((db) => {
        db.insert(sessions).values(toSession(session)).run();
      }),
    findById: ({ id }) =>
      ctx.run((db) => {
        const row = sessionStatements.findById(db).get({ id });
        return row ? toSession(row) : null;
      }),
    update: ({ session }) =>
      ctx.run((db) => {
        // Placeholders take driver values: instants as milliseconds, flags as 0/1.
        sessionStatements.update(db).run({
          id: session.id,
          lastSeenAt: session.lastSeenAt.getTime(),
          expiresAt: session.expiresAt.getTime(),
          twoFactorPending: session.twoFactorPending ? 1 : 0,
          secondFactorAt: session.secondFactorAt?.getTime() ?? null,
          ssoCheckedAt: session.ssoCheckedAt?.getTime() ?? null,
          ssoRefreshEnc: bufferOrNull(session.ssoRefreshEnc),
        });
      }),
    delete: ({ id }) =>
      ctx.run((db) => {
        db.delete(sessions).where(eq(sessions.id, id)).run();
      }),
    setActingMailbox: ({ id, mailboxId }) =>
      ctx.run((db) => {
        db.update(sessions).set({ actingMailboxId: mailboxId }).where(eq(sessions.id, id)).run();
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

function bufferOrNull(value: Uint8Array | null): Buffer | null {
  return value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
