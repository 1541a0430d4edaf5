import { and, eq } from 'drizzle-orm';
import type { DeviceLockoutRepository } from '../../../../core/storage/ports.ts';
import { toDeviceLockout } from '../../shared/mappers.ts';
import type { SqliteContext } from '../connection.ts';
import { deviceLockouts } from '../schema.ts';

/** Device-cookie lockout counters in SQLite. */
export function sqliteDeviceLockouts(ctx: SqliteContext): DeviceLockoutRepository {
  return {
    find: ({ accountId, deviceHash }) =>
      ctx.run((db) => {
        const row = db
          .select()
          .from(deviceLockouts)
          .where(
            and(eq(deviceLockouts.accountId, accountId), eq(deviceLockouts.deviceHash, deviceHash)),
          )
          .get();
        return row ? toDeviceLockout(row) : null;
      }),
    save: ({ lockout }) =>
      ctx.run((db) => {
        const { accountId, deviceHash, ...counters } = toDeviceLockout(lockout);
        db.insert(deviceLockouts)
          .values({ accountId, deviceHash, ...counters })
          .onConflictDoUpdate({
            target: [deviceLockouts.accountId, deviceLockouts.deviceHash],
            set: counters,
          })
          .run();
      }),
    deleteForAccount: ({ accountId }) =>
      ctx.run(
        (db) =>
          db.delete(deviceLockouts).where(eq(deviceLockouts.accountId, accountId)).run().changes,
      ),
  };
}
