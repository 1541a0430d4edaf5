import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BarChart, type ChartProps, LineChart, niceScale } from '../../views/components/charts.tsx';
import { makeJobRun, makeOutboxMail } from '../factories.ts';
import { type AdminHarness, adminHarness } from './admin-support.ts';
import { sharedCipher } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Renders a view function to its HTML text. */
async function render(element: unknown): Promise<string> {
  return String(await String(element));
}

/**
 * Checks that `markup` is well-formed XML as far as an SVG in HTML needs: every element
 * closed in order, attributes quoted, nothing unescaped. Returns the element names seen.
 */
function checkWellFormed(markup: string): string[] {
  const names: string[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|>/g;
  let last = 0;
  for (const m of markup.matchAll(tag)) {
    const between = markup.slice(last, m.index);
    expect(between, 'text between tags').not.toMatch(/[<>]/);
    last = (m.index ?? 0) + m[0].length;
    if (m[0] === '<' || m[0] === '>') throw new Error(`stray ${m[0]} at ${m.index}`);
    const [, closing, name = '', , selfClosing] = m;
    if (closing) {
      expect(open.pop(), `closing </${name}>`).toBe(name);
    } else {
      names.push(name);
      if (!selfClosing) open.push(name);
    }
  }
  expect(open).toEqual([]);
  return names;
}

/** The `<svg>...</svg>` elements of a page. */
function svgsOf(html: string): string[] {
  return [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

const chart = (over: Partial<ChartProps> = {}): ChartProps => ({
  id: 'test-chart',
  title: 'Messages per week',
  description: 'Mostly flat.',
  labels: ['3 Mar', '10 Mar', '17 Mar'],
  labelHeading: 'Week starting',
  tableSummary: 'Show the figures as a table',
  series: [
    { name: 'Sent', colour: '#1d70b8', values: [4, 0, 7] },
    { name: 'Opened', colour: '#00703c', values: [3, 1, null] },
  ],
  ...over,
});

describe('charts', () => {
  it('draws a bar chart as an accessible, well-formed SVG with the figures as a table', async () => {
    const html = await render(BarChart(chart()));
    const [svg] = svgsOf(html);
    expect(svg).toBeDefined();
    const names = checkWellFormed(svg ?? '');
    expect(svg).toMatch(/^<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/^<svg[^>]* role="img"/);
    expect(svg).toMatch(/^<svg[^>]* aria-labelledby="test-chart-title"/);
    expect(svg).toMatch(/^<svg[^>]* aria-describedby="test-chart-desc"/);
    expect(names.slice(0, 3)).toEqual(['svg', 'title', 'desc']);
    expect(svg).toContain('<title id="test-chart-title">Messages per week</title>');
    expect(svg).toContain('<desc id="test-chart-desc">Mostly flat.</desc>');
    // One bar per positive value: 4, 7, 3, 1 (zero and null draw nothing), plus two legend swatches.
    expect(names.filter((n) => n === 'rect')).toHaveLength(6);
    // No style attributes anywhere (CSP style-src 'self'), and no script.
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('NaN');
    // The same figures as a table, with the series as columns.
    expect(html).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--s">Messages per week</caption>',
    );
    expect(html).toMatch(/<th scope="row"[^>]*>3 Mar<\/th><td[^>]*>4<\/td><td[^>]*>3<\/td>/);
    expect(html).toMatch(/<th scope="row"[^>]*>17 Mar<\/th><td[^>]*>7<\/td><td[^>]*><\/td>/);
    expect(html).toContain('<summary class="govuk-details__summary">');
  });

  it('draws a line chart with a gap where a value is missing', async () => {
    const html = await render(
      LineChart(
        chart({
          id: 'line',
          labels: ['a', 'b', 'c', 'd'],
          series: [{ name: 'Hours', colour: '#1d70b8', values: [1.5, 2, null, 4] }],
          missing: 'No opens yet',
          format: (v) => v.toFixed(1),
        }),
      ),
    );
    const [svg] = svgsOf(html);
    const names = checkWellFormed(svg ?? '');
    expect(names.filter((n) => n === 'polyline')).toHaveLength(1);
    expect(names.filter((n) => n === 'circle')).toHaveLength(3);
    expect(html).toMatch(/<th scope="row"[^>]*>c<\/th><td[^>]*>No opens yet<\/td>/);
    expect(html).toMatch(/<th scope="row"[^>]*>a<\/th><td[^>]*>1\.5<\/td>/);
  });

  it('draws an empty chart without dividing by zero', async () => {
    const html = await render(
      BarChart(chart({ series: [{ name: 'Sent', colour: '#1d70b8', values: [0, 0, 0] }] })),
    );
    checkWellFormed(svgsOf(html)[0] ?? '');
    expect(html).not.toContain('NaN');
    expect(html).not.toContain('Infinity');
  });

  it('picks round numbers for the value axis', () => {
    expect(niceScale(0)).toEqual({ top: 4, step: 1 });
    expect(niceScale(7)).toEqual({ top: 8, step: 2 });
    expect(niceScale(95)).toEqual({ top: 100, step: 25 });
    expect(niceScale(1234)).toEqual({ top: 1500, step: 500 });
  });
});

describe('admin dashboard', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await adminHarness(keys.cipher());
  });
  afterEach(() => h.close());

  it('shows sent and opened per week, time to first open, and what needs attention', async () => {
    const start = h.clock.now();
    const sid = await h.addStaff('sid', 'sender');
    const ann = await h.addAccount('ann@example.org');
    const bob = await h.addAccount('bob@example.org');
    // Three weeks ago: a message to two people, one opens it 2 hours later.
    h.clock.set(new Date(start.getTime() - 3 * WEEK + HOUR));
    const first = await h.send({ from: sid, to: [ann.email, bob.email] });
    const [annCopy] = first.deliveryIds;
    const delivery = await h.storage.repos.deliveries.findById({ id: annCopy ?? '' });
    if (!delivery) throw new Error('no delivery');
    await h.storage.repos.deliveries.update({
      delivery: { ...delivery, firstOpenedAt: new Date(h.clock.now().getTime() + 2 * HOUR) },
    });
    // Last week: one more, not opened.
    h.clock.set(new Date(start.getTime() - WEEK + HOUR));
    await h.send({ from: sid, to: [ann.email] });
    h.clock.set(start);

    await h.addAccount('locked@example.org', { lockedUntil: new Date(start.getTime() + HOUR) });
    await h.storage.repos.outbox.insert({ mail: makeOutboxMail({ status: 'failed' }) });
    await h.storage.repos.jobRuns.insert({
      run: makeJobRun({
        job: 'retention-purge',
        startedAt: new Date(start.getTime() - HOUR),
        finishedAt: start,
        status: 'ok',
        counts: { purged: 2 },
        error: null,
      }),
    });

    await h.addStaff('ada', 'admin');
    const cookie = await h.signInAdmin('ada@barnet.gov.uk');
    const res = await h.get('/admin', cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    const svgs = svgsOf(html);
    expect(svgs).toHaveLength(2);
    for (const svg of svgs) {
      checkWellFormed(svg);
      expect(svg).toContain('role="img"');
    }
    expect(html).not.toMatch(/\sstyle=/);
    // The weekly table: 12 weeks; the copies sent three weeks ago and opened that week.
    const rows = [
      ...html.matchAll(
        /<tr class="govuk-table__row"><th scope="row"[^>]*>([^<]+)<\/th>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/g,
      ),
    ];
    const activity = rows
      .slice(0, 12)
      .map((m) => [...(m[2] ?? '').matchAll(/>([^<]*)<\/td>/g)].map((c) => c[1]));
    expect(activity).toHaveLength(12);
    expect(activity[9]).toEqual(['2', '1']);
    expect(activity[11]).toEqual(['1', '0']);
    expect(
      activity
        .filter((_cells, i) => i !== 9 && i !== 11)
        .flat()
        .every((c) => c === '0'),
    ).toBe(true);
    expect(html).toContain('3 copies were sent to recipients and 1 were opened');
    expect(html).toContain('Half of the copies opened were opened within 2 hours');
    expect(html).toMatch(/<th scope="row"[^>]*>[^<]+<\/th><td[^>]*>2<\/td><\/tr>/);
    // What needs attention now.
    expect(html).toMatch(/Accounts locked<\/dt><dd class="govuk-summary-list__value">1</);
    expect(html).toMatch(/Emails that failed<\/dt><dd class="govuk-summary-list__value">1</);
    expect(html).toMatch(/Emails waiting to be sent<\/dt><dd class="govuk-summary-list__value">3</);
    expect(html).toContain('retention-purge');
    expect(html).toContain('purged: 2');
  });
});
