// Exporting the audit trail: CSV a spreadsheet opens safely, JSON lines exact enough to
// check the chain again from the file alone, filters by actor, target and time.

import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeSecrets } from '../../adapters/security/secrets.ts';
import { findBrokenLink } from '../../core/audit/chain.ts';
import { csvField, exportAudit } from '../../core/audit/export.ts';
import type { AuditEvent } from '../../core/audit/model.ts';
import { recordAudit } from '../../core/audit/record.ts';
import type { AuditFilter } from '../../core/storage/ports.ts';
import { makeAuditEntry } from '../factories.ts';
import { type LifecycleHarness, lifecycleHarness } from '../lifecycle/support.ts';

let h: LifecycleHarness;
const secrets = nodeSecrets({ signingKey: randomBytes(32) });
const ann = randomUUID();
const target = randomUUID();

beforeEach(async () => {
  h = await lifecycleHarness();
  const days = [
    '2026-01-01T09:00:00Z',
    '2026-01-02T09:00:00Z',
    '2026-01-02T23:59:59Z',
    '2026-01-03T00:00:00Z',
  ];
  for (const [i, day] of days.entries()) {
    const deps = { ids: { newId: randomUUID }, clock: { now: () => new Date(day) }, secrets };
    await h.storage.transaction((tx) =>
      recordAudit(
        deps,
        tx,
        makeAuditEntry({
          actorId: i % 2 === 0 ? ann : randomUUID(),
          actorLabel: i === 1 ? '=HYPERLINK("http://evil.example")' : 'ann@example.org',
          targetId: i === 3 ? target : randomUUID(),
          details: { note: 'has, a comma and "quotes"\nand a line', n: i },
        }),
      ),
    );
  }
});
afterEach(async () => {
  await h.close();
});

async function lines(format: 'csv' | 'jsonl', filter?: AuditFilter, batchSize = 2) {
  const out: string[] = [];
  for await (const line of exportAudit(h, { format, batchSize, ...(filter ? { filter } : {}) })) {
    out.push(line);
  }
  return out;
}

/** JSON lines read back as events (dates revived). */
const parse = (line: string): AuditEvent => {
  const record = JSON.parse(line) as AuditEvent & { at: string };
  return { ...record, at: new Date(record.at) };
};

describe('audit export', () => {
  it('writes JSON lines from which the chain can be checked again', async () => {
    const out = await lines('jsonl');
    expect(out).toHaveLength(4);
    expect(out.every((l) => l.endsWith('\n'))).toBe(true);
    const events = out.map(parse);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const sha256Hex = (text: string) => secrets.hashToken({ value: text });
    expect(findBrokenLink({ events, prev: null, sha256Hex })).toBeNull();
    const edited = events.map((e) => (e.seq === 3 ? { ...e, ip: '203.0.113.1' } : e));
    expect(findBrokenLink({ events: edited, prev: null, sha256Hex })).toEqual({
      seq: 3,
      reason: 'event altered',
    });
  });

  it('writes CSV with a header, quoted fields and no formulas', async () => {
    const out = await lines('csv');
    expect(out[0]).toBe(
      'seq,id,at,action,actorId,actorLabel,ip,targetType,targetId,details,prevHash,hash\r\n',
    );
    expect(out).toHaveLength(5);
    expect(out[2]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    // Details as JSON in one quoted field: its quotes doubled, its newline escaped by JSON.
    expect(out[1]).toContain('""note"":""has, a comma and \\""quotes\\""\\nand a line""');
    expect(out[1]?.split('\r\n')).toHaveLength(2);
    expect(csvField(null)).toBe('');
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('plain')).toBe('plain');
    expect(csvField(42)).toBe('42');
  });

  it('filters by actor, target and a half-open time range', async () => {
    const seqs = async (filter: AuditFilter) =>
      (await lines('jsonl', filter)).map((l) => parse(l).seq);
    expect(await seqs({ actorId: ann })).toEqual([1, 3]);
    expect(await seqs({ targetId: target })).toEqual([4]);
    expect(
      await seqs({ from: new Date('2026-01-02T00:00:00Z'), to: new Date('2026-01-03T00:00:00Z') }),
    ).toEqual([2, 3]);
    expect(await seqs({ actorId: ann, from: new Date('2026-01-02T00:00:00Z') })).toEqual([3]);
  });
});
