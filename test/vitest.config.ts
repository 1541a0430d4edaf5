import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Test runner settings: the root is the repository, not this folder. */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['{core,adapters,plugins,views,test}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'data/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
