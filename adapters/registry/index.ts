// The adapter registry (docs/decisions/0032-adapter-registry.md): the registry, with
// every built-in adapter registered by importing built-ins.ts, and how the composition
// root picks the configured one. loadConfig (./load.ts) adds installed packages.

export {
  BUILT_IN_ADAPTERS,
  type BuiltInContext,
  isBuiltIn,
  selectedAdapter,
} from './built-ins.ts';
export { AdapterRegistry, type AnyAdapterDefinition, adapterRegistry } from './registry.ts';
