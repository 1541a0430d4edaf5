import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitiseMessageHtml } from '../../adapters/html/sanitise-html.ts';
import { countCases, runsFor } from './support/counts.ts';
import { hostileHtml, sanitiserProblem } from './support/oracles.ts';

/**
 * The HTML sanitiser against generated hostile markup: nothing that could run, load,
 * submit or restyle survives. CI runs a few thousand inputs; the long run
 * (test/security/long/sanitiser-fuzz.ts) runs a million with the same generator and oracle.
 */
describe('fuzz: HTML sanitiser', () => {
  it('the oracle itself catches what it must', () => {
    for (const bad of [
      '<script>alert(1)</script>',
      '<img src="x" onerror="alert(1)">',
      '<a href="javascript:alert(1)">x</a>',
      '<a href="java&#x09;script:alert(1)">x</a>',
      '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
      '<p style="color:red">x</p>',
      '<iframe></iframe>',
      '<!-- x -->',
    ]) {
      expect(sanitiserProblem(bad), bad).not.toBeNull();
    }
    expect(
      sanitiserProblem(
        '<p>Hello <a href="https://x.example/" rel="noopener noreferrer" target="_blank">x</a></p>',
      ),
    ).toBeNull();
  });

  it('lets no script, handler, style, frame or remote load through generated markup', ({
    task,
  }) => {
    const runs = runsFor(2_000);
    fc.assert(
      fc.property(hostileHtml, (input) => {
        const output = sanitiseMessageHtml(input);
        const problem = sanitiserProblem(output);
        if (problem) throw new Error(`${problem}\n  input:  ${input}\n  output: ${output}`);
        // Sanitising what the sanitiser made lets nothing new appear (no mutation XSS).
        const again = sanitiseMessageHtml(output);
        const second = sanitiserProblem(again);
        if (second) throw new Error(`second pass: ${second}\n  input: ${input}`);
      }),
      { numRuns: runs },
    );
    countCases(task, 'fuzz: HTML sanitiser inputs', runs);
  });

  it('copes with random bytes and very long or deeply nested input', ({ task }) => {
    const runs = runsFor(500);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2_000 }), (input) => {
        expect(sanitiserProblem(sanitiseMessageHtml(input))).toBeNull();
      }),
      { numRuns: runs },
    );
    const deep = `${'<div><span><table><tr><td>'.repeat(2_000)}x`;
    const started = performance.now();
    expect(sanitiserProblem(sanitiseMessageHtml(deep))).toBeNull();
    expect(sanitiserProblem(sanitiseMessageHtml('<a href="'.repeat(50_000)))).toBeNull();
    expect(performance.now() - started).toBeLessThan(10_000);
    countCases(task, 'fuzz: HTML sanitiser inputs', runs + 2);
  });
});
