// `sealpost hold` as an admin runs it: a hold on a person stops their erasure, a hold on
// a message keeps that message through an erasure, and every request is audited.

import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { seedSender, sendByCli } from '../support/cli-send.ts';

const dataDir = tempDir('sealpost-hold-cli-');
const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: 'hold cli test passphrase' };
let messageId = '';

beforeAll(async () => {
  await seedSender(dataDir);
  messageId = await sendByCli(env, {
    to: 'ann@example.org',
    subject: 'Case',
    body: 'The case file.',
  });
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function auditActions(): Promise<string[]> {
  const storage = sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });
  try {
    const events = await storage.repos.audit.list({ filter: {}, limit: 1_000 });
    return events.map((e) => e.action).filter((a) => a.startsWith('legal-hold.'));
  } finally {
    await storage.close();
  }
}

describe('sealpost hold', () => {
  it('holds a person against erasure, then a message through one, and audits each request', async () => {
    const onPerson = await runCli(['hold', 'set', '--email', 'Ann@Example.org'], env);
    expect(onPerson).toMatchObject({ code: 0, stderr: '' });
    expect(onPerson.stdout).toMatch(/^Legal hold placed on the person Ann@Example.org/);
    const refused = await runCli(['subject', 'erase', '--email', 'ann@example.org'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('under a legal hold');

    const lifted = await runCli(['hold', 'clear', '--email', 'ann@example.org'], env);
    expect(lifted.stdout).toMatch(/^Legal hold lifted from the person/);

    const onMessage = await runCli(['hold', 'set', '--message', messageId], env);
    expect(onMessage.stdout).toMatch(new RegExp(`^Legal hold placed on message ${messageId}`));
    const again = await runCli(['hold', 'set', '--message', messageId], env);
    expect(again.stdout).toMatch(/^No change: .* was already under a legal hold/);

    const erased = await runCli(['subject', 'erase', '--email', 'ann@example.org'], env);
    expect(erased.code).toBe(0);
    expect(erased.stdout).toContain(
      `Kept under legal hold (not touched): 1 messages: ${messageId}`,
    );

    expect(await auditActions()).toEqual([
      'legal-hold.set',
      'legal-hold.clear',
      'legal-hold.set',
      'legal-hold.set',
    ]);
  }, 60_000);

  it('answers a wrong call with one line and a non-zero exit', async () => {
    const unknown = await runCli(['hold', 'set', '--message', 'no-such-message'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      'sealpost hold set: Sealpost has no message with that id; nothing was changed.',
    ]);
    for (const argv of [
      ['hold', 'set'],
      ['hold', 'set', '--message', 'x', '--email', 'a@b.org'],
      ['hold', 'place', '--message', 'x'],
      ['hold', 'clear', '--colour', 'red'],
    ]) {
      const res = await runCli(argv, env);
      expect(res.code, argv.join(' ')).toBe(2);
      expect(res.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(res.stderr).toMatch(/^sealpost hold/);
    }
  }, 60_000);
});
