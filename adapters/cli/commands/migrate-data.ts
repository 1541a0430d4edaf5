import { migrateData } from '../../backup/migrate-data.ts';
import { chooseBlobStore } from '../../compose.ts';
import { parseConfig } from '../../config/config.ts';
import { parseFlags, required } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';
import { runBlobCopy } from './migrate-blobs.ts';

/**
 * `sealpost migrate-data --to postgres://... [--blobs-to-database]`: copies everything
 * from the configured SQLite database into a new, empty PostgreSQL database. Stop the
 * service first. See docs/admin/postgresql.md. With `--blobs-from STORE` instead, only
 * the blobs move, from that store into BLOB_STORE's (migrate-blobs.ts).
 */
export async function runMigrateData(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('migrate-data', argv, {
    to: { type: 'string' },
    'blobs-to-database': { type: 'boolean' },
    'blobs-from': { type: 'string' },
  });
  if (flags['blobs-from'] !== undefined) {
    if (flags.to !== undefined || flags['blobs-to-database'] !== undefined) {
      throw new UsageError(
        'sealpost migrate-data: --blobs-from copies the blobs only; leave out --to and --blobs-to-database',
      );
    }
    return runBlobCopy(ctx, flags['blobs-from']);
  }
  const to = required('migrate-data', flags.to, '--to');
  if (!/^postgres(ql)?:\/\//i.test(to)) {
    throw new UsageError('sealpost migrate-data: --to must be a postgres:// URL');
  }
  const { config } = ctx;
  if (config.database.kind !== 'sqlite') {
    throw new UsageError(
      'sealpost migrate-data: DATABASE_URL must name the SQLite database to copy from',
    );
  }
  // Checks the URL the way DATABASE_URL is checked, with the same messages.
  const target = parseConfig({ DATABASE_URL: to, DATA_DIR: config.dataDir }).database;
  if (target.kind !== 'postgres')
    throw new UsageError('sealpost migrate-data: --to must be a postgres:// URL');

  const toDatabase = flags['blobs-to-database'] === true;
  if (toDatabase && config.blobStore === 'database') {
    throw new UsageError(
      'sealpost migrate-data: with BLOB_STORE=database the blobs are in the SQLite tables and are copied with them; leave out --blobs-to-database',
    );
  }
  const store = toDatabase ? chooseBlobStore(config) : null;
  try {
    const report = await migrateData({
      sqlitePath: config.database.path,
      postgresUrl: target.url,
      ...(store ? { blobsFrom: store.blobs } : {}),
      progress: ctx.out,
    });
    const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
    ctx.out(
      `Copied ${rows} rows in ${report.tables.length} tables; the audit chain holds (${report.auditEvents} events).`,
    );
    if (report.blobs !== null) {
      ctx.out(
        `Copied ${report.blobs} blobs into PostgreSQL. Next: set DATABASE_URL to the new database and BLOB_STORE=database, start, check, then remove ${config.dataDir}/blobs.`,
      );
    } else if (config.blobStore === 'fs') {
      ctx.out(
        `Blobs stay in ${config.dataDir}/blobs. Next: set DATABASE_URL to the new database and start.`,
      );
    } else {
      ctx.out('Next: set DATABASE_URL to the new database (keep BLOB_STORE=database) and start.');
    }
    return 0;
  } finally {
    await store?.close();
  }
}
