import type { BlobStore } from '../../core/blobs/ports.ts';

/**
 * A BlobStore whose adapter is imported and built on its first call, so a store with a
 * heavy SDK (the Azure one adds about half a second to every start) costs nothing to a
 * process that never touches a blob: most CLI commands, and every installation that
 * uses another store. `close` closes the store only if it was ever built.
 */
export function lazyBlobStore(
  load: () => Promise<BlobStore & { close(): Promise<void> }>,
): BlobStore & { close(): Promise<void> } {
  let loading: Promise<BlobStore & { close(): Promise<void> }> | null = null;
  const store = () => {
    loading ??= load().catch((error) => {
      loading = null;
      throw error;
    });
    return loading;
  };
  return {
    put: async (args) => (await store()).put(args),
    get: async (args) => (await store()).get(args),
    delete: async (args) => (await store()).delete(args),
    deleteMany: async (args) => (await store()).deleteMany(args),
    list: async (args) => (await store()).list(args),
    listStored: async (args) => (await store()).listStored(args),
    sweepUnfinished: async (args) => (await store()).sweepUnfinished(args),
    async close() {
      if (loading) await (await loading).close();
    },
  };
}
