import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { makeStaff } from '../factories.ts';
import { runCli } from './cli.ts';

/** The staff sender `seedSender` adds. */
export const CLI_SENDER = 'officer@barnet.gov.uk';

/**
 * A migrated SQLite database under `DATA_DIR` with one active staff sender, for tests
 * that drive the real CLI and need real messages: only the installation's own cipher
 * can read what a later command decrypts, so messages are written by `sealpost send`.
 */
export async function seedSender(dataDir: string): Promise<void> {
  const storage = sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });
  try {
    await storage.migrate();
    await storage.repos.accounts.insert({ account: makeStaff({ email: CLI_SENDER }) });
  } finally {
    await storage.close();
  }
}

/**
 * Sends one message with `sealpost send` from `CLI_SENDER`, the body written to a file
 * beside the database, and returns the new message's id; throws with the command's
 * error output if it fails.
 */
export async function sendByCli(
  env: Record<string, string> & { DATA_DIR: string },
  message: { to: string; subject: string; body: string; attach?: string[] },
): Promise<string> {
  const bodyFile = path.join(env.DATA_DIR, `body-${Date.now()}-${Math.random()}.txt`);
  writeFileSync(bodyFile, message.body);
  const attach = (message.attach ?? []).flatMap((file) => ['--attach', file]);
  const sent = await runCli(
    [
      'send',
      '--from',
      CLI_SENDER,
      '--to',
      message.to,
      '--subject',
      message.subject,
      '--body-file',
      bodyFile,
      ...attach,
    ],
    env,
  );
  if (sent.code !== 0) throw new Error(`sealpost send failed: ${sent.stderr}`);
  return sent.stdout.trim();
}
