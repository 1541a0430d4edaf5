import { ConfigurationError } from '../../core/shared/errors.ts';
import {
  type AdapterContext,
  type AdapterDefinition,
  definitionProblems,
  type OptionsSchema,
  optionProblems,
  type Port,
  type PortValues,
} from './define.ts';

/** A definition of any port, as the registry keeps it. */
export type AnyAdapterDefinition = AdapterDefinition<Port, OptionsSchema>;

/**
 * The adapters of each port by name: the built-in ones (adapters/registry/built-ins.ts
 * registers them when loaded) and those of installed packages (registered by
 * loadConfig, adapters/registry/load.ts, at start). The composition root builds what
 * the configuration names from here and nowhere else.
 */
export class AdapterRegistry {
  readonly #definitions = new Map<string, AnyAdapterDefinition>();

  /**
   * Adds `definition`. The same definition twice is fine (a package loaded by two
   * commands in one process); another one under a taken name is a mistake.
   */
  register(definition: AnyAdapterDefinition): void {
    const problems = definitionProblems(definition);
    if (problems.length > 0) {
      throw new ConfigurationError(`Not an adapter definition: ${problems.join('; ')}.`);
    }
    const key = `${definition.port}:${definition.name}`;
    const known = this.#definitions.get(key);
    if (known && known !== definition) {
      throw new ConfigurationError(
        `Two ${definition.port} adapters are named ${definition.name}; rename one of them.`,
      );
    }
    this.#definitions.set(key, definition);
  }

  /** The adapter of `port` named `name`, or null. */
  find<P extends Port>(port: P, name: string): AdapterDefinition<P> | null {
    return (this.#definitions.get(`${port}:${name}`) as AdapterDefinition<P> | undefined) ?? null;
  }

  /** The names registered for `port`, in registration order. */
  names(port: Port): string[] {
    return [...this.#definitions.values()].filter((d) => d.port === port).map((d) => d.name);
  }

  /**
   * Builds the adapter of `port` named `name` from `options` (checked against its schema
   * first) and `context`. Throws ConfigurationError, with every option problem, when the
   * name is unknown or the options are wrong.
   */
  build<P extends Port, C extends AdapterContext>(
    port: P,
    selection: { name: string; options?: unknown },
    context: C,
  ): PortValues[P] {
    const definition = this.find(port, selection.name);
    if (!definition) {
      throw new ConfigurationError(
        `No ${port} adapter is named ${selection.name}: use one of ${this.names(port).join(', ')}, or an installed adapter package (loaded at start by the sealpost command).`,
      );
    }
    const problems = optionProblems(definition.options, selection.options);
    if (problems.length > 0) {
      throw new ConfigurationError(
        `The ${port} adapter ${selection.name} cannot use its options: ${problems.join('; ')}.`,
      );
    }
    const built = definition.create(
      definition.options.parse(selection.options ?? {}),
      context,
    ) as unknown;
    if (typeof (built as { then?: unknown } | null)?.then === 'function') {
      throw new ConfigurationError(
        `The ${port} adapter ${selection.name} returned a promise from create: build synchronously and open connections on first use.`,
      );
    }
    return built as PortValues[P];
  }
}

/** The process's registry: built-ins, and any package loaded at start. */
export const adapterRegistry = new AdapterRegistry();
