import { and, count, desc, eq, gt, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { EmailCodeRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toEmailCode } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { emailCodes } from '../schema.ts';

/** Emailed codes in SQLite. */
export function sqliteEmailCodes(ctx: SqliteContext): EmailCodeRepository {
  return {
    insert: ({ code }) =>
      ctx.run((db) => {
        db.insert(emailCodes).values(toEmailCode(code)).run();
      }),
    listLive: ({ purpose, emailKey, subjectId, now }) =>
      ctx.run((db) =>
        db
          .select()
          .from(emailCodes)
          .where(
            and(
              eq(emailCodes.emailKey, emailKey),
              eq(emailCodes.purpose, purpose),
              eq(emailCodes.subjectId, subjectId),
              isNull(emailCodes.usedAt),
              gt(emailCodes.expiresAt, now),
            ),
          )
          .orderBy(desc(emailCodes.createdAt), desc(sql`rowid`))
          .all()
          .map(toEmailCode),
      ),
    takeAttempt: ({ id, max }) =>
      ctx.run(
        (db) =>
          db
            .update(emailCodes)
            .set({ attempts: sql`${emailCodes.attempts} + 1` })
            .where(and(eq(emailCodes.id, id), lt(emailCodes.attempts, max)))
            .run().changes === 1,
      ),
    markUsed: ({ id, at }) =>
      ctx.run(
        (db) =>
          db
            .update(emailCodes)
            .set({ usedAt: at })
            .where(and(eq(emailCodes.id, id), isNull(emailCodes.usedAt)))
            .run().changes === 1,
      ),
    countSentSince: ({ emailKey, since }) =>
      ctx.run(
        (db) =>
          db
            .select({ n: count() })
            .from(emailCodes)
            .where(and(eq(emailCodes.emailKey, emailKey), gte(emailCodes.createdAt, since)))
            .get()?.n ?? 0,
      ),
    deleteExpired: ({ before, limit }) =>
      ctx.run((db) => {
        const due = db
          .select({ id: emailCodes.id })
          .from(emailCodes)
          .where(lt(emailCodes.expiresAt, before))
          .limit(checkPage({ limit }).limit);
        return db.delete(emailCodes).where(inArray(emailCodes.id, due)).run().changes;
      }),
  };
}
