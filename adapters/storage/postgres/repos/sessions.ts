import { and, asc, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import type { SessionRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toSession } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { sessions } from '../schema.ts';

// Every signed-in request reads its session, and a sliding one is moved on often: both
// are prepared once per handle (docs/decisions/0024).
/** The prepared statements of this repository (exported for the plan tests). */
export const sessionStatements = {
  findById: preparedPerHandle((db) =>
    db
      .select()
      .from(sessions)
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare('sessions_find_by_id'),
  ),
  update: preparedPerHandle((db) =>
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
      .prepare('sessions_update'),
  ),
};

/** Sessions in PostgreSQL. */
export function pgSessions(ctx: PgContext): SessionRepository {
  return {
    insert: ({ session }) =>
      ctx.run(async (db) => {
        await db.insert(sessions).values(toSession(session));
      }),
    findById: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await sessionStatements.findById(db).execute({ id });
        return row ? toSession(row) : null;
      }),
    update: ({ session }) =>
      ctx.run(async (db) => {
        // Placeholders take driver values: instants as ISO strings, as drizzle sends them.
        await sessionStatements.update(db).execute({
          id: session.id,
          lastSeenAt: session.lastSeenAt.toISOString(),
          expiresAt: session.expiresAt.toISOString(),
          twoFactorPending: session.twoFactorPending,
          secondFactorAt: session.secondFactorAt?.toISOString() ?? null,
          ssoCheckedAt: session.ssoCheckedAt?.toISOString() ?? null,
          ssoRefreshEnc: bufferOrNull(session.ssoRefreshEnc),
        });
      }),
    delete: ({ id }) =>
      ctx.run(async (db) => {
        await db.delete(sessions).where(eq(sessions.id, id));
      }),
    setActingMailbox: ({ id, mailboxId }) =>
      ctx.run(async (db) => {
        await db.update(sessions).set({ actingMailboxId: mailboxId }).where(eq(sessions.id, id));
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

function bufferOrNull(value: Uint8Array | null): Buffer | null {
  return value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
