// `sealpost send` as a script runs it: the message id on stdout, every recipient and
// option stored, and each kind of bad input answered with one line and exit 2.

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { makeStaff } from '../factories.ts';
import { runCli, tempDir } from '../support/cli.ts';

const dataDir = tempDir('sealpost-send-cli-');
const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: 'send cli test passphrase' };
const file = path.join(dataDir, 'letter.pdf');
const DAY = 86_400_000;

const openStorage = () => sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });

beforeAll(async () => {
  const storage = openStorage();
  await storage.migrate();
  await storage.repos.accounts.insert({ account: makeStaff({ email: 'officer@barnet.gov.uk' }) });
  await storage.repos.accounts.insert({
    account: makeStaff({ email: 'auditor@barnet.gov.uk', role: 'auditor' }),
  });
  await storage.close();
  writeFileSync(file, '%PDF-1.4 a letter');
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('sealpost send', () => {
  it('reads the body from standard input, sends to To and Cc with the options, and prints the id', async () => {
    const before = Date.now();
    const sent = await runCli(
      [
        'send',
        '--from',
        'Officer@Barnet.gov.uk',
        '--to',
        'ann@example.org',
        '--to',
        'bob@example.org',
        '--cc',
        'manager@barnet.gov.uk',
        '--subject',
        'Your letter',
        '--attach',
        file,
        '--read-only',
        '--expires-days',
        '7',
      ],
      env,
      { input: 'Please read the attached letter.\n' },
    );
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const id = sent.stdout.trim();
    expect(id).toMatch(/^[A-Za-z0-9_-]{10,}$/);

    const storage = openStorage();
    try {
      const message = await storage.repos.messages.findById({ id });
      expect(message).toMatchObject({ source: 'cli', readOnly: true, secondFactorRequired: false });
      const deliveries = await storage.repos.deliveries.listForMessage({ messageId: id });
      expect(deliveries.map((d) => d.recipientEmail).sort()).toEqual([
        'ann@example.org',
        'bob@example.org',
        'manager@barnet.gov.uk',
      ]);
      for (const d of deliveries) {
        const days = ((d.accessEndsAt?.getTime() ?? 0) - before) / DAY;
        expect(days).toBeGreaterThan(6.9);
        expect(days).toBeLessThan(7.1);
      }
      const files = await storage.repos.attachments.listForMessage({ messageId: id });
      expect(files.map((f) => [f.size, f.contentType])).toEqual([[17, 'application/pdf']]);
      // The subject is stored encrypted, not as typed.
      expect(JSON.stringify(message)).not.toContain('Your letter');
    } finally {
      await storage.close();
    }
  }, 30_000);

  it('answers each kind of bad input with one line and exit 2, sending nothing', async () => {
    const base = ['send', '--from', 'officer@barnet.gov.uk', '--subject', 'S'];
    const cases: Array<[string[], RegExp]> = [
      [['send', '--to', 'a@example.org', '--subject', 'S'], /--from is required/],
      [[...base], /--to is required/],
      [[...base, '--to', 'not an address'], /sealpost send: .*valid/i],
      [[...base, '--to', 'a@example.org', '--expires-days', '0'], /--expires-days must be/],
      [
        [...base, '--to', 'a@example.org', '--attach', '/nonexistent.pdf'],
        /cannot read attachment/,
      ],
      [[...base, '--to', 'a@example.org', '--colour', 'red'], /^sealpost send: /],
      [
        ['send', '--from', 'auditor@barnet.gov.uk', '--to', 'a@example.org', '--subject', 'S'],
        /is not an active staff sender/,
      ],
      [
        ['send', '--from', 'nobody@barnet.gov.uk', '--to', 'a@example.org', '--subject', 'S'],
        /is not an active staff sender/,
      ],
    ];
    const storage = openStorage();
    const count = async () =>
      (await storage.repos.audit.list({ filter: { action: 'message.send' }, limit: 100 })).length;
    try {
      const sentBefore = await count();
      // The first test's message is counted, so the count can tell a send apart.
      expect(sentBefore).toBe(1);
      for (const [argv, message] of cases) {
        const res = await runCli(argv, env, { input: 'body' });
        expect(res.code, argv.join(' ')).toBe(2);
        const lines = res.stderr.trim().split('\n');
        expect(lines, argv.join(' ')).toHaveLength(1);
        expect(lines[0], argv.join(' ')).toMatch(message);
        expect(res.stdout).toBe('');
      }
      expect(await count()).toBe(sentBefore);
    } finally {
      await storage.close();
    }
  }, 60_000);

  it('marks the message "second factor required" with --second-factor', async () => {
    const sent = await runCli(
      [
        'send',
        '--from',
        'officer@barnet.gov.uk',
        '--to',
        'ann@example.org',
        '--subject',
        'Your care plan',
        '--second-factor',
      ],
      env,
      { input: 'The plan.\n' },
    );
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const storage = openStorage();
    try {
      const message = await storage.repos.messages.findById({ id: sent.stdout.trim() });
      expect(message).toMatchObject({ source: 'cli', secondFactorRequired: true });
    } finally {
      await storage.close();
    }
  }, 30_000);
});
