// `sealpost keys rotate` then `sealpost keys reencrypt` on an installation with real
// messages: every message still reads afterwards, subject, body and file, as a subject
// access export (which decrypts everything the app holds about a person) shows.

import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.ts';
import { seedSender, sendByCli } from '../support/cli-send.ts';

const dataDir = tempDir('sealpost-rotate-read-');
const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: 'rotate and read passphrase' };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const send = (subject: string, body: string, attachment: string) =>
  sendByCli(env, { to: 'ann@example.org', subject, body, attach: [attachment] });

describe('keys rotate and reencrypt, then reading', () => {
  it('leaves every message readable: before the rotation, between, and after', async () => {
    await seedSender(dataDir);
    const file = path.join(dataDir, 'plan.csv');
    writeFileSync(file, 'week,visits\n1,3\n2,4\n');

    await send('Before rotation', 'Written under the first key.', file);
    expect((await runCli(['keys', 'rotate'], env)).code).toBe(0);
    await send('After rotation', 'Written under the second key.', file);
    const reencrypted = await runCli(['keys', 'reencrypt'], env);
    expect(reencrypted.code).toBe(0);
    expect(
      (await runCli(['keys', 'list'], env)).stdout.match(/^[* ] [0-9a-f]{40} /gm),
    ).toHaveLength(2);

    const out = path.join(dataDir, 'sar');
    const exported = await runCli(
      ['subject', 'export', '--email', 'ann@example.org', '--out', out],
      env,
    );
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/2 messages received/);
    const received = path.join(out, 'messages/received');
    const emls = readdirSync(received).map((name) =>
      readFileSync(path.join(received, name), 'utf8'),
    );
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    for (const [subject, body] of [
      ['Before rotation', 'Written under the first key.'],
      ['After rotation', 'Written under the second key.'],
    ]) {
      const eml = emls.find((e) => e.includes(`Subject: ${subject}`));
      expect(eml, subject).toBeDefined();
      expect(eml).toContain(b64(body as string));
      expect(eml).toContain(b64('week,visits\n1,3\n2,4\n'));
    }
  }, 90_000);
});
