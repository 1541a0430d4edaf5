import { asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { InlineBlobRepository } from '../../../../core/blobs/ports.ts';
import { checkPage } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { preparedPerHandle } from '../prepared.ts';
import { inlineBlobs } from '../schema.ts';

const DELETE_BATCH = 1000;

/** The read every message view makes for its text, prepared once (decision 0024). */
export const inlineBlobStatements = {
  get: preparedPerHandle((db) =>
    db
      .select({ data: inlineBlobs.data })
      .from(inlineBlobs)
      .where(eq(inlineBlobs.id, sql.placeholder('id')))
      .prepare('inline_blobs_get'),
  ),
};

/** Small blobs as rows of PostgreSQL (docs/decisions/0027). */
export function pgInlineBlobs(ctx: PgContext): InlineBlobRepository {
  return {
    insert: ({ id, data, at }) =>
      ctx.run(async (db) => {
        await db.insert(inlineBlobs).values({ id, data, storedAt: at });
      }),
    get: ({ id }) =>
      ctx.run(async (db) => {
        const [row] = await inlineBlobStatements.get(db).execute({ id });
        return row?.data ?? null;
      }),
    has: ({ id }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select({ id: inlineBlobs.id })
          .from(inlineBlobs)
          .where(eq(inlineBlobs.id, id));
        return rows.length > 0;
      }),
    replace: ({ id, data, at }) =>
      ctx.run(async (db) => {
        const rows = await db
          .update(inlineBlobs)
          .set({ data, storedAt: at })
          .where(eq(inlineBlobs.id, id))
          .returning({ id: inlineBlobs.id });
        return rows.length > 0;
      }),
    deleteMany: ({ ids }) =>
      ctx.run(async (db) => {
        for (let at = 0; at < ids.length; at += DELETE_BATCH) {
          await db
            .delete(inlineBlobs)
            .where(inArray(inlineBlobs.id, ids.slice(at, at + DELETE_BATCH)));
        }
      }),
    listStored: ({ after, limit }) =>
      ctx.run(async (db) =>
        db
          .select({ id: inlineBlobs.id, storedAt: inlineBlobs.storedAt })
          .from(inlineBlobs)
          .where(after === undefined ? undefined : gt(inlineBlobs.id, after))
          .orderBy(asc(inlineBlobs.id))
          .limit(checkPage({ limit }).limit),
      ),
  };
}
