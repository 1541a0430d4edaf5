import type { InboundMail, Policy, PolicyDecision, Scanner } from '../core/gateway/ports.ts';
import { ConfigurationError } from '../core/shared/errors.ts';
import { type ClamdOptions, clamdScanner } from './clamav/clamd-scanner.ts';
import { clamavPlugin } from './clamav/manifest.ts';
import { type ClassificationSettings, classificationPlugin } from './classification/manifest.ts';
import type { Detector, DlpSettings } from './dlp/detector.ts';
import { DETECTOR_PLUGINS, dlpPlugin } from './dlp/manifest.ts';
import { type SubjectKeywordSettings, subjectKeywordPlugin } from './subject-keyword/manifest.ts';

/**
 * The kinds of plugin, each behind a typed hook: `policy` decides what the gateway
 * does with a mail, `detector` finds one kind of personal data for the DLP policy,
 * `scanner` checks attachments for malware.
 */
export type Hook = 'policy' | 'detector' | 'scanner';

/** What a plugin of each hook provides. */
export type HookValues = { policy: Policy; detector: Detector; scanner: Scanner };

/**
 * What a plugin of each hook is given when it is created: the settings, and for a
 * policy the detectors already loaded (detectors load first).
 */
export type HookContexts<S> = {
  policy: { settings: S; detectors: Detector[] };
  detector: { settings: S };
  scanner: { settings: S };
};

/** The settings a ClamAV scanner reads. */
export type ScannerSettings = {
  /** Where clamd listens; the scanner loads when `socketPath` or `host` is set. */
  clamd?: ClamdOptions;
};

/**
 * Everything any plugin reads: a plain object the composition root builds from
 * config and settings. Plugins never read `process.env`. Each plugin's manifest is
 * typed with only its own slice.
 */
export type PluginSettings = SubjectKeywordSettings &
  ClassificationSettings &
  DlpSettings &
  ScannerSettings;

/**
 * A plugin's manifest, as Outline's PluginManager keeps them: who it is, which hook
 * it serves, where it runs among its peers, whether it is configured, and how to
 * build it. A plugin that is not configured does not load; `create` is never called.
 */
export type PluginManifest<H extends Hook, S = PluginSettings> = {
  /** A stable kebab-case id, for logs and settings: `subject-keyword`. */
  id: string;
  /** A short human name for the admin pages: `Subject keyword`. */
  name: string;
  /** One sentence on what it does. */
  description: string;
  /** The hook it serves. */
  hook: H;
  /** Lower runs earlier among the plugins of the same hook. */
  order: number;
  /** True when the settings turn this plugin on. Must not throw. */
  isConfigured: (settings: S) => boolean;
  /** Builds the plugin; throws ConfigurationError when its settings are wrong. */
  create: (context: HookContexts<S>[H]) => HookValues[H];
};

/** A manifest of any hook. */
export type AnyPluginManifest =
  | PluginManifest<'policy'>
  | PluginManifest<'detector'>
  | PluginManifest<'scanner'>;

/**
 * ClamAV, read through this manifest shape. `plugins/clamav/manifest.ts` still uses
 * the older `{ name, hook, order, create() -> null }` shape; this adapter goes when
 * it moves to `PluginManifest`. The configured rule is the same as its `create`'s.
 */
const clamavScannerPlugin: PluginManifest<'scanner', ScannerSettings> = {
  id: clamavPlugin.name,
  name: 'ClamAV',
  description: 'Scans attachments for malware with the ClamAV daemon (clamd).',
  hook: 'scanner',
  order: clamavPlugin.order,
  isConfigured: (settings) => Boolean(settings.clamd?.socketPath || settings.clamd?.host),
  create: ({ settings }) => clamdScanner(settings.clamd ?? {}),
};

/** Every plugin shipped with Sealpost. */
export const BUILT_IN_PLUGINS: AnyPluginManifest[] = [
  subjectKeywordPlugin,
  classificationPlugin,
  dlpPlugin,
  ...DETECTOR_PLUGINS,
  clamavScannerPlugin,
];

// Plugins of installed packages, added at start by adapters/registry/load.ts from
// sealpost.config.json (docs/decisions/0032), after the built-ins.
const installed: AnyPluginManifest[] = [];

/**
 * Adds a plugin of an installed package. Its id may not be a built-in's; a second
 * plugin with the id of an installed one replaces it (the configuration read again).
 */
export function registerPlugin(plugin: AnyPluginManifest): void {
  if (BUILT_IN_PLUGINS.some((p) => p.id === plugin.id)) {
    throw new ConfigurationError(`Two plugins share the id ${plugin.id}.`);
  }
  const at = installed.findIndex((p) => p.id === plugin.id);
  if (at >= 0) installed.splice(at, 1, plugin);
  else installed.push(plugin);
}

/** Every plugin this process has: the built-ins, then those of installed packages. */
export function installedPlugins(): AnyPluginManifest[] {
  return [...BUILT_IN_PLUGINS, ...installed];
}

const HOOKS: readonly Hook[] = ['policy', 'detector', 'scanner'];

/**
 * What is wrong with `value` as a plugin manifest, one sentence each (empty when
 * nothing is): read from a package whose author may have exported something else.
 */
export function pluginManifestProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) {
    return ['does not export a plugin manifest (an object made with definePlugin)'];
  }
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof m.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(m.id)) {
    problems.push('its id must be kebab-case, e.g. my-policy');
  }
  if (typeof m.name !== 'string' || m.name.trim() === '') problems.push('it has no name');
  if (!HOOKS.includes(m.hook as Hook)) problems.push(`its hook must be one of ${HOOKS.join(', ')}`);
  if (typeof m.order !== 'number' || !Number.isFinite(m.order))
    problems.push('its order is not a number');
  if (m.isConfigured !== undefined && typeof m.isConfigured !== 'function') {
    problems.push('its isConfigured is not a function');
  }
  if (typeof m.create !== 'function') problems.push('it has no create function');
  return problems;
}

/** The loaded plugins of each hook, each list in run order. */
export type LoadedPlugins = { policies: Policy[]; detectors: Detector[]; scanners: Scanner[] };

function ofHook<H extends Hook>(hook: H) {
  return (plugin: AnyPluginManifest): plugin is Extract<AnyPluginManifest, { hook: H }> =>
    plugin.hook === hook;
}

/**
 * Loads every configured plugin of `plugins`, detectors first (the DLP policy runs
 * them), each hook's list sorted by `order` (ties keep the listed order). Settings
 * problems are gathered across all plugins and thrown together as one
 * ConfigurationError, so an admin fixes them in one pass.
 */
export function loadHooks(
  settings: PluginSettings,
  plugins: AnyPluginManifest[] = installedPlugins(),
): LoadedPlugins {
  const seen = new Set<string>();
  for (const plugin of plugins) {
    if (seen.has(plugin.id)) throw new ConfigurationError(`Two plugins share the id ${plugin.id}.`);
    seen.add(plugin.id);
  }
  const configured = plugins
    .filter((plugin) => plugin.isConfigured(settings))
    .sort((a, b) => a.order - b.order);

  const problems: string[] = [];
  function build<T>(plugin: AnyPluginManifest, make: () => T): T[] {
    try {
      return [make()];
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(`${plugin.id}: ${error.message}`);
      return [];
    }
  }

  const detectors = configured
    .filter(ofHook('detector'))
    .flatMap((plugin) => build(plugin, () => plugin.create({ settings })));
  const scanners = configured
    .filter(ofHook('scanner'))
    .flatMap((plugin) => build(plugin, () => plugin.create({ settings })));
  const policies = configured
    .filter(ofHook('policy'))
    .flatMap((plugin) => build(plugin, () => plugin.create({ settings, detectors })));

  if (problems.length > 0) {
    throw new ConfigurationError(
      `The plugin settings have ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n- ${problems.join('\n- ')}`,
    );
  }
  return { policies, detectors, scanners };
}

/**
 * The gateway's policies, configured and in run order. Scanner plugins are left
 * out, so a clamd setting never stands in the way of deciding on mail.
 */
export function loadPlugins(
  settings: PluginSettings,
  plugins: AnyPluginManifest[] = installedPlugins(),
): Policy[] {
  return loadHooks(
    settings,
    plugins.filter((plugin) => plugin.hook !== 'scanner'),
  ).policies;
}

/** What the gateway does with a mail once the policies have spoken: never `abstain`. */
export type GatewayDecision = Exclude<PolicyDecision, { action: 'abstain' }>;

/**
 * Runs `policies` in order and returns the first decision that is not `abstain`,
 * with the reasons of every policy that ran (abstainers may explain themselves).
 * When every policy abstains the mail is relayed, with the reason
 * `no policy matched`. Later policies do not run once one has decided: the DLP scan
 * of a large body is skipped when a keyword has already asked for encryption.
 *
 * A policy that throws fails the whole decision: the gateway must not relay in
 * the clear a mail it could not judge, and answers with a temporary failure instead.
 */
export async function decide(policies: Policy[], mail: InboundMail): Promise<GatewayDecision> {
  const reasons: string[] = [];
  for (const policy of policies) {
    const decision = await policy.evaluate({ mail });
    reasons.push(...decision.reasons);
    if (decision.action !== 'abstain') return { ...decision, reasons };
  }
  return { action: 'relay', reasons: [...reasons, 'no policy matched'] };
}
