// `sealpost audit verify` and `sealpost audit export` as an admin runs them.

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { sealAuditEvent } from '../../core/audit/chain.ts';
import { makeAccount, makeAuditEntry } from '../factories.ts';
import { runCli, tempDir } from '../support/cli.ts';

const dataDir = tempDir('sealpost-audit-cli-');
const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: 'audit cli test passphrase' };
const out = (name: string) => path.join(dataDir, name);
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  const storage = sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });
  await storage.migrate();
  const ann = makeAccount({ email: 'ann@example.org' });
  await storage.repos.accounts.insert({ account: ann });
  const days = [
    '2026-01-01T09:00:00Z',
    '2026-01-02T09:00:00Z',
    '2026-01-02T18:00:00Z',
    '2026-01-03T09:00:00Z',
  ];
  for (const [i, day] of days.entries()) {
    const entry = makeAuditEntry({
      actorId: i === 2 ? randomUUID() : ann.id,
      actorLabel: ann.email,
    });
    await storage.repos.audit.append({
      entry,
      seal: (prev) =>
        sealAuditEvent({ entry, prev, id: randomUUID(), at: new Date(day), sha256Hex }),
    });
  }
  await storage.close();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('sealpost audit', () => {
  it('verifies, exports with filters, refuses to overwrite, then names a tampered event', async () => {
    const verified = await runCli(['audit', 'verify'], env);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toContain('audit trail intact: 4 events');
    const head = /head (\d+:[0-9a-f]{64})/.exec(verified.stdout)?.[1];
    expect(head).toMatch(/^4:/);

    // One after the other: each export first records itself (`audit.export`).
    const csv = await runCli(['audit', 'export', '--format', 'csv', '--out', out('all.csv')], env);
    const jsonl = await runCli(
      [
        'audit',
        'export',
        '--format',
        'jsonl',
        '--out',
        out('ann.jsonl'),
        '--actor',
        'ANN@example.org',
        '--from',
        '2026-01-02',
        '--to',
        '2026-01-02',
      ],
      env,
    );
    expect(csv).toMatchObject({ code: 0 });
    // The four, and the export's own record of itself.
    expect(csv.stdout).toContain('Wrote 5 audit events');
    const rows = readFileSync(out('all.csv'), 'utf8').split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(6);
    expect(rows[5]).toMatch(/^5,[^,]+,[^,]+,audit\.export,,cli:sealpost audit export,/);
    expect(jsonl).toMatchObject({ code: 0 });
    // Ann's events of 2 January (`--to` includes the whole day); the third was someone else's.
    const seqs = readFileSync(out('ann.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).seq);
    expect(seqs).toEqual([2]);

    const db = new Database(path.join(dataDir, 'sealpost.db'));
    db.exec(`update audit_events set at = at + 1 where seq = 3`);
    db.close();
    const [again, broken, anchored, bad] = await Promise.all([
      runCli(['audit', 'export', '--format', 'csv', '--out', out('all.csv')], env),
      runCli(['audit', 'verify'], env),
      runCli(['audit', 'verify', '--anchor', head ?? ''], env),
      runCli(['audit', 'export', '--format', 'xml', '--out', out('x')], env),
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('audit trail BROKEN at event 3: event altered');
    expect(anchored.code).toBe(1);
    expect(bad.code).toBe(2);
    expect(existsSync(out('x'))).toBe(false);
  });
});
