import path from 'node:path';
import { openpgpCipher } from '../../../adapters/crypto/openpgp/index.ts';
import { createLogger } from '../../../adapters/logging/logger.ts';
import { sqliteStorage } from '../../../adapters/storage/sqlite/index.ts';
import type { Cipher } from '../../../core/crypto/ports.ts';
import type { MailContent } from '../../../core/mail/model.ts';
import { prepareOutboxMail } from '../../../core/mail/outbox.ts';
import type { Clock } from '../../../core/shared/ports.ts';
import type { Storage } from '../../../core/storage/ports.ts';
import { tempDir } from '../../support/cli.ts';

/** The passphrase of the test keyring. */
export const PASSPHRASE = 'correct horse battery staple outbox';

/** The content of queued test mail `n`: the body names the mail, so a file can be checked whole. */
export function testMail(n: number, over: Partial<MailContent> = {}): MailContent {
  return {
    to: `recipient${n}@example.org`,
    subject: `Secure message ${n} from Barnet Council`,
    text: `Mail number ${n}.\nOpen https://portal.example/r/${n} to read it.\nEnd of mail ${n}.`,
    html: `<p>Mail number ${n}.</p>`,
    headers: { 'Auto-Submitted': 'auto-generated' },
    ...over,
  };
}

/** A real SQLite database and OpenPGP keyring in a fresh folder. */
export type TestQueue = {
  dir: string;
  dbPath: string;
  keysDir: string;
  storage: Storage;
  cipher: Cipher;
  /** Queues mails `from`..`from + count - 1`; returns their outbox ids in order. */
  enqueue(args: {
    count: number;
    from?: number;
    clock: Clock;
    over?: (n: number) => Partial<MailContent>;
  }): Promise<string[]>;
};

/** Opens a new queue; `storage.close()` when done. */
export async function openTestQueue(): Promise<TestQueue> {
  const dir = tempDir('sealpost-mailq-');
  const dbPath = path.join(dir, 'sealpost.db');
  const keysDir = path.join(dir, 'keys');
  const logger = createLogger({ level: 'silent' });
  const storage = sqliteStorage({ path: dbPath });
  await storage.migrate();
  const cipher = openpgpCipher({ keysDir, passphrase: PASSPHRASE, logger });
  let seq = 0;
  return {
    dir,
    dbPath,
    keysDir,
    storage,
    cipher,
    async enqueue({ count, from = 1, clock, over }) {
      const ids: string[] = [];
      for (let n = from; n < from + count; n++) {
        const id = `mail${String(++seq).padStart(5, '0')}`;
        const mail = await prepareOutboxMail(
          { cipher, clock, ids: { newId: () => id } },
          { kind: 'notification', mail: testMail(n, over?.(n)) },
        );
        await storage.transaction(async (repos) => repos.outbox.insert({ mail }));
        ids.push(id);
      }
      return ids;
    },
  };
}
