import { copyBlobs } from '../../backup/copy-blobs.ts';
import { chooseBlobStore, chooseStorage } from '../../compose.ts';
import type { Config } from '../../config/config.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';

const STORES = ['fs', 'database', 'azure-blob'] as const;
type StoreName = (typeof STORES)[number];

function where(config: Config, store: StoreName | (string & {})): string {
  if (store === 'fs') return `${config.dataDir}/blobs`;
  if (store === 'database') return 'the database';
  if (store !== 'azure-blob') return `the store of ${store}`;
  return `the Azure container ${config.azureBlob?.container ?? '?'}`;
}

/**
 * `sealpost migrate-data --blobs-from fs|database|azure-blob`: copies every blob from
 * the named store into the one BLOB_STORE names, both built from the same settings
 * (DATA_DIR, DATABASE_URL, AZURE_BLOB_*), and leaves the database alone. Stop the
 * service first. See docs/admin/azure-blob.md.
 */
export async function runBlobCopy(ctx: CommandContext, fromFlag: string): Promise<number> {
  const { config } = ctx;
  const from = STORES.find((s) => s === fromFlag.trim());
  if (!from) {
    throw new UsageError(
      `sealpost migrate-data: --blobs-from must be one of ${STORES.join(', ')} (got "${fromFlag.slice(0, 40)}")`,
    );
  }
  if (from === config.blobStore) {
    throw new UsageError(
      `sealpost migrate-data: BLOB_STORE is ${from} already; set BLOB_STORE to the store to copy into`,
    );
  }
  if (from === 'azure-blob' && !config.azureBlob) {
    throw new UsageError(
      'sealpost migrate-data: --blobs-from azure-blob needs AZURE_BLOB_CONTAINER and AZURE_BLOB_CONNECTION_STRING or AZURE_BLOB_ACCOUNT_URL',
    );
  }
  // The database store's tables come with the schema migrations.
  if (from === 'database' || config.blobStore === 'database') {
    const storage = chooseStorage(config);
    try {
      await storage.migrate();
    } finally {
      await storage.close();
    }
  }
  const source = chooseBlobStore({ ...config, blobStore: from });
  const target = chooseBlobStore(config);
  try {
    ctx.out(`migrate-data: copying the blobs from ${where(config, from)}`);
    const report = await copyBlobs({ from: source.blobs, into: target.blobs, progress: ctx.out });
    ctx.out(
      `Copied ${report.copied} blobs (${report.bytes} bytes) from ${where(config, from)} into ${where(config, config.blobStore)}, and every one is there. ` +
        `Next: start with BLOB_STORE=${config.blobStore}, check, then remove the blobs from ${where(config, from)}.`,
    );
    return 0;
  } finally {
    await source.close();
    await target.close();
  }
}
