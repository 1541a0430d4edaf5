import { desc, eq } from 'drizzle-orm';
import type { JobRunRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toJobRun } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { jobRuns } from '../schema.ts';

/** Lifecycle job history in PostgreSQL. */
export function pgJobRuns(ctx: PgContext): JobRunRepository {
  return {
    insert: ({ run }) =>
      ctx.run(async (db) => {
        await db.insert(jobRuns).values(toJobRun(run));
      }),
    update: ({ run }) =>
      ctx.run(async (db) => {
        const { id, ...fields } = toJobRun(run);
        await db.update(jobRuns).set(fields).where(eq(jobRuns.id, id));
      }),
    listRecent: ({ job, limit }) =>
      ctx.run(async (db) => {
        const rows = await db
          .select()
          .from(jobRuns)
          .where(job === undefined ? undefined : eq(jobRuns.job, job))
          .orderBy(desc(jobRuns.startedAt), desc(jobRuns.id))
          .limit(checkPage({ limit }).limit);
        return rows.map(toJobRun);
      }),
  };
}
