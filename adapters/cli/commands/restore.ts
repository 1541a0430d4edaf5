import path from 'node:path';
import { restoreBackup } from '../../backup/restore.ts';
import { parseFlags, required } from '../args.ts';
import type { CommandContext } from '../main.ts';
import { diagnose, formatResults } from './doctor.ts';

/**
 * `sealpost restore --from DIR [--force]`: checks a backup's checksums, then restores
 * it into the configured (empty) database and blob store. Stop the service first. See
 * docs/admin/backup.md.
 */
export async function runRestore(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('restore', argv, {
    from: { type: 'string' },
    force: { type: 'boolean' },
  });
  const from = required('restore', flags.from, '--from');
  const report = await restoreBackup({
    config: ctx.config,
    from,
    force: flags.force === true,
    progress: ctx.out,
  });
  const { manifest } = report;
  ctx.out(
    `Restored the backup of ${manifest.createdAt} (Sealpost ${manifest.sealpostVersion}): ` +
      `the ${manifest.database.dialect} database and ` +
      `${manifest.blobStore === 'fs' ? `${report.blobs} blobs` : 'its blobs (inside the database)'}.`,
  );
  const keys = path.join(ctx.config.dataDir, 'keys');
  if (!report.keysPresent) {
    ctx.err(
      `No org key in ${keys}: copy the keys folder from your key backup there (owner the ` +
        'service user, mode 0700, files 0600) before starting, or nothing can be read. See docs/admin/keys.md.',
    );
  }
  // The same checks as `sealpost doctor`, so what is left to do is said now, not at the
  // first recipient's failed open.
  ctx.out('Checking the restored installation (sealpost doctor):');
  const results = await diagnose(ctx);
  for (const line of formatResults(results)) ctx.out(line);
  const problems = results.filter((r) => r.status === 'problem').length;
  ctx.out(
    problems === 0
      ? 'The restored installation is ready: start the service.'
      : `Fix ${problems === 1 ? 'the problem' : `the ${problems} problems`} above before starting the service, then run \`sealpost doctor\` again.`,
  );
  // The data is back either way; exit 1 tells a script not to start the service yet.
  return problems === 0 ? 0 : 1;
}
