// A second process for test/storage/sqlite.test.ts: holds `withLock('job')` on the
// SQLite file named by the first argument until a line arrives on stdin, then lets go.
// Prints `held` (or `busy` if it could not take the lock) and `released`.

import { createInterface } from 'node:readline';
import { sqliteStorage } from '../../../adapters/storage/sqlite/index.ts';

const storage = sqliteStorage({ path: process.argv[2] ?? '' });
const lines = createInterface({ input: process.stdin });
const letGo = new Promise<void>((resolve) => lines.once('line', () => resolve()));

const result = await storage.withLock({
  name: 'job',
  fn: async () => {
    process.stdout.write('held\n');
    await letGo;
  },
});
if (!result.ran) process.stdout.write('busy\n');
process.stdout.write('released\n');
lines.close();
await storage.close();
