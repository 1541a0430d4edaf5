import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';

/** Raised when the store is built with options it cannot work with. */
export class AzureBlobConfigurationError extends Error {
  readonly code = 'azure-blob-configuration';
  constructor(message: string) {
    super(message);
    this.name = 'AzureBlobConfigurationError';
  }
}

// Azure's rule for container names: 3 to 63 of lower-case letters, digits and single
// hyphens, starting and ending with a letter or digit.
const CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * The options of `azureBlobStore`, as a zod schema so a registry (or a config loader)
 * can check them before building the store, and list them in its help.
 */
export const azureBlobStoreOptions = z
  .object({
    /** The container the blobs live in; created on first use if missing. */
    container: z
      .string()
      .regex(
        CONTAINER,
        'must be 3 to 63 lower-case letters, digits and single hyphens, e.g. sealpost-blobs',
      ),
    /** A storage account connection string (account key or SAS), or Azurite's. */
    connectionString: z.string().trim().min(1).optional(),
    /** The account's blob endpoint, e.g. https://council.blob.core.windows.net, with Entra ID. */
    accountUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** With `accountUrl`: the client id of a user-assigned managed identity. */
    managedIdentityClientId: z.string().trim().min(1).optional(),
    /** With `accountUrl`: a credential to use instead of DefaultAzureCredential. */
    credential: z
      .custom<TokenCredential>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as TokenCredential).getToken === 'function',
        'must be a TokenCredential from @azure/identity',
      )
      .optional(),
    /** Bytes per staged block: the most a put holds in memory per block in flight. */
    blockBytes: z
      .number()
      .int()
      .min(KIB)
      .max(100 * MIB)
      .default(4 * MIB),
    /** Blocks of one put staged at once: memory is bounded by blockBytes times this. */
    blocksInFlight: z.number().int().min(1).max(16).default(4),
  })
  .refine((o) => (o.connectionString === undefined) !== (o.accountUrl === undefined), {
    message: 'give exactly one of connectionString and accountUrl',
  });

/** What `azureBlobStore` takes (before defaults). */
export type AzureBlobStoreOptions = z.input<typeof azureBlobStoreOptions>;
/** The options once checked, defaults filled in. */
export type CheckedOptions = z.output<typeof azureBlobStoreOptions>;

/** Checks the options, turning zod's issues into one error that names each bad option. */
export function checkOptions(options: AzureBlobStoreOptions): CheckedOptions {
  const parsed = azureBlobStoreOptions.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || 'options'} ${issue.message}`,
  );
  throw new AzureBlobConfigurationError(`Azure Blob store: ${problems.join('; ')}.`);
}

/**
 * A credential that loads @azure/identity only when a token is first asked for, so a
 * store built from a connection string never loads MSAL, and building the store stays
 * synchronous. DefaultAzureCredential tries, in order, environment variables, workload
 * identity and managed identity (then developer sign-ins), which is what a VM, an App
 * Service or a container app offers without any secret in Sealpost's settings.
 */
function lazyDefaultCredential(managedIdentityClientId: string | undefined): TokenCredential {
  let loaded: Promise<TokenCredential> | null = null;
  return {
    async getToken(scopes, options) {
      loaded ??= import('@azure/identity').then(
        ({ DefaultAzureCredential }) =>
          new DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {}),
      );
      return (await loaded).getToken(scopes, options);
    },
  };
}

/** The container client the checked options name. */
export function containerClientOf(options: CheckedOptions): ContainerClient {
  let service: BlobServiceClient;
  if (options.connectionString !== undefined) {
    try {
      service = BlobServiceClient.fromConnectionString(options.connectionString);
    } catch {
      // The SDK's message repeats the string, key and all: never let it reach a log.
      throw new AzureBlobConfigurationError(
        'Azure Blob store: the connection string cannot be read; copy it again from the storage account (Access keys).',
      );
    }
  } else {
    const credential = options.credential ?? lazyDefaultCredential(options.managedIdentityClientId);
    service = new BlobServiceClient(options.accountUrl as string, credential);
  }
  return service.getContainerClient(options.container);
}
