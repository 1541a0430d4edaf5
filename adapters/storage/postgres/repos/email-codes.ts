import { and, count, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
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
    findLatest: ({ purpose, emailKey, subjectId, now }) =>
      ctx.run(async (db) => {
        const [row] = await db
          .select()
          .from(emailCodes)
          .where(
            and(
              eq(emailCodes.emailKey, emailKey),
              eq(emailCodes.purpose, purpose),
              eq(emailCodes.subjectId, subjectId),
            ),
          )
          .orderBy(desc(emailCodes.createdAt), desc(emailCodes.id))
          .limit(1);
        // Only the newest code counts: an older one, even if still live, was replaced.
        if (!row || row.usedAt !== null || row.expiresAt.getTime() <= now.getTime()) return null;
        return toEmailCode(row);
      }),
    recordFailure: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await db
          .update(emailCodes)
          .set({ attempts: sql`${emailCodes.attempts} + 1` })
          .where(eq(emailCodes.id, id))
          .returning({ attempts: emailCodes.attempts });
        return row?.attempts ?? 0;
      }),
    // Racing updates queue on the row lock and re-check `used_at IS NULL`: one wins.
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
