import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { AnyPluginManifest } from '../../plugins/registry.ts';
import { type Config, ConfigProblems, parseConfig } from '../config/config.ts';
import {
  type AdapterDefinition,
  definitionProblems,
  type OptionsSchema,
  optionProblems,
  type PluginDefinition,
  PORTS,
  type Port,
} from './define.ts';
import { BUILT_IN_NAMES, isAdapterPackageName } from './names.ts';

/** The file sealpost reads beside the environment, in the working folder by default. */
export const CONFIG_FILE = 'sealpost.config.json';

/** The settings that name a port's adapter in the environment, where one does. */
const ENV_NAMES: Partial<Record<Port, string>> = { blobs: 'BLOB_STORE', mailer: 'MAIL_TRANSPORT' };

const entry = z.union([
  z.string().trim().min(1),
  z.strictObject({
    use: z.string().trim().min(1),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
]);

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  adapters: z
    .strictObject({
      storage: entry.optional(),
      blobs: entry.optional(),
      cipher: entry.optional(),
      hasher: entry.optional(),
      mailer: entry.optional(),
    })
    .optional(),
  plugins: z.array(entry).optional(),
});

type Entry = z.output<typeof entry>;
type Selection = { use: string; options: unknown; source: string };

const selectionOf = (value: Entry, source: string): Selection =>
  typeof value === 'string'
    ? { use: value, options: {}, source }
    : { use: value.use, options: value.options ?? {}, source };

/** What sealpost.config.json says, checked; null when there is no file to read. */
function readConfigFile(
  env: Record<string, string | undefined>,
  cwd: string,
  problems: string[],
): { file: string; adapters: Partial<Record<Port, Selection>>; plugins: Selection[] } | null {
  const named = env.SEALPOST_CONFIG?.trim() ?? '';
  const file = path.resolve(cwd, named || CONFIG_FILE);
  const shown = named || CONFIG_FILE;
  if (!existsSync(file)) {
    if (named) {
      problems.push(`SEALPOST_CONFIG names "${named}", which does not exist.`);
    }
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`${shown} is not valid JSON: ${firstLine(error)}`);
    return null;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(
        `${shown}: ${issue.path.map(String).join('.') || 'the file'}: ${issue.message}`,
      );
    }
    return null;
  }
  const adapters: Partial<Record<Port, Selection>> = {};
  for (const port of PORTS) {
    const value = parsed.data.adapters?.[port];
    if (value !== undefined) adapters[port] = selectionOf(value, `${shown} adapters.${port}`);
  }
  const plugins = (parsed.data.plugins ?? []).map((value, i) =>
    selectionOf(value, `${shown} plugins[${i}]`),
  );
  return { file, adapters, plugins };
}

/** The first line of an error's message, without a stack. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** `@scope/name#export` into the package and the export (default: `default`). */
function splitUse(use: string): { pkg: string; exportName: string } {
  const [pkg = '', exportName = 'default'] = use.split('#');
  return { pkg, exportName };
}

/** The entry of an `exports` value for `import`, following nested conditions. */
function exportTarget(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = exportTarget(item);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    const map = value as Record<string, unknown>;
    // A map of sub-paths: the package's own entry is ".".
    if (Object.keys(map).some((key) => key.startsWith('.'))) return exportTarget(map['.']);
    for (const condition of ['import', 'node', 'default']) {
      if (condition in map) return exportTarget(map[condition]);
    }
  }
  return null;
}

/**
 * The file `pkg` starts at, looked for in `node_modules` from `from` up to the root as
 * Node does, and read from its package.json as `import` would (`exports`, else `main`,
 * else index.js). Null when it is not installed. Symbolic links (`npm link`, a `file:`
 * dependency) are followed, so the package's own imports resolve from where it lives.
 */
export function resolvePackage(pkg: string, from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    const root = path.join(dir, 'node_modules', pkg);
    const manifest = path.join(root, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as {
        exports?: unknown;
        main?: string;
      };
      const target =
        json.exports !== undefined ? exportTarget(json.exports) : (json.main ?? 'index.js');
      if (!target) return null;
      const file = path.resolve(root, target);
      // The real path, as Node's loader uses: one module whichever link led to it.
      return existsSync(file) && statSync(file).isFile() ? realpathSync(file) : null;
    }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Imports `use` from `from` and returns the export it names, or a problem. */
async function importExport(
  use: string,
  from: string,
  source: string,
): Promise<{ value: unknown } | { problem: string }> {
  const { pkg, exportName } = splitUse(use);
  const file = resolvePackage(pkg, from);
  if (!file) {
    return {
      problem: `${source} names ${pkg}, which is not installed in ${from}: npm install it there, or set ADAPTERS_DIR to the folder it is installed in.`,
    };
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    return { problem: `${source}: ${pkg} cannot be loaded: ${firstLine(error)}` };
  }
  if (!(exportName in module)) {
    return { problem: `${source}: ${pkg} has no export named ${exportName}.` };
  }
  return { value: module[exportName] };
}

/**
 * Loads the adapter `selection` names for `port` into the registry, or says why not,
 * one problem a line. A built-in's options are checked against its schema; a package's
 * definition is checked for its shape, its port and its options.
 */
async function loadAdapter(
  port: Port,
  selection: Selection,
  from: string,
  problems: string[],
): Promise<boolean> {
  const { source, use, options } = selection;
  if (BUILT_IN_NAMES[port].includes(use)) {
    const { adapterRegistry } = await import('./index.ts');
    const definition = adapterRegistry.find(port, use);
    const found = definition ? optionProblems(definition.options, options) : [];
    for (const problem of found) problems.push(`${source}: ${use} ${problem}`);
    return found.length === 0;
  }
  const imported = await importExport(use, from, source);
  if ('problem' in imported) {
    problems.push(imported.problem);
    return false;
  }
  const shape = definitionProblems(imported.value);
  if (shape.length > 0) {
    for (const problem of shape) problems.push(`${source}: ${use} ${problem}.`);
    return false;
  }
  const definition = imported.value as AdapterDefinition;
  if (definition.port !== port) {
    problems.push(`${source}: ${use} is a ${definition.port} adapter, not a ${port} adapter.`);
    return false;
  }
  const found = optionProblems(definition.options, options);
  for (const problem of found) problems.push(`${source}: ${use} ${problem}`);
  if (found.length > 0) return false;
  const { adapterRegistry } = await import('./index.ts');
  // Registered under the name the configuration used, the package's, which is what the
  // composition root looks up.
  adapterRegistry.register(definition.name === use ? definition : registeredAs(definition, use));
  return true;
}

const renamed = new WeakMap<AdapterDefinition, Map<string, AdapterDefinition>>();

/** The definition under another name, the same object each time it is asked for. */
function registeredAs(definition: AdapterDefinition, name: string): AdapterDefinition {
  const names = renamed.get(definition) ?? new Map<string, AdapterDefinition>();
  renamed.set(definition, names);
  const copy = names.get(name) ?? { ...definition, name };
  names.set(name, copy);
  return copy;
}

/** Loads the plugin `selection` names into the plugin registry, or says why not. */
async function loadPlugin(selection: Selection, from: string, problems: string[]): Promise<void> {
  const { source, use, options } = selection;
  const imported = await importExport(use, from, source);
  if ('problem' in imported) {
    problems.push(imported.problem);
    return;
  }
  const registry = await import('../../plugins/registry.ts');
  const shape = registry.pluginManifestProblems(imported.value);
  if (shape.length > 0) {
    for (const problem of shape) problems.push(`${source}: ${use} ${problem}.`);
    return;
  }
  const plugin = imported.value as PluginDefinition;
  const schema: OptionsSchema = plugin.options ?? z.strictObject({});
  const found = optionProblems(schema, options);
  for (const problem of found) problems.push(`${source}: ${use} ${problem}`);
  if (found.length > 0) return;
  const checked = schema.parse(options ?? {});
  const manifest = {
    ...plugin,
    isConfigured: plugin.isConfigured ?? (() => true),
    create: (context: object) =>
      (plugin.create as (c: object) => unknown)({ ...context, options: checked }),
  } as unknown as AnyPluginManifest;
  try {
    registry.registerPlugin(manifest);
  } catch (error) {
    problems.push(`${source}: ${use}: ${firstLine(error)}`);
  }
}

/** Reads an `*_OPTIONS` setting: a JSON object, or a problem. */
function envOptions(
  env: Record<string, string | undefined>,
  key: string,
  problems: string[],
): unknown {
  const raw = env[key]?.trim() ?? '';
  if (raw === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // reported below
  }
  // Never echoed: the options may hold a password.
  problems.push(
    `${key} must be a JSON object of the adapter's options, e.g. ${key}={"region":"uksouth"}`,
  );
  return null;
}

/**
 * Reads the whole configuration, as `parseConfig` does, and then the adapters and
 * plugins it names beyond the built-ins: from sealpost.config.json in `cwd` (or the
 * file SEALPOST_CONFIG names), or from BLOB_STORE / MAIL_TRANSPORT naming an installed
 * package with its options in BLOB_STORE_OPTIONS / MAIL_TRANSPORT_OPTIONS (a setting
 * in the environment wins over the file). Packages are looked for in ADAPTERS_DIR, else
 * the config file's folder, else `cwd`; each is imported, checked, and its options
 * checked against its own schema. Every problem of every kind is thrown together in
 * one ConfigProblems, one line each (the CLI prints them and exits 2).
 */
export async function loadConfig(
  env: Record<string, string | undefined>,
  options: { cwd?: string } = {},
): Promise<Config> {
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  let config: Config | null = null;
  try {
    config = parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    problems.push(...error.problems);
  }
  const file = readConfigFile(env, cwd, problems);
  const adaptersDir = env.ADAPTERS_DIR?.trim() ?? '';
  const from = path.resolve(cwd, adaptersDir || (file ? path.dirname(file.file) : cwd));
  if (adaptersDir !== '' && !existsSync(from)) {
    problems.push(`ADAPTERS_DIR names "${adaptersDir}", which does not exist.`);
  }

  const chosen: Partial<Record<Port, Selection>> = { ...file?.adapters };
  for (const port of PORTS) {
    const key = ENV_NAMES[port];
    const named = key ? (env[key]?.trim().toLowerCase() ?? '') : '';
    // A value that is neither is parseConfig's to report.
    if (
      !key ||
      named === '' ||
      !(BUILT_IN_NAMES[port].includes(named) || isAdapterPackageName(named))
    )
      continue;
    const optionsKey = `${key}_OPTIONS`;
    const given = (env[optionsKey]?.trim() ?? '') !== '';
    // A built-in named in the environment with no options is what parseConfig read.
    if (BUILT_IN_NAMES[port].includes(named) && !given) delete chosen[port];
    else chosen[port] = { use: named, options: envOptions(env, optionsKey, problems), source: key };
  }
  const adapters: NonNullable<Config['adapters']> = {};
  for (const port of PORTS) {
    const selection = chosen[port];
    if (!selection || selection.options === null) continue;
    if (await loadAdapter(port, selection, from, problems)) {
      adapters[port] = { name: selection.use, options: selection.options };
    }
  }
  for (const plugin of file?.plugins ?? []) await loadPlugin(plugin, from, problems);

  if (problems.length > 0 || !config) throw new ConfigProblems(problems);
  return {
    ...config,
    ...(Object.keys(adapters).length > 0 ? { adapters } : {}),
    // What the rest of Sealpost compares against (backups, moves, the doctor).
    blobStore: adapters.blobs?.name ?? config.blobStore,
    mailTransport: adapters.mailer?.name ?? config.mailTransport,
  };
}
