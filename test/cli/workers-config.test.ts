import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigProblems, parseConfig } from '../../adapters/config/config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  return [];
}

describe('WORKERS', () => {
  it('defaults to the number of cores, and takes a whole number from 1 to 64', () => {
    expect(parseConfig({}).workers).toBe(Math.min(64, availableParallelism()));
    expect(parseConfig({ WORKERS: '1' }).workers).toBe(1);
    expect(parseConfig({ WORKERS: ' 8 ' }).workers).toBe(8);
  });

  it('lists a bad value with the other problems, saying what it must be', () => {
    for (const value of ['0', '65', '1.5', 'two']) {
      const problems = problemsOf({ WORKERS: value, PORT: 'x' });
      expect(problems).toContainEqual(
        expect.stringMatching(/^WORKERS must be a whole number from 1 to 64/),
      );
      expect(problems).toContainEqual(expect.stringMatching(/^PORT/));
    }
  });
});
