// A separate process that runs the real outbox worker until it is killed, for the
// crash and two-worker tests in test/mail/outbox-crash.test.ts. It is started as
// `node --import tsx outbox-child.ts '<json options>'`.

import { openpgpCipher } from '../../../adapters/crypto/openpgp/index.ts';
import { createLogger } from '../../../adapters/logging/logger.ts';
import { outboxFolderMailer } from '../../../adapters/mail/outbox-folder.ts';
import { smtpMailer } from '../../../adapters/mail/smtp.ts';
import { sqliteStorage } from '../../../adapters/storage/sqlite/index.ts';
import { startOutboxWorker } from '../../../core/mail/outbox-worker.ts';
import type { Mailer } from '../../../core/mail/ports.ts';

/** What the parent passes as the one argument, as JSON. */
export type ChildOptions = {
  db: string;
  keysDir: string;
  passphrase: string;
  transport: { kind: 'smtp'; port: number } | { kind: 'folder'; dir: string };
  leaseMs: number;
  limit: number;
  /** Up to this many ms of pause before and after each send, to spread the kills. */
  slowMs: number;
  /** Exit 0 once nothing is left to send, instead of running until killed. */
  exitWhenDone: boolean;
};

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const logger = createLogger({ level: 'silent' });
const storage = sqliteStorage({ path: options.db });
const cipher = openpgpCipher({ keysDir: options.keysDir, passphrase: options.passphrase, logger });
const transport: Mailer =
  options.transport.kind === 'smtp'
    ? smtpMailer({
        url: `smtp://127.0.0.1:${options.transport.port}`,
        requireTls: false,
        from: 'Sealpost <no-reply@sealpost.test>',
        logger,
      })
    : outboxFolderMailer({
        dir: options.transport.dir,
        from: 'Sealpost <no-reply@sealpost.test>',
        logger,
      });

const pause = () => new Promise((r) => setTimeout(r, Math.random() * options.slowMs));

// Reports each send the transport accepted, so the parent can see repeats.
const mailer: Mailer = {
  async send(args) {
    await pause();
    const result = await transport.send(args);
    if (result.ok) process.stdout.write(`accepted ${args.id}\n`);
    await pause();
    return result;
  },
  close: () => transport.close(),
};

const worker = startOutboxWorker({
  storage,
  cipher,
  mailer,
  clock: { now: () => new Date() },
  limit: options.limit,
  leaseMs: options.leaseMs,
  intervalMs: 20,
});
process.stdout.write('ready\n');

if (options.exitWhenDone) {
  let checking = false;
  const timer = setInterval(async () => {
    if (checking) return;
    checking = true;
    const unsent = await storage.repos.outbox.countUnsent();
    checking = false;
    if (unsent > 0) return;
    clearInterval(timer);
    await worker.stop();
    await mailer.close();
    await storage.close();
    process.stdout.write('done\n');
    process.exit(0);
  }, 50);
}
