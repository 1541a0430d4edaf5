// `sealpost subject export` and `sealpost subject erase` as an admin runs them: the
// export lands in a new private folder, the erasure reports what went, and a second
// export finds nothing.

import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.ts';
import { seedSender, sendByCli } from '../support/cli-send.ts';

const dataDir = tempDir('sealpost-subject-cli-');
const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: 'subject cli test passphrase' };

beforeAll(async () => {
  await seedSender(dataDir);
  const attachment = path.join(dataDir, 'body.txt');
  writeFileSync(attachment, 'Your appointment is on Tuesday.');
  await sendByCli(env, {
    to: 'ann@example.org',
    subject: 'Appointment',
    body: 'Your appointment is on Tuesday.',
    attach: [attachment],
  });
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('sealpost subject', () => {
  it('exports to a new folder, erases, and then finds nothing', async () => {
    const out = path.join(dataDir, 'sar-1');
    const exported = await runCli(
      ['subject', 'export', '--email', 'ann@example.org', '--out', out],
      env,
    );
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/Exported \d+ files .*: 1 messages received, 0 sent/);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const received = readdirSync(path.join(out, 'messages/received'));
    expect(received).toHaveLength(1);
    const eml = readFileSync(path.join(out, 'messages/received', received[0] as string), 'utf8');
    expect(eml).toContain('Subject: Appointment');
    expect(eml).toContain(Buffer.from('Your appointment is on Tuesday.').toString('base64'));
    expect(statSync(path.join(out, 'index.json')).mode & 0o777).toBe(0o600);

    const erased = await runCli(['subject', 'erase', '--email', 'ann@example.org'], env);
    expect(erased.code).toBe(0);
    expect(erased.stdout).toContain('their copies of messages to them: 1');

    const again = path.join(dataDir, 'sar-2');
    const second = await runCli(
      ['subject', 'export', '--email', 'ann@example.org', '--out', again],
      env,
    );
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('Sealpost holds nothing about that address.');
    expect(existsSync(again)).toBe(false);
  });
});
