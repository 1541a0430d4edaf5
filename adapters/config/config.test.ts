import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('takes DKIM as three settings together, naming what is wrong', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-dkim-'));
    try {
      const key = path.join(dir, 'dkim.pem');
      writeFileSync(key, 'a key');
      expect(parseConfig({}).dkim).toBeNull();
      expect(
        parseConfig({
          DKIM_DOMAIN: 'Barnet.gov.uk',
          DKIM_SELECTOR: 'sp1',
          DKIM_PRIVATE_KEY_FILE: key,
        }).dkim,
      ).toEqual({ domain: 'barnet.gov.uk', selector: 'sp1', keyPath: key });
      expect(problemsOf({ DKIM_DOMAIN: 'barnet.gov.uk' })).toEqual([
        'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE go together: set all three to sign mail with DKIM, or none.',
      ]);
      const problems = problemsOf({
        DKIM_DOMAIN: 'not a domain',
        DKIM_SELECTOR: 'has space',
        DKIM_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem'),
      });
      expect(problems).toHaveLength(3);
      expect(problems[0]).toMatch(/^DKIM_DOMAIN "not a domain" is not a domain/);
      expect(problems[1]).toMatch(/^DKIM_SELECTOR "has space" is not a DNS label/);
      expect(problems[2]).toMatch(
        /^DKIM_PRIVATE_KEY_FILE names ".*missing\.pem", which cannot be read/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs SMTP_URL when mail goes by SMTP', () => {
    expect(problemsOf({ MAIL_TRANSPORT: 'smtp' })).toEqual([
      'MAIL_TRANSPORT=smtp needs SMTP_URL, e.g. SMTP_URL=smtp://mail.council.gov.uk:587',
    ]);
  });

  it('reports checks across settings with every other problem at once, echoing values but not secrets', () => {
    const problems = problemsOf({
      MAIL_TRANSPORT: 'smtp',
      PORT: 'abc',
      UNRETRIEVED_ACTION: 'nuke',
      SEALPOST_KEY_PASSPHRASE: 'x'.repeat(2000),
      METRICS_TOKEN: 'short',
    });
    expect(problems).toContain(
      'MAIL_TRANSPORT=smtp needs SMTP_URL, e.g. SMTP_URL=smtp://mail.council.gov.uk:587',
    );
    expect(problems.join('\n')).toContain('(got "abc")');
    expect(problems.join('\n')).toContain('(got "nuke")');
    expect(problems.join('\n')).not.toContain('short');
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
