import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigProblems, parseConfig } from './config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('gives a working SQLite setup with no environment at all', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'sqlite', path: path.resolve('data/sealpost.db') });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.accessDays).toBe(45);
    expect(config.lockoutMaxFailures).toBe(3);
    expect(config.lockoutMinutes).toBe(30);
  });

  it('reports every problem at once, each naming the variable', () => {
    const problems = problemsOf({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      ACCESS_DAYS: '0',
      JOBS: 'maybe',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT must be a whole number/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL "mysql:\/\/\.\.\." is not supported/);
    expect(problems.join('\n')).toMatch(/ACCESS_DAYS/);
    expect(problems.join('\n')).toMatch(/JOBS must be on or off/);
  });

  it('accepts postgres URLs and relative SQLite paths', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@127.0.0.1:5432/db',
    });
    expect(parseConfig({ DATABASE_URL: './x/y.db' }).database).toEqual({
      kind: 'sqlite',
      path: path.resolve('x/y.db'),
    });
  });

  it('needs SMTP_URL when mail goes by SMTP', () => {
    expect(problemsOf({ MAIL_TRANSPORT: 'smtp' })).toEqual([
      'MAIL_TRANSPORT=smtp needs SMTP_URL, e.g. SMTP_URL=smtp://mail.council.gov.uk:587',
    ]);
  });

  it('refuses malformed internal domains and colours', () => {
    expect(
      problemsOf({ INTERNAL_DOMAINS: 'barnet.gov.uk, not a domain', ORG_COLOUR: 'red' }),
    ).toHaveLength(2);
    expect(
      parseConfig({ INTERNAL_DOMAINS: 'Barnet.gov.uk, hr.barnet.gov.uk' }).internalDomains,
    ).toEqual(['barnet.gov.uk', 'hr.barnet.gov.uk']);
  });
});
