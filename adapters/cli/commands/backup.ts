import path from 'node:path';
import { createBackup } from '../../backup/backup.ts';
import { parseFlags, required } from '../args.ts';
import type { CommandContext } from '../main.ts';

/**
 * `sealpost backup --out DIR`: the database, the blobs and a manifest of checksums into
 * a new folder, while the service runs. See docs/admin/backup.md.
 */
export async function runBackup(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('backup', argv, { out: { type: 'string' } });
  const out = required('backup', flags.out, '--out');
  const report = await createBackup({ config: ctx.config, out, progress: ctx.out });
  const { manifest } = report;
  ctx.out(
    `Backed up the ${manifest.database.dialect} database (schema ${manifest.database.migration ?? 'none'}) ` +
      `and ${manifest.blobStore === 'fs' ? `${manifest.blobCount} blobs` : 'its blobs (inside the database)'}: ` +
      `${(report.bytes / 1024 / 1024).toFixed(1)} MB in ${report.dir}`,
  );
  ctx.err(
    `The org keys are NOT in this backup. Without them it cannot be read: back up ` +
      `${path.join(ctx.config.dataDir, 'keys')} separately ('sealpost keys export-secret --out FILE'), ` +
      'and keep it apart from this folder. See docs/admin/keys.md.',
  );
  return 0;
}
