import type { Port } from './define.ts';

/**
 * The names of the built-in adapters of each port, kept apart from their definitions
 * (adapters/registry/built-ins.ts) so that reading the configuration does not load
 * every driver.
 */
export const BUILT_IN_NAMES: Record<Port, readonly string[]> = {
  storage: ['sqlite', 'postgres'],
  blobs: ['fs', 'database', 'azure-blob'],
  cipher: ['openpgp'],
  mailer: ['outbox', 'smtp'],
  hasher: ['argon2'],
};

// npm's rule for a package name, lower case, optionally scoped.
const PACKAGE = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]{0,213}$/;

/**
 * Whether a setting's value names an adapter package: scoped (`@council/sealpost-blob-s3`)
 * or starting `sealpost-` (`sealpost-blob-s3`), so that a misspelt built-in (`s3`,
 * `azure`) is still reported as one rather than looked for on disk.
 */
export function isAdapterPackageName(value: string): boolean {
  const name = value.split('#')[0] ?? '';
  return PACKAGE.test(name) && (name.startsWith('@') || name.startsWith('sealpost-'));
}
