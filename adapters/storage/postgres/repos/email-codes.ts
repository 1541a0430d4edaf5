import { and, count, desc, eq, gt, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { EmailCodeRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toEmailCode } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { emailCodes } from '../schema.ts';

/** Emailed codes in PostgreSQL. */
export function pgEmailCodes(ctx: PgContext): EmailCodeRepository {
  return {
    insert: ({ code }) =>
      ctx.run(async (db) => {
        await db.insert(emailCodes).values(toEmailCode(code));
      }),
    listLive: ({ purpose, emailKey, subjectId, now }) =>
      ctx.run(async (db) => {
        const rows = await db
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
          .orderBy(desc(emailCodes.createdAt), desc(emailCodes.id));
        return rows.map(toEmailCode);
      }),
    // Racing updates queue on the row lock and re-check `attempts < max`.
    takeAttempt: ({ id, max }) =>
      ctx.run(async (db) => {
        const taken = await db
          .update(emailCodes)
          .set({ attempts: sql`${emailCodes.attempts} + 1` })
          .where(and(eq(emailCodes.id, id), lt(emailCodes.attempts, max)))
          .returning({ id: emailCodes.id });
        return taken.length === 1;
      }),
    markUsed: ({ id, at }) =>
      ctx.run(async (db) => {
        const won = await db
          .update(emailCodes)
          .set({ usedAt: at })
          .where(and(eq(emailCodes.id, id), isNull(emailCodes.usedAt)))
          .returning({ id: emailCodes.id });
        return won.length === 1;
      }),
    countSentSince: ({ emailKey, since }) =>
      ctx.run(async (db) => {
        const [row] = await db
          .select({ n: count() })
          .from(emailCodes)
          .where(and(eq(emailCodes.emailKey, emailKey), gte(emailCodes.createdAt, since)));
        return row?.n ?? 0;
      }),
    deleteExpired: ({ before, limit }) =>
      ctx.run(async (db) => {
        const due = db
          .select({ id: emailCodes.id })
          .from(emailCodes)
          .where(lt(emailCodes.expiresAt, before))
          .limit(checkPage({ limit }).limit);
        const gone = await db
          .delete(emailCodes)
          .where(inArray(emailCodes.id, due))
          .returning({ id: emailCodes.id });
        return gone.length;
      }),
  };
}
