// One process of the cross-process race in rate-limit-store.test.ts: opens the
// database named in argv, waits for the start time, makes `count` hits on one bucket
// as fast as it can, and prints how many were allowed.
import { postgresStorage } from '../../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../../adapters/storage/sqlite/index.ts';

const [kind, target, count, limit, startAt] = process.argv.slice(2);
const storage =
  kind === 'postgres'
    ? postgresStorage({ url: target as string })
    : sqliteStorage({ path: target as string });
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
let allowed = 0;
const now = new Date('2026-03-02T09:00:00Z');
await Promise.all(
  Array.from({ length: Number(count) }, async () => {
    const result = await storage.repos.rateLimitHits.hit({
      bucket: 'across-processes',
      now,
      windowMs: 60_000,
      limit: Number(limit),
    });
    if (result.allowed) allowed++;
  }),
);
await storage.close();
process.stdout.write(`${allowed}\n`);
