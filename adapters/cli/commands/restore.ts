import path from 'node:path';
import { restoreBackup } from '../../backup/restore.ts';
import { parseFlags, required } from '../args.ts';
import type { CommandContext } from '../main.ts';

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
  if (report.keysPresent) {
    ctx.out(`Org keys found in ${keys}. Start the service and open a message to check.`);
  } else {
    ctx.err(
      `No org key in ${keys}: copy the keys folder from your key backup there (owner the ` +
        'service user, mode 0700, files 0600) before starting, or nothing can be read. See docs/admin/keys.md.',
    );
  }
  return 0;
}
