import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { databaseBlobStore } from '../blobs/database/index.ts';
import { fsBlobStore } from '../blobs/fs/index.ts';
import { lazyBlobStore } from '../blobs/lazy.ts';
import type { Config } from '../config/config.ts';
import { openpgpCipher } from '../crypto/openpgp/index.ts';
import { keyGuard, keysBelongHere } from '../installation/binding.ts';
import type { Logger } from '../logging/logger.ts';
import { outboxFolderMailer, smtpMailer } from '../mail/index.ts';
import { argon2Hasher, DEFAULT_ARGON2 } from '../security/argon2-hasher.ts';
import { postgresBlobChunks } from '../storage/postgres/blob-chunks.ts';
import { postgresStorage } from '../storage/postgres/index.ts';
import { sqliteBlobChunks } from '../storage/sqlite/blob-chunks.ts';
import { sqliteStorage } from '../storage/sqlite/index.ts';
import {
  type AdapterContext,
  type AdapterDefinition,
  type OptionsSchema,
  type Port,
  type PortValues,
  z,
} from './define.ts';
import { adapterRegistry } from './registry.ts';

/**
 * What the composition root gives the built-in adapters: the public context, and the
 * whole configuration (so the environment settings stay the way to configure them) with
 * the logger's full type. Installed adapters get the same object, typed as the public
 * AdapterContext only.
 */
export type BuiltInContext = AdapterContext & {
  config: Config;
  logger: Logger;
  /** The cipher says at start that the key passphrase is not set (`serve` asks). */
  warnPassphrase?: boolean;
};

/** A built-in definition: typed against the full context the composition root gives. */
function builtIn<P extends Port, S extends OptionsSchema>(definition: {
  port: P;
  name: string;
  description: string;
  options: S;
  create(options: z.output<S>, context: BuiltInContext): PortValues[P];
}): AdapterDefinition<P, S> {
  return definition as AdapterDefinition<P, S>;
}

const path1 = z.string().trim().min(1);

/** SQLite through better-sqlite3: DATABASE_URL a file path (the default). */
export const sqliteDefinition = builtIn({
  port: 'storage',
  name: 'sqlite',
  description: 'SQLite in one file under DATA_DIR (decision 0001).',
  options: z.strictObject({ path: path1.optional() }),
  create: (options, { config }) =>
    sqliteStorage({
      path:
        options.path ??
        (config.database.kind === 'sqlite'
          ? config.database.path
          : path.join(config.dataDir, 'sealpost.db')),
    }),
});

/** PostgreSQL through postgres.js: DATABASE_URL=postgres://... */
export const postgresDefinition = builtIn({
  port: 'storage',
  name: 'postgres',
  description: 'PostgreSQL, for several app nodes on one database (decision 0003).',
  options: z.strictObject({ url: path1.optional() }),
  create: (options, { config }) => {
    const url = options.url ?? (config.database.kind === 'postgres' ? config.database.url : null);
    if (!url) {
      throw new ConfigurationError(
        'The postgres storage needs DATABASE_URL, e.g. DATABASE_URL=postgres://sealpost@127.0.0.1:5432/sealpost',
      );
    }
    return postgresStorage({ url });
  },
});

/** Blobs as files under DATA_DIR/blobs (BLOB_STORE=fs, the default). */
export const fsBlobsDefinition = builtIn({
  port: 'blobs',
  name: 'fs',
  description: 'Encrypted blobs as files under DATA_DIR/blobs.',
  options: z.strictObject({ dir: path1.optional() }),
  create: (options, { config }) =>
    fsBlobStore({ dir: options.dir ?? path.join(config.dataDir, 'blobs') }),
});

/**
 * Blobs as chunks in the configured database (BLOB_STORE=database), on a connection of
 * their own; the tables come with the storage migrations, so migrate the storage first.
 */
export const databaseBlobsDefinition = builtIn({
  port: 'blobs',
  name: 'database',
  description: 'Encrypted blobs as chunks in the SQL database.',
  options: z.strictObject({}),
  create: (_options, { config }) =>
    databaseBlobStore({
      chunks:
        config.database.kind === 'postgres'
          ? postgresBlobChunks({ url: config.database.url })
          : sqliteBlobChunks({ path: config.database.path }),
    }),
});

/**
 * Block blobs in an Azure Storage container (BLOB_STORE=azure-blob). Options given in
 * sealpost.config.json go over the AZURE_BLOB_* settings. The SDK loads on first use,
 * where `azureBlobStoreOptions` checks them all again; this schema only has to catch
 * at start what the settings cannot (a misspelt option).
 */
export const azureBlobsDefinition = builtIn({
  port: 'blobs',
  name: 'azure-blob',
  description: 'Block blobs in an Azure Storage container (decision 0030).',
  options: z.strictObject({
    container: path1.optional(),
    connectionString: path1.optional(),
    accountUrl: path1.optional(),
    managedIdentityClientId: path1.optional(),
    blockBytes: z.number().int().positive().optional(),
    blocksInFlight: z.number().int().positive().optional(),
  }),
  create: (options, { config }) => {
    const azure = { ...config.azureBlob, ...options };
    if (!azure.container || !(azure.connectionString || azure.accountUrl)) {
      throw new ConfigurationError(
        'BLOB_STORE=azure-blob needs AZURE_BLOB_CONTAINER and a way in (docs/admin/azure-blob.md).',
      );
    }
    const container = azure.container;
    return lazyBlobStore(async () =>
      (await import('../blobs/azure-blob/index.ts')).azureBlobStore({ ...azure, container }),
    );
  },
});

/** The OpenPGP keyring under DATA_DIR/keys, guarded by the database (decision 0010). */
export const openpgpDefinition = builtIn({
  port: 'cipher',
  name: 'openpgp',
  description: 'Chunked OpenPGP to the org keys in DATA_DIR/keys (decision 0010).',
  options: z.strictObject({}),
  create: (_options, { config, logger, storage, warnPassphrase }) => {
    if (!storage) throw new Error('The openpgp cipher is built after the storage.');
    const keysDir = path.join(config.dataDir, 'keys');
    return openpgpCipher({
      keysDir,
      passphrase: config.keyPassphrase ?? undefined,
      logger,
      warnPassphrase: warnPassphrase ?? false,
      // Never a new key over data encrypted to keys that are missing (a restore without them).
      refuseFirstKey: keyGuard(storage, keysDir),
      // ...nor serve with keys from another installation (made on a new machine, say).
      checkKeys: keysBelongHere(storage, keysDir),
      // Read on first use, so a command that does not touch the database never does.
      fieldKeys: storage.repos.fieldKeys,
    });
  },
});

/**
 * `.eml` files in DATA_DIR/outbox (MAIL_TRANSPORT=outbox). With PRINT_LINKS=on it also
 * prints each mail's link, so a first look with no mail server can follow its first
 * registration link; otherwise nothing of the kind is printed.
 */
export const outboxFolderDefinition = builtIn({
  port: 'mailer',
  name: 'outbox',
  description: 'Mail as .eml files in DATA_DIR/outbox, for a first look or a pickup service.',
  options: z.strictObject({ dir: path1.optional() }),
  create: (options, { config, logger, mailFrom }) =>
    outboxFolderMailer({
      dir: options.dir ?? path.join(config.dataDir, 'outbox'),
      from: mailFrom,
      logger,
      // Links are credentials: printed only when asked for (PRINT_LINKS=on, or
      // `serve --print-links`), for a first look without a mail server.
      logLinks: config.printLinks,
    }),
});

/** The council's mail server (MAIL_TRANSPORT=smtp with SMTP_URL), DKIM-signing if asked. */
export const smtpDefinition = builtIn({
  port: 'mailer',
  name: 'smtp',
  description: "The council's mail server over SMTP, with TLS required by default.",
  options: z.strictObject({ url: path1.optional(), requireTls: z.boolean().optional() }),
  create: (options, { config, logger, mailFrom }) => {
    const url = options.url ?? config.smtpUrl;
    if (!url) {
      throw new ConfigurationError(
        'MAIL_TRANSPORT=smtp needs SMTP_URL, e.g. SMTP_URL=smtp://mail.council.gov.uk:587',
      );
    }
    const dkim = config.dkim;
    return smtpMailer({
      url,
      requireTls: options.requireTls ?? config.smtpRequireTls,
      from: mailFrom,
      logger,
      // The key is read from its file here; smtpMailer checks it is a PEM key.
      ...(dkim
        ? {
            dkim: {
              domainName: dkim.domain,
              keySelector: dkim.selector,
              privateKey: readFileSync(dkim.keyPath, 'utf8'),
            },
          }
        : {}),
    });
  },
});

/**
 * argon2id password hashes (@node-rs/argon2), at OWASP's minimum cost unless the config
 * file raises it. Another hasher must verify the argon2 hashes already stored (or
 * accounts set new passwords): the password-hasher suite in the kit says what it owes.
 */
export const argon2Definition = builtIn({
  port: 'hasher',
  name: 'argon2',
  description: 'argon2id password hashes (OWASP minimum cost by default).',
  options: z.strictObject({
    memoryCost: z.number().int().min(DEFAULT_ARGON2.memoryCost).optional(),
    timeCost: z.number().int().min(DEFAULT_ARGON2.timeCost).optional(),
    parallelism: z.number().int().min(1).max(16).optional(),
  }),
  create: (options) => argon2Hasher({ ...DEFAULT_ARGON2, ...options }),
});

/** Every adapter shipped with Sealpost, registered when this module loads. */
export const BUILT_IN_ADAPTERS: AdapterDefinition[] = [
  sqliteDefinition,
  postgresDefinition,
  fsBlobsDefinition,
  databaseBlobsDefinition,
  azureBlobsDefinition,
  openpgpDefinition,
  outboxFolderDefinition,
  smtpDefinition,
  argon2Definition,
];

for (const definition of BUILT_IN_ADAPTERS) adapterRegistry.register(definition);

/** Whether `name` is a built-in adapter of `port`. */
export function isBuiltIn(port: Port, name: string): boolean {
  return BUILT_IN_ADAPTERS.some((d) => d.port === port && d.name === name);
}

/**
 * The adapter the configuration names for `port`, with its options: what
 * sealpost.config.json or an installed package's *_OPTIONS gave (loadConfig fills
 * `config.adapters`), or else the built-in the environment settings name, with none.
 */
export function selectedAdapter(config: Config, port: Port): { name: string; options: unknown } {
  const chosen = config.adapters?.[port];
  // Options go with the adapter they were given for: a copy of the config naming
  // another store (`migrate-data --blobs-from`) gets that store's defaults.
  const current =
    port === 'blobs' ? config.blobStore : port === 'mailer' ? config.mailTransport : chosen?.name;
  if (chosen && chosen.name === current) return chosen;
  switch (port) {
    case 'storage':
      return { name: config.database.kind, options: {} };
    case 'blobs':
      return { name: config.blobStore, options: {} };
    case 'cipher':
      return { name: 'openpgp', options: {} };
    case 'hasher':
      return { name: 'argon2', options: {} };
    case 'mailer':
      // MAIL_TRANSPORT=smtp with no SMTP_URL falls back to the folder, as it always has.
      if (config.mailTransport === 'smtp') {
        return { name: config.smtpUrl ? 'smtp' : 'outbox', options: {} };
      }
      return { name: config.mailTransport, options: {} };
  }
}
