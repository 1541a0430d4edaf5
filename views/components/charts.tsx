import type { Child } from 'hono/jsx';
import { Details } from './details.tsx';
import { Table } from './table.tsx';

/** One series of a chart: its name (in the legend and the table) and a value per label. */
export type ChartSeries = {
  name: string;
  /** One per label; null where there is no value (a gap in a line, no bar). */
  values: Array<number | null>;
  /** A fill or stroke colour (`#rrggbb`) with at least 3:1 contrast on white. */
  colour: string;
};

/** What both charts take. */
export type ChartProps = {
  /** Unique on the page: the chart's `<title>` and `<desc>` ids are made from it. */
  id: string;
  /** What the chart shows; the SVG's accessible name and the table's caption. */
  title: string;
  /** The finding in one or two sentences, for screen readers (the SVG's description). */
  description: string;
  /** The label of each point on the horizontal axis, e.g. the week. */
  labels: string[];
  series: ChartSeries[];
  /** The heading of the table's first column (what the labels are). */
  labelHeading: string;
  /** The summary of the details that hold the table, e.g. "Show the figures as a table". */
  tableSummary: string;
  /** Writes a value on the axis and in the table (whole numbers by default). */
  format?: (value: number) => string;
  /** Written in the table where a value is null. */
  missing?: string;
};

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { top: 16, right: 16, bottom: 64, left: 56 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const TEXT = '#0b0c0c';
const GRID = '#b1b4b6';
const TICKS = 4;

/** The top of the value axis: a round number at or above `max`, and its step. */
export function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: TICKS, step: 1 };
  const rough = max / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  return { top: step * Math.ceil(max / step), step };
}

const round = (n: number) => Math.round(n * 10) / 10;
const defaultFormat = (value: number) => String(Math.round(value));

/**
 * A server-rendered bar chart (one bar per series at each label), with the same
 * figures in a table for anyone who cannot see it. The SVG is one image to assistive
 * technology (`role="img"`, named by its `<title>`, described by its `<desc>`); the
 * table under it, in a details element, is where a screen reader reads the numbers.
 * No script and no style attributes: presentation attributes only, so it passes a CSP
 * without `style-src 'unsafe-inline'` and prints as it shows.
 */
export function BarChart(props: ChartProps) {
  const { top, step } = niceScale(maxOf(props.series));
  const groups = Math.max(props.labels.length, 1);
  const groupW = PLOT_W / groups;
  const barW = (groupW * 0.8) / Math.max(props.series.length, 1);
  const y = (value: number) => MARGIN.top + PLOT_H - (value / top) * PLOT_H;
  return (
    <ChartFrame {...props} top={top} step={step}>
      {props.series.map((series, s) => (
        <g fill={series.colour}>
          {series.values.map((value, i) =>
            value === null || value <= 0 ? null : (
              <rect
                x={round(MARGIN.left + i * groupW + groupW * 0.1 + s * barW)}
                y={round(y(value))}
                width={round(Math.max(barW - 1, 1))}
                height={round(MARGIN.top + PLOT_H - y(value))}
              />
            ),
          )}
        </g>
      ))}
    </ChartFrame>
  );
}

/**
 * A server-rendered line chart (a line per series, a dot at each value, a gap where a
 * value is null), with the same figures in a table: see `BarChart`.
 */
export function LineChart(props: ChartProps) {
  const { top, step } = niceScale(maxOf(props.series));
  const groups = Math.max(props.labels.length, 1);
  const groupW = PLOT_W / groups;
  const x = (i: number) => round(MARGIN.left + i * groupW + groupW / 2);
  const y = (value: number) => round(MARGIN.top + PLOT_H - (value / top) * PLOT_H);
  return (
    <ChartFrame {...props} top={top} step={step}>
      {props.series.map((series) => (
        <g>
          {segments(series.values).map((run) =>
            run.length > 1 ? (
              <polyline
                fill="none"
                stroke={series.colour}
                stroke-width="3"
                points={run.map(([i, v]) => `${x(i)},${y(v)}`).join(' ')}
              />
            ) : null,
          )}
          {series.values.map((value, i) =>
            value === null ? null : <circle cx={x(i)} cy={y(value)} r="4" fill={series.colour} />,
          )}
        </g>
      ))}
    </ChartFrame>
  );
}

/** The runs of consecutive values between the gaps, as [index, value] pairs. */
function segments(values: Array<number | null>): Array<Array<[number, number]>> {
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  values.forEach((value, i) => {
    if (value === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push([i, value]);
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

function maxOf(series: ChartSeries[]): number {
  let max = 0;
  for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
  return max;
}

/** What both charts share: the SVG with axes, grid and legend, then the table. */
function ChartFrame(props: ChartProps & { top: number; step: number; children?: Child }) {
  const format = props.format ?? defaultFormat;
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  const groups = Math.max(props.labels.length, 1);
  const groupW = PLOT_W / groups;
  const ticks = Array.from({ length: Math.round(props.top / props.step) + 1 }, (_, n) => n);
  const baseline = MARGIN.top + PLOT_H;
  const legendY = HEIGHT - 14;
  return (
    <figure class="sp-chart govuk-!-margin-0 govuk-!-margin-bottom-6">
      <svg
        xmlns="http://www.w3.org/2000/svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby={titleId}
        aria-describedby={descId}
        focusable="false"
        font-family="Arial, sans-serif"
        font-size="12"
        class="sp-chart__image"
      >
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{props.description}</desc>
        <g stroke={GRID} stroke-width="1">
          {ticks.map((n) => {
            const ty = round(baseline - ((n * props.step) / props.top) * PLOT_H);
            return <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={ty} y2={ty} />;
          })}
        </g>
        <g fill={TEXT} text-anchor="end">
          {ticks.map((n) => {
            const ty = round(baseline - ((n * props.step) / props.top) * PLOT_H);
            return (
              <text x={MARGIN.left - 6} y={ty + 4}>
                {format(n * props.step)}
              </text>
            );
          })}
        </g>
        {props.children}
        <line
          x1={MARGIN.left}
          x2={WIDTH - MARGIN.right}
          y1={baseline}
          y2={baseline}
          stroke={TEXT}
          stroke-width="1"
        />
        <g fill={TEXT} text-anchor="middle" font-size="11">
          {props.labels.map((label, i) => (
            <text x={round(MARGIN.left + i * groupW + groupW / 2)} y={baseline + 16}>
              {label}
            </text>
          ))}
        </g>
        <g fill={TEXT}>
          {props.series.map((series, s) => (
            <g>
              <rect
                x={MARGIN.left + s * 160}
                y={legendY - 10}
                width="12"
                height="12"
                fill={series.colour}
              />
              <text x={MARGIN.left + s * 160 + 18} y={legendY}>
                {series.name}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <Details summary={props.tableSummary}>
        <Table
          caption={props.title}
          captionSize="s"
          head={[
            { text: props.labelHeading },
            ...props.series.map((s) => ({ text: s.name, numeric: true })),
          ]}
          firstCellIsHeader
          rows={props.labels.map((label, i) => ({
            cells: [
              { text: label },
              ...props.series.map((s) => {
                const value = s.values[i] ?? null;
                return {
                  text: value === null ? (props.missing ?? '') : format(value),
                  numeric: true,
                };
              }),
            ],
          }))}
        />
      </Details>
    </figure>
  );
}
