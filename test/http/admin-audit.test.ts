import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../core/audit/model.ts';
import { recordAudit } from '../../core/audit/record.ts';
import { type AdminHarness, adminHarness } from './admin-support.ts';
import { sharedCipher } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const DAY = 86_400_000;

describe('admin audit log', () => {
  let h: AdminHarness;
  let cookie: string;
  beforeEach(async () => {
    h = await adminHarness(keys.cipher());
    await h.addStaff('ada', 'admin');
    cookie = await h.signInAdmin('ada@barnet.gov.uk');
  });
  afterEach(() => h.close());

  /** Appends an event at the clock's current time, or `at`. */
  const record = (entry: Partial<AuditEntry> & Pick<AuditEntry, 'action'>, at?: Date) =>
    recordAudit({ ...h.sealpost, clock: { now: () => at ?? h.clock.now() } }, h.storage.repos, {
      actorId: null,
      actorLabel: null,
      ip: '192.0.2.7',
      targetType: null,
      targetId: null,
      details: {},
      ...entry,
    });

  /** The table rows of a page (the audit table's body). */
  const rowsOf = (html: string) =>
    (
      /<table class="govuk-table sp-audit-table">[\s\S]*?<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(
        html,
      )?.[1] ?? ''
    )
      .split('</tr>')
      .filter((row) => row.includes('<td'));

  it('finds events by person, target, action and dates', async () => {
    const sid = await h.addStaff('sid', 'sender');
    const ann = await h.addAccount('ann@example.org');
    const { messageId } = await h.send({ from: sid, to: [ann.email] });
    const later = new Date(h.clock.now().getTime() + 2 * DAY);
    await record(
      {
        action: 'message.open',
        actorId: ann.id,
        actorLabel: ann.email,
        targetType: 'message',
        targetId: messageId,
      },
      later,
    );
    await record({ action: 'job.run', actorLabel: 'retention-purge', details: { purged: 3 } });

    const search = async (query: string) => {
      const res = await h.get(`/admin/audit?${query}`, cookie);
      expect(res.status, query).toBe(200);
      return res.text();
    };
    const bySid = rowsOf(await search(`actor=${encodeURIComponent('SID@barnet.gov.uk')}`));
    expect(bySid.length).toBeGreaterThan(0);
    expect(bySid.every((row) => row.includes('sid@barnet.gov.uk'))).toBe(true);
    expect(bySid.some((row) => row.includes('Message sent'))).toBe(true);
    expect(bySid.some((row) => row.includes('Message opened'))).toBe(false);
    const byJob = rowsOf(await search('actor=retention-purge'));
    expect(byJob).toHaveLength(1);
    expect(byJob[0]).toContain('purged: 3');
    const byMessage = rowsOf(await search(`target=${messageId}`));
    expect(byMessage.some((row) => row.includes('Message opened'))).toBe(true);
    expect(byMessage.every((row) => row.includes(messageId))).toBe(true);
    const opens = rowsOf(await search('action=message.open'));
    expect(opens).toHaveLength(1);
    expect(opens[0]).toContain('ann@example.org');
    expect(opens[0]).toContain('192.0.2.7');
    // The send was on 3 March; the open on 5 March (UK time).
    const onThird = await search('action=message.send&from=2025-03-03&to=3/3/2025');
    expect(rowsOf(onThird)).toHaveLength(1);
    expect(rowsOf(await search('action=message.send&from=2025-03-04'))).toHaveLength(0);
    expect(rowsOf(await search('action=message.open&to=2025-03-04'))).toHaveLength(0);
  });

  it('finds a deleted person by the address their events were recorded with', async () => {
    await record({
      action: 'account.signin',
      actorId: 'gone-account',
      actorLabel: 'left@barnet.gov.uk',
    });
    const rows = rowsOf(
      await (await h.get('/admin/audit?actor=left%40barnet.gov.uk', cookie)).text(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('Signed in');
  });

  it('shows problems with the search beside its fields (400)', async () => {
    const res = await h.get('/admin/audit?from=31/02/2025&to=2025-13-01&action=steal', cookie);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Enter the from date as a real date');
    expect(html).toContain('Enter the to date as a real date');
    expect(html).toContain('Choose what happened from the list');
    expect(html).toContain('value="31/02/2025"');
    const backwards = await h.get('/admin/audit?from=2025-03-05&to=2025-03-01', cookie);
    expect(backwards.status).toBe(400);
    expect(await backwards.text()).toContain('must be the same as or after the from date');
  });

  it('pages through events newest first, and back', async () => {
    for (let n = 1; n <= 60; n++) {
      await record({ action: 'job.run', actorLabel: 'housekeeping', details: { n } });
    }
    const first = await (await h.get('/admin/audit?actor=housekeeping', cookie)).text();
    const firstRows = rowsOf(first);
    expect(firstRows).toHaveLength(50);
    expect(firstRows[0]).toContain('n: 60');
    expect(first).not.toContain('rel="prev"');
    const next = /href="(\/admin\/audit\?[^"]*older=\d+[^"]*)" rel="next"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await (await h.get((next ?? '').replaceAll('&amp;', '&'), cookie)).text();
    const secondRows = rowsOf(second);
    expect(secondRows).toHaveLength(10);
    expect(secondRows[0]).toContain('n: 10');
    expect(secondRows[9]).toContain('n: 1<');
    expect(second).not.toContain('rel="next"');
    const prev = /href="(\/admin\/audit\?[^"]*newer=\d+[^"]*)" rel="prev"/.exec(second)?.[1];
    const back = await (await h.get((prev ?? '').replaceAll('&amp;', '&'), cookie)).text();
    expect(rowsOf(back)).toEqual(firstRows);
  });

  it('exports the same search as CSV, safe to open in a spreadsheet', async () => {
    await record({
      action: 'account.signin-failed',
      actorLabel: '=HYPERLINK("http://evil.example","click")',
      details: { note: '@SUM(1)', plain: 'fine' },
    });
    await record({ action: 'job.run', actorLabel: 'housekeeping' });
    const res = await h.get('/admin/audit.csv?action=account.signin-failed', cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="sealpost-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(
      'seq,id,at,action,actorId,actorLabel,ip,targetType,targetId,details,prevHash,hash',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(lines[1]).not.toMatch(/,=/);
    expect(lines[1]).not.toContain('housekeeping');

    // Auditors may download it too.
    await h.addStaff('audrey', 'auditor');
    const auditor = await h.signIn('audrey@barnet.gov.uk');
    const theirs = await h.get('/admin/audit.csv?actor=housekeeping', auditor);
    expect(theirs.status).toBe(200);
    const theirLines = (await theirs.text()).split('\r\n').filter(Boolean);
    expect(theirLines).toHaveLength(2);
    expect(theirLines[1]).toContain('job.run');

    // Each download is on record: who, what format, which filter.
    const exports = await h.storage.repos.audit.list({
      filter: { action: 'audit.export' },
      limit: 10,
    });
    expect(exports.map((e) => [e.actorLabel, e.details.format, e.details.action])).toEqual(
      expect.arrayContaining([
        ['audrey@barnet.gov.uk', 'csv', null],
        [expect.any(String), 'csv', 'account.signin-failed'],
      ]),
    );
    expect(exports).toHaveLength(2);
  });
});
