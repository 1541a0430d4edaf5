import { existsSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { withInlineBlobs } from '../../../core/blobs/with-inline.ts';
import { chooseBlobStore, chooseStorage } from '../../compose.ts';
import { openpgpCipher } from '../../crypto/openpgp/index.ts';
import { type CheckResult, checkFileModes, runChecks } from '../../doctor/checks.ts';
import { keysBelongHere } from '../../installation/binding.ts';
import { createLogger } from '../../logging/logger.ts';
import { smtpMailer } from '../../mail/smtp.ts';
import { parseFlags } from '../args.ts';
import type { CommandContext } from '../main.ts';

/** One printed line per check, and the fix indented under anything not ok. */
export function formatResults(results: CheckResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.status.padEnd(8)}${r.name.padEnd(16)}${r.detail}`);
    if (r.fix && r.status !== 'ok') lines.push(`${' '.repeat(24)}fix: ${r.fix}`);
  }
  return lines;
}

/**
 * `sealpost doctor`: checks the installation without changing it (no migration, no key
 * made, nothing sent) and prints a line per check: ok, warning or problem, with the
 * fix. Exit 0 when nothing is a problem, 1 otherwise. See docs/admin/install.md.
 */
export async function runDoctor(ctx: CommandContext, argv: string[]): Promise<number> {
  parseFlags('doctor', argv, {});
  const results = await diagnose(ctx);
  for (const line of formatResults(results)) ctx.out(line);
  const problems = results.filter((r) => r.status === 'problem').length;
  const warnings = results.filter((r) => r.status === 'warning').length;
  ctx.out(
    problems === 0
      ? `All checks passed${warnings > 0 ? ` (${warnings} ${warnings === 1 ? 'warning' : 'warnings'})` : ''}.`
      : `${problems} ${problems === 1 ? 'problem' : 'problems'} found.`,
  );
  return problems === 0 ? 0 : 1;
}

/** Builds what the checks read, read-only, runs them, and closes it all. */
export async function diagnose(ctx: Pick<CommandContext, 'config'>): Promise<CheckResult[]> {
  const { config } = ctx;
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  // Looked at before the database is opened: opening a SQLite file narrows its mode.
  const fileModes = await checkFileModes(config);
  if (config.database.kind === 'sqlite' && !existsSync(config.database.path)) {
    return [
      {
        name: 'database',
        status: 'problem',
        detail: `there is no database at ${config.database.path}`,
        fix: 'run `sealpost migrate` (or start the service), or correct DATABASE_URL / DATA_DIR',
      },
      fileModes,
    ];
  }
  const storage = chooseStorage(config);
  const chosen = chooseBlobStore(config);
  const blobs = withInlineBlobs(chosen.blobs, storage.repos.inlineBlobs);
  const closeBlobs = chosen.close;
  const smtp =
    config.mailTransport === 'smtp' && config.smtpUrl
      ? smtpMailer({
          url: config.smtpUrl,
          requireTls: config.smtpRequireTls,
          from: `${config.orgName} <${config.mailFrom}>`,
        })
      : null;
  const cipher = openpgpCipher({
    keysDir: path.join(config.dataDir, 'keys'),
    passphrase: config.keyPassphrase ?? undefined,
    logger,
    // The doctor looks; it never makes a key (serve does, at first start).
    refuseFirstKey: async () => 'sealpost doctor never makes a key.',
    // Whether the keys are this installation's, without recording anything.
    checkKeys: keysBelongHere(storage, path.join(config.dataDir, 'keys'), { record: false }),
    fieldKeys: storage.repos.fieldKeys,
  });
  try {
    return await runChecks({ config, storage, cipher, blobs, smtp }, { fileModes });
  } finally {
    await smtp?.close();
    await closeBlobs().catch(() => {});
    await storage.close().catch(() => {});
  }
}
