import type { Reporter, TestModule } from 'vitest/node';
import { CASE_KINDS } from './support/counts.ts';

/**
 * Prints, after `npm run test:security`, how many cases of each kind the security
 * suites tried (each test records its counts in its metadata: support/counts.ts), how
 * many tests passed, and which known gaps are pinned with `it.fails` (docs/security/asvs.md).
 */
class SecuritySummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const totals = new Map<string, number>();
    const tally = { passed: 0, failed: 0, skipped: 0 };
    const gaps: string[] = [];
    for (const module of testModules) {
      if (!module.moduleId.includes('/test/security/')) continue;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') tally.passed += 1;
        else if (state === 'failed') tally.failed += 1;
        else tally.skipped += 1;
        if (test.options.fails) gaps.push(test.fullName);
        for (const [kind, n] of Object.entries(test.meta().securityCases ?? {})) {
          totals.set(kind, (totals.get(kind) ?? 0) + n);
        }
      }
    }
    if (tally.passed + tally.failed + tally.skipped === 0) return;

    const width = Math.max(...CASE_KINDS.map((k) => k.length)) + 2;
    const line = (label: string, value: string) => `  ${label.padEnd(width)}${value.padStart(12)}`;
    const kinds = [
      ...CASE_KINDS,
      ...[...totals.keys()].filter((k) => !CASE_KINDS.includes(k as never)),
    ];
    const out = [
      '',
      'Security suites: cases tried',
      line('kind', 'cases'),
      ...kinds.map((kind) => line(kind, (totals.get(kind) ?? 0).toLocaleString('en-GB'))),
      line('total', [...totals.values()].reduce((a, b) => a + b, 0).toLocaleString('en-GB')),
      '',
      `  tests: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped; ${gaps.length} known gaps pinned with it.fails (docs/security/asvs.md)`,
      ...gaps.map((name) => `    known gap: ${name}`),
      '',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
}

// biome-ignore lint/style/noDefaultExport: vitest loads a custom reporter from its default export.
export default SecuritySummaryReporter;
