// What an adapter package imports at run time: `sealpost/adapter` (package.json
// "exports"). It holds only types, zod and two small functions, so an installation
// that loads an adapter loads nothing of the test kit (vitest is a dev dependency).
// docs/adapters/from-an-empty-folder.md walks through writing one;
// docs/decisions/0032-adapter-registry.md says why it is shaped so.

import { z } from 'zod';
import type { PasswordHasher } from '../../core/accounts/ports.ts';
import type { BlobStore, StoredBlob } from '../../core/blobs/ports.ts';
import type { Cipher } from '../../core/crypto/ports.ts';
import type { MailContent } from '../../core/mail/model.ts';
import type { Mailer, SendResult } from '../../core/mail/ports.ts';
import type { Storage } from '../../core/storage/ports.ts';
import type {
  Hook,
  HookContexts,
  HookValues,
  PluginManifest,
  PluginSettings,
} from '../../plugins/registry.ts';

export type {
  InboundMail,
  Policy,
  PolicyDecision,
  Scanner,
  ScanResult,
} from '../../core/gateway/ports.ts';
export type {
  BlobStore,
  Cipher,
  Hook,
  HookContexts,
  HookValues,
  MailContent,
  Mailer,
  PasswordHasher,
  PluginSettings,
  SendResult,
  Storage,
  StoredBlob,
};
/** The zod Sealpost validates with, so an adapter's schema and Sealpost's agree. */
export { z };

/** The ports an adapter can fill, each chosen by name in the configuration. */
export const PORTS = ['storage', 'blobs', 'cipher', 'mailer', 'hasher'] as const;
/** One of PORTS. */
export type Port = (typeof PORTS)[number];

/** What an adapter of each port builds. A blob store may have a `close`, called at the end. */
export type PortValues = {
  storage: Storage;
  blobs: BlobStore & { close?(): Promise<void> };
  cipher: Cipher;
  mailer: Mailer;
  /** Password hashes are stored: a new hasher must still verify the old ones. */
  hasher: PasswordHasher;
};

/** A log function as pino has it: details first (never a secret), then the sentence. */
export type LogFn = (details: unknown, message?: string) => void;

/** The logger an adapter is given (Sealpost's pino logger, which redacts addresses). */
export type AdapterLogger = { debug: LogFn; info: LogFn; warn: LogFn; error: LogFn };

/** What Sealpost hands every adapter it builds, besides the adapter's own options. */
export type AdapterContext = {
  /** DATA_DIR, absolute. An adapter keeping files makes a folder of its own in it. */
  dataDir: string;
  logger: AdapterLogger;
  /** The From of the portal's mail, e.g. `Barnet Council <no-reply@barnet.gov.uk>`. */
  mailFrom: string;
  /** The opened storage: given to a cipher (built after the storage), absent otherwise. */
  storage?: Storage;
};

/** A zod schema of an adapter's options (anything with zod's `safeParse` will do). */
export type OptionsSchema = z.ZodType;

/**
 * An adapter, as the registry holds it: the port it fills, the name the configuration
 * uses for it (a package's own name for an installed one), a zod schema of its options,
 * and `create`, which builds it from options that passed the schema. `create` is
 * synchronous and opens nothing it can open on first use (so a bad option is found at
 * start, and a command that never touches the port pays nothing); it throws an Error
 * whose message says how to fix the configuration when it still cannot build.
 */
export type AdapterDefinition<P extends Port = Port, S extends OptionsSchema = OptionsSchema> = {
  port: P;
  /** `fs`, `smtp`, or the package's name: `@council/sealpost-blob-s3`. */
  name: string;
  /** One sentence on what it is, for `sealpost doctor` and the docs. */
  description?: string;
  options: S;
  create(options: z.output<S>, context: AdapterContext): PortValues[P];
};

/**
 * Types an adapter definition (it returns it unchanged), so `create` sees its options
 * as the schema's output. An adapter package's default export is one of these.
 */
export function defineAdapter<P extends Port, S extends OptionsSchema>(
  definition: AdapterDefinition<P, S>,
): AdapterDefinition<P, S> {
  return definition;
}

/**
 * What is wrong with `value` as an adapter definition, one sentence each (empty when
 * nothing is): read from a package whose author may have exported something else.
 */
export function definitionProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) {
    return ['does not export an adapter definition (an object made with defineAdapter)'];
  }
  const d = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!PORTS.includes(d.port as Port)) problems.push(`its port must be one of ${PORTS.join(', ')}`);
  if (typeof d.name !== 'string' || d.name.trim() === '') problems.push('it has no name');
  const options = d.options as { safeParse?: unknown } | null | undefined;
  if (typeof options?.safeParse !== 'function') problems.push('its options are not a zod schema');
  if (typeof d.create !== 'function') problems.push('it has no create function');
  return problems;
}

/**
 * The issues of `options` against `schema`, one line each, naming the option but never
 * repeating its value (it may be a password). Empty when the options are good.
 */
export function optionProblems(schema: OptionsSchema, options: unknown): string[] {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    return where === '' ? issue.message : `option "${where}": ${issue.message}`;
  });
}

/**
 * A plugin in an installed package (a policy, detector or scanner), listed under
 * `plugins` in sealpost.config.json: a manifest as the built-ins have
 * (plugins/registry.ts), with a zod schema of the options the file gives it, which
 * `create` then receives. Listed means on, unless `isConfigured` says otherwise.
 */
export type PluginDefinition<H extends Hook = Hook, S extends OptionsSchema = OptionsSchema> = Omit<
  PluginManifest<H>,
  'create' | 'isConfigured'
> & {
  options?: S;
  isConfigured?: (settings: PluginSettings) => boolean;
  create(context: HookContexts<PluginSettings>[H] & { options: z.output<S> }): HookValues[H];
};

/** Types a plugin definition (it returns it unchanged). */
export function definePlugin<H extends Hook, S extends OptionsSchema>(
  definition: PluginDefinition<H, S>,
): PluginDefinition<H, S> {
  return definition;
}
