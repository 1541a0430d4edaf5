/**
 * BLOB_STORE=azure-blob's settings: the container, and either a connection string or
 * the account's URL with a managed identity (a user-assigned one by its client id).
 */
export type AzureBlobConfig =
  | { container: string; connectionString: string }
  | { container: string; accountUrl: string; managedIdentityClientId?: string };

// Azure's rule for container names (the adapter checks it again when built).
const CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * Reads the AZURE_BLOB_* settings, adding one line per problem to `problems` in the
 * style of adapters/config/config.ts. Neither the connection string nor the URL is
 * repeated in a problem: the string holds the account key. Whether the account can be
 * reached is found when the store is first used (docs/admin/azure-blob.md).
 */
export function resolveAzureBlob(
  env: Record<string, string | undefined>,
  problems: string[],
): AzureBlobConfig | null {
  const container = env.AZURE_BLOB_CONTAINER?.trim() ?? '';
  const connectionString = env.AZURE_BLOB_CONNECTION_STRING?.trim() ?? '';
  const accountUrl = env.AZURE_BLOB_ACCOUNT_URL?.trim() ?? '';
  const clientId = env.AZURE_BLOB_CLIENT_ID?.trim() ?? '';
  let ok = true;
  if (container === '') {
    problems.push(
      'BLOB_STORE=azure-blob needs AZURE_BLOB_CONTAINER, the container the blobs go in, e.g. AZURE_BLOB_CONTAINER=sealpost-blobs',
    );
    ok = false;
  } else if (!CONTAINER.test(container)) {
    problems.push(
      `AZURE_BLOB_CONTAINER must be 3 to 63 lower-case letters, digits and single hyphens (got "${container.slice(0, 70)}"), e.g. AZURE_BLOB_CONTAINER=sealpost-blobs`,
    );
    ok = false;
  }
  if ((connectionString === '') === (accountUrl === '')) {
    problems.push(
      connectionString === ''
        ? 'BLOB_STORE=azure-blob needs AZURE_BLOB_ACCOUNT_URL (used with a managed identity), e.g. AZURE_BLOB_ACCOUNT_URL=https://council.blob.core.windows.net, or else AZURE_BLOB_CONNECTION_STRING.'
        : 'Set only one of AZURE_BLOB_CONNECTION_STRING and AZURE_BLOB_ACCOUNT_URL: a connection string, or the account URL with a managed identity.',
    );
    return null;
  }
  if (
    connectionString !== '' &&
    !/(^|;)\s*(AccountName|BlobEndpoint|UseDevelopmentStorage)\s*=/i.test(connectionString)
  ) {
    problems.push(
      'AZURE_BLOB_CONNECTION_STRING is not a storage connection string: copy it from the storage account (Security + networking, Access keys).',
    );
    ok = false;
  }
  if (connectionString !== '' && clientId !== '') {
    problems.push(
      'AZURE_BLOB_CLIENT_ID names a managed identity, which is used with AZURE_BLOB_ACCOUNT_URL only: remove it, or use the account URL instead of the connection string.',
    );
    ok = false;
  }
  if (accountUrl !== '') {
    let protocol = '';
    try {
      protocol = new URL(accountUrl).protocol;
    } catch {
      protocol = '';
    }
    if (protocol !== 'https:') {
      problems.push(
        'AZURE_BLOB_ACCOUNT_URL must be the https:// blob endpoint of the account, e.g. AZURE_BLOB_ACCOUNT_URL=https://council.blob.core.windows.net',
      );
      ok = false;
    }
  }
  if (!ok) return null;
  return connectionString !== ''
    ? { container, connectionString }
    : { container, accountUrl, ...(clientId ? { managedIdentityClientId: clientId } : {}) };
}
