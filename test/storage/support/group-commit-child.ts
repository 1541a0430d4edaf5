// A process that commits transactions in concurrent groups until it is killed: each
// unit stores the setting `unit-N`, and "ack N" is printed only once its transaction
// promise has resolved (after the group's COMMIT). group-commit.test.ts SIGKILLs it.

import { sqliteStorage } from '../../../adapters/storage/sqlite/index.ts';

const [file, first] = process.argv.slice(2);
if (!file) throw new Error('usage: group-commit-child.ts DB_FILE [FIRST_N]');
const storage = sqliteStorage({ path: file });
let next = Number(first ?? 0);
process.stdout.write('ready\n');
for (;;) {
  const units = Array.from({ length: 16 }, () => {
    const n = next++;
    return storage
      .transaction(async (repos) => {
        await repos.settings.set({ key: `unit-${n}`, value: n });
        // Some units fail half-way: only they are undone, and they are never acknowledged.
        if (n % 7 === 3) throw new Error('unit failed on purpose');
      })
      .then(
        () => process.stdout.write(`ack ${n}\n`),
        () => process.stdout.write(`failed ${n}\n`),
      );
  });
  await Promise.all(units);
}
