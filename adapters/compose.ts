import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommonPasswords, PasswordHasher } from '../core/accounts/ports.ts';
import type { SsoPolicy } from '../core/auth/sso/model.ts';
import type { SsoProvider } from '../core/auth/sso/ports.ts';
import type { BlobStore } from '../core/blobs/ports.ts';
import { withInlineBlobs } from '../core/blobs/with-inline.ts';
import type { Cipher } from '../core/crypto/ports.ts';
import type { Scanner } from '../core/gateway/ports.ts';
import type { Mailer, MailTemplates } from '../core/mail/ports.ts';
import type { Delegate } from '../core/mailboxes/model.ts';
import { useDomainNames } from '../core/shared/domain-names.ts';
import type { Clock, Ids, Secrets } from '../core/shared/ports.ts';
import type { Storage } from '../core/storage/ports.ts';
import { clamdScanner } from '../plugins/clamav/clamd-scanner.ts';
import { mailTemplates } from '../views/mail/templates.ts';
import { openidProvider } from './auth/oidc/openid-provider.ts';
import type { Config } from './config/config.ts';
import { currentDelegate } from './http/acting-context.ts';
import { bindDataDir, checkBinding } from './installation/binding.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import { adapterRegistry, type BuiltInContext, selectedAdapter } from './registry/index.ts';
import { fileCommonPasswords } from './security/common-passwords.ts';
import { nodeDomainNames } from './security/domain-names.ts';
import { nodeSecrets, randomIds } from './security/secrets.ts';
import {
  type SettingsService,
  settingsFromConfig,
  settingsService,
} from './settings/settings-service.ts';

// International domain names decide who is internal: node's full UTS #46, installed
// as soon as anything composes the app (the CLI installs it too, before the config).
useDomainNames(nodeDomainNames);

/** Every adapter the application runs with, chosen from the config. */
export type Sealpost = {
  config: Config;
  logger: Logger;
  storage: Storage;
  cipher: Cipher;
  blobs: BlobStore;
  hasher: PasswordHasher;
  /** The common-password list new passwords are checked against (read on first use). */
  commonPasswords: CommonPasswords;
  secrets: Secrets;
  ids: Ids;
  clock: Clock;
  templates: MailTemplates;
  /** The transport the outbox worker hands mail to (`.eml` folder or SMTP). */
  mailer: Mailer;
  /** Scans attachments before they are kept (ClamAV), or null when none is configured. */
  scanner: Scanner | null;
  /** Admin-editable settings over the configured defaults. */
  settings: SettingsService;
  /**
   * INTERNAL_DELIVERY: with `smtp`, `sendMessage` also mails replies to staff through
   * the council's server (it reads this from its deps, so `{ ...app }` carries it).
   */
  internalDelivery?: Config['internalDelivery'];
  /** INLINE_BLOB_MAX_KB in bytes: `sendMessage` writes smaller blobs in its transaction. */
  inlineBlobMaxBytes?: number;
  /**
   * Who acts for a shared mailbox in the current request (adapters/http/acting-context.ts),
   * for the audit trail; spreads of the app (`{ ...app }`) carry it to core.
   */
  actingFor?: () => Delegate | null;
  /**
   * Staff single sign-on through the council's OpenID provider (OIDC_*), or null/absent
   * when not configured.
   */
  sso?: SsoSetup | null;
  /** Closes what was opened, in reverse order. */
  close(): Promise<void>;
};

/** The provider, how its claims are read, and what the pages and the recheck need. */
export type SsoSetup = {
  provider: SsoProvider;
  policy: SsoPolicy;
  /** On the button: "Sign in with {providerName}". */
  providerName: string;
  /** How often an SSO session is confirmed at the provider (OIDC_RECHECK_MINUTES). */
  recheckMs: number;
};

/** The single sign-on setup from the config, or null when OIDC_ISSUER is not set. */
export function chooseSso(config: Config, logger: Logger): SsoSetup | null {
  const sso = config.sso;
  if (!sso) return null;
  return {
    provider: openidProvider({
      config: sso,
      redirectUri: `${config.publicUrl.replace(/\/+$/, '')}/sign-in/sso/callback`,
      logger,
    }),
    policy: {
      issuer: sso.issuer,
      rolesClaim: sso.rolesClaim,
      roleMap: sso.roleMap,
      tenantId: sso.tenantId,
      providerMfa: sso.providerMfa,
    },
    providerName: sso.providerName,
    recheckMs: sso.recheckMinutes * 60_000,
  };
}

/**
 * What every adapter the registry builds is given: DATA_DIR, the logger, the From of the
 * portal's mail, and (for the built-ins) the whole configuration.
 */
function adapterContext(config: Config, logger?: Logger): BuiltInContext {
  return {
    config,
    dataDir: config.dataDir,
    logger: logger ?? createLogger({ level: config.logLevel }),
    mailFrom: `${config.orgName} <${config.mailFrom}>`,
  };
}

/**
 * Builds the database adapter the config names: DATABASE_URL's SQLite or PostgreSQL, or
 * the storage adapter sealpost.config.json names (adapters/registry).
 */
export function chooseStorage(config: Config, logger?: Logger): Storage {
  return adapterRegistry.build(
    'storage',
    selectedAdapter(config, 'storage'),
    adapterContext(config, logger),
  );
}

/**
 * The blob store named by BLOB_STORE (or sealpost.config.json), and what closes it:
 * files under DATA_DIR/blobs, or chunks in the configured database (its own connection;
 * the tables come with the storage migrations, so migrate the storage first), or block
 * blobs in an Azure Storage container (its SDK loaded on first use), or an installed
 * adapter package's store, loaded at start by loadConfig (adapters/registry/load.ts).
 */
export function chooseBlobStore(
  config: Config,
  logger?: Logger,
): { blobs: BlobStore; close(): Promise<void> } {
  const store = adapterRegistry.build(
    'blobs',
    selectedAdapter(config, 'blobs'),
    adapterContext(config, logger),
  );
  return { blobs: store, close: async () => store.close?.() };
}

/**
 * The mail transport named by the config. With PRINT_LINKS=on the outbox folder also
 * prints each mail's link, so a first look with no mail server can follow its first
 * registration link; otherwise, and always with SMTP, nothing of the kind is printed.
 * MAIL_TRANSPORT=smtp signs with DKIM when DKIM_* are set; an installed mailer package
 * may be named instead (adapters/registry).
 */
export function chooseMailer(config: Config, logger: Logger): Mailer {
  return adapterRegistry.build(
    'mailer',
    selectedAdapter(config, 'mailer'),
    adapterContext(config, logger),
  );
}

/**
 * The HMAC key for CSRF tokens and device cookies: `DATA_DIR/keys/signing.key`,
 * made on first start. Several app nodes must share the same file.
 */
function loadSigningKey(dataDir: string): Uint8Array {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'signing.key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const read = () => Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Several processes may start on a new DATA_DIR at once (a CLI command beside the
  // server). The key is written whole to a private temporary file and then linked into
  // place, which fails if another process got there first; either way every process
  // then reads the one key that won, never a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temporary, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return read();
}

/**
 * The composition root: turns config into adapters. The only place that knows which
 * adapter is in use. `migrate` applies pending migrations before anything else runs.
 */
export async function compose(
  config: Config,
  options: {
    logger?: Logger;
    migrate?: boolean;
    /**
     * Load (and if needed make) the field key now; by default when migrating. An HTTP
     * worker, which does not migrate, asks for it too.
     */
    prepareFieldKeys?: boolean;
    /** Say at start that the key passphrase is not set (`serve` does; other commands not). */
    warnPassphrase?: boolean;
  } = {},
): Promise<Sealpost> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const storage = chooseStorage(config, logger);
  const keysDir = path.join(config.dataDir, 'keys');
  try {
    if (options.migrate ?? true) {
      await storage.migrate();
      // Refused (exit 2) when this folder belongs to another database.
      await bindDataDir(storage, config.dataDir, keysDir);
    } else {
      // A command that does not migrate still must not work on another installation's
      // folder; a database without the schema yet has nothing to compare.
      await checkBinding(storage, config.dataDir);
    }
  } catch (error) {
    await storage.close();
    throw error;
  }
  // OpenPGP under DATA_DIR/keys, guarded by the database: refuses a new key over data
  // encrypted to missing keys, and keys of another installation (adapters/registry).
  const cipher = adapterRegistry.build('cipher', selectedAdapter(config, 'cipher'), {
    ...adapterContext(config, logger),
    storage,
    warnPassphrase: options.warnPassphrase ?? false,
  }) as Cipher & { prepareFieldKeys?(): Promise<void> };
  if (options.migrate ?? true) {
    // The keyring is opened (and a new installation's first key made) now, before any
    // request: the guard asks the database, which it cannot do from inside the
    // transaction in which a first encryption would otherwise happen. Refused: exit 2.
    await cipher.listKeys().catch(async (error: unknown) => {
      await storage.close();
      throw error;
    });
  }
  if (options.prepareFieldKeys ?? options.migrate ?? true) {
    // The field key too (docs/decisions/0023): the first subject is often sealed inside
    // a transaction, which cannot read or write the field-key table.
    await cipher.prepareFieldKeys?.().catch(async (error: unknown) => {
      await storage.close();
      throw error;
    });
  }
  const mailer = chooseMailer(config, logger);
  const store = chooseBlobStore(config, logger);
  return {
    config,
    logger,
    storage,
    cipher,
    blobs: withInlineBlobs(store.blobs, storage.repos.inlineBlobs),
    hasher: adapterRegistry.build(
      'hasher',
      selectedAdapter(config, 'hasher'),
      adapterContext(config, logger),
    ),
    commonPasswords: fileCommonPasswords(),
    secrets: nodeSecrets({ signingKey: loadSigningKey(config.dataDir) }),
    ids: randomIds(),
    clock: { now: () => new Date() },
    templates: mailTemplates,
    mailer,
    scanner: config.clamd ? clamdScanner(config.clamd) : null,
    settings: settingsService({ storage, defaults: settingsFromConfig(config) }),
    internalDelivery: config.internalDelivery,
    inlineBlobMaxBytes: config.inlineBlobMaxBytes,
    actingFor: currentDelegate,
    sso: chooseSso(config, logger),
    async close() {
      await mailer.close();
      await store.close();
      await storage.close();
    },
  };
}
