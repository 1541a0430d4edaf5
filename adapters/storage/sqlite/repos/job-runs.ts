import { desc, eq } from 'drizzle-orm';
import type { JobRunRepository } from '../../../../core/storage/ports.ts';
import { checkPage, toJobRun } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { jobRuns } from '../schema.ts';

/** Lifecycle job history in SQLite. */
export function sqliteJobRuns(ctx: SqliteContext): JobRunRepository {
  return {
    insert: ({ run }) =>
      ctx.run((db) => {
        db.insert(jobRuns).values(toJobRun(run)).run();
      }),
    update: ({ run }) =>
      ctx.run((db) => {
        const { id, ...fields } = toJobRun(run);
        db.update(jobRuns).set(fields).where(eq(jobRuns.id, id)).run();
      }),
    listRecent: ({ job, limit }) =>
      ctx.run((db) =>
        db
          .select()
          .from(jobRuns)
          .where(job === undefined ? undefined : eq(jobRuns.job, job))
          .orderBy(desc(jobRuns.startedAt), desc(jobRuns.id))
          .limit(checkPage({ limit }).limit)
          .all()
          .map(toJobRun),
      ),
  };
}
