import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startServe, stop, tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const STACK_LINE = /^\s+at /m;

describe('sealpost CLI', () => {
  it('lists every configuration problem and exits 2 without a stack trace', async () => {
    const result = await runCli(['serve'], {
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      DATA_DIR: tempDir(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PORT must be a whole number');
    expect(result.stderr).toContain('DATABASE_URL "mysql://..." is not supported');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('answers an unknown command or flag with one line and exit 2', async () => {
    const unknown = await runCli(['frobnicate'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const badFlag = await runCli(['migrate', '--nope'], { DATA_DIR: tempDir() });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr.trim().split('\n')).toHaveLength(1);
    expect(badFlag.stderr).toContain("Unknown option '--nope'");
    const missing = await runCli(['admin', 'create', '--name', 'X'], { DATA_DIR: tempDir() });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      "sealpost admin create: --email is required (see 'sealpost help')",
    );
  });

  it('prints help', async () => {
    const result = await runCli(['help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('admin create --email E --name N');
  });

  it('creates an admin with a one-time set-password link, and refuses a second with the same address', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, PUBLIC_URL: 'https://sealpost.example.gov.uk' };
    const first = await runCli(
      ['admin', 'create', '--email', 'It.Admin@Example.GOV.uk', '--name', 'IT Admin'],
      env,
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created admin It.Admin@example.gov.uk.');
    expect(first.stdout).toMatch(
      /https:\/\/sealpost\.example\.gov\.uk\/set-password\/[a-z2-7]{26}\.[a-z2-7]{26}/,
    );
    const again = await runCli(
      ['admin', 'create', '--email', 'it.admin@example.gov.uk', '--name', 'Again'],
      env,
    );
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(
      'sealpost admin create: An account with this email address already exists.',
    );
  });

  it('serves on SQLite under DATA_DIR, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const server = await startServe({ DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    try {
      // The time to healthy is a figure, not an assertion: the machines are shared and
      // noisy (the README's 5-second promise is checked by hand and by the bench).
      console.info(`sealpost serve answered /healthz after ${server.readyMs} ms`);
      expect(existsSync(path.join(dataDir, 'sealpost.db'))).toBe(true);
      // The org key pair is made at first start, ready to be backed up.
      expect(existsSync(path.join(dataDir, 'keys', 'org-key-0001.asc'))).toBe(true);
      // Logged just after the server starts listening, so it may trail /healthz a little.
      await expect.poll(server.output, { timeout: 5_000 }).toContain('lifecycle jobs scheduled');
      const res = await fetch(`${server.url}/healthz`);
      expect(await res.json()).toEqual({ status: 'ok' });
      expect(res.headers.get('x-request-id')).toMatch(/.+/);
    } finally {
      expect(await stop(server.child)).toBe(0);
    }
  });

  it('runs no lifecycle jobs with JOBS=off, and says so', async () => {
    const server = await startServe({ DATA_DIR: tempDir(), LOG_LEVEL: 'info', JOBS: 'off' });
    try {
      await expect
        .poll(server.output, { timeout: 5_000 })
        .toContain('lifecycle jobs are off on this node (JOBS=off)');
      expect(server.output()).not.toContain('lifecycle jobs scheduled');
    } finally {
      expect(await stop(server.child)).toBe(0);
    }
  });

  describe.runIf(postgresAvailable('CLI on PostgreSQL'))('on PostgreSQL', () => {
    const dbs: Array<{ drop: () => Promise<void> }> = [];
    afterAll(async () => {
      for (const db of dbs) await db.drop();
    });

    it('migrates and serves the same app', async () => {
      const db = await createTestDatabase('sealpost_cli');
      dbs.push(db);
      const server = await startServe({ DATA_DIR: tempDir(), DATABASE_URL: db.url });
      try {
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      } finally {
        expect(await stop(server.child)).toBe(0);
      }
    });
  });
});
