import { and, eq } from 'drizzle-orm';
import type { DeviceLockoutRepository } from '../../../../core/storage/ports.ts';
import { toDeviceLockout } from '../../shared/mappers.ts';
import type { PgContext } from '../context.ts';
import { deviceLockouts } from '../schema.ts';

/** Device-cookie lockout counters in PostgreSQL. */
export function pgDeviceLockouts(ctx: PgContext): DeviceLockoutRepository {
  return {
    find: ({ accountId, deviceHash }) =>
      ctx.run(async (db) => {
        const [row] = await db
          .select()
          .from(deviceLockouts)
          .where(
            and(eq(deviceLockouts.accountId, accountId), eq(deviceLockouts.deviceHash, deviceHash)),
          );
        return row ? toDeviceLockout(row) : null;
      }),
    save: ({ lockout }) =>
      ctx.run(async (db) => {
        const { accountId, deviceHash, ...counters } = toDeviceLockout(lockout);
        await db
          .insert(deviceLockouts)
          .values({ accountId, deviceHash, ...counters })
          .onConflictDoUpdate({
            target: [deviceLockouts.accountId, deviceLockouts.deviceHash],
            set: counters,
          });
      }),
    deleteForAccount: ({ accountId }) =>
      ctx.run(async (db) => {
        const gone = await db
          .delete(deviceLockouts)
          .where(eq(deviceLockouts.accountId, accountId))
          .returning({ accountId: deviceLockouts.accountId });
        return gone.length;
      }),
  };
}
