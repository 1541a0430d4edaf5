import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Test runner settings: the root is the repository, not this folder. */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['{core,adapters,plugins,views,test}/**/*.test.{ts,tsx}'],
    // test/fixtures/outside-adapter is a package of its own, whose suite
    // test/adapters/outside-adapter.test.ts runs from a copy, as its author would.
    exclude: ['**/node_modules/**', 'data/**', 'test/fixtures/outside-adapter/**'],
    pool: 'forks',
    // Installs the platform's implementations of process-wide ports (domain names).
    setupFiles: ['./test/support/setup.ts'],
    // After the usual report, the security suites' summary: how many cases of each kind
    // ran (it prints nothing when no test/security file ran). `.ci/run` names both too.
    reporters: ['default', './test/security/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
