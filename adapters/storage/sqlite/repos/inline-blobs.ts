import { asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { InlineBlobRepository } from '../../../../core/blobs/ports.ts';
import { checkPage } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { preparedPerConnection } from '../prepared.ts';
import { inlineBlobs } from '../schema.ts';

const DELETE_BATCH = 500;

/** The read every message view makes for its text, prepared once (decision 0024). */
export const inlineBlobStatements = {
  get: preparedPerConnection((db) =>
    db
      .select({ data: inlineBlobs.data })
      .from(inlineBlobs)
      .where(eq(inlineBlobs.id, sql.placeholder('id')))
      .prepare(),
  ),
};

/** Small blobs as rows of SQLite (docs/decisions/0027). */
export function sqliteInlineBlobs(ctx: SqliteContext): InlineBlobRepository {
  return {
    insert: ({ id, data, at }) =>
      ctx.run((db) => {
        db.insert(inlineBlobs).values({ id, data, storedAt: at }).run();
      }),
    get: ({ id }) => ctx.run((db) => inlineBlobStatements.get(db).get({ id })?.data ?? null),
    has: ({ id }) =>
      ctx.run(
        (db) =>
          db
            .select({ id: inlineBlobs.id })
            .from(inlineBlobs)
            .where(eq(inlineBlobs.id, id))
            .get() !== undefined,
      ),
    replace: ({ id, data, at }) =>
      ctx.run(
        (db) =>
          db.update(inlineBlobs).set({ data, storedAt: at }).where(eq(inlineBlobs.id, id)).run()
            .changes > 0,
      ),
    deleteMany: ({ ids }) =>
      ctx.run((db) => {
        for (let at = 0; at < ids.length; at += DELETE_BATCH) {
          db.delete(inlineBlobs)
            .where(inArray(inlineBlobs.id, ids.slice(at, at + DELETE_BATCH)))
            .run();
        }
      }),
    listStored: ({ after, limit }) =>
      ctx.run((db) =>
        db
          .select({ id: inlineBlobs.id, storedAt: inlineBlobs.storedAt })
          .from(inlineBlobs)
          .where(after === undefined ? undefined : gt(inlineBlobs.id, after))
          .orderBy(asc(inlineBlobs.id))
          .limit(checkPage({ limit }).limit)
          .all(),
      ),
  };
}
